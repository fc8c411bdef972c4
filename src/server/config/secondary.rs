//! Secondary endpoints (`[[secondary]]` in trial.toml): shown by group in
//! the closed view and report only, each with the trial's configured test.
//!
//! ```toml
//! [[secondary]]
//! name = "Durable LVAD"
//! kind = "binary"
//! variable = "HRTTYPE"     # an ADSL variable ...
//! values = ["LVAD"]        # ... and the values that mean an event
//!
//! [[secondary]]
//! name = "Overall survival"
//! kind = "time-to-event"
//! adtte_paramcd = "OS"     # an ADTTE parameter (event = CNSR 0)
//! ```
//!
//! A binary endpoint may also be an ADTTE parameter's event within a
//! `horizon` (in AVAL units).
//!
//! ```toml
//! [[secondary]]
//! name = "Lactate at day 1, mmol/L"
//! kind = "continuous"
//! adlb_paramcd = "LACTATE" # an ADLB parameter at a visit (AVISIT) ...
//! visit = "Day 1"
//! change = false           # ... its value, or its change from baseline
//! test = "wilcoxon"        # or "welch" (the default)
//! ```
//!
//! A continuous endpoint may also be a numeric ADSL `variable`.

use serde::{Deserialize, Serialize};

/// What a secondary endpoint is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SecondaryKind {
    Binary,
    Continuous,
    TimeToEvent,
}

/// How a continuous endpoint's groups are compared.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ContinuousTest {
    /// Welch's two-sample t-test (R `t.test(x, y)`).
    #[default]
    Welch,
    /// The Wilcoxon rank-sum test (R `wilcox.test(x, y)`).
    Wilcoxon,
}

/// One secondary endpoint.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Secondary {
    /// The name tables show.
    pub name: String,
    pub kind: SecondaryKind,
    /// A binary endpoint from ADSL: the variable and the values that mean
    /// an event (compared as text).
    #[serde(default)]
    pub variable: Option<String>,
    #[serde(default)]
    pub values: Option<Vec<String>>,
    /// From ADTTE: the parameter (event = CNSR 0) and, for a binary
    /// endpoint, the horizon within which an event counts.
    #[serde(default)]
    pub adtte_paramcd: Option<String>,
    #[serde(default)]
    pub horizon: Option<f64>,
    /// A continuous endpoint from ADLB: the parameter, the visit (AVISIT)
    /// and whether the change from the baseline record (ABLFL = Y) is
    /// compared instead of the value.
    #[serde(default)]
    pub adlb_paramcd: Option<String>,
    #[serde(default)]
    pub visit: Option<String>,
    #[serde(default)]
    pub change: bool,
    /// A continuous endpoint's test.
    #[serde(default)]
    pub test: Option<ContinuousTest>,
}

impl Secondary {
    /// Whether the entry says where its data are, for its kind; the reason
    /// otherwise, naming the key (`at` is the entry's place).
    pub(super) fn check(&self, at: &str) -> Result<(), String> {
        if self.name.trim().is_empty() {
            return Err(format!("{at}.name: a secondary endpoint needs a name"));
        }
        let from_adsl = self.variable.is_some() || self.values.is_some();
        let from_adtte = self.adtte_paramcd.is_some();
        let from_adlb = self.adlb_paramcd.is_some() || self.visit.is_some() || self.change;
        if self.kind != SecondaryKind::Continuous && (from_adlb || self.test.is_some()) {
            return Err(format!(
                "{at}: adlb_paramcd, visit, change and test belong to a continuous endpoint"
            ));
        }
        match self.kind {
            SecondaryKind::Continuous => match (from_adsl, from_adlb, from_adtte) {
                (true, false, false) => match (&self.variable, &self.values) {
                    (Some(v), None) if !v.is_empty() && self.horizon.is_none() => Ok(()),
                    _ => Err(format!(
                        "{at}: a continuous endpoint from ADSL takes a variable (numeric) and no values"
                    )),
                },
                (false, true, false) => match (&self.adlb_paramcd, &self.visit) {
                    (Some(p), Some(v)) if !p.is_empty() && !v.is_empty() && self.horizon.is_none() => Ok(()),
                    _ => Err(format!(
                        "{at}: a continuous endpoint from ADLB needs both adlb_paramcd and visit"
                    )),
                },
                _ => Err(format!(
                    "{at}: a continuous endpoint takes either variable (ADSL) or adlb_paramcd and visit (ADLB)"
                )),
            },
            SecondaryKind::Binary => match (from_adsl, from_adtte) {
                (true, false) => match (&self.variable, &self.values) {
                    (Some(v), Some(vals)) if !v.is_empty() && !vals.is_empty() => Ok(()),
                    _ => Err(format!(
                        "{at}: a binary endpoint from ADSL needs both variable and values"
                    )),
                },
                (false, true) => match self.horizon {
                    Some(h) if h > 0.0 && h.is_finite() => Ok(()),
                    _ => Err(format!(
                        "{at}.horizon: a binary endpoint from ADTTE needs a positive horizon"
                    )),
                },
                _ => Err(format!(
                    "{at}: a binary endpoint takes either variable and values (ADSL) or adtte_paramcd and horizon (ADTTE)"
                )),
            },
            SecondaryKind::TimeToEvent => {
                if from_adsl || self.horizon.is_some() || !from_adtte {
                    Err(format!(
                        "{at}: a time-to-event endpoint takes adtte_paramcd only"
                    ))
                } else {
                    Ok(())
                }
            }
        }
    }
}
