//! The baseline characteristics table (overview page): by group and in
//! total for closed roles, in total only for the sponsor.

use super::Role;
use serde::{Deserialize, Serialize};

/// One line of the table: a variable's heading, or one of its statistics
/// or levels (indented), with a cell per column.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaselineLine {
    pub label: String,
    pub indent: bool,
    pub cells: Vec<String>,
}

/// Baseline characteristics at a cut.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaselineTable {
    pub trial_id: String,
    pub cut_date: String,
    pub viewer_role: Option<Role>,
    /// The groups (as the viewer may see them), then `Total`; `Total`
    /// alone for the sponsor.
    pub columns: Vec<String>,
    pub lines: Vec<BaselineLine>,
    pub coded: bool,
}
