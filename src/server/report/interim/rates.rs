//! The interim look for a binary primary endpoint from ADTTE: the
//! difference in success rates at the horizon, z, conditional and
//! predictive power, the repeated confidence interval.

use super::look::{plan_look, LookFindings};
use crate::server::config::TrialConfig;
use crate::server::data::load::Snapshot;
use crate::server::firewall::ClosedSnapshot;
use crate::server::report::frames::count_by;
use crate::server::report::interim::{compared_arms, cp_curve};
use crate::server::report::types::{ConditionalPowers, EventsN, Interim};
use crate::stats::gsd::efficacy_boundaries;
use crate::stats::interim::{
    conditional_power_rates_by_look, predictive_power_flat, rates_z, repeated_ci_rates,
    sample_size_rates, Level, TwoRates,
};
use polars::prelude::*;
use std::collections::HashMap;

/// The interim look for a binary primary endpoint from ADTTE.
/// The subjects evaluable for a binary endpoint read at `horizon` of ADTTE
/// parameter `code`: an event, or followed to the horizon. The look's
/// information (by arm here, pooled in "since the last review").
pub(crate) fn evaluable(snap: &Snapshot, code: &str, horizon: f64) -> LazyFrame {
    snap.adtte
        .clone()
        .lazy()
        .filter(
            col("PARAMCD")
                .eq(lit(code))
                .and(col("CNSR").eq(lit(0)).or(col("AVAL").gt_eq(lit(horizon)))),
        )
        .select([col("USUBJID")])
        .unique(None, UniqueKeepStrategy::First)
}

pub(super) fn interim_rates(
    snap: &ClosedSnapshot,
    trial: &TrialConfig,
    events: &HashMap<String, u32>,
) -> Result<Option<Interim>, PolarsError> {
    let design = &trial.design;
    let (Some(code), Some(horizon)) = (&trial.primary.adtte_paramcd, trial.primary.horizon) else {
        return Ok(None);
    };
    let Some((ri, ti)) = compared_arms(trial) else {
        return Ok(None);
    };
    let evaluable_subjects = evaluable(snap, code, horizon);
    let with_arm = snap.adsl.clone().lazy().join(
        evaluable_subjects,
        [col("USUBJID")],
        [col("USUBJID")],
        JoinArgs::new(JoinType::Inner),
    );
    let n_eval = count_by(with_arm, "ARM")?;
    let (reference, treatment) = (&trial.arms[ri], &trial.arms[ti]);
    let n = |c: &str| n_eval.get(c).copied().unwrap_or(0);
    let e = |c: &str| events.get(c).copied().unwrap_or(0);
    let successes = |c: &str| {
        if trial.primary.event_is_success {
            e(c)
        } else {
            n(c).saturating_sub(e(c))
        }
    };
    let (n_t, n_r) = (n(&treatment.code), n(&reference.code));
    if n_t == 0 || n_r == 0 {
        return Ok(None);
    }
    let target = f64::from(trial.enrollment.target);
    let t_obs = f64::from(n_t + n_r) / target;
    let Some(plan) = plan_look(design, &snap.cut_date.to_string(), t_obs) else {
        return Ok(None);
    };
    let look = plan.look;
    let k = look + 1;
    let z = rates_z(
        u64::from(successes(&treatment.code)),
        u64::from(n_t),
        u64::from(successes(&reference.code)),
        u64::from(n_r),
    );
    let r = treatment.allocation / reference.allocation;
    let (mut curve, mut curve_note) = (Vec::new(), None);
    let (cp, pp) = if plan.is_last() {
        (None, None)
    } else {
        let remaining = plan.remaining(target);
        let gs = plan.design();
        let rate = |c: &str| {
            design
                .assumptions
                .rates
                .as_ref()
                .and_then(|m| m.get(c))
                .copied()
        };
        // One look in the cut: the overall z is also the combined one.
        let cp_at = |p1: f64, p2: f64| {
            let rates = TwoRates {
                pi1: p1,
                pi2: p2,
                allocation: r,
            };
            conditional_power_rates_by_look(&gs, k, z, z, rates, &remaining)
                .last()
                .copied()
                .unwrap_or(0.0)
        };
        let p_t = f64::from(successes(&treatment.code)) / f64::from(n_t);
        let p_r = f64::from(successes(&reference.code)) / f64::from(n_r);
        let under_design = match (rate(&treatment.code), rate(&reference.code)) {
            (Some(a), Some(b0)) => Some(cp_at(a, b0)),
            _ => None,
        };
        let trend = cp_at(p_t, p_r);
        // Differences from -0.20 to +0.40 in steps of 0.02, where both rates
        // stay inside (0, 1).
        (curve, curve_note) = cp_curve(
            -0.2,
            0.02,
            30,
            |effect| p_r + effect > 0.0 && p_r + effect < 1.0,
            |effect| cp_at(p_r + effect, p_r),
            |effect| format!("{effect:+.2}"),
        );
        let null = gs.conditional_rejection_probability(k, z);
        let c = plan.efficacy[plan.efficacy.len() - 1];
        (
            Some(ConditionalPowers {
                design: under_design,
                trend,
                null,
                observed_effect: p_t - p_r,
                design_effect: match (rate(&treatment.code), rate(&reference.code)) {
                    (Some(a), Some(b0)) => Some(a - b0),
                    _ => None,
                },
                null_effect: 0.0,
            }),
            Some(predictive_power_flat(plan.fractions[look], z, c)),
        )
    };
    let bound = plan.efficacy[look];
    let evaluable = [reference, treatment]
        .iter()
        .map(|a| {
            (
                a.code.clone(),
                EventsN {
                    events: e(&a.code),
                    n: n(&a.code),
                },
            )
        })
        .collect();
    let (lo, hi) = repeated_ci_rates(
        u64::from(successes(&treatment.code)),
        u64::from(n_t),
        u64::from(successes(&reference.code)),
        u64::from(n_r),
        bound,
    );
    let required = {
        let rate = |c: &str| {
            design
                .assumptions
                .rates
                .as_ref()
                .and_then(|m| m.get(c).copied())
        };
        match (rate(&treatment.code), rate(&reference.code)) {
            (Some(p1), Some(p2)) => {
                let b = efficacy_boundaries(&design.looks, design.alpha, plan.two_sided, plan.rule)
                    .efficacy;
                let level = Level {
                    alpha: design.alpha,
                    beta: 1.0 - design.power,
                    two_sided: plan.two_sided,
                };
                let rates = TwoRates {
                    pi1: p1,
                    pi2: p2,
                    allocation: r,
                };
                let (_, max) = sample_size_rates(&design.looks, &b, level, rates);
                Some(max)
            }
            _ => None,
        }
    };
    Ok(Some(plan.interim(
        design,
        LookFindings {
            information_fraction: t_obs,
            information: "subjects evaluable at the horizon over the enrollment target",
            planned_information: target,
            required_information: required,
            effect_measure: "difference in success rates (treatment - reference)",
            treatment: treatment.code.clone(),
            reference: reference.code.clone(),
            evaluable,
            z,
            conditional_power: cp,
            predictive_power: pp,
            curve,
            curve_note,
            repeated_ci: [lo, hi],
        },
    )))
}
