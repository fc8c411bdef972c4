//! Calendar dates as day numbers: the one place that knows the epoch. Dates
//! are kept in frames as polars `Date` (days since 1970-01-01) and compared
//! as those day numbers.

use chrono::NaiveDate;
use polars::prelude::*;

fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch")
}

/// Days since 1970-01-01 of a calendar date.
pub fn epoch_days(d: NaiveDate) -> i32 {
    (d - epoch()).num_days() as i32
}

/// The calendar date of a day count since 1970-01-01.
pub fn from_epoch_days(days: i32) -> NaiveDate {
    epoch() + chrono::Duration::days(i64::from(days))
}

/// The CDISC study day of day `d` for a subject randomized on day `rand`:
/// randomization is day 1 and there is no day 0 (the day before is -1).
pub fn study_day(d: i32, rand: i32) -> i64 {
    if d >= rand {
        i64::from(d - rand) + 1
    } else {
        i64::from(d - rand)
    }
}

/// A day number as an ISO date (`YYYY-MM-DD`).
pub fn date_text(days: i32) -> String {
    from_epoch_days(days).to_string()
}

/// The day numbers (since 1970-01-01) of a Date column.
pub fn day_numbers(col: &Column) -> Option<Int32Chunked> {
    col.cast(&DataType::Int32).ok()?.i32().ok().cloned()
}

/// A frame's Date column `name` as day numbers (null stays null).
pub fn days_in(df: &DataFrame, name: &str) -> PolarsResult<Vec<Option<i32>>> {
    let c = df.column(name)?.cast(&DataType::Int32)?;
    Ok(c.i32()?.iter().collect())
}
