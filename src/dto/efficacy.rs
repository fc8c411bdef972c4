//! The efficacy and futility page (closed roles).

use super::Figure;
use serde::{Deserialize, Serialize};

/// Kaplan-Meier summary of a group.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KmRow {
    pub group: String,
    pub n: u32,
    pub events: u32,
    pub median: Option<f64>,
    pub median_ci95: [Option<f64>; 2],
    /// (time, S(t)) after each event time, from (0, 1), to the last
    /// follow-up time.
    pub curve: Vec<[f64; 2]>,
    /// (time, S(t)) at each time with a censored subject.
    pub censored: Vec<[f64; 2]>,
    /// The pointwise 95% band (log-log): (time, lower, upper).
    pub band: Vec<[f64; 3]>,
    /// At risk at `Efficacy::risk_times`.
    pub at_risk: Vec<u32>,
}

/// The treatment effect within one subgroup level, for the forest plot.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ForestRow {
    /// The subgroup's variable (ADSL column).
    pub variable: String,
    /// The subgroup as the trial labels it (the variable without a label).
    #[serde(default)]
    pub label: String,
    pub level: String,
    /// Subjects in the level (compared groups).
    pub n: u32,
    /// Events over subjects in the level, `12/48`, of the compared group
    /// then the reference (see `Efficacy::forest_groups`).
    #[serde(default)]
    pub events: Vec<String>,
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

/// One look of the design as rpact and gsDesign users read it: the
/// boundaries in z, their nominal p-values, and the alpha spent by then.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BoundRow {
    pub look: usize,
    pub information_fraction: f64,
    pub efficacy_z: f64,
    /// The nominal p-value at the efficacy bound (one-sided, or two-sided
    /// for a two-sided design: rpact's `stageLevels`, doubled then).
    pub efficacy_p: f64,
    /// The alpha spent by this look, cumulated (rpact's `alphaSpent`).
    pub efficacy_alpha: f64,
    /// The futility bound in z, where the design has one at this look.
    pub futility_z: Option<f64>,
    /// The conditional-power futility guideline on the z scale at this
    /// look (none at the last): below it, conditional power under the
    /// current trend is under the guideline's threshold.
    #[serde(default)]
    pub futility_cp_z: Option<f64>,
    pub harm_z: Option<f64>,
    /// The nominal p-value at the harm bound (lower tail).
    pub harm_p: Option<f64>,
    pub harm_alpha: Option<f64>,
}

/// The effects a conditional power is read at.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CpEffects {
    pub observed: f64,
    pub design: Option<f64>,
    pub null: f64,
}

/// The group-sequential look at this cut.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InterimView {
    pub look: usize,
    pub looks: usize,
    /// The look in words: "formal look 1 of 2", or a monitoring cut's
    /// "no formal test" with the next look.
    pub look_label: String,
    /// The cut is a formal look of the design (tested, with a verdict).
    pub formal: bool,
    pub information_fraction: f64,
    pub information: String,
    pub planned_information: f64,
    pub required_information: Option<f64>,
    pub fractions: Vec<f64>,
    pub z: f64,
    pub b_value: f64,
    pub efficacy_bounds: Vec<f64>,
    /// Every look's bounds, nominal p-values and alpha spent.
    pub bounds: Vec<BoundRow>,
    pub futility_bound: Option<f64>,
    /// The harm (lower) boundary at each of `fractions`, when configured.
    pub harm_bounds: Option<Vec<f64>>,
    pub cp_design: Option<f64>,
    pub cp_trend: Option<f64>,
    pub cp_null: Option<f64>,
    /// The effects conditional power is read at (observed, design, null),
    /// on `effect_measure`'s scale, marked on its curve.
    pub cp_effects: Option<CpEffects>,
    /// The futility guideline's threshold of conditional power, if any.
    pub cp_threshold: Option<f64>,
    pub predictive_power: Option<f64>,
    /// What the effects are, with the groups named as the viewer sees them.
    pub effect_measure: String,
    pub repeated_ci: [f64; 2],
    pub repeated_p_value: f64,
    /// (effect, conditional power) over a range of effects.
    pub curve: Vec<(f64, f64)>,
    /// Why the curve runs over another range than the usual one (it is
    /// flat there).
    #[serde(default)]
    pub curve_note: Option<String>,
    pub verdict: String,
    /// efficacy, harm, futility, favours-reference, continue, final or
    /// no-formal-test.
    pub verdict_kind: String,
    /// The verdict's basis: z against each bound, conditional power
    /// against the guideline.
    pub basis: Vec<String>,
    pub futility_rule: Option<String>,
    /// The harm boundary in words, when configured.
    pub harm_rule: Option<String>,
    /// The observed statistic at each of the trial's cuts up to this one
    /// (oldest first), the path drawn over the boundaries.
    pub path: Vec<PathPoint>,
    /// The cut reviewed at the last signed meeting (on this cut or an
    /// earlier one), marked on the path: "then" beside this cut's "now".
    #[serde(default)]
    pub reviewed_cut: Option<String>,
    /// Boundaries with the observed z; conditional power over effects.
    pub boundary_chart: Figure,
    pub cp_chart: Figure,
    /// The statistician's offer to declare this monitoring cut the next
    /// formal look (none for other roles, formal looks, or a cut before a
    /// declared look).
    #[serde(default)]
    pub declare: Option<DeclareLook>,
}

