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
    let mut scanner = Scanner::new(file, utf8, limit);
    scanner.feed(bytes, true);
    scanner.finish()
}

/// The check of one CSV file fed in blocks as it is read ([`Scanner::feed`]
/// takes what it can and says how much): it never holds more of the file
/// than the block it is given.
pub struct Scanner<'f> {
    file: &'f str,
    utf8: bool,
    limit: usize,
    header: Vec<String>,
    row: usize,
    problems: Vec<Problem>,
    /// A problem after which nothing more can be said was found.
    stopped: bool,
    /// A byte other than white space was seen (before it, the file may
    /// still turn out empty).
    started: bool,
    /// Where the header record ends, in the first block it was fed in.
    header_end: Option<usize>,
    /// Byte ranges of the current record's fields, kept between records.
    fields: Vec<(usize, usize)>,
}

/// Whether a record that runs to the end of the block is complete.
enum End {
    /// The record ends inside the block (and whether it is well formed).
    Inside(bool),
    /// The block ends before the record does: feed it again with more.
    Later,
}

impl<'f> Scanner<'f> {
    pub fn new(file: &'f str, utf8: bool, limit: usize) -> Self {
        Scanner {
            file,
            utf8,
            limit,
            header: Vec::new(),
            row: 0,
            problems: Vec::new(),
            stopped: false,
            started: false,
            header_end: None,
            fields: Vec::new(),
        }
    }

    /// The header's column names, once the header was checked.
    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// Where the header record ends in the block it was fed in (the file's
    /// first bytes), once it was checked.
    pub fn header_len(&self) -> Option<usize> {
        self.header_end
    }

    /// Whether no problem was found so far.
    pub fn clean(&self) -> bool {
        self.problems.is_empty() && !self.stopped
    }

    /// The problems found, at most `limit`.
    pub fn finish(mut self) -> Vec<Problem> {
        if !self.started && self.problems.is_empty() {
            self.problems
                .push(Problem::file(self.file, "the file is empty"));
        }
        self.problems
    }

    /// Check the complete records at the start of `bytes` and return how
    /// many bytes they take; the rest (a record the block cut short) is to
    /// be fed again with what follows. With `last`, `bytes` ends the file
    /// and all of it is taken.
    pub fn feed(&mut self, bytes: &[u8], last: bool) -> usize {
        if self.stopped {
            return bytes.len();
        }
        if !self.started {
            if bytes.iter().all(|b| b.is_ascii_whitespace()) {
                // Nothing yet: keep it, it may be the leading lines of a file.
                return if last { bytes.len() } else { 0 };
            }
            self.started = true;
        }
        let mut i = 0;
        while i < bytes.len() {
            let start = i;
            let mut found = Vec::new();
            match self.record(bytes, &mut i, last, &mut found) {
                Some(End::Later) => return start,
                Some(End::Inside(record_ok)) => {
                    self.keep(found);
                    if self.row == 0 {
                        self.header_end = Some(i);
                    }
                    self.after_record(bytes, record_ok);
                    if self.stopped {
                        return bytes.len();
                    }
                }
                None => {
                    // A problem after which the file cannot be read on.
                    self.keep(found);
                    self.stopped = true;
                    return bytes.len();
                }
            }
        }
        bytes.len()
    }

    fn keep(&mut self, found: Vec<Problem>) {
        for p in found {
            if self.problems.len() < self.limit {
                self.problems.push(p);
            }
        }
    }

    /// Parse one record from `bytes[*i..]` into `self.fields`; problems go
    /// to `found`. `None` when the file cannot be read past it.
    fn record(
        &mut self,
        bytes: &[u8],
        i: &mut usize,
        last: bool,
        found: &mut Vec<Problem>,
    ) -> Option<End> {
        let n = bytes.len();
        let file = self.file;
        self.fields.clear();
        let mut record_ok = true;
        if !self.plain_line(bytes, i) {
            loop {
                let start = *i;
                if *i < n && bytes[*i] == b'"' {
                    // Quoted field.
                    *i += 1;
                    let mut closed = false;
                    while *i < n {
                        if bytes[*i] == b'"' {
                            if *i + 1 < n && bytes[*i + 1] == b'"' {
                                *i += 2;
                                continue;
                            }
                            if *i + 1 == n && !last {
                                // An escaped quote may straddle the blocks.
                                return Some(End::Later);
                            }
                            closed = true;
                            *i += 1;
                            break;
                        }
                        *i += 1;
                    }
                    if !closed {
                        if !last {
                            return Some(End::Later);
                        }
                        found.push(Problem::at(
                            file,
                            self.row,
                            column_name(&self.header, self.fields.len()),
                            "a quoted field is not closed (a '\"' is missing)",
                        ));
                        return None;
                    }
                    if *i < n && !matches!(bytes[*i], b',' | b'\n' | b'\r') {
                        found.push(Problem::at(
                            file,
                            self.row,
                            column_name(&self.header, self.fields.len()),
                            "text follows a closing quote (quote the whole field, and double any '\"' inside it)",
                        ));
                        record_ok = false;
                        while *i < n && !matches!(bytes[*i], b',' | b'\n' | b'\r') {
                            *i += 1;
                        }
                    }
                } else {
                    // Fields are short: a plain loop beats a vectorised search.
                    while *i < n && !matches!(bytes[*i], b',' | b'\n' | b'\r') {
                        if bytes[*i] == b'"' && record_ok {
                            found.push(Problem::at(
                                file,
                                self.row,
                                column_name(&self.header, self.fields.len()),
                                "a '\"' inside an unquoted field (quote the field and double the '\"')",
                            ));
                            record_ok = false;
                        }
                        *i += 1;
                    }
                }
                self.fields.push((start, *i));
                if *i < n && bytes[*i] == b',' {
                    *i += 1;
                    continue;
                }
                // End of record: a line end, or the end of the block.
                if (*i == n || (bytes[*i] == b'\r' && *i + 1 == n)) && !last {
                    return Some(End::Later);
                }
                if *i < n && bytes[*i] == b'\r' {
                    *i += 1;
                }
                if *i < n && bytes[*i] == b'\n' {
                    *i += 1;
                }
                break;
            }
        }
        // The record is valid UTF-8 as a whole (the common case, checked at
        // once), or the field with the first bad byte is named.
        let whole = match (self.fields.first(), self.fields.last()) {
            (Some(a), Some(b)) => std::str::from_utf8(&bytes[a.0..b.1]).is_ok(),
            _ => true,
        };
        if self.utf8 && !whole {
            for (k, &(s, e)) in self.fields.iter().enumerate() {
                if let Err(err) = std::str::from_utf8(&bytes[s..e]) {
                    let at = s + err.valid_up_to();
                    found.push(Problem::at(
                        file,
                        self.row,
                        column_name(&self.header, k),
                        &format!(
                            "byte 0x{:02X} is not valid UTF-8 (if the file is Latin-1, set data.encoding = \"latin-1\" in trial.toml)",
                            bytes[at]
                        ),
                    ));
                    record_ok = false;
                    break;
                }
            }
        }
        Some(End::Inside(record_ok))
    }

