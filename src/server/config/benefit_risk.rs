//! Benefit-risk in one view (`[[benefit_risk.levels]]` in trial.toml): a
//! hierarchy of outcomes, most important first, compared pairwise between
//! the design's two arms (win ratio, net benefit, win odds, DOOR).
//!
//! ```toml
//! [[benefit_risk.levels]]
//! name = "Death by day 60"
//! adtte_paramcd = "OS"     # an ADTTE parameter (event = CNSR 0) ...
//! compare = "time"         # ... by time (the default) or "presence"
//! horizon = 60             # follow-up considered, in AVAL units
//!
//! [[benefit_risk.levels]]
//! name = "Escalation to another device"
//! variable = "ESCDEV"      # an ADSL variable and the values that mean
//! values = ["IMPELLA", "VA-ECMO"]  # the outcome (by presence)
//!
//! [[benefit_risk.levels]]
//! name = "BARC>=3 bleeding"
//! safety = "BARC>=3 bleeding"  # a configured safety category (by presence)
//! ```

use serde::{Deserialize, Serialize};

/// The `[benefit_risk]` table.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct BenefitRisk {
    #[serde(default)]
    pub levels: Vec<Level>,
}

/// How a level compares two subjects.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Compare {
    /// The later event (or none while followed) wins.
    Time,
    /// Free of the outcome wins.
    Presence,
}

/// One outcome of the hierarchy.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Level {
    pub name: String,
    #[serde(default)]
    pub adtte_paramcd: Option<String>,
    #[serde(default)]
    pub horizon: Option<f64>,
    #[serde(default)]
    pub compare: Option<Compare>,
    #[serde(default)]
    pub variable: Option<String>,
    #[serde(default)]
    pub values: Option<Vec<String>>,
    #[serde(default)]
    pub safety: Option<String>,
}

impl Level {
    /// How this level compares (time for an ADTTE parameter unless told).
    pub fn compare(&self) -> Compare {
        self.compare.unwrap_or(if self.adtte_paramcd.is_some() {
            Compare::Time
        } else {
            Compare::Presence
        })
    }
}

impl BenefitRisk {
    /// Whether every level says where its data are; the reason otherwise,
    /// naming the key. `safety` is the trial's safety categories' names.
    pub(super) fn check(&self, safety: &[String]) -> Result<(), String> {
        if self.levels.len() > 8 {
            return Err("benefit_risk.levels: at most 8 outcomes".into());
        }
        for (i, l) in self.levels.iter().enumerate() {
            let at = format!("benefit_risk.levels[{i}]");
            if l.name.trim().is_empty() {
                return Err(format!("{at}.name: an outcome needs a name"));
            }
            let sources = [
                l.adtte_paramcd.is_some(),
                l.variable.is_some() || l.values.is_some(),
                l.safety.is_some(),
            ];
            if sources.iter().filter(|s| **s).count() != 1 {
                return Err(format!(
                    "{at}: an outcome takes one of adtte_paramcd, variable and values, or safety"
                ));
            }
            if l.variable.is_some() != l.values.as_ref().is_some_and(|v| !v.is_empty()) {
                return Err(format!(
                    "{at}: an ADSL outcome needs both variable and values"
                ));
            }
            if l.adtte_paramcd.is_none()
                && (l.horizon.is_some() || l.compare == Some(Compare::Time))
            {
                return Err(format!(
                    "{at}: only an ADTTE outcome takes a horizon or is compared by time"
                ));
            }
            if let Some(h) = l.horizon {
                if !(h > 0.0 && h.is_finite()) {
                    return Err(format!("{at}.horizon: must be positive"));
                }
            }
            if let Some(s) = &l.safety {
                if !safety.iter().any(|c| c == s) {
                    return Err(format!(
                        "{at}.safety: {s:?} is not one of the trial's safety categories"
                    ));
                }
            }
        }
        Ok(())
    }
}
