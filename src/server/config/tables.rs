//! Options of the standard report tables (`[adverse_events]` in
//! trial.toml).

use serde::{Deserialize, Serialize};

/// The adverse-event tables by system organ class and preferred term.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct AdverseEventOptions {
    /// Keep, in every category's table, the terms of the any-event table
    /// that have no event of the category (as zero rows).
    pub keep_zero_rows: bool,
    /// AEREL values that mean related (compared without case).
    pub related_values: Vec<String>,
    /// How many of the most frequent preferred terms the dot chart shows.
    pub dot_chart_terms: usize,
    /// The false discovery rate of the signal screen (the double FDR
    /// procedure's level at both steps).
    pub signal_fdr: f64,
    /// A term enters the signal screen when at least this many subjects of
    /// one of the two compared arms have it (PhUSE's "tier 2": rarer terms
    /// cannot reach significance and only dilute the adjustment).
    pub signal_min_subjects: u32,
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
            signal_fdr: 0.1,
            signal_min_subjects: 4,
        }
    }
}
