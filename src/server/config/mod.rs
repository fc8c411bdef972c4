//! The trial configuration (`trial.toml`), written once by the independent
//! statistician for each trial: arms, enrollment plan, design, the primary
//! endpoint's source, safety categories, subgroups and the open view's
//! small-cell threshold. The demo trials' `trial.toml` files are commented examples;
//! `docs/DATA.md` describes cuts, manifests and the checks.

pub mod bayes;
pub mod benefit_risk;
mod check;
mod columns;
mod design;
pub mod labs;
mod rules;
pub mod secondary;
mod tables;

pub use check::LookRefusal;
pub use columns::{ColumnNames, ColumnRole};
pub use design::{
    Assumptions, EndpointKind, FormalLook, FutilityRule, HarmRule, Sided, TrialDesign,
};
pub use rules::{BoundaryType, SafetyRule};
pub use tables::AdverseEventOptions;

use serde::{Deserialize, Serialize};
use std::path::Path;

/// A trial as described by its `trial.toml`.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TrialConfig {
    /// Short identifier used in URLs and on the command line, e.g. `altshock2`.
    pub id: String,
    /// Human-readable title shown on every page.
    pub title: String,
    /// Free-text notes (sources, assumptions) shown with the design.
    #[serde(default)]
    pub notes: Option<String>,
    /// A bundled demonstration trial (synthetic or public data): `dsmb
    /// serve --demo` creates its demo users on such trials only.
    #[serde(default)]
    pub demo: bool,
    /// Data conventions of this trial's cuts.
    #[serde(default)]
    pub data: DataConventions,
    /// The arms, the first being the reference (control) arm.
    pub arms: Vec<Arm>,
    /// Enrollment plan.
    pub enrollment: EnrollmentPlan,
    /// The group-sequential design.
    pub design: TrialDesign,
    /// Where the primary endpoint comes from.
    pub primary: PrimaryEndpoint,
    /// Safety event categories, counted as subjects with at least one event.
    #[serde(default)]
    pub safety: Vec<SafetyCategory>,
    /// Safety monitoring rules on the safety categories (signals for the
    /// board, never automatic stops).
    #[serde(default)]
    pub safety_rules: Vec<SafetyRule>,
    /// Subgroups for the forest plot.
    #[serde(default)]
    pub subgroups: Vec<Subgroup>,
    /// Secondary endpoints, by group in the closed view only.
    #[serde(default)]
    pub secondary: Vec<secondary::Secondary>,
    /// Bayesian summaries of the primary endpoint (closed view only).
    #[serde(default)]
    pub bayesian: bayes::Bayesian,
    /// Benefit-risk: a hierarchy of outcomes compared pairwise.
    #[serde(default)]
    pub benefit_risk: benefit_risk::BenefitRisk,
    /// The baseline characteristics table: ADSL variables, in order.
    #[serde(default)]
    pub baseline: Vec<BaselineVariable>,
    /// The open (sponsor) view.
    #[serde(default)]
    pub open_view: OpenView,
    /// Analysis choices.
    #[serde(default)]
    pub analysis: Analysis,
    /// Overrides of the ADaM column names the report tables read.
    #[serde(default)]
    pub columns: ColumnNames,
    /// The laboratory parameters (ADLB), with the ADaM defaults.
    #[serde(default)]
    pub labs: labs::Labs,
    /// The adverse-event tables' options.
    #[serde(default)]
    pub adverse_events: AdverseEventOptions,
}

/// Analysis choices a trial's statistical analysis plan makes.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Analysis {
    /// How safety rates are compared between arms.
    pub safety_test: crate::stats::proportions::TestRule,
    /// Yates' continuity correction in the chi-square test (R's default).
    pub continuity_correction: bool,
    /// The interval for a risk difference between arms.
    pub risk_difference_ci: RiskDifferenceCi,
    /// How tied event times enter Cox models.
    pub cox_ties: CoxTies,
    /// Each subject's time at risk for exposure-adjusted event rates; left
    /// out, the safety table has no rates per patient-year.
    pub exposure: Option<Exposure>,
    /// Study days at which the safety table gives cumulative incidence
    /// (default: see `safety_time::incidence_days`).
    pub incidence_days: Option<Vec<f64>>,
}

