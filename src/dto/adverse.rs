//! The adverse-event table by system organ class and preferred term
//! (safety page): one category at a time, by group for closed roles with a
//! dot chart, pooled for the sponsor.

use super::{Figure, Role};
use serde::{Deserialize, Serialize};

/// A category the table can show.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AeChoice {
    pub slug: String,
    pub label: String,
    pub collected: bool,
}

/// An organ class (a heading) or a term within it, with a cell per column.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AeLine {
    pub label: String,
    pub class_row: bool,
    pub cells: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AeView {
    pub trial_id: String,
    pub cut_date: String,
    pub viewer_role: Option<Role>,
    pub coded: bool,
    pub choices: Vec<AeChoice>,
    /// The category shown.
    pub category: String,
    pub label: String,
    pub collected: bool,
    /// The denominator, in words.
    pub population: String,
    /// The groups with their denominators (closed) or `Total`, then the
    /// risk differences (closed).
    pub columns: Vec<String>,
    pub overall: AeLine,
    pub lines: Vec<AeLine>,
    /// Percent by group and risk difference of the most frequent terms
    /// (closed roles; empty otherwise).
    pub chart: Figure,
    /// The terms the chart shows, most frequent first.
    pub chart_terms: Vec<String>,
    /// The signal screen (closed roles, the any-event category only).
    #[serde(default)]
    pub signals: Option<AeSignalsView>,
}

/// The adverse-event signal screen: two groups' terms by Fisher's exact
/// test, adjusted by the double FDR procedure over organ classes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AeSignalsView {
    /// "IABP + SoC vs SoC", or two coded groups in letter order.
    pub comparison: String,
    /// The two groups with their denominators.
    pub columns: Vec<String>,
    /// The flagged terms, most significant first.
    pub flagged: Vec<AeSignalRow>,
    /// "23 terms in 8 organ classes screened; 3 classes selected: ...".
    pub summary: String,
    /// Risk difference against −log10 p, flagged terms labelled.
    pub volcano: Figure,
    pub caption: String,
    /// Why the screen waits for the decode (coded, more than two groups).
    pub withheld: Option<String>,
}

/// A flagged term.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AeSignalRow {
    pub organ_class: String,
    pub term: String,
    /// n (%) in each group, in `columns`' order.
    pub cells: Vec<String>,
    /// Percentage points, first group − second.
    pub risk_difference: String,
    pub relative_risk: String,
    pub p: String,
    pub p_adjusted: String,
}
