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

/// A trial the signed-in user holds a role on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrialAccess {
    pub id: String,
    pub title: String,
    /// `dsmb`, `statistician` or `sponsor`.
    pub role: String,
}

/// The signed-in user, for the top bar and the forms that change state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub username: String,
    /// The session's CSRF token, sent back with every form that changes state.
    pub csrf: String,
    pub trials: Vec<TrialAccess>,
}

/// Subjects randomized to one arm, as the viewer may see it: a coded group
/// (`Group A`) for a DSMB member who has not decoded, the arm's label for
/// the statistician and after a decode.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupCount {
    pub group: String,
    pub enrolled: u32,
}

/// Enrollment by arm (closed views only).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArmEnrollment {
    pub trial_id: String,
    pub cut_date: String,
    pub groups: Vec<GroupCount>,
    /// Whether the groups are shown coded (DSMB member, not decoded).
    pub coded: bool,
    /// The viewer may decode (a DSMB member who has not yet).
    pub can_decode: bool,
    /// When this viewer decoded, if they did.
    pub decoded_at: Option<String>,
}

/// One audit-trail entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRow {
    pub id: i64,
    pub at: String,
    pub username: String,
    pub action: String,
    pub trial: String,
    pub detail: String,
    pub address: String,
}
