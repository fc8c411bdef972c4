//! The reports' result types: plain serde structs, the same numbers for the
//! pages and `dsmb summary --json`. [`OpenReport`] has no field indexed by
//! arm.

use crate::server::data::manifest::FileDigest;
use crate::stats::proportions::{clopper_pearson, TestName};
use crate::stats::rates::EstimateCi;
use polars::prelude::PolarsError;
use serde::Serialize;
use std::collections::BTreeMap;

/// Cumulative enrollment at the end of a calendar month.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MonthCount {
    /// `YYYY-MM`.
    pub month: String,
    pub enrolled: u32,
}

/// Pooled enrollment.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OpenEnrollment {
    pub total: u32,
    pub target: u32,
    pub by_site: BTreeMap<String, u32>,
    pub cumulative_by_month: Vec<MonthCount>,
}

/// A pooled count, suppressed when it is below the small-cell threshold.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OpenRate {
    pub category: String,
    /// Subjects with at least one event; `None` when suppressed.
    pub subjects: Option<u32>,
    pub n: u32,
    pub percent: Option<f64>,
    pub ci95: Option<[f64; 2]>,
    pub suppressed: bool,
}

/// Pooled primary-endpoint events.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OpenPrimary {
    pub name: String,
    pub events: Option<u32>,
    pub n: u32,
    pub suppressed: bool,
}

/// What the sponsor may see: pooled aggregates only.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OpenReport {
    pub trial: String,
    pub title: String,
    pub cut_date: String,
    pub view: &'static str,
    pub files: Vec<FileDigest>,
    pub small_cell_threshold: u32,
    pub enrollment: OpenEnrollment,
    pub safety: Vec<OpenRate>,
    pub primary: OpenPrimary,
    /// Baseline characteristics of all subjects, level counts suppressed as
    /// the safety counts are.
    pub baseline: Vec<OpenBaseline>,
    /// The CONSORT flow of all subjects: no crossover (it needs the arms).
    pub disposition: super::disposition::DispositionCounts,
    /// Adverse events by organ class and term, pooled, subjects only.
    pub adverse_events: Vec<super::adverse::OpenAeTable>,
    /// The adverse-event tables' denominator.
    pub adverse_event_population: &'static str,
    /// Deaths of all subjects, small counts suppressed.
    pub deaths: super::deaths::OpenDeaths,
    /// Exposure of all subjects.
    pub exposure: super::conduct::Exposure,
    /// Protocol deviations by category and site, small counts suppressed.
    pub deviations: super::conduct::Deviations,
    /// The pooled laboratory section, small counts suppressed.
    pub labs: super::labs::open::OpenLabs,
}

/// A baseline variable of the open table (all subjects).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OpenBaseline {
    pub variable: String,
    pub label: String,
    pub kind: crate::server::config::BaselineKind,
    pub collected: bool,
    pub levels: Vec<String>,
    pub subjects: u32,
    pub continuous: Option<super::baseline::ContinuousSummary>,
    /// Per level; `None` when suppressed.
    pub counts: Vec<Option<u32>>,
}

/// A count of a report table: the number, or why there is none. In JSON a
/// number, `"not collected"` (the cut lacks the column), or
/// `"suppressed"` (a small pooled count, open view).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cell {
    Count(u32),
    NotCollected,
    Suppressed,
}

impl Cell {
    /// The count, when there is one.
    pub fn count(self) -> Option<u32> {
        match self {
            Cell::Count(n) => Some(n),
            _ => None,
        }
    }

    /// `Count` of `n` when the column was collected.
    pub fn collected(n: Option<u32>) -> Cell {
        n.map_or(Cell::NotCollected, Cell::Count)
    }
}

impl Serialize for Cell {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Cell::Count(n) => s.serialize_u32(*n),
            Cell::NotCollected => s.serialize_str("not collected"),
            Cell::Suppressed => s.serialize_str("suppressed"),
        }
    }
}

/// Subjects with an event among `n`, with percent and exact 95% CI.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Rate {
    pub subjects: u32,
    pub n: u32,
    pub percent: Option<f64>,
    pub ci95: Option<[f64; 2]>,
}

