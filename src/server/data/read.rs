//! Reading ADaM datasets from a data folder into polars frames (CSV,
//! Parquet or SAS transport), hashing each file as it is read, and typed,
//! row-checked access to the columns the reports use.

use super::csvscan;
use super::days::epoch_days;
use super::problem::{Collector, Problem, Problems};
use super::xpt;
use crate::server::config::Encoding;
use crate::server::digest::sha256_hex;
use chrono::NaiveDate;
use polars::prelude::*;
use std::path::{Path, PathBuf};

/// The supported file formats, in the order they are looked for.
pub const FORMATS: [&str; 3] = ["parquet", "csv", "xpt"];

/// A dataset read from a file, with its name and SHA-256.
#[derive(Clone, Debug)]
pub struct Frame {
    pub path: PathBuf,
    /// The file's name within the cut folder (e.g. `adsl.parquet`).
    pub file_name: String,
    pub sha256: String,
    /// Every column of the file (the frame may hold only those asked for).
    pub columns: Vec<String>,
    pub frame: DataFrame,
    /// The file's data rows before the frame's first (a block of a file
    /// checked as it streams); problems count rows in the file.
    pub first_row: usize,
}

/// Find dataset `name` (e.g. `adsl`) in `dir` in whichever supported format
/// it is stored (file names matched case-insensitively) and read it.
/// With `wanted`, only those columns (the ones that exist) are read.
pub fn read_frame(
    dir: &Path,
    name: &str,
    enc: Encoding,
    wanted: Option<&[String]>,
) -> Result<Frame, Problems> {
    let dir_s = dir.display().to_string();
    let entries = std::fs::read_dir(dir).map_err(|e| {
        Problems::from(Problem::file(
            &dir_s,
            &format!("cannot list the folder: {e}"),
        ))
    })?;
    let mut found: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let stem = p.file_stem().and_then(|s| s.to_str()).unwrap_or("");
            let ext = p.extension().and_then(|s| s.to_str()).unwrap_or("");
            stem.eq_ignore_ascii_case(name) && FORMATS.iter().any(|f| ext.eq_ignore_ascii_case(f))
        })
        .collect();
    found.sort();
    match found.len() {
        0 => Err(Problem::file(
            &dir_s,
            &format!(
                "the {} dataset is missing (looked for {name}.parquet, {name}.csv and {name}.xpt)",
                name.to_uppercase()
            ),
        )
        .into()),
        1 => read_frame_file(&found[0], enc, wanted),
        _ => Err(Problem::file(
            &dir_s,
            &format!(
                "{} is present in more than one format ({}); keep exactly one",
                name.to_uppercase(),
                found
                    .iter()
                    .filter_map(|p| p.file_name().and_then(|s| s.to_str()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
        .into()),
    }
}

/// The columns of `all` that are in `wanted` (in file order); never empty
/// when `all` is not, so the frame keeps its height.
fn projection(all: &[String], wanted: Option<&[String]>) -> Option<Vec<String>> {
    let wanted = wanted?;
    let mut keep: Vec<String> = all.iter().filter(|c| wanted.contains(c)).cloned().collect();
    if keep.is_empty() {
        keep.extend(all.first().cloned());
    }
    Some(keep)
}

/// Whether `s` is not blank and has no white space at either end: the end
/// bytes decide when they are ASCII (as `char::is_whitespace` would), the
/// full trim otherwise. Every text cell of a cut passes through here.
fn clean_text(s: &str) -> bool {
    let space = |b: u8| matches!(b, b' ' | b'\t'..=b'\r');
    match s.as_bytes() {
        [] => false,
        [a, .., b] | [a @ b] if a.is_ascii() && b.is_ascii() => !space(*a) && !space(*b),
        _ => s.trim().len() == s.len(),
    }
}

/// Read one file by its extension (only the `wanted` columns, when given).
pub fn read_frame_file(
    path: &Path,
    enc: Encoding,
    wanted: Option<&[String]>,
) -> Result<Frame, Problems> {
    let file_name = path
        .file_name()
        .and_then(|s| s.to_str())
        .unwrap_or_default()
        .to_string();
    let shown = path.display().to_string();
    let ext = path
        .extension()
        .and_then(|s| s.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    if ext == "csv" && enc == Encoding::Utf8 {
        // Hashed and checked in one pass as it streams, then read by
        // polars from the file: never held whole.
        let (sha256, columns, frame) = read_csv_streaming(path, &shown, wanted)?;
        return Ok(Frame {
            path: path.to_path_buf(),
            file_name,
            sha256,
            columns,
            frame,
            first_row: 0,
        });
    }
    let bytes = std::fs::read(path)
        .map_err(|e| Problems::from(Problem::file(&shown, &format!("cannot be read: {e}"))))?;
    super::progress::advance(bytes.len() as u64);
    if bytes.is_empty() {
        return Err(Problem::file(&shown, "the file is empty").into());
    }
    let sha256 = sha256_hex(&bytes);
    let parquet_problem = |e: PolarsError| {
        Problems::from(Problem::file(
            &shown,
            &format!("not a readable Parquet file (truncated or corrupt?): {e}"),
        ))
    };
    let (columns, frame) = match ext.as_str() {
        "parquet" => {
            let mut reader = ParquetReader::new(std::io::Cursor::new(bytes.as_slice()));
            let schema = reader.schema().map_err(parquet_problem)?;
            let columns: Vec<String> = schema.iter_names().map(|n| n.to_string()).collect();
            let frame = reader
                .with_columns(projection(&columns, wanted))
                .finish()
                .map_err(parquet_problem)?;
            (columns, frame)
        }
        "csv" => read_csv(&shown, &bytes, enc, wanted)?,
        "xpt" => {
            let frame = read_xpt(&shown, &bytes, enc)?;
            let columns: Vec<String> = frame
                .get_column_names()
                .iter()
                .map(|n| n.to_string())
                .collect();
            let frame = match projection(&columns, wanted) {
                Some(keep) => frame
                    .select(keep)
                    .map_err(|e| Problems::from(Problem::file(&shown, &e.to_string())))?,
                None => frame,
            };
            (columns, frame)
        }
        other => {
            return Err(Problem::file(&shown, &format!("unsupported file type {other:?}")).into())
        }
    };
    Ok(Frame {
        path: path.to_path_buf(),
        file_name,
        sha256,
        columns,
        frame,
        first_row: 0,
    })
}

/// The block a CSV file is read in to be hashed and checked.
const BLOCK: usize = 8 << 20;

/// Read the UTF-8 CSV file `path` once, in blocks: hashed and its
/// structure checked as it streams; `each` is given every block of
/// complete records after the header (and the header's bytes) until it
/// returns `false` or a structural problem is found. Returns the hash, the
/// header's column names and the structural problems.
fn stream_csv(
    path: &Path,
    shown: &str,
    block: usize,
    mut each: impl FnMut(&[u8], &[u8]) -> bool,
) -> Result<(String, Vec<String>, Vec<Problem>), Problems> {
    use std::io::Read;
    let cannot =
        |e: std::io::Error| Problems::from(Problem::file(shown, &format!("cannot be read: {e}")));
    let mut file = std::fs::File::open(path).map_err(cannot)?;
    let mut hasher = crate::server::digest::Hasher::new();
    let mut scanner = csvscan::Scanner::new(shown, true, 20);
    let mut buf = vec![0u8; block];
    // buf[..held] is what the scanner has yet to take.
    let mut held = 0usize;
    let mut size = 0u64;
    let mut header: Option<Vec<u8>> = None;
    let mut wanted = true;
    loop {
        if held == buf.len() {
            // One record longer than the block (a broken quote): grow.
            buf.resize(buf.len() * 2, 0);
        }
        let got = file.read(&mut buf[held..]).map_err(cannot)?;
        hasher.update(&buf[held..held + got]);
        super::progress::advance(got as u64);
        size += got as u64;
        let last = got == 0;
        let end = held + got;
        let used = scanner.feed(&buf[..end], last);
        let mut records = &buf[..used];
        if header.is_none() {
            if let Some(h) = scanner.header_len() {
                header = Some(buf[..h].to_vec());
                records = &buf[h..used];
            }
        }
        if wanted && scanner.clean() && !records.is_empty() {
            if let Some(h) = &header {
                wanted = each(h, records);
            }
        }
        buf.copy_within(used..end, 0);
        held = end - used;
        if last {
            break;
        }
    }
    if size == 0 {
        return Err(Problem::file(shown, "the file is empty").into());
    }
    let columns = header.as_deref().map(csvscan::header).unwrap_or_default();
    Ok((hasher.hex(), columns, scanner.finish()))
}

/// A UTF-8 CSV file: hashed and its structure checked in one streaming
/// pass (row and column of any problem), then read by polars from the file
/// with every column as text; columns are typed on use.
fn read_csv_streaming(
    path: &Path,
    shown: &str,
    wanted: Option<&[String]>,
) -> Result<(String, Vec<String>, DataFrame), Problems> {
    let (sha256, columns, problems) = stream_csv(path, shown, BLOCK, |_, _| false)?;
    if !problems.is_empty() {
        return Err(Problems(problems));
    }
    let frame = csv_options(&columns, wanted)
        .try_into_reader_with_file_path(Some(path.to_path_buf()))
        .and_then(|r| r.finish())
        .map_err(|e| {
            Problems::from(Problem::file(shown, &format!("cannot be read as CSV: {e}")))
        })?;
    Ok((sha256, columns, frame))
}

/// How polars reads a cut's CSV: with a header, every column as text, only
/// the `wanted` columns.
fn csv_options(columns: &[String], wanted: Option<&[String]>) -> CsvReadOptions {
    let keep: Option<std::sync::Arc<[PlSmallStr]>> =
        projection(columns, wanted).map(|k| k.into_iter().map(PlSmallStr::from).collect());
    CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .with_columns(keep)
}

/// The dataset `name` of `dir` when it is a UTF-8 CSV file: a file that
/// can be checked block by block ([`stream_frames`]).
pub fn streamable(dir: &Path, name: &str, enc: Encoding) -> Option<PathBuf> {
    if enc != Encoding::Utf8 {
        return None;
    }
    let mut found = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let stem = p.file_stem().and_then(|s| s.to_str()).unwrap_or("");
            let ext = p.extension().and_then(|s| s.to_str()).unwrap_or("");
            stem.eq_ignore_ascii_case(name) && FORMATS.iter().any(|f| ext.eq_ignore_ascii_case(f))
        });
    let first = found.next()?;
    let csv = first
        .extension()
        .and_then(|s| s.to_str())
        .is_some_and(|x| x.eq_ignore_ascii_case("csv"));
    (found.next().is_none() && csv).then_some(first)
}

/// The column names of dataset `name` in `dir`, read from its header (a
/// CSV's first line, a Parquet file's schema; an XPT file is read whole),
/// or `None` when it cannot be found or read (its check will say why).
pub fn column_names(dir: &Path, name: &str, enc: Encoding) -> Option<Vec<String>> {
    let path = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| {
            let stem = p.file_stem().and_then(|s| s.to_str()).unwrap_or("");
            let ext = p.extension().and_then(|s| s.to_str()).unwrap_or("");
            stem.eq_ignore_ascii_case(name) && FORMATS.iter().any(|f| ext.eq_ignore_ascii_case(f))
        })?;
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "csv" => header_frame(&path, None).ok().map(|f| f.columns),
        "parquet" => {
            let file = std::fs::File::open(&path).ok()?;
            let schema = ParquetReader::new(file).schema().ok()?;
            Some(schema.iter_names().map(|n| n.to_string()).collect())
        }
        _ => read_frame_file(&path, enc, Some(&[]))
            .ok()
            .map(|f| f.columns),
    }
}

