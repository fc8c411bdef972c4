//! Bayesian summaries of the primary endpoint, beside the frequentist look
//! (closed report only): the design's treatment arm against its control.
//!
//! - Binary: each arm's success rate under its Beta prior, updated with the
//!   evaluable subjects' successes; the difference in success rates
//!   (treatment − control) summarised for every configured prior pair.
//! - Time to event: the two arms' Cox log hazard ratio (treatment against
//!   control, ties as configured) and its standard error as a normal
//!   likelihood, under a flat prior and Spiegelhalter's sceptical and
//!   enthusiastic priors sized from the design's hazard ratio.
//!
//! Each summary gives the posterior mean (a time-to-event endpoint's as a
//! hazard ratio: exp of the posterior mean log hazard ratio, its median),
//! the 95% equal-tailed credible interval, P(benefit), P(harm) and, when a
//! minimal clinically important difference is configured, P(an effect at
//! least that large).

use super::efficacy::TimeToEvent;
use super::types::EventsN;
use crate::server::config::{CoxTies, EndpointKind, TrialConfig};
use crate::stats::bayes::{normal_posterior, sceptical_sd, BetaDifference, Normal};
use crate::stats::monitoring::BetaPrior;
use crate::stats::survival::{treatment_cox, Ties};
use serde::Serialize;
use std::collections::BTreeMap;

/// The primary endpoint's posterior summaries.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BayesSummary {
    /// "difference in success rates" or "hazard ratio".
    pub measure: &'static str,
    /// The treatment arm and the control it is compared with.
    pub arm: String,
    pub reference: String,
    /// The data in words ("12/53 vs 10/48 successes", "log HR -0.31, SE
    /// 0.42 (Cox, efron ties)").
    pub data: String,
    /// The minimal clinically important difference, as configured.
    pub mcid: Option<f64>,
    pub posteriors: Vec<Posterior>,
}

/// One prior's posterior.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Posterior {
    pub prior: String,
    /// The prior in words ("Beta(1, 1) each arm", "log HR ~ N(0, 0.217²)").
    pub prior_text: String,
    /// The posterior mean (difference) or median (hazard ratio).
    pub estimate: f64,
    pub ci95: [f64; 2],
    /// P(the treatment is better), P(it is worse).
    pub p_benefit: f64,
    pub p_harm: f64,
    /// P(the effect is at least the MCID), when one is configured.
    pub p_mcid: Option<f64>,
}

/// The posterior summaries of `trial`'s primary endpoint: from the
/// compared arms' events/n (`by_arm`, binary) or their times (`tte`); none
/// without two compared arms or data to compare.
pub fn bayes(
    trial: &TrialConfig,
    by_arm: &BTreeMap<String, EventsN>,
    tte: Option<&TimeToEvent>,
) -> Option<BayesSummary> {
    let (ri, ti) = super::interim::compared_arms(trial)?;
    let (r, t) = (trial.arms[ri].code.clone(), trial.arms[ti].code.clone());
    let cfg = &trial.bayesian;
    match trial.design.endpoint {
        EndpointKind::Binary => {
            let success = |e: &EventsN| {
                if trial.primary.event_is_success {
                    e.events
                } else {
                    e.n - e.events
                }
            };
            let (et, ec) = (by_arm.get(&t)?, by_arm.get(&r)?);
            if et.n == 0 || ec.n == 0 {
                return None;
            }
            let (st, sc) = (success(et), success(ec));
            let update = |ab: [f64; 2], s: u32, n: u32| BetaPrior {
                a: ab[0] + f64::from(s),
                b: ab[1] + f64::from(n - s),
            };
            let posteriors = cfg
                .beta_priors()
                .into_iter()
                .map(|p| {
                    let d = BetaDifference::new(
                        update(p.treatment, st, et.n),
                        update(p.control, sc, ec.n),
                    );
                    let p_benefit = d.prob_above(0.0);
                    Posterior {
                        prior_text: if p.treatment == p.control {
                            format!("Beta({}, {}) each arm", p.treatment[0], p.treatment[1])
                        } else {
                            format!(
                                "Beta({}, {}) treatment, Beta({}, {}) control",
                                p.treatment[0], p.treatment[1], p.control[0], p.control[1]
                            )
                        },
                        prior: p.name,
                        estimate: d.mean(),
                        ci95: [d.quantile(0.025), d.quantile(0.975)],
                        p_benefit,
                        p_harm: 1.0 - p_benefit,
                        p_mcid: cfg.mcid.map(|m| d.prob_above(m)),
                    }
                })
                .collect();
            Some(BayesSummary {
                measure: "difference in success rates",
                arm: t,
                reference: r,
                data: format!("successes {st}/{} vs {sc}/{}", et.n, ec.n),
                mcid: cfg.mcid,
                posteriors,
            })
        }
        EndpointKind::TimeToEvent => {
            let two = tte?.two_arms(ri, ti);
            let ties = match trial.analysis.cox_ties {
                CoxTies::Efron => Ties::Efron,
                CoxTies::Breslow => Ties::Breslow,
            };
            if !(two.event.iter().zip(&two.arm).any(|(e, a)| *e && *a == 0)
                && two.event.iter().zip(&two.arm).any(|(e, a)| *e && *a == 1))
            {
                return None;
            }
            let fit = treatment_cox(&two.time, &two.event, &two.arm, 2, ties)?;
            let (est, se) = (fit.coef[0], fit.se[0]);
            if !(est.is_finite() && se.is_finite() && se > 0.0) {
                return None;
            }
            // Fewer events are better unless an event is a success.
            let benefit_below = !trial.primary.event_is_success;
            let mut priors: Vec<(String, String, Option<Normal>)> =
                vec![("Flat (reference)".into(), "flat on log HR".into(), None)];
            let design_hr = trial.design.assumptions.hazard_ratio;
            if let Some((hr, sd)) = design_hr.and_then(|hr| Some((hr, sceptical_sd(hr)?))) {
                priors.push((
                    "Sceptical".into(),
                    format!("log HR ~ N(0, {sd:.3}²): P(HR beyond {hr}) = 5%"),
                    Some(Normal { mean: 0.0, sd }),
                ));
                priors.push((
                    "Enthusiastic".into(),
                    format!("log HR ~ N(log {hr}, {sd:.3}²): P(HR beyond 1) = 5%"),
                    Some(Normal { mean: hr.ln(), sd }),
                ));
            }
            let posteriors = priors
                .into_iter()
                .map(|(prior, prior_text, p)| {
                    let post = normal_posterior(p, est, se);
                    let below_one = post.cdf(0.0);
                    let (p_benefit, p_harm) = if benefit_below {
                        (below_one, 1.0 - below_one)
                    } else {
                        (1.0 - below_one, below_one)
                    };
                    Posterior {
                        prior,
                        prior_text,
                        estimate: post.mean.exp(),
                        ci95: [post.quantile(0.025).exp(), post.quantile(0.975).exp()],
                        p_benefit,
                        p_harm,
                        p_mcid: cfg.mcid.map(|m| {
                            let below = post.cdf(m.ln());
                            if benefit_below {
                                below
                            } else {
                                1.0 - below
                            }
                        }),
                    }
                })
                .collect();
            Some(BayesSummary {
                measure: "hazard ratio",
                arm: t,
                reference: r,
                data: format!("log HR {est:.3}, SE {se:.3} (Cox)"),
                mcid: cfg.mcid,
                posteriors,
            })
        }
        EndpointKind::Continuous => None,
    }
}