impl Rate {
    pub(crate) fn new(subjects: u32, n: u32) -> Self {
        Rate {
            subjects,
            n,
            percent: (n > 0).then(|| 100.0 * f64::from(subjects) / f64::from(n)),
            ci95: clopper_pearson(u64::from(subjects), u64::from(n), 0.95).map(|(a, b)| [a, b]),
        }
    }
}

/// An estimate with its 95% interval.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Estimate {
    pub estimate: f64,
    pub ci95: [f64; 2],
}

impl Estimate {
    pub(crate) fn from(e: Option<EstimateCi>) -> Option<Estimate> {
        e.map(|e| Estimate {
            estimate: e.estimate,
            ci95: [e.ci.0, e.ci.1],
        })
    }
}

/// Events per 100 patient-years with the exact Poisson interval.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct IncidenceRate {
    pub events: u64,
    pub patient_years: f64,
    pub per_100_patient_years: f64,
    pub ci95: [f64; 2],
}

/// The ratio of two arms' event rates with the exact conditional interval
/// and test.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct RateRatio {
    pub estimate: f64,
    pub ci95: [f64; 2],
    pub p_value: f64,
}

/// One arm compared with the reference arm.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ArmComparison {
    pub arm: String,
    pub reference: String,
    pub p_value: f64,
    pub test: TestName,
    /// Arm minus reference, with the interval the trial's analysis names.
    pub risk_difference: Option<Estimate>,
    /// Katz log interval; null when an arm has no events.
    pub risk_ratio: Option<Estimate>,
    /// Woolf log interval; null when a cell is empty.
    pub odds_ratio: Option<Estimate>,
    /// Exposure-adjusted event rates, arm over reference.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate_ratio: Option<RateRatio>,
}

/// A safety category by arm.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClosedRate {
    pub category: String,
    pub subjects: u32,
    pub n: u32,
    pub percent: Option<f64>,
    pub ci95: Option<[f64; 2]>,
    pub by_arm: BTreeMap<String, Rate>,
    /// With two arms: the test by the trial's rule and its p-value.
    pub p_value: Option<f64>,
    pub test: Option<TestName>,
    /// With two arms: treatment minus reference.
    pub risk_difference: Option<Estimate>,
    /// Exposure-adjusted event rates by arm (all events of the category per
    /// 100 patient-years), when the trial names the exposure time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub incidence: Option<BTreeMap<String, IncidenceRate>>,
    /// Events of the category (every qualifying record), by arm.
    pub events_by_arm: BTreeMap<String, u64>,
    /// Every arm against the reference arm.
    pub comparisons: Vec<ArmComparison>,
    /// Cumulative incidence of a first event by study day, by arm (death
    /// the competing risk; see `safety_time`).
    pub cumulative_incidence: BTreeMap<String, super::safety_time::IncidenceCurve>,
}

/// Events and subjects.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct EventsN {
    pub events: u32,
    pub n: u32,
}

/// Closed enrollment.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClosedEnrollment {
    pub total: u32,
    pub target: u32,
    pub by_site: BTreeMap<String, u32>,
    pub by_arm: BTreeMap<String, u32>,
    pub by_site_arm: BTreeMap<String, BTreeMap<String, u32>>,
    pub cumulative_by_month: Vec<MonthCount>,
    /// Each arm's cumulative randomizations at month ends (same months).
    pub cumulative_by_arm_month: BTreeMap<String, Vec<MonthCount>>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClosedPrimary {
    pub name: String,
    pub events: u32,
    pub n: u32,
    pub by_arm: BTreeMap<String, EventsN>,
    /// A binary endpoint's events compared between the design's two arms
    /// by the trial's test rule (as a paper's outcome table compares them);
    /// null for other endpoints.
    pub comparison: Option<PrimaryComparison>,
    /// Whenever the primary endpoint is an ADTTE parameter: Kaplan-Meier by
    /// arm, `logrank_p`, and `cox` (each arm against the reference).
    #[serde(flatten)]
    pub survival: Option<super::efficacy::SurvivalSummary>,
}