/// The header of the CSV file `path` as a frame without rows (the
/// `wanted` columns it has, as text), its hash left to [`stream_frames`].
pub fn header_frame(path: &Path, wanted: Option<&[String]>) -> Result<Frame, Problems> {
    use std::io::BufRead;
    let shown = path.display().to_string();
    let mut line = Vec::new();
    std::io::BufReader::new(
        std::fs::File::open(path)
            .map_err(|e| Problems::from(Problem::file(&shown, &format!("cannot be read: {e}"))))?,
    )
    .read_until(b'\n', &mut line)
    .map_err(|e| Problems::from(Problem::file(&shown, &format!("cannot be read: {e}"))))?;
    let columns = csvscan::header(&line);
    let keep = projection(&columns, wanted).unwrap_or_else(|| columns.clone());
    let frame = DataFrame::new_infer_height(
        keep.iter()
            .filter(|k| !k.is_empty())
            .map(|k| Column::new_empty(k.as_str().into(), &DataType::String))
            .collect(),
    )
    .unwrap_or_default();
    Ok(Frame {
        path: path.to_path_buf(),
        file_name: path
            .file_name()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string(),
        sha256: String::new(),
        columns,
        frame,
        first_row: 0,
    })
}

/// Stream the CSV file of `header` (see [`header_frame`]) block by block:
/// each block of rows is read by polars (the `wanted` columns, as text)
/// and given to `check` as a frame numbered in the file, then dropped, so
/// the file is never held whole, as bytes or as a frame. `check` returns
/// `false` to stop reading rows (the rest is still hashed and its
/// structure checked). Returns the file's hash and its number of rows.
pub fn stream_frames(
    header: &Frame,
    wanted: Option<&[String]>,
    check: impl FnMut(&Frame) -> bool + Send,
) -> Result<(String, usize), Problems> {
    stream_frames_in(header, wanted, BLOCK, check)
}

