//! Planning a look: which planned look a cut is, the boundaries recomputed
//! at the observed information, and the verdict in words.

use crate::server::config::{Sided, TrialDesign};
use crate::server::report::types::{ConditionalPowers, CurvePoint, EventsN, Interim};
use crate::stats::gsd::{efficacy_boundaries, futility_design, EfficacyRule};
use crate::stats::interim::{b_value, repeated_p_value, Design};
use std::collections::BTreeMap;

/// The group-sequential design at this cut's look: which planned look the
/// cut is, the fractions the boundaries are recomputed at, and the bounds.
pub(super) struct LookPlan {
    /// 0-based index of this look.
    pub look: usize,
    pub fractions: Vec<f64>,
    pub efficacy: Vec<f64>,
    pub futility: Option<Vec<f64>>,
    pub binding: bool,
    pub two_sided: bool,
    pub rule: EfficacyRule,
}

impl LookPlan {
    pub fn design(&self) -> Design<'_> {
        Design {
            t: &self.fractions,
            efficacy: &self.efficacy,
            futility: self.futility.as_deref(),
            binding: self.binding,
            two_sided: self.two_sided,
        }
    }

    pub fn is_last(&self) -> bool {
        self.look + 1 == self.fractions.len()
    }

    /// The interim block: what the endpoint's analysis found, placed in the
    /// design (boundaries, B-value, verdict, repeated p-value).
    pub fn interim(&self, design: &TrialDesign, f: LookFindings) -> Interim {
        let k = self.look + 1;
        Interim {
            look: k,
            information_fraction: f.information_fraction,
            information: f.information,
            planned_information: f.planned_information,
            required_information: f.required_information,
            effect_measure: f.effect_measure,
            treatment: f.treatment,
            reference: f.reference,
            fractions: self.fractions.clone(),
            evaluable: f.evaluable,
            z: f.z,
            b_value: b_value(self.fractions[self.look], f.z),
            efficacy_bound: self.efficacy[self.look],
            efficacy_bounds: self.efficacy.clone(),
            futility_bound: self
                .futility
                .as_ref()
                .and_then(|v| v.get(self.look).copied()),
            verdict: verdict(self, design, f.z, f.conditional_power.as_ref()),
            conditional_power: f.conditional_power,
            predictive_power: f.predictive_power,
            conditional_power_curve: f.curve,
            repeated_ci: f.repeated_ci,
            repeated_p_value: repeated_p_value(&self.fractions, k, f.z, self.two_sided, self.rule),
        }
    }

    /// The planned information still to come at each later look, as a
    /// multiple of `total` (subjects or events at the planned final look).
    pub fn remaining(&self, total: f64) -> Vec<f64> {
        self.fractions[self.look..]
            .windows(2)
            .map(|w| (w[1] - w[0]) * total)
            .collect()
    }
}

/// What an endpoint's analysis found at a look, before it is placed in the
/// design by [`LookPlan::interim`].
pub(super) struct LookFindings {
    pub information_fraction: f64,
    pub information: &'static str,
    pub planned_information: f64,
    pub required_information: Option<f64>,
    pub effect_measure: &'static str,
    pub treatment: String,
    pub reference: String,
    pub evaluable: BTreeMap<String, EventsN>,
    pub z: f64,
    pub conditional_power: Option<ConditionalPowers>,
    pub predictive_power: Option<f64>,
    pub curve: Vec<CurvePoint>,
    pub repeated_ci: [f64; 2],
}

/// Plan the look for observed information fraction `t_obs`: the cut is the
/// planned look nearest to it. An interim look is recomputed at the observed
/// fraction (later looks as planned); at the final look every fraction is
/// taken relative to the information actually reached, so that the whole
/// alpha is spent (under- and over-running). Beta-spending futility bounds
/// (one-sided designs with spending efficacy bounds) are recomputed too;
/// binding ones lower the efficacy bounds.
pub(super) fn plan_look(design: &TrialDesign, t_obs: f64) -> Option<LookPlan> {
    let rule: EfficacyRule = design.efficacy_spending.parse().ok()?;
    if !(t_obs > 0.0 && t_obs.is_finite()) {
        return None;
    }
    let planned = &design.looks;
    let look = planned
        .iter()
        .enumerate()
        .min_by(|a, b| (a.1 - t_obs).abs().total_cmp(&(b.1 - t_obs).abs()))
        .map(|(i, _)| i)?;
    let mut fractions: Vec<f64> = planned.clone();
    if look + 1 == planned.len() {
        fractions = planned[..look].iter().map(|f| f / t_obs).collect();
        fractions.push(1.0);
    } else {
        fractions[look] = t_obs;
    }
    let valid = fractions.windows(2).all(|w| w[0] < w[1]) && fractions[0] > 0.0;
    if !valid {
        return None;
    }
    let two_sided = design.sided == Sided::Two;
    let mut efficacy = efficacy_boundaries(&fractions, design.alpha, two_sided, rule).efficacy;
    let fut = design.futility.as_ref();
    let binding = fut.is_some_and(|f| f.binding);
    let futility = match (
        fut.and_then(|f| f.beta_spending.as_deref())
            .and_then(|s| s.parse::<EfficacyRule>().ok()),
        rule,
    ) {
        (Some(EfficacyRule::Spending(beta_s)), EfficacyRule::Spending(alpha_s))
            if !two_sided && fractions.len() > 1 =>
        {
            let d = futility_design(
                &fractions,
                design.alpha,
                1.0 - design.power,
                alpha_s,
                beta_s,
                binding,
            );
            efficacy = d.efficacy;
            Some(d.futility)
        }
        _ => None,
    };
    Some(LookPlan {
        look,
        fractions,
        efficacy,
        futility,
        binding,
        two_sided,
        rule,
    })
}

/// The verdict at a look, in words.
fn verdict(
    plan: &LookPlan,
    design: &TrialDesign,
    z: f64,
    cp: Option<&ConditionalPowers>,
) -> String {
    let k = plan.look + 1;
    let bound = plan.efficacy[plan.look];
    let futility_bound = plan
        .futility
        .as_ref()
        .and_then(|f| f.get(plan.look).copied());
    let threshold = design
        .futility
        .as_ref()
        .and_then(|f| f.conditional_power_below);
    if z >= bound {
        format!("The efficacy boundary is crossed at look {k}: z = {z:.3} >= {bound:.3}.")
    } else if let Some(f) = futility_bound.filter(|&f| z <= f) {
        format!(
            "The {}futility boundary is crossed at look {k}: z = {z:.3} <= {f:.3}.",
            if plan.binding {
                "binding "
            } else {
                "non-binding "
            }
        )
    } else if let (Some(cp), Some(th)) = (cp, threshold) {
        if cp.trend < th {
            format!(
                "No efficacy (z = {z:.3} < {bound:.3}). Conditional power under the current trend is {:.1}%, below the {}futility guideline of {:.0}%: the guideline indicates stopping for futility.",
                100.0 * cp.trend,
                if plan.binding { "binding " } else { "non-binding " },
                100.0 * th
            )
        } else {
            format!(
                "No efficacy (z = {z:.3} < {bound:.3}). Conditional power under the current trend is {:.1}%, above the futility guideline of {:.0}%: the guideline indicates continuing.",
                100.0 * cp.trend,
                100.0 * th
            )
        }
    } else if plan.is_last() {
        format!("Final look: z = {z:.3} does not reach the boundary {bound:.3}.")
    } else {
        format!("No boundary is crossed at look {k} (z = {z:.3} < {bound:.3}); no futility rule is configured.")
    }
}
