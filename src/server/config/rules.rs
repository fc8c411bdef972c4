//! Safety monitoring rules of `trial.toml` (`[[safety_rules]]`), the kinds
//! a DMC charter writes for a configured safety category: a Bayesian
//! threshold on a group's event rate, a Bayesian comparison of two groups,
//! and an exact sequential boundary for a group's rate against a null rate.
//! A crossed rule is a signal for the board, never an automatic stop.

use serde::{Deserialize, Serialize};

/// One rule, on the safety category named `category`.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum SafetyRule {
    /// Signal when P(p > threshold | data) under a Beta(a, b) prior exceeds
    /// `flag_above`, in any group.
    Posterior {
        category: String,
        #[serde(default = "uniform")]
        prior: [f64; 2],
        threshold: f64,
        flag_above: f64,
    },
    /// Signal when P(p_B > p_A + delta | data), each rate with a Beta(a, b)
    /// prior, exceeds `flag_above`, for any ordered pair of groups.
    Difference {
        category: String,
        #[serde(default = "uniform")]
        prior: [f64; 2],
        #[serde(default)]
        delta: f64,
        flag_above: f64,
    },
    /// Signal when a group's events reach the exact sequential boundary for
    /// its subjects so far: `boundary` = `pocock`, `obf` or `bb` (the
    /// beta-binomial, with `prior`), the rate `p0` under the null, the
    /// probability `alpha` of a signal when the rate is p0, monitored from
    /// 1 to `max_subjects` subjects.
    Sequential {
        category: String,
        boundary: BoundaryType,
        p0: f64,
        alpha: f64,
        #[serde(default)]
        prior: Option<[f64; 2]>,
        max_subjects: u32,
    },
}

/// The kind of an exact sequential boundary (R stoppingrule's names).
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum BoundaryType {
    Pocock,
    Obf,
    Bb,
}

impl BoundaryType {
    /// The statistics core's boundary, with the beta-binomial's prior.
    pub fn kind(self, prior: Option<[f64; 2]>) -> crate::stats::monitoring::BoundaryKind {
        use crate::stats::monitoring::{BetaPrior, BoundaryKind};
        match self {
            BoundaryType::Pocock => BoundaryKind::Pocock,
            BoundaryType::Obf => BoundaryKind::OBrienFleming,
            BoundaryType::Bb => {
                let [a, b] = prior.unwrap_or([1.0, 1.0]);
                BoundaryKind::BetaBinomial(BetaPrior { a, b })
            }
        }
    }

    /// The boundary in words.
    fn words(self, prior: Option<[f64; 2]>) -> String {
        match self {
            BoundaryType::Pocock => "Pocock-type".into(),
            BoundaryType::Obf => "O'Brien-Fleming-type".into(),
            BoundaryType::Bb => {
                let [a, b] = prior.unwrap_or([1.0, 1.0]);
                format!("beta-binomial (Beta({a}, {b}) prior)")
            }
        }
    }
}

fn uniform() -> [f64; 2] {
    [1.0, 1.0]
}

impl SafetyRule {
    /// The safety category the rule is on.
    pub fn category(&self) -> &str {
        match self {
            SafetyRule::Posterior { category, .. }
            | SafetyRule::Difference { category, .. }
            | SafetyRule::Sequential { category, .. } => category,
        }
    }

    /// The rule's kind as trial.toml names it.
    pub fn kind(&self) -> &'static str {
        match self {
            SafetyRule::Posterior { .. } => "posterior",
            SafetyRule::Difference { .. } => "difference",
            SafetyRule::Sequential { .. } => "sequential",
        }
    }

    /// The rule in words (what the page and the documents call it).
    pub fn describe(&self) -> String {
        match self {
            SafetyRule::Posterior {
                category,
                prior,
                threshold,
                flag_above,
            } => format!(
                "{category}: signal when P(rate > {threshold} | data) > {flag_above} in a group (Beta({}, {}) prior)",
                prior[0], prior[1]
            ),
            SafetyRule::Difference {
                category,
                prior,
                delta,
                flag_above,
            } => {
                let by = if *delta == 0.0 {
                    String::new()
                } else {
                    format!(" + {delta}")
                };
                format!(
                    "{category}: signal when P(one group's rate > another's{by} | data) > {flag_above} (Beta({}, {}) priors)",
                    prior[0], prior[1]
                )
            }
            SafetyRule::Sequential {
                category,
                boundary,
                p0,
                alpha,
                prior,
                max_subjects,
            } => {
                let kind = boundary.words(*prior);
                format!(
                    "{category}: {kind} sequential boundary for a rate of {p0} over 1 to {max_subjects} subjects, a signal with probability {alpha} at that rate"
                )
            }
        }
    }

    /// The checks beyond syntax, naming the key.
    pub(super) fn validate(&self, i: usize, categories: &[&str]) -> Result<(), String> {
        let at = format!("safety_rules[{i}]");
        if !categories.contains(&self.category()) {
            return Err(format!(
                "{at}: category {:?} is not a configured safety category",
                self.category()
            ));
        }
        let prob = |v: f64| v > 0.0 && v < 1.0;
        let beta = |p: &[f64; 2]| p[0] > 0.0 && p[1] > 0.0 && p.iter().all(|x| x.is_finite());
        match self {
            SafetyRule::Posterior {
                prior,
                threshold,
                flag_above,
                ..
            } => {
                if !beta(prior) || !prob(*threshold) || !prob(*flag_above) {
                    return Err(format!(
                        "{at}: prior must be positive, threshold and flag_above in (0, 1)"
                    ));
                }
            }
            SafetyRule::Difference {
                prior,
                delta,
                flag_above,
                ..
            } => {
                let delta_ok = delta.is_finite() && delta.abs() < 1.0;
                if !beta(prior) || !delta_ok || !prob(*flag_above) {
                    return Err(format!(
                        "{at}: prior must be positive, delta in (-1, 1), flag_above in (0, 1)"
                    ));
                }
            }
            SafetyRule::Sequential {
                boundary,
                p0,
                alpha,
                prior,
                max_subjects,
                ..
            } => {
                if !prob(*p0) || !prob(*alpha) || *max_subjects == 0 || *max_subjects > 1_000 {
                    return Err(format!(
                        "{at}: p0 and alpha must be in (0, 1), max_subjects from 1 to 1000"
                    ));
                }
                if *boundary == BoundaryType::Bb && !prior.as_ref().is_some_and(beta) {
                    return Err(format!(
                        "{at}: a bb boundary needs a positive prior = [a, b]"
                    ));
                }
            }
        }
        Ok(())
    }
}