/// [`stream_frames`] in blocks of `block` bytes.
fn stream_frames_in(
    header: &Frame,
    wanted: Option<&[String]>,
    block: usize,
    mut check: impl FnMut(&Frame) -> bool + Send,
) -> Result<(String, usize), Problems> {
    use std::sync::atomic::{AtomicBool, Ordering};
    let shown = header.shown();
    let stop = AtomicBool::new(false);
    // Read, hash and scan here; read each block into a frame and check it
    // on a second thread meanwhile (one block waits between them).
    let (streamed, (rows, failed)) = std::thread::scope(|s| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<u8>>(1);
        let check = &mut check;
        let (stop, shown) = (&stop, &shown);
        let worker = s.spawn(move || {
            let mut rows = 0usize;
            let mut failed: Option<Problems> = None;
            for text in rx {
                if stop.load(Ordering::Relaxed) {
                    continue;
                }
                let read = csv_options(&header.columns, wanted)
                    .into_reader_with_file_handle(std::io::Cursor::new(text))
                    .finish();
                match read {
                    Ok(frame) => {
                        let block = Frame {
                            frame,
                            first_row: rows,
                            ..header.clone()
                        };
                        rows += block.frame.height();
                        if !check(&block) {
                            stop.store(true, Ordering::Relaxed);
                        }
                    }
                    Err(e) => {
                        failed = Some(
                            Problem::file(shown, &format!("cannot be read as CSV: {e}")).into(),
                        );
                        stop.store(true, Ordering::Relaxed);
                    }
                }
            }
            (rows, failed)
        });
        let streamed = stream_csv(&header.path, shown, block, |head, records| {
            if stop.load(Ordering::Relaxed) {
                return false;
            }
            let mut text = Vec::with_capacity(head.len() + records.len());
            text.extend_from_slice(head);
            text.extend_from_slice(records);
            tx.send(text).is_ok()
        });
        drop(tx);
        let done = worker
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (streamed, done)
    });
    let (sha256, _, problems) = streamed?;
    if !problems.is_empty() {
        return Err(Problems(problems));
    }
    if let Some(p) = failed {
        return Err(p);
    }
    Ok((sha256, rows))
}

