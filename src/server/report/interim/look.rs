//! Planning a look: which planned look a cut is, the boundaries recomputed
//! at the observed information, and the verdict in words.

use crate::server::config::{Sided, TrialDesign};
use crate::server::report::types::{ConditionalPowers, CurvePoint, EventsN, Interim};
use crate::stats::gsd::{
    efficacy_boundaries, futility_design, harm_boundaries, EfficacyRule, Spending,
};
use crate::stats::interim::{b_value, repeated_p_value, Design};
use std::collections::BTreeMap;

/// Where a cut stands among the design's looks.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum LookStatus {
    /// Formal look `k` (1-based) of the design: tested, with a verdict.
    Formal(usize),
    /// A monitoring cut before formal look `next` (1-based): no formal test;
    /// `proposed` when its information has reached that look's planned one.
    Monitoring { next: usize, proposed: bool },
    /// A cut after the design's last formal look.
    AfterLast,
}

/// The group-sequential design at this cut: where the cut stands, the
/// fractions the boundaries are computed at (the formal looks before it as
/// observed, this cut at its information, later looks as planned), and the
/// bounds. A monitoring cut takes a place among them as if it were a look,
/// so that conditional power, predictive power and the repeated confidence
/// interval can be read at it; it is never tested.
pub(super) struct LookPlan {
    pub status: LookStatus,
    /// The looks the design plans.
    pub planned: usize,
    /// 0-based index of this cut in `fractions`.
    pub look: usize,
    pub fractions: Vec<f64>,
    pub efficacy: Vec<f64>,
    /// The alpha spent by each look, cumulated (rpact's `alphaSpent`).
    pub efficacy_alpha: Vec<f64>,
    pub futility: Option<Vec<f64>>,
    /// The harm (lower) bounds, when the design sets a harm boundary, and
    /// the harm alpha spent by each look, cumulated.
    pub harm: Option<Vec<f64>>,
    pub harm_alpha: Option<Vec<f64>>,
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
        let t = self.fractions[self.look];
        let harm_bound = self.harm.as_ref().map(|h| h[self.look]);
        let futility_bound = self
            .futility
            .as_ref()
            .and_then(|v| v.get(self.look).copied());
        let found = Found {
            t_obs: f.information_fraction,
            z: f.z,
            efficacy: self.efficacy[self.look],
            futility: futility_bound,
            harm: harm_bound,
            cp: f.conditional_power.as_ref(),
        };
        let verdict = verdict(self, design, &found);
        Interim {
            look: k,
            formal_look: match self.status {
                LookStatus::Formal(k) => Some(k),
                _ => None,
            },
            looks_planned: self.planned,
            look_label: self.label(design, f.information_fraction),
            proposed_look: match self.status {
                LookStatus::Monitoring {
                    next,
                    proposed: true,
                } => Some(next),
                _ => None,
            },
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
            b_value: b_value(t, f.z),
            efficacy_bound: self.efficacy[self.look],
            efficacy_bounds: self.efficacy.clone(),
            efficacy_alpha: self.efficacy_alpha.clone(),
            futility_bound,
            futility_cp_z: self.trend_futility_z(design),
            harm_bound,
            harm_bounds: self.harm.clone(),
            harm_alpha: self.harm_alpha.clone(),
            verdict: verdict.words,
            verdict_kind: verdict.kind,
            basis: verdict.basis,
            conditional_power: f.conditional_power,
            predictive_power: f.predictive_power,
            conditional_power_curve: f.curve,
            curve_note: f.curve_note,
            repeated_ci: f.repeated_ci,
            repeated_p_value: repeated_p_value(&self.fractions, k, f.z, self.two_sided, self.rule),
        }
    }

    /// The conditional-power futility guideline on the z scale at each look
    /// before the last, when the design has one (one-sided designs only).
    fn trend_futility_z(&self, design: &TrialDesign) -> Option<Vec<f64>> {
        let gamma = design.futility.as_ref()?.conditional_power_below?;
        if self.two_sided || self.fractions.len() < 2 {
            return None;
        }
        let d = self.design();
        Some(
            (1..self.fractions.len())
                .map(|k| d.trend_futility_z(k, gamma))
                .collect(),
        )
    }

    /// The look in words.
    fn label(&self, design: &TrialDesign, t_obs: f64) -> String {
        let of = self.planned;
        match self.status {
            LookStatus::Formal(k) => format!("formal look {k} of {of}"),
            LookStatus::Monitoring { next, .. } => format!(
                "monitoring cut, no formal test (next: look {next} of {of}, planned at information {:.2}; reached {t_obs:.2})",
                design.looks[next - 1]
            ),
            LookStatus::AfterLast => format!("after the last formal look ({of} of {of})"),
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
    pub curve_note: Option<String>,
    pub repeated_ci: [f64; 2],
}

/// Plan the cut dated `cut` at observed information fraction `t_obs`.
///
/// The formal looks are the cuts declared so (`design.formal_looks`); the
/// boundaries are spent at the observed information of those performed
/// before this cut (their `information_fraction`, filled in by the server;
/// the planned fraction when it is not known), at `t_obs` for this cut, and
/// at the planned fractions after it, as rpact's analysis over the looks
/// actually performed. A later planned look at or below `t_obs` is passed
/// (over-running): when none remains, this cut is the final analysis and
/// every fraction is taken relative to `t_obs`, so that the whole alpha is
/// spent. Beta-spending futility bounds (one-sided designs with spending
/// efficacy bounds) are recomputed too; binding ones lower the efficacy
/// bounds. The harm bound is the one-sided design of the harm alpha at the
/// same fractions, negated, computed alone (docs/DECISIONS.md).
pub(super) fn plan_look(design: &TrialDesign, cut: &str, t_obs: f64) -> Option<LookPlan> {
    let rule: EfficacyRule = design.efficacy_spending.parse().ok()?;
    if !(t_obs > 0.0 && t_obs.is_finite()) {
        return None;
    }
    let planned = &design.looks;
    let earlier: Vec<f64> = design
        .formal_looks_before(cut)
        .iter()
        .map(|l| l.information_fraction.unwrap_or(planned[l.look - 1]))
        .collect();
    let m = earlier.len();
    let status = match design.formal_look_at(cut) {
        Some(l) => LookStatus::Formal(l.look),
        None if m >= planned.len() || earlier.last().is_some_and(|&t| t >= 1.0) => {
            LookStatus::AfterLast
        }
        None => LookStatus::Monitoring {
            next: m + 1,
            proposed: t_obs >= planned[m],
        },
    };
    let next = match status {
        LookStatus::Formal(k) => k,
        _ => (m + 1).min(planned.len()),
    };
    let later: Vec<f64> = planned[next.min(planned.len())..]
        .iter()
        .copied()
        .filter(|&f| f > t_obs)
        .collect();
    let mut fractions: Vec<f64> = earlier.clone();
    fractions.push(t_obs);
    fractions.extend(&later);
    if later.is_empty() {
        fractions = fractions.iter().map(|f| f / t_obs).collect();
    }
    let look = m;
    let valid = fractions.windows(2).all(|w| w[0] < w[1]) && fractions[0] > 0.0;
    if !valid {
        return None;
    }
    let two_sided = design.sided == Sided::Two;
    let spent = efficacy_boundaries(&fractions, design.alpha, two_sided, rule);
    let (mut efficacy, mut efficacy_alpha) = (spent.efficacy, spent.cumulative_alpha);
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
            efficacy_alpha = d.cumulative_alpha;
            Some(d.futility)
        }
        _ => None,
    };
    let harm = design.harm.as_ref().and_then(|h| {
        let spending = Spending::parse_harm(&h.spending).ok()?;
        Some(harm_boundaries(&fractions, h.alpha, spending))
    });
    let (harm, harm_alpha) = match harm {
        Some(b) => (Some(b.efficacy), Some(b.cumulative_alpha)),
        None => (None, None),
    };
    Some(LookPlan {
        status,
        planned: planned.len(),
        look,
        fractions,
        efficacy,
        efficacy_alpha,
        futility,
        harm,
        harm_alpha,
        binding,
        two_sided,
        rule,
    })
}

