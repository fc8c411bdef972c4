//! A structural check of CSV text before polars reads it, so that a bad file
//! is reported the way a statistician can act on it: file, row and column.
//!
//! It follows RFC 4180 (comma-separated, optional double-quoted fields with
//! `""` as an escaped quote, CRLF or LF line ends) and checks that every
//! record has as many fields as the header, that quotes are balanced and
//! placed at field starts, and that every field is valid UTF-8 (unless the
//! trial declares Latin-1, in which case the text is transcoded).

use super::problem::Problem;

/// Check `bytes` (the whole file) and return at most `limit` problems.
/// Rows are data rows counted from 1 (the header is row 0).
pub fn scan(file: &str, bytes: &[u8], utf8: bool, limit: usize) -> Vec<Problem> {
    let mut problems = Vec::new();
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        problems.push(Problem::file(file, "the file is empty"));
        return problems;
    }
    let mut header: Vec<String> = Vec::new();
    let mut fields: Vec<(usize, usize)> = Vec::new(); // byte ranges of the current record's fields
    let mut row = 0usize;
    let mut i = 0usize;
    let n = bytes.len();
    let push = |problems: &mut Vec<Problem>, p: Problem| {
        if problems.len() < limit {
            problems.push(p);
        }
    };
    while i < n {
        // Parse one record.
        fields.clear();
        let mut record_ok = true;
        loop {
            let start = i;
            if i < n && bytes[i] == b'"' {
                // Quoted field.
                i += 1;
                let mut closed = false;
                while i < n {
                    if bytes[i] == b'"' {
                        if i + 1 < n && bytes[i + 1] == b'"' {
                            i += 2;
                            continue;
                        }
                        closed = true;
                        i += 1;
                        break;
                    }
                    i += 1;
                }
                if !closed {
                    push(
                        &mut problems,
                        Problem::at(
                            file,
                            row,
                            column_name(&header, fields.len()),
                            "a quoted field is not closed (a '\"' is missing)",
                        ),
                    );
                    return problems;
                }
                if i < n && !matches!(bytes[i], b',' | b'\n' | b'\r') {
                    push(
                        &mut problems,
                        Problem::at(
                            file,
                            row,
                            column_name(&header, fields.len()),
                            "text follows a closing quote (quote the whole field, and double any '\"' inside it)",
                        ),
                    );
                    record_ok = false;
                    while i < n && !matches!(bytes[i], b',' | b'\n' | b'\r') {
                        i += 1;
                    }
                }
            } else {
                while i < n && !matches!(bytes[i], b',' | b'\n' | b'\r') {
                    if bytes[i] == b'"' && record_ok {
                        push(
                            &mut problems,
                            Problem::at(
                                file,
                                row,
                                column_name(&header, fields.len()),
                                "a '\"' inside an unquoted field (quote the field and double the '\"')",
                            ),
                        );
                        record_ok = false;
                    }
                    i += 1;
                }
            }
            fields.push((start, i));
            if i < n && bytes[i] == b',' {
                i += 1;
                continue;
            }
            // End of record.
            if i < n && bytes[i] == b'\r' {
                i += 1;
            }
            if i < n && bytes[i] == b'\n' {
                i += 1;
            }
            break;
        }
        if utf8 {
            for (k, &(s, e)) in fields.iter().enumerate() {
                if let Err(err) = std::str::from_utf8(&bytes[s..e]) {
                    let at = s + err.valid_up_to();
                    push(
                        &mut problems,
                        Problem::at(
                            file,
                            row,
                            column_name(&header, k),
                            &format!(
                                "byte 0x{:02X} is not valid UTF-8 (if the file is Latin-1, set data.encoding = \"latin-1\" in trial.toml)",
                                bytes[at]
                            ),
                        ),
                    );
                    record_ok = false;
                    break;
                }
            }
        }
        if row == 0 {
            header = fields
                .iter()
                .map(|&(s, e)| {
                    String::from_utf8_lossy(&bytes[s..e])
                        .trim_matches('"')
                        .trim()
                        .to_string()
                })
                .collect();
            if header.len() == 1 {
                let h = &header[0];
                if let Some(d) = [';', '\t', '|'].into_iter().find(|d| h.contains(*d)) {
                    push(
                        &mut problems,
                        Problem::file(
                            file,
                            &format!(
                                "the header is one column {h:?}: the file seems to use {d:?} as delimiter; ADaM CSV files must be comma-separated"
                            ),
                        ),
                    );
                    return problems;
                }
            }
            if let Some(k) = header.iter().position(|h| h.is_empty()) {
                push(
                    &mut problems,
                    Problem::file(file, &format!("column {} of the header has no name", k + 1)),
                );
            }
        } else if fields.len() == 1 && bytes[fields[0].0..fields[0].1].is_empty() {
            // A blank line (e.g. at the end of the file) carries no data.
        } else if record_ok && fields.len() != header.len() {
            push(
                &mut problems,
                Problem::row(
                    file,
                    row,
                    &format!(
                        "has {} fields but the header has {} columns",
                        fields.len(),
                        header.len()
                    ),
                ),
            );
        }
        row += 1;
    }
    problems
}

