//! Data-transfer objects: the small, plain structs that cross the wire
//! between server functions and pages. DataFrames never do.

use serde::{Deserialize, Serialize};

/// A plotly figure (`{data, layout, config}`) as JSON, built on the server
/// and drawn by plotly.js in the browser; empty when there is nothing to
/// draw. Every number in it is also in a table on the same page.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figure(pub String);

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
    pub viewer_role: String,
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

/// A pooled event rate (open view): subjects with at least one event, or
/// nothing when the count is a small cell the trial suppresses.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OpenRateRow {
    pub category: String,
    pub subjects: Option<u32>,
    pub n: u32,
    pub percent: Option<f64>,
    pub ci95: Option<[f64; 2]>,
    pub suppressed: bool,
}

/// Pooled safety (any role): nothing here is split by arm.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OpenSafety {
    pub trial_id: String,
    /// The viewer's role on the trial (see `EnrollmentSummary::viewer_role`).
    pub viewer_role: String,
    pub cut_date: String,
    pub small_cell_threshold: u32,
    pub rows: Vec<OpenRateRow>,
    /// The trial's good cuts, newest first (the cut picker).
    pub cuts: Vec<String>,
}

/// The safety page's data in one answer: pooled rates for everyone, and
/// by arm only when the server finds the caller holds a closed role.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SafetyPage {
    pub open: OpenSafety,
    pub closed: Option<ClosedSafety>,
}

/// One group's rate in a closed view.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupRate {
    pub group: String,
    pub subjects: u32,
    pub n: u32,
    pub percent: Option<f64>,
    pub ci95: Option<[f64; 2]>,
}

/// One group against the reference group for a safety category.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupComparison {
    /// e.g. "Group B vs Group A".
    pub label: String,
    pub risk_difference: Option<f64>,
    pub risk_difference_ci95: Option<[f64; 2]>,
    pub p_value: f64,
    /// "chi-square" or "fisher".
    pub test: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClosedSafetyRow {
    pub category: String,
    pub groups: Vec<GroupRate>,
    pub comparisons: Vec<GroupComparison>,
    /// Cumulative incidence of a first event over study days, by group.
    pub incidence: Vec<GroupIncidence>,
}

/// One group's cumulative incidence of a safety category.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupIncidence {
    pub group: String,
    /// At `ClosedSafety::incidence_days`.
    pub at_days: Vec<f64>,
    /// (study day, cumulative incidence) at each step, from (0, 0).
    pub steps: Vec<[f64; 2]>,
    /// The last study day anyone in the group is followed to.
    pub end: f64,
    /// Subjects left out of the curve: their events have no onset date.
    #[serde(default)]
    pub undated: u32,
}

/// A serious or fatal adverse event in the listing (closed views).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeriousRow {
    pub group: String,
    pub usubjid: String,
    pub term: String,
    /// Study day of onset (randomization = day 1).
    pub day: Option<i64>,
    pub serious: bool,
    pub fatal: bool,
}

/// Safety by arm (closed views), groups named as the viewer may see them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClosedSafety {
    pub trial_id: String,
    pub cut_date: String,
    pub coded: bool,
    /// The interval method of the risk differences.
    pub risk_difference_method: String,
    pub rows: Vec<ClosedSafetyRow>,
    /// Study days at which cumulative incidence is tabulated.
    pub incidence_days: Vec<f64>,
    /// Cumulative incidence by group, one category at a time (a menu
    /// picks it).
    pub incidence_chart: Figure,
    /// Serious and fatal adverse events, by group, subject and day.
    pub serious: Vec<SeriousRow>,
}

/// Kaplan-Meier summary of a group.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KmRow {
    pub group: String,
    pub n: u32,
    pub events: u32,
    pub median: Option<f64>,
    pub median_ci95: [Option<f64>; 2],
    /// (time, S(t)) after each event time, from (0, 1).
    pub curve: Vec<[f64; 2]>,
    /// At risk at `Efficacy::risk_times`.
    pub at_risk: Vec<u32>,
}