    /// A whole line without quotes (nearly every record of a cut): its
    /// fields split at the commas at once. `false`, and nothing read, for
    /// any other record (the byte-by-byte parse decides then).
    fn plain_line(&mut self, bytes: &[u8], i: &mut usize) -> bool {
        let Some(k) = memchr::memchr(b'\n', &bytes[*i..]) else {
            return false;
        };
        let line_end = *i + k;
        let mut end = line_end;
        if end > *i && bytes[end - 1] == b'\r' {
            end -= 1;
        }
        let line = &bytes[*i..end];
        if memchr::memchr2(b'"', b'\r', line).is_some() {
            return false;
        }
        let mut start = *i;
        for comma in memchr::memchr_iter(b',', line) {
            self.fields.push((start, *i + comma));
            start = *i + comma + 1;
        }
        self.fields.push((start, end));
        *i = line_end + 1;
        true
    }

    /// The checks of a whole record (its field count, the header's names).
    fn after_record(&mut self, bytes: &[u8], record_ok: bool) {
        let file = self.file;
        if self.row == 0 {
            self.header = self
                .fields
                .iter()
                .map(|&(s, e)| {
                    String::from_utf8_lossy(&bytes[s..e])
                        .trim_start_matches('\u{feff}')
                        .trim_matches('"')
                        .trim()
                        .to_string()
                })
                .collect();
            if self.header.len() == 1 {
                let h = &self.header[0];
                if let Some(d) = [';', '\t', '|'].into_iter().find(|d| h.contains(*d)) {
                    let p = Problem::file(
                        file,
                        &format!(
                            "the header is one column {h:?}: the file seems to use {d:?} as delimiter; ADaM CSV files must be comma-separated"
                        ),
                    );
                    self.keep(vec![p]);
                    self.stopped = true;
                    return;
                }
            }
            if let Some(k) = self.header.iter().position(|h| h.is_empty()) {
                let p = Problem::file(file, &format!("column {} of the header has no name", k + 1));
                self.keep(vec![p]);
            }
        } else if self.fields.len() == 1 && self.fields[0].0 == self.fields[0].1 {
            // A blank line (e.g. at the end of the file) carries no data.
        } else if record_ok && self.fields.len() != self.header.len() {
            let p = Problem::row(
                file,
                self.row,
                &format!(
                    "has {} fields but the header has {} columns",
                    self.fields.len(),
                    self.header.len()
                ),
            );
            self.keep(vec![p]);
        }
        self.row += 1;
    }
}

fn column_name(header: &[String], k: usize) -> String {
    header
        .get(k)
        .cloned()
        .unwrap_or_else(|| format!("#{}", k + 1))
}

/// The column names of the header (the first record), unquoted and trimmed.
pub fn header(bytes: &[u8]) -> Vec<String> {
    // A UTF-8 byte-order mark is not part of the first name (polars skips
    // it too): read as Latin-1 it would hide an arm column such as ARMCD.
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
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

    /// Fed in blocks of every size, a file gives the problems it gives whole.
    #[test]
    fn blocks_of_any_size_give_the_whole_file_s_problems() {
        let files: [&[u8]; 6] = [
            b"A,B\n1,\"x, \"\"y\"\"\"\r\n2,3\r\n4\n",
            b"A,B\n1,2\n3\n4,5,6\n",
            b"A,B\n1,\"abc\n2,3\n",
            b"A,B\n1,ab\"c\n1,\"a\"b\n",
            b"A,B\n1,M\xfcller\n\n\n",
            b"\n \n",
        ];
        for text in files {
            let whole = scan("x.csv", text, true, 10);
            for size in 1..=text.len() {
                let mut s = Scanner::new("x.csv", true, 10);
                let mut buf: Vec<u8> = Vec::new();
                for chunk in text.chunks(size) {
                    buf.extend_from_slice(chunk);
                    let used = s.feed(&buf, false);
                    buf.drain(..used);
                }
                s.feed(&buf, true);
                assert_eq!(s.finish(), whole, "blocks of {size} of {text:?}");
            }
        }
    }

    #[test]
    fn an_empty_file_is_named() {
        assert!(problems(b"").first().unwrap().contains("empty"));
        assert!(problems(b"\n \n").first().unwrap().contains("empty"));
    }
}
