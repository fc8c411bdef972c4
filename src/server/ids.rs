//! The domain's names for what the edge receives as text: a trial's
//! identifier and a cut's date, parsed once where a request or a file
//! brings them in, so that what is inside is known to be well formed.

use std::fmt;
use std::ops::Deref;

/// The longest trial identifier taken.
const MAX_TRIAL_ID: usize = 64;

/// A trial's identifier: letters, digits, `-` and `_`, at most 64
/// characters (`altshock2`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TrialId(String);

impl TrialId {
    /// The identifier `raw`, or what is wrong with it.
    pub fn parse(raw: &str) -> Result<TrialId, String> {
        let fine = !raw.is_empty()
            && raw.len() <= MAX_TRIAL_ID
            && raw
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if fine {
            Ok(TrialId(raw.to_string()))
        } else {
            let shown: String = raw.chars().take(MAX_TRIAL_ID).collect();
            Err(format!(
                "{shown:?} is not a trial identifier (1 to {MAX_TRIAL_ID} letters, digits, '-' and '_')"
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for TrialId {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl PartialEq<TrialId> for String {
    fn eq(&self, other: &TrialId) -> bool {
        *self == other.0
    }
}

impl PartialEq<str> for TrialId {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl From<TrialId> for String {
    fn from(t: TrialId) -> String {
        t.0
    }
}

impl fmt::Display for TrialId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A data cut's date, `YYYY-MM-DD`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CutDate(chrono::NaiveDate);

impl CutDate {
    /// The date `raw` (`YYYY-MM-DD`, exactly), or what is wrong with it.
    pub fn parse(raw: &str) -> Result<CutDate, String> {
        // chrono alone takes "2024-1-5" and "+2024-01-05"; a cut's date is
        // written one way only, so it is read one way only.
        let shaped = raw.len() == 10
            && raw.bytes().enumerate().all(|(i, b)| match i {
                4 | 7 => b == b'-',
                _ => b.is_ascii_digit(),
            });
        match chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
            Ok(d) if shaped => Ok(CutDate(d)),
            _ => {
                let shown: String = raw.chars().take(40).collect();
                Err(format!("{shown:?} is not a date (YYYY-MM-DD)"))
            }
        }
    }

    pub fn date(self) -> chrono::NaiveDate {
        self.0
    }
}

impl fmt::Display for CutDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trial_identifier_is_letters_digits_dash_and_underscore() {
        for good in ["altshock2", "cdisc-pilot01", "A_1"] {
            assert_eq!(TrialId::parse(good).unwrap().as_str(), good);
        }
        let long = "a".repeat(65);
        for bad in ["", "../etc", "a b", "a/b", "tri\u{e4}l", long.as_str()] {
            assert!(TrialId::parse(bad).is_err(), "{bad:?} taken");
        }
    }

    #[test]
    fn a_cut_date_is_read_one_way_only_and_written_back_the_same() {
        let d = CutDate::parse("2024-02-29").unwrap();
        assert_eq!(d.to_string(), "2024-02-29");
        for bad in [
            "2023-02-29",
            "2024-1-05",
            "+2024-01-05",
            "2024-01-05 ",
            "../x",
            "",
        ] {
            let why = CutDate::parse(bad).unwrap_err();
            assert!(why.contains("is not a date"), "{bad:?}: {why}");
        }
    }
}
