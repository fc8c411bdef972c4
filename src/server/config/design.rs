//! The group-sequential design of `trial.toml`: the endpoint, the planned
//! looks, alpha and power, the efficacy spending, the futility rule, the
//! harm (lower) boundary, the assumptions, and which cuts are the formal
//! looks.

use serde::{Deserialize, Serialize};

/// The kind of the primary endpoint.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum EndpointKind {
    Binary,
    TimeToEvent,
    Continuous,
}

/// Sidedness of the test.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
pub enum Sided {
    #[serde(rename = "one")]
    One,
    #[serde(rename = "two")]
    Two,
}

/// The group-sequential design.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TrialDesign {
    /// Marks a design that is not the trial's own (e.g. made up for a demo).
    #[serde(default)]
    pub hypothetical: bool,
    pub endpoint: EndpointKind,
    /// Planned information fractions of the looks, increasing, ending at 1.
    pub looks: Vec<f64>,
    /// Type I error (one-sided when `sided = "one"`, else two-sided total).
    pub alpha: f64,
    pub sided: Sided,
    /// Power the trial was sized for.
    pub power: f64,
    /// Efficacy alpha-spending: `obf`, `pocock`, `kd:<gamma>`, `hsd:<gamma>`,
    /// `obf-classic`, `pocock-classic`, `haybittle-peto`.
    pub efficacy_spending: String,
    /// Futility rule (non-binding unless `binding = true`).
    #[serde(default)]
    pub futility: Option<FutilityRule>,
    /// Design assumptions.
    pub assumptions: Assumptions,
    /// The arm (code) compared with the reference arm (the first) in the
    /// group-sequential test; may be left out with two arms.
    #[serde(default)]
    pub treatment_arm: Option<String>,
    /// Time-to-event: the planned number of events at the final look. Left
    /// out, it is the number the design's power needs at the assumed hazard
    /// ratio (Schoenfeld, with the group-sequential inflation).
    #[serde(default)]
    pub max_events: Option<f64>,
    /// A harm (lower) boundary on the primary endpoint, when the DMC charter
    /// sets one.
    #[serde(default)]
    pub harm: Option<HarmRule>,
    /// The cuts that are the design's formal looks (look k of K at the cut
    /// dated so). Every other cut is a monitoring cut: its path, conditional
    /// power and information are shown, but no formal test and no verdict.
    #[serde(default)]
    pub formal_looks: Vec<FormalLook>,
}

/// A harm boundary on the primary endpoint: z at or below it says the
/// treatment harms. Computed at the observed information of the formal
/// looks, like the efficacy boundary, as the one-sided design of the harm
/// alpha, negated (docs/DECISIONS.md).
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct HarmRule {
    /// Total one-sided harm alpha (e.g. 0.025).
    pub alpha: f64,
    /// Harm alpha-spending: `obf`, `pocock` or `hsd:<gamma>` (Lan-DeMets
    /// O'Brien-Fleming and Pocock types, Hwang-Shih-DeCani).
    pub spending: String,
    /// Whether crossing it binds the board (it is a guideline otherwise).
    #[serde(default)]
    pub binding: bool,
    /// Where the rule comes from (the charter), or that it is an assumption.
    #[serde(default)]
    pub source: Option<String>,
}

/// A cut declared as formal look `look` (1-based) of the design.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FormalLook {
    pub look: usize,
    /// The cut's date, `YYYY-MM-DD`.
    pub cut: String,
    /// The information fraction observed at that cut. Filled in by the
    /// server (from the cut's pooled information) for the looks before the
    /// cut a report is made of; written in trial.toml it is taken as given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub information_fraction: Option<f64>,
}

impl TrialDesign {
    /// The formal look declared at the cut dated `cut`, if any.
    pub fn formal_look_at(&self, cut: &str) -> Option<&FormalLook> {
        self.formal_looks.iter().find(|l| l.cut == cut)
    }

    /// The formal looks before the cut dated `cut`, by look.
    pub fn formal_looks_before(&self, cut: &str) -> Vec<&FormalLook> {
        let mut out: Vec<&FormalLook> = self
            .formal_looks
            .iter()
            .filter(|l| l.cut.as_str() < cut)
            .collect();
        out.sort_by_key(|l| l.look);
        out
    }
}

/// A futility rule: beta-spending and/or a conditional-power threshold.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FutilityRule {
    /// Beta-spending function, in the same notation as efficacy spending.
    #[serde(default)]
    pub beta_spending: Option<String>,
    /// Stop for futility when conditional power under the current trend is below this.
    #[serde(default)]
    pub conditional_power_below: Option<f64>,
    #[serde(default)]
    pub binding: bool,
    /// Where the rule comes from, or that it is an assumption.
    #[serde(default)]
    pub source: Option<String>,
}

/// Design assumptions.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Assumptions {
    /// Binary endpoint: assumed rate per arm code.
    #[serde(default)]
    pub rates: Option<std::collections::BTreeMap<String, f64>>,
    /// Time-to-event: assumed hazard ratio (treatment vs reference).
    #[serde(default)]
    pub hazard_ratio: Option<f64>,
    /// Continuous: assumed difference in means, and the common SD.
    #[serde(default)]
    pub effect: Option<f64>,
    #[serde(default)]
    pub sd: Option<f64>,
}
