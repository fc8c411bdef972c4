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
/// The files of dataset `name` in `dir`, in any supported format (names
/// matched case-insensitively), sorted.
pub fn dataset_files(dir: &Path, name: &str) -> std::io::Result<Vec<PathBuf>> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let stem = p.file_stem().and_then(|s| s.to_str()).unwrap_or("");
            let ext = p.extension().and_then(|s| s.to_str()).unwrap_or("");
            stem.eq_ignore_ascii_case(name) && FORMATS.iter().any(|f| ext.eq_ignore_ascii_case(f))
        })
        .collect();
    found.sort();
    Ok(found)
}

pub fn read_frame(
    dir: &Path,
    name: &str,
    enc: Encoding,
    wanted: Option<&[String]>,
) -> Result<Frame, Problems> {
    let dir_s = dir.display().to_string();
    let found = dataset_files(dir, name).map_err(|e| {
        Problems::from(Problem::file(
            &dir_s,
            &format!("cannot list the folder: {e}"),
        ))
    })?;
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
pub(super) fn projection(all: &[String], wanted: Option<&[String]>) -> Option<Vec<String>> {
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
        let (sha256, columns, frame) = super::stream::read_csv_streaming(path, &shown, wanted)?;
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
            let member = xpt::read_single(&bytes).map_err(|e| {
                Problems::from(Problem::file(
                    &shown,
                    &format!("not a valid SAS transport file: {e}"),
                ))
            })?;
            let columns: Vec<String> = member.variables.iter().map(|v| v.name.clone()).collect();
            // Only the columns read are converted (and checked).
            let keep = projection(&columns, wanted);
            let frame = read_xpt(&shown, member, enc, keep.as_deref())?;
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

/// SAS transport: of the variables in `keep` (all when `None`), numbers
/// with a date format become dates, with a datetime format datetimes, other
/// numbers Float64, character variables text (blank = null).
fn read_xpt(
    shown: &str,
    member: xpt::Member,
    enc: Encoding,
    keep: Option<&[String]>,
) -> Result<DataFrame, Problems> {
    let mut columns = Vec::with_capacity(member.variables.len());
    for (var, values) in member.variables.iter().zip(member.columns) {
        if keep.is_some_and(|k| !k.contains(&var.name)) {
            continue;
        }
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
            xpt::Values::Numeric(v) if xpt::is_datetime_format(&var.format) => {
                // Seconds since 1960 -> milliseconds since 1970.
                let offset = f64::from(xpt::SAS_EPOCH_OFFSET_DAYS) * 86_400.0;
                let mut bad = None;
                let ms: Vec<Option<i64>> = v
                    .iter()
                    .enumerate()
                    .map(|(row, x)| {
                        x.and_then(|x| {
                            if !x.is_finite() || x.abs() > 3.0e11 {
                                bad.get_or_insert(row);
                                None
                            } else {
                                Some(((x - offset) * 1000.0).round() as i64)
                            }
                        })
                    })
                    .collect();
                if let Some(row) = bad {
                    return Err(Problem::at(
                        shown,
                        row + 1,
                        var.name.as_str(),
                        "a datetime-formatted value is not a time (seconds since 1960)",
                    )
                    .into());
                }
                Column::new(name, ms)
                    .cast(&DataType::Datetime(TimeUnit::Milliseconds, None))
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
