//! The disposition (CONSORT) section of the overview page: the flow as a
//! diagram drawn on the server and the same numbers in a table.

use super::{BaselineLine, Role};
use serde::{Deserialize, Serialize};

/// Disposition at a cut: by group and in total for closed roles, pooled
/// for the sponsor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DispositionTable {
    pub trial_id: String,
    pub cut_date: String,
    pub viewer_role: Option<Role>,
    /// The groups (as the viewer may see them), then `Total`.
    pub columns: Vec<String>,
    pub lines: Vec<BaselineLine>,
    /// The CONSORT diagram as SVG markup (every text escaped), so it prints
    /// and needs no JavaScript.
    pub svg: String,
    /// What the table cannot say, in words (e.g. the actual treatment is
    /// not in a blinded source).
    pub notes: Vec<String>,
    pub coded: bool,
}