/// The primary endpoint's events of the compared arms, tested.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PrimaryComparison {
    pub arm: String,
    pub reference: String,
    pub test: TestName,
    pub p_value: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SubgroupRow {
    pub variable: String,
    pub level: String,
    pub by_arm: BTreeMap<String, EventsN>,
    /// Time-to-event primary endpoints: the compared arms' hazard ratio
    /// within the level (null when not estimable).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hazard_ratio: Option<super::efficacy::CoxRow>,
}

/// Treatment-by-subgroup interaction for one subgroup variable.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SubgroupInteraction {
    pub variable: String,
    /// The models compared by the likelihood-ratio test: "Cox" (a
    /// time-to-event primary) or "logistic" (a binary one).
    pub model: &'static str,
    pub chisq: f64,
    pub df: usize,
    pub p: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ArmInfo {
    pub code: String,
    pub label: String,
}

/// What the DSMB and the independent statistician see: results by arm.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClosedReport {
    pub trial: String,
    pub title: String,
    pub cut_date: String,
    pub view: &'static str,
    pub files: Vec<FileDigest>,
    pub arms: Vec<ArmInfo>,
    pub enrollment: ClosedEnrollment,
    pub safety: Vec<ClosedRate>,
    pub primary: ClosedPrimary,
    pub subgroups: Vec<SubgroupRow>,
    /// Time-to-event primary endpoints: one interaction test per subgroup
    /// variable.
    pub subgroup_interactions: Vec<SubgroupInteraction>,
    /// The configured secondary endpoints by arm, in their order.
    pub secondary: Vec<super::secondary::SecondaryResult>,
    /// Bayesian summaries of the primary endpoint (the design's compared
    /// arms), beside the frequentist look.
    pub bayes: Option<super::bayes::BayesSummary>,
    /// Benefit-risk: the configured hierarchy compared pairwise.
    pub benefit_risk: Option<super::benefit_risk::BenefitRiskResult>,
    /// The adverse-event signal screen of the compared arms.
    pub ae_signals: Option<super::ae_signals::AeSignals>,
    /// The group-sequential look (binary endpoint, two arms); null otherwise.
    pub interim: Option<Interim>,
    /// The study days at which each category's `cumulative_incidence` is
    /// tabulated (`at_days`).
    pub incidence_days: Vec<f64>,
    /// Serious and fatal adverse events, newest onset first (see
    /// `keep_listing_rows`), and how many there are.
    pub serious_events: Vec<super::safety_time::SeriousEvent>,
    pub serious_events_total: usize,
    /// Baseline characteristics by arm and in total.
    pub baseline: Vec<super::baseline::ClosedBaseline>,
    /// The CONSORT flow in total and by arm.
    pub disposition: super::disposition::Disposition,
    /// Adverse events by organ class and term, by arm and in total.
    pub adverse_events: super::adverse::AdverseEvents,
    /// Deaths by arm and in total, with the listing.
    pub deaths: super::deaths::Deaths,
    /// Exposure by arm and in total.
    pub exposure: super::conduct::Exposure,
    /// Protocol deviations, pooled (as every role sees them).
    pub deviations: super::conduct::Deviations,
    /// The laboratory section by group (ADLB).
    pub labs: super::labs::LabReport,
    /// The safety comparisons' method, from the configuration
    /// (`Analysis::safety_test_sentence`).
    pub safety_test: String,
    /// The safety monitoring rules at this cut, by group.
    pub safety_rules: Vec<super::rules::RuleResult>,
}

impl ClosedReport {
    /// Keep the newest `n` rows of each listing (the totals stay whole).
    pub fn keep_listing_rows(&mut self, n: usize) {
        self.serious_events.truncate(n);
        self.deaths.listing.truncate(n);
        self.labs.hys_law.truncate(n);
        self.labs.profiles.truncate(n);
    }
}

/// Conditional power under three assumptions about the effect.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ConditionalPowers {
    /// Under the design's assumed rates (null when the design gives none).
    pub design: Option<f64>,
    /// Under the rates observed so far.
    pub trend: f64,
    /// Under the null hypothesis (the conditional rejection probability).
    pub null: f64,
    /// The effects these are computed at, on the interim block's
    /// `effect_measure` scale: observed, assumed by the design, null.
    pub observed_effect: f64,
    pub design_effect: Option<f64>,
    pub null_effect: f64,
}