/// CSV: structure checked first (row and column of any problem), then read
/// by polars with every column as text; columns are typed on use.
fn read_csv(
    shown: &str,
    bytes: &[u8],
    enc: Encoding,
    wanted: Option<&[String]>,
) -> Result<(Vec<String>, DataFrame), Problems> {
    let utf8 = enc == Encoding::Utf8;
    let problems = csvscan::scan(shown, bytes, utf8, 20);
    if !problems.is_empty() {
        return Err(Problems(problems));
    }
    let text: std::borrow::Cow<[u8]> = if utf8 {
        std::borrow::Cow::Borrowed(bytes)
    } else {
        std::borrow::Cow::Owned(csvscan::latin1_to_utf8(bytes).into_bytes())
    };
    let columns = csvscan::header(&text);
    let keep: Option<std::sync::Arc<[PlSmallStr]>> =
        projection(&columns, wanted).map(|k| k.into_iter().map(PlSmallStr::from).collect());
    let frame = CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .with_columns(keep)
        .into_reader_with_file_handle(std::io::Cursor::new(text.as_ref()))
        .finish()
        .map_err(|e| {
            Problems::from(Problem::file(shown, &format!("cannot be read as CSV: {e}")))
        })?;
    Ok((columns, frame))
}

/// SAS transport: numbers with a date format become dates, other numbers
/// Float64, character variables text (blank = null).
fn read_xpt(shown: &str, bytes: &[u8], enc: Encoding) -> Result<DataFrame, Problems> {
    let member = xpt::read_single(bytes).map_err(|e| {
        Problems::from(Problem::file(
            shown,
            &format!("not a valid SAS transport file: {e}"),
        ))
    })?;
    let mut columns = Vec::with_capacity(member.variables.len());
    for (var, values) in member.variables.iter().zip(member.columns) {
        let name: PlSmallStr = var.name.as_str().into();
        let column = match values {
            xpt::Values::Numeric(v) if xpt::is_date_format(&var.format) => {
                let mut bad = None;
                let days: Vec<Option<i32>> = v
                    .iter()
                    .enumerate()
                    .map(|(row, x)| {
                        x.and_then(|x| {
                            if x.fract() != 0.0 || x.abs() > 3.0e6 {
                                bad.get_or_insert(row);
                                None
                            } else {
                                Some(x as i32 - xpt::SAS_EPOCH_OFFSET_DAYS)
                            }
                        })
                    })
                    .collect();
                if let Some(row) = bad {
                    return Err(Problem::at(
                        shown,
                        row + 1,
                        var.name.as_str(),
                        "a date-formatted value is not a whole number of days",
                    )
                    .into());
                }
                Column::new(name, days)
                    .cast(&DataType::Date)
                    .map_err(|e| Problems::from(Problem::file(shown, &e.to_string())))?
            }
            xpt::Values::Numeric(v) => Column::new(name, v),
            xpt::Values::Text(v) => {
                if enc == Encoding::Utf8 {
                    // decode_text falls back to Latin-1 for invalid UTF-8;
                    // with a UTF-8 trial that is a problem to report.
                    if let Some(row) = v
                        .iter()
                        .position(|s| s.as_deref().is_some_and(|s| s.contains('\u{FFFD}')))
                    {
                        return Err(Problem::at(
                            shown,
                            row + 1,
                            var.name.as_str(),
                            "text is not valid UTF-8",
                        )
                        .into());
                    }
                }
                Column::new(name, v)
            }
        };
        columns.push(column);
    }
    DataFrame::new_infer_height(columns)
        .map_err(|e| Problems::from(Problem::file(shown, &e.to_string())))
}

