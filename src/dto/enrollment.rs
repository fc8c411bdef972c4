//! Enrollment: pooled for every role, by arm for closed roles.

use super::{Figure, Role};
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
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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
    /// When the next planned look is expected, at the recent accrual rate.
    #[serde(default)]
    pub projection: Option<Projection>,
    /// The viewer's role on the trial (`dsmb`, `statistician`, `sponsor`),
    /// so the page knows which closed sections to ask for; the server checks
    /// the role again on every closed request.
    #[serde(default)]
    pub viewer_role: Option<Role>,
    /// Cumulative enrollment against the target.
    #[serde(default)]
    pub chart: Figure,
    /// The trial's good cuts, newest first (the cut picker).
    #[serde(default)]
    pub cuts: Vec<String>,
    /// Follow-up completeness and data timeliness of the cut.
    #[serde(default)]
    pub follow_up: Option<FollowUp>,
    #[serde(default)]
    pub timeliness: Option<Timeliness>,
}

/// Follow-up completeness of the primary endpoint (pooled; see
/// `server::completeness`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FollowUp {
    pub endpoint: String,
    /// The endpoint's horizon in days, if it has one.
    pub horizon_days: Option<f64>,
    /// Subjects whose horizon has passed by the cut, and of them those whose
    /// outcome at the horizon is known (with a horizon only).
    pub due: Option<u32>,
    pub complete: Option<u32>,
    /// Clark's completeness index: observed over potential follow-up.
    pub observed_days: f64,
    pub potential_days: f64,
    pub completeness: Option<f64>,
}

/// How recent a cut's data are (pooled).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timeliness {
    pub cut_date: String,
    /// When the cut was registered (its manifest), and how many days after
    /// the cut date.
    pub registered_at: Option<String>,
    pub days_cut_to_registration: Option<i64>,
    /// The newest randomization and adverse-event onset on or before the
    /// cut, and how many days before it.
    pub last_randomization: Option<String>,
    pub days_since_last_randomization: Option<i64>,
    pub last_ae_onset: Option<String>,
    pub days_since_last_ae_onset: Option<i64>,
}

/// Subjects randomized to one arm, as the viewer may see it: a coded group
/// (`Group A`) for a DSMB member who has not decoded, the arm's label for
/// the statistician and after a decode.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupCount {
    pub group: String,
    pub enrolled: u32,
    /// Cumulative randomizations at the end of each of
    /// `ArmEnrollment::months`.
    #[serde(default)]
    pub cumulative: Vec<u32>,
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
    /// Months (`YYYY-MM`) of the cumulative series, and its chart.
    #[serde(default)]
    pub months: Vec<String>,
    #[serde(default)]
    pub chart: Figure,
}

/// The projected date of the next planned look (pooled enrollment only).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Projection {
    /// The look (1-based) and its planned information fraction.
    pub look: usize,
    pub fraction: f64,
    /// Subjects whose randomization the look needs.
    pub subjects_needed: u32,
    /// Randomizations per 30 days in the accrual window.
    pub rate_per_month: f64,
    /// When the last subject the look needs is projected to be randomized,
    /// and when the look's information is complete (after the endpoint's
    /// follow-up horizon, if any); ISO dates.
    pub randomized_by: String,
    pub look_date: String,
    /// The accrual model, in words.
    pub model: String,
}
