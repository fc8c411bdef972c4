//! Reading ADaM datasets from a data folder into polars frames (CSV,
//! Parquet or SAS transport), hashing each file as it is read (the typed
//! access to their columns is `typed.rs`).

use super::csvscan;
use super::problem::{Problem, Problems};
use super::xpt;
use crate::server::config::Encoding;
use crate::server::digest::sha256_hex;
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

/// Each value of SAS transport number column `column` converted by `f`
/// (missing stays missing); the first value `f` refuses is a problem at its
/// row, saying `what`.
fn each_value<T>(
    values: &[Option<f64>],
    shown: &str,
    column: &str,
    what: &str,
    f: impl Fn(f64) -> Option<T>,
) -> Result<Vec<Option<T>>, Problems> {
    let mut out = Vec::with_capacity(values.len());
    for (row, x) in values.iter().enumerate() {
        match x.map(&f) {
            Some(None) => return Err(Problem::at(shown, row + 1, column, what).into()),
            converted => out.push(converted.flatten()),
        }
    }
    Ok(out)
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
                let days = each_value(
                    &v,
                    shown,
                    &var.name,
                    "a date-formatted value is not a whole number of days",
                    |x| {
                        (x.fract() == 0.0 && x.abs() <= 3.0e6)
                            .then(|| x as i32 - xpt::SAS_EPOCH_OFFSET_DAYS)
                    },
                )?;
                Column::new(name, days)
                    .cast(&DataType::Date)
                    .map_err(|e| Problems::from(Problem::file(shown, &e.to_string())))?
            }
            xpt::Values::Numeric(v) if xpt::is_datetime_format(&var.format) => {
                // Seconds since 1960 -> milliseconds since 1970.
                let offset = f64::from(xpt::SAS_EPOCH_OFFSET_DAYS) * 86_400.0;
                let ms = each_value(
                    &v,
                    shown,
                    &var.name,
                    "a datetime-formatted value is not a time (seconds since 1960)",
                    |x| {
                        (x.is_finite() && x.abs() <= 3.0e11)
                            .then(|| ((x - offset) * 1000.0).round() as i64)
                    },
                )?;
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