/// What a look found, against its bounds.
struct Found<'a> {
    /// The cut's information fraction (before any rescaling at a final look).
    t_obs: f64,
    z: f64,
    efficacy: f64,
    futility: Option<f64>,
    harm: Option<f64>,
    cp: Option<&'a ConditionalPowers>,
}

/// The verdict: its kind, its words and its basis.
struct Verdict {
    kind: &'static str,
    words: String,
    basis: Vec<String>,
}

fn guideline(binding: bool) -> &'static str {
    if binding {
        "binding"
    } else {
        "non-binding"
    }
}

/// The verdict at a cut, in three directions (efficacy, harm, futility).
/// A monitoring cut gets none. With no harm boundary configured, an
/// estimate in the harm direction that meets the futility rule is said as
/// such, never as futility.
fn verdict(plan: &LookPlan, design: &TrialDesign, f: &Found<'_>) -> Verdict {
    let (z, bound) = (f.z, f.efficacy);
    let k = match plan.status {
        LookStatus::Formal(k) => k,
        LookStatus::Monitoring { next, proposed } => {
            let mut words = format!(
                "No formal test at this cut: it is a monitoring cut between looks (information {:.2}; the next formal look, look {next} of {}, is planned at {:.2}). The path, conditional power and the information reached are shown; no verdict is given.",
                f.t_obs,
                plan.planned,
                design.looks[next - 1]
            );
            if proposed {
                words.push_str(&format!(
                    " The cut has reached the planned information of look {next}: the statistician may declare it that formal look."
                ));
            }
            return Verdict {
                kind: "no-formal-test",
                words,
                basis: Vec::new(),
            };
        }
        LookStatus::AfterLast => {
            return Verdict {
                kind: "no-formal-test",
                words:
                    "No formal test at this cut: the design's last formal look has been performed."
                        .into(),
                basis: Vec::new(),
            }
        }
    };
    let threshold = design
        .futility
        .as_ref()
        .and_then(|r| r.conditional_power_below);
    let mut basis = vec![format!(
        "z = {z:.3} {} the efficacy bound {bound:.3}",
        if z >= bound { ">=" } else { "<" }
    )];
    if let Some(h) = f.harm {
        basis.push(format!(
            "z = {z:.3} {} the harm bound {h:.3}",
            if z <= h { "<=" } else { ">" }
        ));
    }
    if let Some(fb) = f.futility {
        basis.push(format!(
            "z = {z:.3} {} the futility bound {fb:.3}",
            if z <= fb { "<=" } else { ">" }
        ));
    }
    let cp_below = match (f.cp, threshold) {
        (Some(cp), Some(th)) => {
            basis.push(format!(
                "conditional power under the current trend {:.1}% {} the guideline {:.0}%",
                100.0 * cp.trend,
                if cp.trend < th { "<" } else { ">=" },
                100.0 * th
            ));
            Some(cp.trend < th)
        }
        _ => None,
    };
    let futility_met = f.futility.is_some_and(|fb| z <= fb) || cp_below == Some(true);
    let harm_binding = design.harm.as_ref().is_some_and(|h| h.binding);
    let (kind, words) = if z >= bound {
        (
            "efficacy",
            format!("The efficacy boundary is crossed at look {k}: z = {z:.3} >= {bound:.3}."),
        )
    } else if let Some(h) = f.harm.filter(|&h| z <= h) {
        let mut w = format!(
            "The {} harm boundary is crossed at look {k}: z = {z:.3} <= {h:.3}; the estimate favours the reference arm.",
            guideline(harm_binding)
        );
        if futility_met {
            w.push_str(" The futility guideline is met too.");
        }
        ("harm", w)
    } else if futility_met && z < 0.0 && f.harm.is_none() {
        (
            "favours-reference",
            format!(
                "The estimate favours the reference arm (z = {z:.3}); no harm guideline is configured. No efficacy (z < {bound:.3})."
            ),
        )
    } else if let Some(fb) = f.futility.filter(|&fb| z <= fb) {
        (
            "futility",
            format!(
                "The {} futility boundary is crossed at look {k}: z = {z:.3} <= {fb:.3}.",
                guideline(plan.binding)
            ),
        )
    } else if let (Some(cp), Some(th)) = (f.cp, threshold) {
        if cp.trend < th {
            (
                "futility",
                format!(
                    "No efficacy (z = {z:.3} < {bound:.3}). Conditional power under the current trend is {:.1}%, below the {} futility guideline of {:.0}%: the guideline indicates stopping for futility.",
                    100.0 * cp.trend,
                    guideline(plan.binding),
                    100.0 * th
                ),
            )
        } else {
            (
                "continue",
                format!(
                    "No efficacy (z = {z:.3} < {bound:.3}). Conditional power under the current trend is {:.1}%, above the futility guideline of {:.0}%: the guideline indicates continuing.",
                    100.0 * cp.trend,
                    100.0 * th
                ),
            )
        }
    } else if plan.is_last() {
        (
            "final",
            format!("Final look: z = {z:.3} does not reach the boundary {bound:.3}."),
        )
    } else {
        (
            "continue",
            format!("No boundary is crossed at look {k} (z = {z:.3} < {bound:.3}); no futility rule is configured."),
        )
    };
    Verdict { kind, words, basis }
}
