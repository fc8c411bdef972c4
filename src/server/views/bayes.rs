//! The primary endpoint's Bayesian summaries as the efficacy page and the
//! closed report show them (decoded viewers only: every number here says
//! which arm is better).

use crate::dto::{BayesRow, BayesView};
use crate::server::firewall::ArmNames;
use crate::server::report::bayes::BayesSummary;

/// A probability to three decimals, "<0.001" and ">0.999" at the ends.
pub fn probability(p: f64) -> String {
    if p < 0.0005 {
        "<0.001".into()
    } else if p > 0.9995 {
        ">0.999".into()
    } else {
        format!("{p:.3}")
    }
}

/// The summaries in words, the groups named as `names` names them.
pub fn bayes_view(b: &BayesSummary, names: &ArmNames) -> BayesView {
    let hr = b.measure == "hazard ratio";
    let fmt = |x: f64| {
        if hr {
            format!("{x:.2}")
        } else {
            format!("{x:.3}")
        }
    };
    let mcid_header = b.mcid.map(|m| {
        if hr {
            format!("P(HR ≤ {m})")
        } else {
            format!("P(difference ≥ {m:.2})")
        }
    });
    let rows = b
        .posteriors
        .iter()
        .map(|p| BayesRow {
            prior: p.prior.clone(),
            prior_text: p.prior_text.clone(),
            estimate: format!(
                "{} ({} to {})",
                fmt(p.estimate),
                fmt(p.ci95[0]),
                fmt(p.ci95[1])
            ),
            p_benefit: probability(p.p_benefit),
            p_harm: probability(p.p_harm),
            p_mcid: p.p_mcid.map(probability),
        })
        .collect();
    let vs = names.versus(&b.arm, &b.reference);
    let caption = if hr {
        format!(
            "The Cox model's log hazard ratio ({vs}) and its standard error taken as a normal likelihood, combined with each prior on the log hazard ratio (Spiegelhalter, Freedman & Parmar 1994): the sceptical prior is centred on no effect with the design's hazard ratio at its 5% tail, the enthusiastic prior centred on the design's hazard ratio with the same spread. The estimate is the posterior median hazard ratio with the 95% credible interval; benefit is a hazard ratio below 1. These summaries sit beside the group-sequential look and do not replace it."
        )
    } else {
        format!(
            "Each arm's success rate under its Beta prior, updated with the evaluable subjects; the estimate is the posterior mean difference ({vs}) with the 95% equal-tailed credible interval, the probabilities integrated numerically over the two posteriors. Benefit is a higher success rate with the treatment. These summaries sit beside the group-sequential look and do not replace it."
        )
    };
    BayesView {
        measure: format!(
            "{}, {vs}",
            if hr {
                "Hazard ratio"
            } else {
                "Difference in success rates"
            }
        ),
        data: b.data.clone(),
        mcid_header,
        rows,
        caption,
    }
}
