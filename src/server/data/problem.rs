//! A problem found in a data cut, named the way a statistician can act on
//! it: the file, the data row (1-based; the CSV header is not a row) and
//! the column.

use serde::Serialize;
use std::collections::HashMap;
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    pub message: String,
}

impl Problem {
    /// A problem with the file as a whole.
    pub fn file(file: &str, message: &str) -> Self {
        Problem {
            file: file.to_string(),
            row: None,
            column: None,
            message: message.to_string(),
        }
    }

    /// A problem with a whole column.
    pub fn column(file: &str, column: &str, message: &str) -> Self {
        Problem {
            file: file.to_string(),
            row: None,
            column: Some(column.to_string()),
            message: message.to_string(),
        }
    }

    /// A problem with a whole row.
    pub fn row(file: &str, row: usize, message: &str) -> Self {
        Problem {
            file: file.to_string(),
            row: Some(row),
            column: None,
            message: message.to_string(),
        }
    }

    /// A problem with one cell.
    pub fn at(file: &str, row: usize, column: impl Into<String>, message: &str) -> Self {
        Problem {
            file: file.to_string(),
            row: Some(row),
            column: Some(column.into()),
            message: message.to_string(),
        }
    }
}

impl Problem {
    /// The problem with its file, and any path in its message, named
    /// within the folder `root` (`blinded/adsl.csv`, `.` for the folder
    /// itself), never by a path on the server.
    pub fn within(&self, root: &std::path::Path) -> Problem {
        let full = root.display().to_string();
        let prefix = format!("{full}/");
        let strip = |s: &str| s.replace(&prefix, "").replace(&full, ".");
        Problem {
            file: strip(&self.file),
            row: self.row,
            column: self.column.clone(),
            message: strip(&self.message),
        }
    }
}

impl Problems {
    /// Every problem named within `root` ([`Problem::within`]).
    pub fn within(&self, root: &std::path::Path) -> Problems {
        Problems(self.0.iter().map(|p| p.within(root)).collect())
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(row) = self.row {
            write!(f, ", row {row}")?;
        }
        if let Some(column) = &self.column {
            write!(f, ", column {column}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Every problem found in a cut; the cut is refused when there is any.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Problems(pub Vec<Problem>);

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Problems {}

impl From<Problem> for Problems {
    fn from(p: Problem) -> Self {
        Problems(vec![p])
    }
}

pub const MAX_PER_CHECK: usize = 20;

/// Collects problems, at most `MAX_PER_CHECK` of each kind plus a count.
#[derive(Default, Debug)]
pub struct Collector {
    problems: Vec<Problem>,
    counts: HashMap<(String, String), usize>,
}

impl Collector {
    pub fn push(&mut self, kind: &str, p: Problem) {
        let key = (p.file.clone(), kind.to_string());
        let c = self.counts.entry(key).or_insert(0);
        *c += 1;
        if *c <= MAX_PER_CHECK {
            self.problems.push(p);
        }
    }

    /// Whether any problem was found.
    pub fn is_empty(&self) -> bool {
        self.problems.is_empty()
    }

    pub fn finish(mut self) -> Problems {
        let mut more: Vec<_> = self
            .counts
            .into_iter()
            .filter(|(_, c)| *c > MAX_PER_CHECK)
            .collect();
        more.sort();
        for ((file, kind), c) in more {
            self.problems.push(Problem::file(
                &file,
                &format!("... and {} more of: {kind}", c - MAX_PER_CHECK),
            ));
        }
        Problems(self.problems)
    }
}