impl Analysis {
    /// The safety comparisons' method in one sentence, written from the
    /// configured rule: the one caption of every safety comparison (page,
    /// report documents, JSON).
    pub fn safety_test_sentence(&self) -> String {
        use crate::stats::proportions::TestRule;
        let rd = match self.risk_difference_ci {
            RiskDifferenceCi::Newcombe => "Newcombe hybrid score",
            RiskDifferenceCi::MiettinenNurminen => "Miettinen-Nurminen",
        };
        let chi = if self.continuity_correction {
            "Pearson's chi-square test with Yates' continuity correction"
        } else {
            "Pearson's chi-square test without continuity correction"
        };
        let test = match self.safety_test {
            TestRule::ChiSquareOrFisher => {
                format!("{chi}, or Fisher's exact test when an expected count is below 5")
            }
            TestRule::ChiSquare => chi.to_string(),
            TestRule::Fisher => "Fisher's exact test".to_string(),
        };
        format!("Risk differences with {rd} 95% intervals; p-values by {test}.")
    }
}

/// Where a subject's exposure (follow-up) time comes from, in days.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Exposure {
    /// A numeric ADSL column in days (e.g. TRTDUR).
    #[serde(default)]
    pub adsl_days: Option<String>,
    /// Or an ADTTE parameter whose AVAL (days) is the follow-up.
    #[serde(default)]
    pub adtte_paramcd: Option<String>,
}

impl Default for Analysis {
    fn default() -> Self {
        Analysis {
            safety_test: crate::stats::proportions::TestRule::ChiSquareOrFisher,
            continuity_correction: true,
            risk_difference_ci: RiskDifferenceCi::Newcombe,
            cox_ties: CoxTies::Efron,
            exposure: None,
            incidence_days: None,
        }
    }
}

/// Interval for a risk difference.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
pub enum RiskDifferenceCi {
    /// Newcombe's hybrid score interval (Newcombe 1998, method 10).
    #[serde(rename = "newcombe")]
    Newcombe,
    /// Miettinen-Nurminen score interval.
    #[serde(rename = "miettinen-nurminen")]
    MiettinenNurminen,
}

/// Tie handling in Cox models (R's `coxph` default is Efron).
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
pub enum CoxTies {
    #[serde(rename = "efron")]
    Efron,
    #[serde(rename = "breslow")]
    Breslow,
}

/// Column names and encodings of the trial's ADaM files.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct DataConventions {
    /// ADSL date of randomization (or its proxy, e.g. TRTSDT).
    pub randomization_date: String,
    /// ADSL column holding the randomized arm in an unblinded cut.
    pub arm_column: String,
    /// ADSL column with the date of death, if any (checked against AE dates).
    pub death_date: Option<String>,
    /// Text encoding of CSV files and XPT character fields.
    pub encoding: Encoding,
}

impl Default for DataConventions {
    fn default() -> Self {
        DataConventions {
            randomization_date: "RANDDT".into(),
            arm_column: "ARMCD".into(),
            death_date: None,
            encoding: Encoding::Utf8,
        }
    }
}

/// Text encoding of input files.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8; an invalid byte sequence is an error naming row and column.
    #[serde(rename = "utf-8", alias = "utf8")]
    Utf8,
    /// ISO 8859-1, every byte a character.
    #[serde(rename = "latin-1", alias = "latin1", alias = "iso-8859-1")]
    Latin1,
}

/// One arm of the trial.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Arm {
    /// Arm code, as in ADSL.ARMCD and the randomization list (e.g. `SOC`).
    pub code: String,
    /// Label shown to those who may see decoded arms (e.g. `SoC`).
    pub label: String,
    /// The value of `data.arm_column` that means this arm (default: `code`).
    #[serde(default)]
    pub value: Option<String>,
    /// Allocation ratio weight (1 for 1:1).
    #[serde(default = "one")]
    pub allocation: f64,
}

fn one() -> f64 {
    1.0
}

impl Arm {
    /// The value in the arm column that identifies this arm.
    pub fn column_value(&self) -> &str {
        self.value.as_deref().unwrap_or(&self.code)
    }
}