/// `YYYY-MM-DD` read at once (every date of a cut is written so): the date,
/// or `Some(None)` for an impossible one; `None` when the text has another
/// shape (chrono's parser decides then). Parsing each date with chrono's
/// format took a tenth of a check.
fn iso_date(s: &str) -> Option<Option<NaiveDate>> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| {
        b[r].iter().try_fold(0u32, |acc, &d| {
            d.is_ascii_digit().then(|| acc * 10 + u32::from(d - b'0'))
        })
    };
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    Some(NaiveDate::from_ymd_opt(y as i32, m, d))
}

/// Parse a cell as a number: blank and `NA` are missing.
fn parse_number(s: &str) -> Result<Option<f64>, ()> {
    let s = s.trim();
    if s.is_empty() || s == "NA" || s == "." {
        return Ok(None);
    }
    s.parse::<f64>().map(Some).map_err(|_| ())
}

impl Frame {
    /// The file as problems name it: its path as given.
    pub fn shown(&self) -> String {
        self.path.display().to_string()
    }

    /// The file's data row (1-based) of the frame's row `row`.
    pub fn row(&self, row: usize) -> usize {
        self.first_row + row + 1
    }

    /// Whether the dataset has column `name`.
    pub fn has(&self, name: &str) -> bool {
        self.frame.column(name).is_ok()
    }

    fn column(&self, c: &mut Collector, name: &str) -> Option<&Column> {
        match self.frame.column(name) {
            Ok(col) => Some(col),
            Err(_) => {
                c.push(
                    "missing column",
                    Problem::column(&self.shown(), name, "required column is missing"),
                );
                None
            }
        }
    }

    /// With `required`, every null of `col` is a problem at its row.
    fn require(
        &self,
        c: &mut Collector,
        name: &str,
        required: bool,
        col: Column,
    ) -> Option<Column> {
        if required && col.null_count() > 0 {
            let mask = col.is_null();
            for (row, missing) in mask.iter().enumerate() {
                if missing == Some(true) {
                    c.push(
                        &format!("missing {name}"),
                        Problem::at(&self.shown(), self.row(row), name, "missing value"),
                    );
                }
            }
            return None;
        }
        Some(col)
    }