fn column_name(header: &[String], k: usize) -> String {
    header
        .get(k)
        .cloned()
        .unwrap_or_else(|| format!("#{}", k + 1))
}

/// The column names of the header (the first record), unquoted and trimmed.
pub fn header(bytes: &[u8]) -> Vec<String> {
    let mut names = vec![String::new()];
    let mut quoted = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'"' if quoted && bytes.get(i + 1) == Some(&b'"') => {
                names.last_mut().expect("non-empty").push('"');
                i += 1;
            }
            b'"' => quoted = !quoted,
            b',' if !quoted => names.push(String::new()),
            b'\n' | b'\r' if !quoted => break,
            _ => {
                // Header names are ASCII in ADaM; other bytes are kept as Latin-1.
                names.last_mut().expect("non-empty").push(char::from(b));
            }
        }
        i += 1;
    }
    names.into_iter().map(|n| n.trim().to_string()).collect()
}

/// Transcode Latin-1 bytes to UTF-8 text.
pub fn latin1_to_utf8(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(text: &[u8]) -> Vec<String> {
        scan("x.csv", text, true, 10)
            .into_iter()
            .map(|p| p.to_string())
            .collect()
    }

    #[test]
    fn a_good_file_has_no_problem() {
        assert!(problems(b"A,B\n1,\"x, \"\"y\"\"\"\r\n2,3\n").is_empty());
        assert!(problems(b"A,B\n1,2").is_empty(), "no final newline");
    }

    #[test]
    fn ragged_rows_are_named() {
        let p = problems(b"A,B\n1,2\n3\n4,5,6\n");
        assert_eq!(p.len(), 2, "{p:?}");
        assert!(p[0].contains("row 2") && p[0].contains("1 fields"), "{p:?}");
        assert!(p[1].contains("row 3") && p[1].contains("3 fields"), "{p:?}");
    }

    #[test]
    fn an_unclosed_quote_is_named() {
        let p = problems(b"A,B\n1,\"abc\n2,3\n");
        assert!(p[0].contains("row 1") && p[0].contains("column B"), "{p:?}");
        assert!(p[0].contains("not closed"), "{p:?}");
    }

    #[test]
    fn a_stray_quote_is_named() {
        let p = problems(b"A,B\n1,ab\"c\n");
        assert!(p[0].contains("row 1") && p[0].contains("column B"), "{p:?}");
    }

    #[test]
    fn a_semicolon_file_is_recognised() {
        let p = problems(b"A;B;C\n1;2;3\n");
        assert!(p[0].contains("';'"), "{p:?}");
    }

    #[test]
    fn invalid_utf8_names_row_and_column() {
        let p = problems(b"A,B\n1,M\xfcller\n");
        assert!(p[0].contains("row 1") && p[0].contains("column B"), "{p:?}");
        assert!(p[0].contains("0xFC"), "{p:?}");
        assert!(scan("x.csv", b"A,B\n1,M\xfcller\n", false, 10).is_empty());
        assert_eq!(latin1_to_utf8(b"M\xfcller"), "Müller");
    }

    #[test]
    fn the_header_is_split_with_quotes() {
        assert_eq!(header(b"A,\"B,C\", D\r\n1,2,3\n"), vec!["A", "B,C", "D"]);
    }

    #[test]
    fn an_empty_file_is_named() {
        assert!(problems(b"").first().unwrap().contains("empty"));
        assert!(problems(b"\n \n").first().unwrap().contains("empty"));
    }
}
