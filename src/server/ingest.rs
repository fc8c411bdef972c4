//! Reading ADaM datasets from a data-cut folder into polars frames, and the
//! pooled enrollment aggregates computed from ADSL.

use polars::prelude::*;
use std::path::{Path, PathBuf};

/// Why a dataset could not be read or used. Every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("{dir}: no {dataset} dataset (looked for {dataset}.parquet and {dataset}.csv)")]
    Missing { dir: String, dataset: String },
    #[error("{dir}: {dataset} is present in more than one format ({found}); keep exactly one")]
    Ambiguous {
        dir: String,
        dataset: String,
        found: String,
    },
    #[error("{file}: cannot be read: {message}")]
    Unreadable { file: String, message: String },
    #[error("{file}: required column {column} is missing")]
    MissingColumn { file: String, column: String },
    #[error("{file}, row {row}, column {column}: {message}")]
    BadValue {
        file: String,
        row: usize,
        column: String,
        message: String,
    },
}

/// A dataset read from a cut folder, with the file it came from.
pub struct Dataset {
    pub path: PathBuf,
    pub frame: DataFrame,
}

impl Dataset {
    fn file(&self) -> String {
        self.path.display().to_string()
    }
}

/// The supported file formats, in the order they are looked for.
const FORMATS: [&str; 2] = ["parquet", "csv"];

/// Find and read dataset `name` (e.g. `adsl`) in `dir`, in whichever
/// supported format it is stored. File names are matched case-insensitively.
pub fn read_dataset(dir: &Path, name: &str) -> Result<Dataset, IngestError> {
    let entries = std::fs::read_dir(dir).map_err(|e| IngestError::Unreadable {
        file: dir.display().to_string(),
        message: e.to_string(),
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
        0 => Err(IngestError::Missing {
            dir: dir.display().to_string(),
            dataset: name.to_string(),
        }),
        1 => {
            let path = found.remove(0);
            let frame = read_table(&path)?;
            Ok(Dataset { path, frame })
        }
        _ => Err(IngestError::Ambiguous {
            dir: dir.display().to_string(),
            dataset: name.to_string(),
            found: found
                .iter()
                .filter_map(|p| p.file_name().and_then(|s| s.to_str()))
                .collect::<Vec<_>>()
                .join(", "),
        }),
    }
}

/// Read one table. CSV is read with every column as text (typed afterwards,
/// column by column, so that a bad value can be reported with its row);
/// Parquet keeps its own schema.
pub fn read_table(path: &Path) -> Result<DataFrame, IngestError> {
    let unreadable = |e: PolarsError| IngestError::Unreadable {
        file: path.display().to_string(),
        message: e.to_string(),
    };
    let ext = path
        .extension()
        .and_then(|s| s.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "parquet" => {
            let file = std::fs::File::open(path).map_err(|e| IngestError::Unreadable {
                file: path.display().to_string(),
                message: e.to_string(),
            })?;
            ParquetReader::new(file).finish().map_err(unreadable)
        }
        "csv" => CsvReadOptions::default()
            .with_has_header(true)
            .with_infer_schema_length(Some(0))
            .try_into_reader_with_file_path(Some(path.to_path_buf()))
            .and_then(|r| r.finish())
            .map_err(unreadable),
        other => Err(IngestError::Unreadable {
            file: path.display().to_string(),
            message: format!("unsupported file type {other:?}"),
        }),
    }
}

/// Days from 1970-01-01 (polars' Date epoch) to a calendar date.
fn date_from_epoch_days(days: i32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid epoch")
        + chrono::Duration::days(i64::from(days))
}

/// Column `name` of `ds` as calendar dates: a Date column as it is, a text
/// column parsed as ISO `YYYY-MM-DD`. A missing value or a bad date is an
/// error naming the row (1-based, data rows only) and column.
pub fn date_column(ds: &Dataset, name: &str) -> Result<Vec<chrono::NaiveDate>, IngestError> {
    let column = ds
        .frame
        .column(name)
        .map_err(|_| IngestError::MissingColumn {
            file: ds.file(),
            column: name.to_string(),
        })?;
    let bad = |row: usize, message: String| IngestError::BadValue {
        file: ds.file(),
        row: row + 1,
        column: name.to_string(),
        message,
    };
    match column.dtype() {
        DataType::Date => {
            let days = column
                .cast(&DataType::Int32)
                .map_err(|e| bad(0, e.to_string()))?;
            let days = days.i32().map_err(|e| bad(0, e.to_string()))?;
            days.iter()
                .enumerate()
                .map(|(row, d)| {
                    d.map(date_from_epoch_days)
                        .ok_or_else(|| bad(row, "missing date".into()))
                })
                .collect()
        }
        DataType::String => {
            let text = column.str().map_err(|e| bad(0, e.to_string()))?;
            text.iter()
                .enumerate()
                .map(|(row, s)| {
                    let s = s.map(str::trim).filter(|s| !s.is_empty());
                    let s = s.ok_or_else(|| bad(row, "missing date".into()))?;
                    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                        .map_err(|_| bad(row, format!("{s:?} is not a date (YYYY-MM-DD)")))
                })
                .collect()
        }
        other => Err(bad(0, format!("expected a date, found a {other} column"))),
    }
}

/// Column `name` of `ds` as non-empty text (site identifiers, subject ids).
pub fn text_column(ds: &Dataset, name: &str) -> Result<Vec<String>, IngestError> {
    let column = ds
        .frame
        .column(name)
        .map_err(|_| IngestError::MissingColumn {
            file: ds.file(),
            column: name.to_string(),
        })?;
    let bad = |row: usize, message: String| IngestError::BadValue {
        file: ds.file(),
        row: row + 1,
        column: name.to_string(),
        message,
    };
    let text = column
        .cast(&DataType::String)
        .map_err(|e| bad(0, e.to_string()))?;
    let text = text.str().map_err(|e| bad(0, e.to_string()))?;
    text.iter()
        .enumerate()
        .map(|(row, s)| {
            s.map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .ok_or_else(|| bad(row, "missing value".into()))
        })
        .collect()
}

/// Pooled enrollment counts from ADSL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnrollmentCounts {
    /// Subjects in ADSL.
    pub total: u32,
    /// (SITEID, subjects), sorted by site.
    pub by_site: Vec<(String, u32)>,
    /// (day, subjects randomized on or before it), days with randomizations only.
    pub cumulative: Vec<(chrono::NaiveDate, u32)>,
}