/// Planned enrollment.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EnrollmentPlan {
    /// Number of subjects the trial plans to randomize.
    pub target: u32,
    /// Planned date of the first randomization (`YYYY-MM-DD`).
    #[serde(default)]
    pub planned_start: Option<String>,
    /// Planned date of the last randomization (`YYYY-MM-DD`).
    #[serde(default)]
    pub planned_end: Option<String>,
}

/// Where the primary endpoint comes from.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PrimaryEndpoint {
    /// Human-readable name.
    pub name: String,
    /// ADTTE parameter code (event = CNSR 0).
    #[serde(default)]
    pub adtte_paramcd: Option<String>,
    /// Or an ADSL flag column and the value that means an event.
    #[serde(default)]
    pub adsl_flag: Option<String>,
    #[serde(default)]
    pub event_value: Option<String>,
    /// For a binary endpoint: whether an event is a success (true) or a failure.
    #[serde(default)]
    pub event_is_success: bool,
    /// For a binary endpoint from ADTTE: the follow-up (in AVAL units) after
    /// which a subject without an event is evaluable.
    #[serde(default)]
    pub horizon: Option<f64>,
}

/// A safety category: ADAE records matching every condition; subjects with
/// at least one such record are counted.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SafetyCategory {
    /// Name shown in tables, e.g. `BARC>=3 bleeding`.
    pub name: String,
    /// Conditions over ADAE columns, all of which must hold.
    #[serde(rename = "where")]
    pub conditions: Vec<Condition>,
}

/// One condition over an ADAE column.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    pub column: String,
    /// The column equals this text.
    #[serde(default)]
    pub equals: Option<String>,
    /// Or the column is one of these.
    #[serde(default, rename = "in")]
    pub any_of: Option<Vec<String>>,
}

/// A variable of the baseline characteristics table.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineVariable {
    /// The ADSL column (a missing one is shown as not collected).
    pub variable: String,
    /// The row's label, e.g. `Age, years`.
    pub label: String,
    /// How it is summarised.
    pub kind: BaselineKind,
    /// `categorical`: the levels to show, in order, as (value, label); by
    /// default every value found, sorted. Values outside them are counted as
    /// `Other`.
    #[serde(default)]
    pub levels: Option<Vec<LevelLabel>>,
    /// `above`: subjects whose value is above this.
    #[serde(default)]
    pub threshold: Option<f64>,
}

/// How a baseline variable is summarised.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BaselineKind {
    /// n, median (Q1-Q3) by R's type-7 quantiles, mean (SD), min-max.
    Continuous,
    /// n (%) of each level, and the missing.
    Categorical,
    /// n (%) above `threshold`, and the missing.
    Above,
}

/// A value of a categorical variable and how the table names it.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LevelLabel {
    pub value: String,
    pub label: String,
}

/// A subgroup: an ADSL variable split at cut points (numeric) or by levels.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Subgroup {
    pub variable: String,
    /// What the subgroup is called on the pages and in the documents ("Age,
    /// years"); the variable's name without one.
    #[serde(default)]
    pub label: Option<String>,
    /// Numeric cut points: levels `<= c1`, `(c1, c2]`, ..., `> ck`.
    #[serde(default)]
    pub cuts: Option<Vec<f64>>,
    /// Labels of the levels made by `cuts` (one more than the cuts); by
    /// default `<=c1`, `(c1,c2]`, ..., `>ck`.
    #[serde(default)]
    pub labels: Option<Vec<String>>,
    /// Categorical levels: each a label and the values it takes.
    #[serde(default)]
    pub levels: Option<Vec<SubgroupLevel>>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SubgroupLevel {
    pub label: String,
    pub values: Vec<String>,
}

/// The open (sponsor) view.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OpenView {
    /// Pooled counts below this are suppressed (shown as `<N`).
    pub small_cell_threshold: u32,
}

impl Default for OpenView {
    fn default() -> Self {
        OpenView {
            small_cell_threshold: 5,
        }
    }
}

/// Why a trial configuration could not be read.
#[derive(Debug, thiserror::Error)]
pub enum TrialConfigError {
    #[error("{path}: cannot read the trial configuration: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Parse { path: String, message: String },
}

impl TrialConfig {
    /// The arms as (code, label), in the trial's order: what a viewer's
    /// names for the groups are made from.
    pub fn arm_labels(&self) -> Vec<(String, String)> {
        self.arms
            .iter()
            .map(|a| (a.code.clone(), a.label.clone()))
            .collect()
    }