/// The treatment effect within one subgroup level, for the forest plot.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ForestRow {
    pub variable: String,
    pub level: String,
    /// Subjects in the level (compared groups).
    pub n: u32,
    pub estimate: Option<f64>,
    pub ci95: Option<[f64; 2]>,
}

/// A hazard ratio against the reference group.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HazardRatioRow {
    pub label: String,
    pub hr: f64,
    pub ci95: [f64; 2],
    pub p: f64,
}

/// The group-sequential look at this cut.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InterimView {
    pub look: usize,
    pub looks: usize,
    pub information_fraction: f64,
    pub information: String,
    pub planned_information: f64,
    pub required_information: Option<f64>,
    pub fractions: Vec<f64>,
    pub z: f64,
    pub b_value: f64,
    pub efficacy_bounds: Vec<f64>,
    pub futility_bound: Option<f64>,
    pub cp_design: Option<f64>,
    pub cp_trend: Option<f64>,
    pub cp_null: Option<f64>,
    pub predictive_power: Option<f64>,
    /// What the effects are, with the groups named as the viewer sees them.
    pub effect_measure: String,
    pub repeated_ci: [f64; 2],
    pub repeated_p_value: f64,
    /// (effect, conditional power) over a range of effects.
    pub curve: Vec<(f64, f64)>,
    pub verdict: String,
    pub futility_rule: Option<String>,
    /// The observed statistic at each of the trial's cuts up to this one
    /// (oldest first), the path drawn over the boundaries.
    pub path: Vec<PathPoint>,
    /// Boundaries with the observed z; conditional power over effects.
    pub boundary_chart: Figure,
    pub cp_chart: Figure,
}

/// The primary endpoint in one group (closed views).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PrimaryRow {
    pub group: String,
    /// Subjects randomized to the group by the cut.
    pub randomized: u32,
    /// Subjects whose outcome is known at the endpoint's horizon (binary
    /// endpoints at a look); `None` when the endpoint has no horizon.
    pub evaluable: Option<u32>,
    /// Primary-endpoint events (failures, or the time-to-event endpoint's
    /// events) among the evaluable, or among the randomized.
    pub events: u32,
}

/// The test statistic at one cut.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PathPoint {
    pub cut_date: String,
    pub information_fraction: f64,
    pub z: f64,
    /// z times the square root of the information fraction.
    pub b_value: f64,
}

/// Efficacy and futility (closed views).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Efficacy {
    pub trial_id: String,
    pub cut_date: String,
    pub endpoint: String,
    pub coded: bool,
    pub design: String,
    /// The primary endpoint by group.
    pub primary: Vec<PrimaryRow>,
    pub interim: Option<InterimView>,
    pub kaplan_meier: Vec<KmRow>,
    pub risk_times: Vec<f64>,
    pub logrank_p: Option<f64>,
    pub hazard_ratios: Vec<HazardRatioRow>,
    /// The treatment effect by subgroup (hazard ratio for time-to-event,
    /// difference in success rates for binary endpoints), with what it is.
    pub forest: Vec<ForestRow>,
    pub forest_measure: String,
    /// Treatment-by-subgroup interaction p-values per variable.
    pub interactions: Vec<(String, f64)>,
    /// Kaplan-Meier curves; the forest plot.
    pub km_chart: Figure,
    pub forest_chart: Figure,
    /// The trial's good cuts, newest first (the cut picker).
    pub cuts: Vec<String>,
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

/// A file of a cut with its SHA-256.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CutFile {
    pub folder: String,
    pub name: String,
    pub sha256: String,
}

/// A data cut of a trial and what became of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CutInfo {
    pub name: String,
    /// `serving` (the newest cut that passed its checks), `rejected` (a
    /// newer cut that failed them; the one before keeps serving) or `older`.
    pub status: String,
    pub registered_at: Option<String>,
    pub files: Vec<CutFile>,
    pub problems: Vec<String>,
}
