//! The interim look for a time-to-event primary endpoint: the log-rank
//! statistic of the compared arms, information in events.

use super::look::{plan_look, LookFindings};
use crate::server::config::{Sided, TrialConfig};
use crate::server::report::efficacy::TimeToEvent;
use crate::server::report::interim::{compared_arms, cp_curve};
use crate::server::report::types::{ConditionalPowers, EventsN, Interim};
use crate::stats::gsd::efficacy_boundaries;
use crate::stats::interim::{events_survival, predictive_power_flat, Level};
use crate::stats::survival::log_rank;

/// The interim look for a time-to-event primary endpoint: the log-rank
/// statistic of the compared arms, information = events over the planned
/// events at the final look, effects as hazard ratios (treatment against
/// reference; below 1 favours treatment).
pub(super) fn interim_survival(
    data: &TimeToEvent,
    trial: &TrialConfig,
    cut: &str,
) -> Option<Interim> {
    let design = &trial.design;
    let (ri, ti) = compared_arms(trial)?;
    let (reference, treatment) = (&trial.arms[ri], &trial.arms[ti]);
    let two = data.two_arms(ri, ti);
    let r = treatment.allocation / reference.allocation;
    let required = design.assumptions.hazard_ratio.and_then(|hr| {
        let rule = design.efficacy_spending.parse().ok()?;
        let two_sided = design.sided == Sided::Two;
        let b = efficacy_boundaries(&design.looks, design.alpha, two_sided, rule).efficacy;
        Some(
            events_survival(
                &design.looks,
                &b,
                Level {
                    alpha: design.alpha,
                    beta: 1.0 - design.power,
                    two_sided,
                },
                hr,
                r,
            )
            .1,
        )
    });
    let max_events = design.max_events.or(required)?;
    let d_obs = two.event.iter().filter(|&&e| e).count() as f64;
    if d_obs == 0.0 || max_events <= 0.0 {
        return None;
    }
    let t_obs = d_obs / max_events;
    let plan = plan_look(design, cut, t_obs)?;
    let look = plan.look;
    let k = look + 1;
    let lr = log_rank(&two.time, &two.event, &two.arm, 2, None);
    // Positive z favours treatment: fewer events on treatment than expected.
    let z = if lr.observed[1] <= lr.expected[1] {
        lr.chisq.sqrt()
    } else {
        -lr.chisq.sqrt()
    };
    // Standardized effect per event: log HR (favourable positive) times
    // √(r/(1 + r)²); the observed one is z (1 + r)/√(r D).
    let per_event = r / (1.0 + r).powi(2);
    let theta_obs = z / (per_event * d_obs).sqrt();
    let (mut curve, mut curve_note) = (Vec::new(), None);
    let (cp, pp) = if plan.is_last() {
        (None, None)
    } else {
        let gs = plan.design();
        let scaled: Vec<f64> = plan
            .remaining(max_events)
            .iter()
            .map(|n| n * per_event)
            .collect();
        let cp_at = |theta: f64| {
            gs.conditional_power(k, z, theta, &scaled)
                .last()
                .copied()
                .unwrap_or(0.0)
        };
        let under_design = design.assumptions.hazard_ratio.map(|hr| cp_at(-hr.ln()));
        let trend = cp_at(theta_obs);
        // Hazard ratios from 1.20 down to 0.50 in steps of 0.025 (lower
        // favours treatment).
        (curve, curve_note) = cp_curve(
            1.2,
            -0.025,
            28,
            |hr| hr > 0.01,
            |hr| cp_at(-f64::ln(hr)),
            |hr| format!("HR {hr:.3}"),
        );
        let null = gs.conditional_rejection_probability(k, z);
        let c = plan.efficacy[plan.efficacy.len() - 1];
        (
            Some(ConditionalPowers {
                design: under_design,
                trend,
                null,
                observed_effect: (-theta_obs).exp(),
                design_effect: design.assumptions.hazard_ratio,
                null_effect: 1.0,
            }),
            Some(predictive_power_flat(plan.fractions[look], z, c)),
        )
    };
    let bound = plan.efficacy[look];
    // Repeated CI for the hazard ratio: exp(−(z ± c)/√(r/(1 + r)² D)).
    let scale = (per_event * d_obs).sqrt();
    let repeated_ci = [(-(z + bound) / scale).exp(), (-(z - bound) / scale).exp()];
    let evaluable = [(ri, reference), (ti, treatment)]
        .iter()
        .map(|(g, a)| {
            let idx = || (0..data.time.len()).filter(|&i| data.arm[i] == *g);
            (
                a.code.clone(),
                EventsN {
                    events: idx().filter(|&i| data.event[i]).count() as u32,
                    n: idx().count() as u32,
                },
            )
        })
        .collect();
    Some(plan.interim(
        design,
        LookFindings {
            information_fraction: t_obs,
            information: "events in the compared arms over the planned events at the final look",
            planned_information: max_events,
            required_information: required,
            effect_measure: "hazard ratio (treatment / reference)",
            treatment: treatment.code.clone(),
            reference: reference.code.clone(),
            evaluable,
            z,
            conditional_power: cp,
            predictive_power: pp,
            curve,
            curve_note,
            repeated_ci,
        },
    ))
}
