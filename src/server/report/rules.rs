//! The safety monitoring rules at a cut (closed report): each configured
//! rule evaluated on its category's subjects with an event, by group, from
//! the closed safety rates. A crossed rule is a signal for the board, never
//! an automatic stop. Two-group rules are given for every ordered pair of
//! groups, so that a coded view carries both directions.

use super::types::ClosedRate;
use crate::server::config::{SafetyRule, TrialConfig};
use crate::stats::monitoring::{
    posterior_difference_exceeds, posterior_exceeds, sequential_boundary, stopping_probability,
    BetaPrior, Count, SequentialBoundary,
};
use serde::Serialize;

/// One rule at the cut.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RuleResult {
    pub category: String,
    /// `posterior`, `difference` or `sequential`.
    pub kind: &'static str,
    /// The rule in words.
    pub rule: String,
    /// Per group (arm code): events, subjects, the rule's value and whether
    /// it signals.
    pub groups: Vec<GroupRule>,
    /// Two-group rules: every ordered pair.
    pub pairs: Vec<PairRule>,
    /// Sequential rules: the boundary and its operating characteristics.
    pub boundary: Option<BoundaryTable>,
    /// Whether any group or pair signals.
    pub signal: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GroupRule {
    pub arm: String,
    pub events: u32,
    pub n: u32,
    /// Posterior rules: P(rate > threshold | data).
    pub posterior: Option<f64>,
    /// Sequential rules: the events that signal at this group's subjects
    /// (`None` beyond the rule's last look).
    pub signal_at: Option<u32>,
    pub signal: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PairRule {
    /// P(rate of `higher` > rate of `lower` + delta | data).
    pub higher: String,
    pub lower: String,
    pub probability: f64,
    pub signal: bool,
}

/// A sequential boundary as a charter prints it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BoundaryTable {
    /// "Stop if >= events among from..=to subjects", by runs.
    pub runs: Vec<BoundaryRun>,
    /// The boundary's constant (level, critical value or posterior
    /// threshold).
    pub c: f64,
    /// The probability of a signal at the null rate (at most alpha).
    pub size: f64,
    /// The probability of a signal at true rates from p0 up.
    pub operating: Vec<(f64, f64)>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BoundaryRun {
    pub events: u32,
    pub from: u32,
    pub to: u32,
}

/// Every configured rule at the cut, from the closed safety rates `safety`
/// (by category, by arm); arms in the trial's order.
pub fn safety_rules(trial: &TrialConfig, safety: &[ClosedRate]) -> Vec<RuleResult> {
    trial
        .safety_rules
        .iter()
        .filter_map(|rule| {
            let rate = safety.iter().find(|r| r.category == rule.category())?;
            let counts: Vec<(String, Count)> = trial
                .arms
                .iter()
                .filter_map(|a| {
                    rate.by_arm.get(&a.code).map(|r| {
                        (
                            a.code.clone(),
                            Count {
                                events: r.subjects,
                                n: r.n,
                            },
                        )
                    })
                })
                .collect();
            Some(evaluate(rule, &counts))
        })
        .collect()
}

fn evaluate(rule: &SafetyRule, counts: &[(String, Count)]) -> RuleResult {
    let group = |arm: &str, c: Count| GroupRule {
        arm: arm.to_string(),
        events: c.events,
        n: c.n,
        posterior: None,
        signal_at: None,
        signal: false,
    };
    let mut out = RuleResult {
        category: rule.category().to_string(),
        kind: rule.kind(),
        rule: rule.describe(),
        groups: counts.iter().map(|(a, c)| group(a, *c)).collect(),
        pairs: Vec::new(),
        boundary: None,
        signal: false,
    };
    match rule {
        SafetyRule::Posterior {
            prior,
            threshold,
            flag_above,
            ..
        } => {
            let prior = BetaPrior {
                a: prior[0],
                b: prior[1],
            };
            for (g, (_, c)) in out.groups.iter_mut().zip(counts) {
                let p = posterior_exceeds(prior, *c, *threshold);
                g.posterior = Some(p);
                g.signal = p > *flag_above;
            }
        }
        SafetyRule::Difference {
            prior,
            delta,
            flag_above,
            ..
        } => {
            let prior = BetaPrior {
                a: prior[0],
                b: prior[1],
            };
            for (hi, c_hi) in counts {
                for (lo, c_lo) in counts.iter().filter(|(lo, _)| lo != hi) {
                    let p = posterior_difference_exceeds(prior, *c_lo, *c_hi, *delta);
                    out.pairs.push(PairRule {
                        higher: hi.clone(),
                        lower: lo.clone(),
                        probability: p,
                        signal: p > *flag_above,
                    });
                }
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
            let kind = boundary.kind(*prior);
            let ns: Vec<u32> = (1..=*max_subjects).collect();
            if let Ok(b) = sequential_boundary(&ns, *p0, *alpha, kind) {
                for g in &mut out.groups {
                    if g.n >= 1 && g.n <= *max_subjects {
                        let at = b.stop_at[g.n as usize - 1];
                        g.signal_at = (at <= g.n).then_some(at);
                        g.signal = g.events >= at;
                    }
                }
                out.boundary = Some(table(&b, *p0));
            }
        }
    }
    out.signal = out.groups.iter().any(|g| g.signal) || out.pairs.iter().any(|p| p.signal);
    out
}

/// The boundary by runs of subjects with the same stopping count, and its
/// probability of a signal at the null rate p0 and at 1.5, 2, 2.5 and 3
/// times it.
fn table(b: &SequentialBoundary, p0: f64) -> BoundaryTable {
    let mut runs: Vec<BoundaryRun> = Vec::new();
    for (&n, &events) in b.ns.iter().zip(&b.stop_at) {
        if events > n {
            continue;
        }
        match runs.last_mut() {
            Some(r) if r.events == events && r.to + 1 == n => r.to = n,
            _ => runs.push(BoundaryRun {
                events,
                from: n,
                to: n,
            }),
        }
    }
    // The null rate, then up to three times it (within (0, 1)).
    let step = (p0 / 2.0).min((1.0 - p0) / 4.0);
    let operating = (0..5)
        .map(|k| {
            let p = p0 + step * f64::from(k);
            (p, stopping_probability(&b.ns, &b.stop_at, p))
        })
        .collect();
    BoundaryTable {
        runs,
        c: b.c,
        size: b.size,
        operating,
    }
}