/// Declaring a cut formal look `look` of `of`, as the efficacy page offers
/// it to the statistician.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DeclareLook {
    pub look: usize,
    pub of: usize,
    pub cut: String,
    /// Whether the cut's information reached the look's planned one (the
    /// app proposes it), and that in words.
    pub proposed: bool,
    pub note: String,
    pub csrf: String,
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
    /// The group is one of the two the group-sequential look compares
    /// (never set while groups are coded: it would tell them apart).
    pub compared: bool,
}

/// A secondary endpoint by group (closed views).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SecondaryRow {
    pub name: String,
    /// "binary" or "time to event".
    pub kind: String,
    /// What counts, in words.
    pub definition: String,
    /// Events/n (%) per group, in the groups' display order.
    pub cells: Vec<String>,
    /// The comparison in words (the test and its p; a hazard ratio).
    pub comparison: String,
}

/// A continuous secondary endpoint by group (closed views).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ContinuousRow {
    pub name: String,
    /// What is summarised, in words.
    pub definition: String,
    /// n (missing), median (Q1–Q3), mean (SD), min–max: one cell per
    /// group in display order.
    pub lines: Vec<super::BaselineLine>,
    /// The compared groups' difference of means with Welch's 95% interval,
    /// in words ("withheld until the decode" while coded).
    pub difference: String,
    /// The configured test's p, in words.
    pub comparison: String,
}

/// The primary endpoint's Bayesian summaries (decoded closed views).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BayesView {
    /// "Difference in success rates, IABP + SoC vs SoC" or "Hazard ratio, ...".
    pub measure: String,
    /// The data the posteriors update on, in words.
    pub data: String,
    /// The MCID column's heading ("P(difference ≥ 0.10)"), when configured.
    pub mcid_header: Option<String>,
    pub rows: Vec<BayesRow>,
    pub caption: String,
}

/// One prior's posterior, formatted.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BayesRow {
    pub prior: String,
    pub prior_text: String,
    /// The posterior mean (median for a hazard ratio) and 95% credible
    /// interval.
    pub estimate: String,
    pub p_benefit: String,
    pub p_harm: String,
    pub p_mcid: Option<String>,
}

/// Benefit-risk in one view (decoded closed views).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BenefitRiskView {
    /// "IABP + SoC vs SoC".
    pub comparison: String,
    /// "53 × 48 = 2,544 pairs".
    pub pairs: String,
    pub levels: Vec<BenefitRiskLevel>,
    /// (statistic, "estimate (95% CI)"): win ratio, net benefit, win odds,
    /// DOOR probability.
    pub statistics: Vec<(String, String)>,
    /// The Finkelstein-Schoenfeld test, in words.
    pub test: String,
    /// Wins, losses and ties at each level.
    pub chart: Figure,
    pub caption: String,
}

/// What one level of the hierarchy decided, formatted.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BenefitRiskLevel {
    pub name: String,
    pub compared: String,
    /// Pairs reaching the level, and the wins and losses it decided, each
    /// with its share of all pairs.
    pub reached: String,
    pub wins: String,
    pub losses: String,
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
    /// The compared group then the reference, as the forest's events/n
    /// columns name them.
    #[serde(default)]
    pub forest_groups: Vec<String>,
    /// Treatment-by-subgroup interaction p-values per variable.
    pub interactions: Vec<(String, f64)>,
    /// The groups the secondary endpoints' columns name, and one row per
    /// configured secondary endpoint.
    #[serde(default)]
    pub secondary_groups: Vec<String>,
    #[serde(default)]
    pub secondary: Vec<SecondaryRow>,
    /// The continuous secondary endpoints, in the same groups' order.
    #[serde(default)]
    pub continuous: Vec<ContinuousRow>,
    /// Bayesian summaries of the primary endpoint (not while coded).
    #[serde(default)]
    pub bayes: Option<BayesView>,
    /// Benefit-risk in one view (not while coded).
    #[serde(default)]
    pub benefit_risk: Option<BenefitRiskView>,
    /// The models the interaction tests compare: "Cox" or "logistic".
    #[serde(default)]
    pub interaction_model: String,
    /// Kaplan-Meier curves; the forest plot.
    pub km_chart: Figure,
    pub forest_chart: Figure,
    /// The trial's good cuts, newest first (the cut picker).
    pub cuts: Vec<String>,
    /// Why the directional results are not shown (groups coded), if so.
    pub withheld: Option<String>,
    /// A binary endpoint's events of the compared groups tested by the
    /// trial's rule, in words (`IABP + SoC vs SoC: p = 0.456 (chi-square)`);
    /// not while coded.
    pub primary_test: Option<String>,
}
