//! The deaths section (safety page) and the trial-conduct section
//! (overview: exposure, protocol deviations): tables of lines, and the
//! deaths listing for closed roles, a page at a time.

use super::{BaselineLine, Role};
use serde::{Deserialize, Serialize};

/// A table of lines under a title.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinesTableData {
    pub title: String,
    /// The label column's heading, then the others'.
    pub first: String,
    pub columns: Vec<String>,
    pub lines: Vec<BaselineLine>,
    /// What the table cannot say, in words.
    pub notes: Vec<String>,
}

/// A death in the listing (closed roles).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeathRow {
    pub group: String,
    pub usubjid: String,
    pub date: Option<String>,
    pub day: Option<i64>,
    pub cause: Option<String>,
}

/// Deaths at a cut.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeathsView {
    pub trial_id: String,
    pub cut_date: String,
    pub viewer_role: Option<Role>,
    pub coded: bool,
    pub table: LinesTableData,
    /// One page of the listing, newest first (closed roles; empty else).
    pub listing: Vec<DeathRow>,
    pub listing_total: u32,
    pub listing_page: u32,
    pub listing_pages: u32,
}

/// Exposure and protocol deviations at a cut.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConductView {
    pub trial_id: String,
    pub cut_date: String,
    pub viewer_role: Option<Role>,
    pub coded: bool,
    pub exposure: LinesTableData,
    pub deviations: LinesTableData,
}
