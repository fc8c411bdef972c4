//! Options of the standard report tables (`[adverse_events]` in
//! trial.toml).

use serde::{Deserialize, Serialize};

/// The adverse-event tables by system organ class and preferred term.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct AdverseEventOptions {
    /// Keep, in every category's table, the terms of the any-event table
    /// that have no event of the category (as zero rows).
    pub keep_zero_rows: bool,
    /// AEREL values that mean related (compared without case).
    pub related_values: Vec<String>,
    /// How many of the most frequent preferred terms the dot chart shows.
    pub dot_chart_terms: usize,
}

impl Default for AdverseEventOptions {
    fn default() -> Self {
        AdverseEventOptions {
            keep_zero_rows: false,
            related_values: [
                "Y",
                "YES",
                "RELATED",
                "POSSIBLE",
                "PROBABLE",
                "DEFINITE",
                "POSSIBLY RELATED",
                "PROBABLY RELATED",
                "DEFINITELY RELATED",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect(),
            dot_chart_terms: 15,
        }
    }
}
