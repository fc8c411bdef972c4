//! Bayesian summaries of the primary endpoint (`[bayesian]` in trial.toml),
//! shown beside the frequentist look in the closed view and report.
//!
//! ```toml
//! [bayesian]
//! # The minimal clinically important difference: a difference in success
//! # rates (binary primary) or a hazard ratio (time-to-event primary).
//! mcid = 0.10
//!
//! # Binary primary only: Beta priors on each group's success rate (the
//! # default is one uniform prior, Beta(1, 1) for both).
//! [[bayesian.priors]]
//! name = "Sceptical"
//! treatment = [11, 9]
//! control = [11, 9]
//! ```
//!
//! A time-to-event primary takes no priors here: a flat prior, and the
//! sceptical and enthusiastic priors of Spiegelhalter et al. sized from
//! the design's hazard ratio.

use serde::{Deserialize, Serialize};

/// The `[bayesian]` table.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Bayesian {
    #[serde(default)]
    pub mcid: Option<f64>,
    #[serde(default)]
    pub priors: Vec<BetaPriors>,
}

/// A named pair of Beta priors on the success rates.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct BetaPriors {
    pub name: String,
    /// Beta(a, b) of the treatment arm's and the control arm's rate.
    pub treatment: [f64; 2],
    pub control: [f64; 2],
}

impl Bayesian {
    /// The priors a binary primary is summarised under.
    pub fn beta_priors(&self) -> Vec<BetaPriors> {
        if self.priors.is_empty() {
            vec![BetaPriors {
                name: "Uniform".into(),
                treatment: [1.0, 1.0],
                control: [1.0, 1.0],
            }]
        } else {
            self.priors.clone()
        }
    }

    /// Whether the table fits a primary endpoint that is binary (`binary`)
    /// or time to event; the reason otherwise, naming the key.
    pub(super) fn check(&self, binary: bool) -> Result<(), String> {
        if let Some(m) = self.mcid {
            if binary && (m.is_nan() || m <= -1.0 || m >= 1.0) {
                return Err(format!(
                    "bayesian.mcid: {m} is not a difference in success rates (between -1 and 1)"
                ));
            }
            let hazard_ratio = m > 0.0 && m.is_finite();
            if !binary && !hazard_ratio {
                return Err(format!(
                    "bayesian.mcid: {m} is not a hazard ratio (a positive number)"
                ));
            }
        }
        if !binary && !self.priors.is_empty() {
            return Err("bayesian.priors: a time-to-event primary takes no Beta priors (its priors come from the design's hazard ratio)".into());
        }
        for (i, p) in self.priors.iter().enumerate() {
            if p.name.trim().is_empty() {
                return Err(format!("bayesian.priors[{i}].name: a prior needs a name"));
            }
            for (key, ab) in [("treatment", p.treatment), ("control", p.control)] {
                if !ab.iter().all(|x| *x > 0.0 && x.is_finite()) {
                    return Err(format!(
                        "bayesian.priors[{i}].{key}: Beta parameters must be positive, not {ab:?}"
                    ));
                }
            }
        }
        Ok(())
    }
}