/// One point of a conditional-power curve.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CurvePoint {
    /// The effect on the interim block's `effect_measure` scale.
    pub effect: f64,
    pub conditional_power: f64,
}

/// Where the trial stands at this cut in its group-sequential design.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Interim {
    /// This cut's place in `fractions` (1-based): the formal look it is, or,
    /// for a monitoring cut, the place it would take as a look.
    pub look: usize,
    /// The formal look this cut is (declared in trial.toml or in the app),
    /// or `None` for a monitoring cut between looks (no formal test).
    pub formal_look: Option<usize>,
    /// The looks the design plans.
    pub looks_planned: usize,
    /// The look in words: "formal look 1 of 2", or "monitoring cut, no
    /// formal test (next: look 1 of 2, planned at information 0.50)".
    pub look_label: String,
    /// The formal look whose planned information a monitoring cut has
    /// reached: the statistician may declare the cut that look.
    pub proposed_look: Option<usize>,
    /// Information so far over the planned total (see `information`).
    pub information_fraction: f64,
    /// What the information is counted in.
    pub information: &'static str,
    /// The planned information at the final look (subjects or events).
    pub planned_information: f64,
    /// What the design's power needs at its assumptions (subjects or
    /// events at the final look, with the group-sequential inflation): a
    /// check of the design; null when the design gives no effect.
    pub required_information: Option<f64>,
    /// What `repeated_ci` and the curve's `effect` are.
    pub effect_measure: &'static str,
    /// The compared arms (codes).
    pub treatment: String,
    pub reference: String,
    /// The fractions the boundaries were recomputed at (earlier and later
    /// looks as planned, this one as observed).
    pub fractions: Vec<f64>,
    pub evaluable: BTreeMap<String, EventsN>,
    /// The test statistic, treatment against the reference arm (positive
    /// favours treatment).
    pub z: f64,
    pub b_value: f64,
    pub efficacy_bound: f64,
    pub efficacy_bounds: Vec<f64>,
    /// The alpha spent by each look of `fractions`, cumulated.
    pub efficacy_alpha: Vec<f64>,
    pub futility_bound: Option<f64>,
    /// The conditional-power futility guideline on the z scale at each
    /// look before the last (K − 1 values): below it, conditional power
    /// under the current trend is under the guideline's threshold.
    pub futility_cp_z: Option<Vec<f64>>,
    /// The harm (lower) boundary at this look and at every look of
    /// `fractions`, when the design sets one, and the harm alpha spent by
    /// each look, cumulated.
    pub harm_bound: Option<f64>,
    pub harm_bounds: Option<Vec<f64>>,
    pub harm_alpha: Option<Vec<f64>>,
    /// Null at the final look.
    pub conditional_power: Option<ConditionalPowers>,
    /// Flat prior, final analysis; null at the final look.
    pub predictive_power: Option<f64>,
    /// Conditional power over a range of effects (`effect_measure`; for
    /// rates the reference at its observed rate); empty at the final look.
    pub conditional_power_curve: Vec<CurvePoint>,
    /// Why the curve's range differs from the usual one (it was flat
    /// there), in words; none when it moves over the usual range.
    pub curve_note: Option<String>,
    /// Repeated confidence interval of the effect at this look's boundary.
    pub repeated_ci: [f64; 2],
    pub repeated_p_value: f64,
    pub verdict: String,
    /// What the verdict says: `efficacy`, `harm`, `futility`,
    /// `favours-reference` (an estimate in the harm direction with no harm
    /// boundary configured), `continue`, `final` (the last look, no
    /// boundary crossed) or `no-formal-test` (a monitoring cut).
    pub verdict_kind: &'static str,
    /// The verdict's basis: z against each bound, conditional power against
    /// the guideline (empty at a monitoring cut).
    pub basis: Vec<String>,
}
/// A report that could not be computed.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("computing the report failed: {0}")]
    Polars(#[from] PolarsError),
}