    /// Read and parse a `trial.toml`.
    pub fn load(path: &Path) -> Result<Self, TrialConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| TrialConfigError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Self::parse(&text).map_err(|message| TrialConfigError::Parse {
            path: path.display().to_string(),
            message,
        })
    }

    /// Parse the text of a `trial.toml`; a syntax error names line and column,
    /// a semantic one names the key.
    pub fn parse(text: &str) -> Result<Self, String> {
        let cfg: TrialConfig = toml::from_str(text).map_err(|e| e.to_string())?;
        cfg.validate()?;
        Ok(cfg)
    }

    /// The arm with code `code`.
    pub fn arm(&self, code: &str) -> Option<&Arm> {
        self.arms.iter().find(|a| a.code == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
id = "t1"
title = "T"
[[arms]]
code = "C"
label = "Control"
[[arms]]
code = "T"
label = "Treated"
[enrollment]
target = 200
[design]
endpoint = "binary"
looks = [0.5, 1.0]
alpha = 0.025
sided = "one"
power = 0.8
efficacy_spending = "obf"
[design.assumptions]
rates = { C = 0.55, T = 0.75 }
[primary]
name = "Death by day 60"
adtte_paramcd = "PRIMEP"
"#;

    #[test]
    fn a_minimal_config_parses() {
        let cfg = TrialConfig::parse(MINIMAL).unwrap();
        assert_eq!(cfg.enrollment.target, 200);
        assert_eq!(cfg.arms[0].column_value(), "C");
        assert_eq!(cfg.open_view.small_cell_threshold, 5);
        assert_eq!(cfg.data.randomization_date, "RANDDT");
    }

    #[test]
    fn an_unknown_key_is_refused_with_its_position() {
        let text = MINIMAL.replace("title = \"T\"", "title = \"T\"\ntargte = 3");
        let err = TrialConfig::parse(&text).unwrap_err();
        assert!(err.contains("targte"), "{err}");
        assert!(err.contains("line 4"), "{err}");
    }

    #[test]
    fn an_id_with_a_slash_is_refused() {
        let err = TrialConfig::parse(&MINIMAL.replace("\"t1\"", "\"a/b\"")).unwrap_err();
        assert!(err.contains("id"), "{err}");
    }

    #[test]
    fn looks_that_do_not_end_at_one_are_refused() {
        let err = TrialConfig::parse(&MINIMAL.replace("[0.5, 1.0]", "[0.5, 0.9]")).unwrap_err();
        assert!(err.contains("design.looks"), "{err}");
    }

    #[test]
    fn a_condition_with_both_equals_and_in_is_refused() {
        let text = format!(
            "{MINIMAL}\n[[safety]]\nname = \"x\"\nwhere = [{{ column = \"A\", equals = \"1\", in = [\"2\"] }}]\n"
        );
        let err = TrialConfig::parse(&text).unwrap_err();
        assert!(err.contains("safety[0]"), "{err}");
    }

    #[test]
    fn a_baseline_row_that_cannot_be_summarised_is_refused_by_key() {
        let row = |body: &str| {
            TrialConfig::parse(&format!(
                "{MINIMAL}\n[[baseline]]\nvariable = \"AGE\"\nlabel = \"Age\"\n{body}\n"
            ))
        };
        assert!(row("kind = \"continuous\"").is_ok());
        assert!(row("kind = \"above\"\nthreshold = 65").is_ok());
        for (body, why) in [
            ("kind = \"above\"", "needs a finite threshold"),
            ("kind = \"continuous\"\nthreshold = 65", "only for kind = \"above\""),
            (
                "kind = \"continuous\"\nlevels = [{ value = \"A\", label = \"a\" }]",
                "only for kind = \"categorical\"",
            ),
            ("kind = \"categorical\"\nlevels = []", "must not be empty"),
            (
                "kind = \"categorical\"\nlevels = [{ value = \"A\", label = \"a\" }, { value = \"A\", label = \"b\" }]",
                "listed twice",
            ),
        ] {
            let err = row(body).unwrap_err();
            assert!(err.contains("baseline[0] (AGE)") && err.contains(why), "{body}: {err}");
        }
    }
}
