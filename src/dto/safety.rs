//! The safety page: pooled rates for every role, by arm for closed roles.

use super::Figure;
use super::Role;
use serde::{Deserialize, Serialize};

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
    pub viewer_role: Option<Role>,
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
    /// Onset date (YYYY-MM-DD).
    pub onset: Option<String>,
    pub serious: bool,
    pub fatal: bool,
}

/// Serious and fatal events of one group, over the whole listing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeriousCount {
    pub group: String,
    pub serious: u32,
    pub fatal: u32,
    pub subjects: u32,
}

/// The listing's rows per page.
pub const LISTING_PAGE: usize = 50;

/// Safety by arm (closed views), groups named as the viewer may see them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClosedSafety {
    pub trial_id: String,
    pub cut_date: String,
    pub coded: bool,
    /// The interval method of the risk differences.
    pub risk_difference_method: String,
    /// The comparisons' method in one sentence, from the trial's
    /// configuration (the caption of the table, on the page and in the
    /// documents).
    pub test_caption: String,
    /// The safety monitoring rules, groups named as the viewer may see them.
    pub rules: Vec<super::SafetyRuleView>,
    pub rows: Vec<ClosedSafetyRow>,
    /// Study days at which cumulative incidence is tabulated.
    pub incidence_days: Vec<f64>,
    /// Cumulative incidence by group, one category at a time (a menu
    /// picks it).
    pub incidence_chart: Figure,
    /// Serious and fatal adverse events: one page of the listing, newest
    /// onset first (the server keeps the whole listing and pages it:
    /// `views::safety::listing_page`).
    pub serious: Vec<SeriousRow>,
    /// Events in the whole listing, and the page shown (1-based) of
    /// `serious_pages`.
    pub serious_total: u32,
    pub serious_page: u32,
    pub serious_pages: u32,
    /// Counts by group over the whole listing, in display order.
    pub serious_summary: Vec<SeriousCount>,
}