    /// Column `name` as a String column, trimmed, blanks as null. A column
    /// that is already clean text is returned without copying.
    pub fn text(&self, c: &mut Collector, name: &str, required: bool) -> Option<Column> {
        let col = self.column(c, name)?;
        let out = match col.dtype() {
            DataType::String => {
                let ca = col.str().ok()?;
                let clean = ca
                    .downcast_iter()
                    .all(|a| a.non_null_values_iter().all(clean_text));
                if clean {
                    col.clone()
                } else {
                    let v: StringChunked = ca
                        .iter()
                        .map(|s| s.map(str::trim).filter(|s| !s.is_empty()))
                        .collect();
                    v.with_name(name.into()).into_column()
                }
            }
            DataType::Float64 | DataType::Float32 => {
                // XPT stores codes like CNSR or AGE as floats: 3.0 -> "3".
                let v = col.cast(&DataType::Float64).ok()?;
                let f = v.f64().ok()?;
                // Whole numbers (nearly every code) are written as integers,
                // column-wise: formatting each float exactly is slow.
                let whole = f.downcast_iter().all(|a| {
                    a.non_null_values_iter()
                        .all(|x| x.fract() == 0.0 && x.abs() < 9e15)
                });
                if whole {
                    v.cast(&DataType::Int64)
                        .ok()?
                        .cast(&DataType::String)
                        .ok()?
                } else {
                    let v: StringChunked = f
                        .iter()
                        .map(|x| {
                            x.map(|x| {
                                if x.fract() == 0.0 {
                                    format!("{x:.0}")
                                } else {
                                    x.to_string()
                                }
                            })
                        })
                        .collect();
                    v.with_name(name.into()).into_column()
                }
            }
            _ => col.cast(&DataType::String).ok()?,
        };
        self.require(c, name, required, out)
    }

    /// Parse every cell of a text column with `parse` (blank cells are
    /// missing); a cell it refuses is a problem at its row, described by
    /// `refused`. `None` when any cell was refused.
    fn parse_cells<T>(
        &self,
        c: &mut Collector,
        name: &str,
        col: &Column,
        parse: impl Fn(&str) -> Result<Option<T>, ()>,
        refused: impl Fn(&str) -> String,
    ) -> Option<Vec<Option<T>>> {
        let mut bad = false;
        let out = col
            .str()
            .ok()?
            .iter()
            .enumerate()
            .map(|(row, s)| {
                let s = s.map(str::trim).filter(|s| !s.is_empty())?;
                parse(s).unwrap_or_else(|()| {
                    bad = true;
                    c.push(
                        &format!("bad value in {name}"),
                        Problem::at(&self.shown(), self.row(row), name, &refused(s)),
                    );
                    None
                })
            })
            .collect();
        (!bad).then_some(out)
    }

    fn wrong_type(&self, c: &mut Collector, name: &str, expected: &str, found: &DataType) {
        c.push(
            "wrong type",
            Problem::column(
                &self.shown(),
                name,
                &format!("expected {expected}, found a {found} column"),
            ),
        );
    }

    /// Column `name` as Float64; text that is not a number is a problem at its row.
    pub fn numbers(&self, c: &mut Collector, name: &str, required: bool) -> Option<Column> {
        let col = self.column(c, name)?;
        let out = match col.dtype() {
            DataType::String => {
                let v = self.parse_cells(c, name, col, parse_number, |s| {
                    format!("{s:?} is not a number")
                })?;
                Float64Chunked::from_iter_options(name.into(), v.into_iter()).into_column()
            }
            dt if dt.is_primitive_numeric() => col.cast(&DataType::Float64).ok()?,
            other => {
                self.wrong_type(c, name, "numbers", other);
                return None;
            }
        };
        self.require(c, name, required, out)
    }

    /// Column `name` as a Date column: a Date column as it is, text parsed
    /// as `YYYY-MM-DD`.
    pub fn dates(&self, c: &mut Collector, name: &str, required: bool) -> Option<Column> {
        let col = self.column(c, name)?;
        let out = match col.dtype() {
            DataType::Date => col.clone(),
            // A datetime's date part (ASTDTM where ASTDT is missing).
            DataType::Datetime(_, _) => col.cast(&DataType::Date).ok()?,
            DataType::String => {
                let parse = |s: &str| {
                    let date = match s.as_bytes().get(10) {
                        Some(b'T' | b' ') => &s[..10],
                        _ => s,
                    };
                    iso_date(date)
                        .unwrap_or_else(|| NaiveDate::parse_from_str(date, "%Y-%m-%d").ok())
                        .map(|d| Some(epoch_days(d)))
                        .ok_or(())
                };
                let v = self.parse_cells(c, name, col, parse, |s| {
                    format!("{s:?} is not a date (YYYY-MM-DD)")
                })?;
                Int32Chunked::from_iter_options(name.into(), v.into_iter())
                    .into_column()
                    .cast(&DataType::Date)
                    .ok()?
            }
            other => {
                self.wrong_type(c, name, "dates", other);
                return None;
            }
        };
        self.require(c, name, required, out)
    }
}