/// Pooled enrollment from ADSL: total, per site and cumulative over calendar
/// days. Counted with polars, lazily, one collect per table.
pub fn enrollment(adsl: &Dataset, date_var: &str) -> Result<EnrollmentCounts, IngestError> {
    // Validate (and type) the two columns first so that a bad row is named.
    let sites = text_column(adsl, "SITEID")?;
    let dates = date_column(adsl, date_var)?;
    let frame = DataFrame::new_infer_height(vec![
        Column::new("SITEID".into(), sites),
        Column::new(
            "DATE".into(),
            dates
                .iter()
                .map(|d| {
                    (*d - chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch")).num_days()
                        as i32
                })
                .collect::<Vec<i32>>(),
        ),
    ])
    .map_err(|e| IngestError::Unreadable {
        file: adsl.file(),
        message: e.to_string(),
    })?;
    let polars_err = |e: PolarsError| IngestError::Unreadable {
        file: adsl.file(),
        message: e.to_string(),
    };
    let total = u32::try_from(frame.height()).unwrap_or(u32::MAX);

    let by_site = frame
        .clone()
        .lazy()
        .group_by([col("SITEID")])
        .agg([len().alias("n")])
        .sort(["SITEID"], SortMultipleOptions::default())
        .collect()
        .map_err(polars_err)?;
    let site_ids = by_site
        .column("SITEID")
        .map_err(polars_err)?
        .str()
        .map_err(polars_err)?
        .clone();
    let site_n = by_site
        .column("n")
        .map_err(polars_err)?
        .cast(&DataType::UInt32)
        .map_err(polars_err)?;
    let site_n = site_n.u32().map_err(polars_err)?;
    let by_site = site_ids
        .iter()
        .zip(site_n.iter())
        .map(|(s, n)| (s.unwrap_or_default().to_string(), n.unwrap_or(0)))
        .collect();

    let by_day = frame
        .lazy()
        .group_by([col("DATE")])
        .agg([len().cast(DataType::UInt32).alias("n")])
        .sort(["DATE"], SortMultipleOptions::default())
        .select([col("DATE"), col("n").cum_sum(false).alias("cumulative")])
        .collect()
        .map_err(polars_err)?;
    let days = by_day
        .column("DATE")
        .map_err(polars_err)?
        .i32()
        .map_err(polars_err)?
        .clone();
    let cum = by_day
        .column("cumulative")
        .map_err(polars_err)?
        .cast(&DataType::UInt32)
        .map_err(polars_err)?;
    let cum = cum.u32().map_err(polars_err)?;
    let cumulative = days
        .iter()
        .zip(cum.iter())
        .filter_map(|(d, n)| Some((date_from_epoch_days(d?), n?)))
        .collect();
    Ok(EnrollmentCounts {
        total,
        by_site,
        cumulative,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csv_dataset(text: &str) -> Dataset {
        let dir =
            std::env::temp_dir().join(format!("dsmb-ingest-{}-{}", std::process::id(), text.len()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("adsl.csv"), text).unwrap();
        read_dataset(&dir, "adsl").unwrap()
    }

    #[test]
    fn a_bad_date_names_file_row_and_column() {
        let ds = csv_dataset("USUBJID,SITEID,RANDDT\nS1,01,2020-01-01\nS2,01,2020-13-01\n");
        let err = enrollment(&ds, "RANDDT").unwrap_err().to_string();
        assert!(err.contains("adsl.csv"), "{err}");
        assert!(err.contains("row 2"), "{err}");
        assert!(err.contains("RANDDT"), "{err}");
    }

    #[test]
    fn a_missing_site_column_is_named() {
        let ds = csv_dataset("USUBJID,RANDDT\nS1,2020-01-01\n");
        let err = enrollment(&ds, "RANDDT").unwrap_err().to_string();
        assert!(err.contains("SITEID"), "{err}");
    }

    #[test]
    fn cumulative_enrollment_counts_days_with_ties() {
        let ds = csv_dataset(
            "USUBJID,SITEID,RANDDT\nS1,02,2020-01-03\nS2,01,2020-01-01\nS3,01,2020-01-03\n",
        );
        let counts = enrollment(&ds, "RANDDT").unwrap();
        assert_eq!(counts.total, 3);
        assert_eq!(
            counts.by_site,
            vec![("01".to_string(), 2), ("02".to_string(), 1)]
        );
        let cum = counts.cumulative;
        let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(cum, vec![(d("2020-01-01"), 1), (d("2020-01-03"), 3)]);
    }
}
