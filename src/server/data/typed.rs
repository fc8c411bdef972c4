//! Typed, row-checked access to the columns of a dataset as read: text
//! (clean, or refused naming row and column), numbers and dates, each
//! problem naming the file, the row and the column.

use super::days::epoch_days;
use super::problem::{Collector, Problem};
use super::read::Frame;
use chrono::NaiveDate;
use polars::prelude::*;

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
