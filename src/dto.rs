//! Data-transfer objects: the small, plain structs that cross the wire
//! between server functions and pages. DataFrames never do.

use serde::{Deserialize, Serialize};

/// Subjects enrolled at one site.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteCount {
    /// Site identifier as in ADSL.SITEID.
    pub site: String,
    /// Subjects randomized at the site by the cut date.
    pub enrolled: u32,
}

/// Cumulative enrollment on one calendar day (only days with randomizations).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CumulativePoint {
    /// ISO date, `YYYY-MM-DD`.
    pub date: String,
    /// Subjects randomized on or before `date`.
    pub enrolled: u32,
}

/// Pooled (blinded) enrollment of one trial at one data cut. Nothing in it is
/// split by arm, so any role may see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrollmentSummary {
    pub trial_id: String,
    pub trial_title: String,
    /// The data cut date, `YYYY-MM-DD`.
    pub cut_date: String,
    /// Subjects randomized by the cut.
    pub total: u32,
    /// Planned enrollment.
    pub target: u32,
    /// Per site, sorted by site identifier.
    pub by_site: Vec<SiteCount>,
    /// Cumulative enrollment over calendar time, ascending.
    pub cumulative: Vec<CumulativePoint>,
}
