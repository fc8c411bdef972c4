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
}