#[cfg(test)]
mod tests {
    use super::{clean_text, Frame};
    use crate::server::data::problem::Collector;
    use polars::prelude::*;

    /// Checked in blocks of a few kilobytes, a file's problems name its
    /// rows, its rows are counted, and its hash is the whole file's.
    #[test]
    fn a_streamed_file_is_checked_block_by_block_with_rows_numbered_in_the_file() {
        let dir = std::env::temp_dir().join(format!("dsmb-stream-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("adae.csv");
        let mut text = String::from("USUBJID,AETERM,X\n");
        for row in 1..=10_000 {
            let term = if row == 7_777 {
                ""
            } else {
                "\"Bleeding, minor\""
            };
            text.push_str(&format!("S-{row},{term},{row}\n"));
        }
        std::fs::write(&path, &text).unwrap();
        let wanted = vec!["USUBJID".to_string(), "AETERM".to_string()];
        let header = super::header_frame(&path, Some(&wanted)).unwrap();
        assert_eq!(header.columns, vec!["USUBJID", "AETERM", "X"]);
        let mut c = Collector::default();
        let mut blocks = 0;
        let (sha, rows) = super::stream_frames_in(&header, Some(&wanted), 4096, |b| {
            blocks += 1;
            assert_eq!(b.frame.width(), 2, "only the wanted columns");
            let _ = b.text(&mut c, "AETERM", true);
            true
        })
        .unwrap();
        assert!(blocks > 50, "{blocks} blocks");
        assert_eq!(rows, 10_000);
        assert_eq!(sha, crate::server::digest::sha256_hex(text.as_bytes()));
        let problems = c.finish().0;
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].row, Some(7_777));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn iso_dates_are_read_as_chrono_reads_them() {
        for s in [
            "2021-02-28",
            "2021-02-29",
            "2024-02-29",
            "2021-13-01",
            "0000-01-01",
            "2021-00-10",
            "9999-12-31",
        ] {
            assert_eq!(
                super::iso_date(s),
                Some(chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()),
                "{s}"
            );
        }
        for s in ["2021-2-28", "21-02-28", "2021/02/28", "2021-02-2x", ""] {
            assert_eq!(super::iso_date(s), None, "{s}: another shape");
        }
    }

    #[test]
    fn float_codes_read_as_text_like_their_written_form() {
        let frame = |v: Vec<Option<f64>>| Frame {
            path: "x.xpt".into(),
            file_name: "x.xpt".into(),
            sha256: String::new(),
            columns: vec!["V".into()],
            frame: df!("V" => v).unwrap(),
            first_row: 0,
        };
        let text = |f: Frame| {
            let col = f.text(&mut Collector::default(), "V", false).unwrap();
            let s: Vec<Option<String>> = col
                .str()
                .unwrap()
                .iter()
                .map(|s| s.map(String::from))
                .collect();
            s
        };
        let some = |s: &str| Some(s.to_string());
        // Whole numbers only: the column-wise path.
        let whole = frame(vec![Some(3.0), Some(-2.0), None, Some(120.0), Some(0.0)]);
        assert_eq!(
            text(whole),
            [some("3"), some("-2"), None, some("120"), some("0")]
        );
        // A fraction or a huge number anywhere: each value as written.
        let mixed = frame(vec![Some(3.0), Some(1.5), Some(1e20), None]);
        assert_eq!(
            text(mixed),
            [some("3"), some("1.5"), some("100000000000000000000"), None]
        );
    }

    #[test]
    fn clean_text_agrees_with_a_full_trim() {
        for s in [
            "", " ", "a", " a", "a ", "ab", "a b", "\tX", "X\r", "\u{0B}X", "X\u{0C}", "é", "é ",
            " é", "\u{A0}X", "X\u{A0}", "X\u{85}", "\u{3000}", "日本", "3a",
        ] {
            let trimmed = !s.is_empty() && s.trim().len() == s.len();
            assert_eq!(clean_text(s), trimmed, "{s:?}");
        }
    }
}
