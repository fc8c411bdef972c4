//! The configured safety categories by arm (closed report): subjects with
//! an event per arm, pooled, each arm against the reference with the
//! trial's test, risk difference, risk and odds ratios, exposure-adjusted
//! rates, and the cumulative incidence.

use super::frames::{arm_sum, exposure_years_by_arm};
use super::safety_time::{cumulative_incidence, CategoryOnsets, SubjectDays};
use super::types::{ArmComparison, ClosedRate, Estimate, IncidenceRate, Rate, RateRatio};
use crate::server::config::{RiskDifferenceCi, TrialConfig};
use crate::server::firewall::ClosedSnapshot;
use crate::stats::proportions::{compare, TestRule, TwoByTwo};
use crate::stats::rates::{self, EstimateCi};
use polars::prelude::PolarsError;
use std::collections::{BTreeMap, HashMap};

/// The difference in proportions x1/n1 − x2/n2 with the 95% interval the
/// trial's analysis names.
pub fn risk_difference(
    method: RiskDifferenceCi,
    x1: u64,
    n1: u64,
    x2: u64,
    n2: u64,
) -> Option<EstimateCi> {
    match method {
        RiskDifferenceCi::Newcombe => rates::newcombe(x1, n1, x2, n2, 0.95),
        RiskDifferenceCi::MiettinenNurminen => rates::miettinen_nurminen(x1, n1, x2, n2, 0.95),
    }
}

/// Each safety category by arm. `per_arm` holds each arm's sums (subjects,
/// then subjects with each category; see `frames::sums`), `total` the
/// subjects randomized, `onsets` each category's first onset and events
/// per subject.
pub fn closed_rates(
    snap: &ClosedSnapshot,
    trial: &TrialConfig,
    per_arm: &HashMap<String, Vec<u32>>,
    total: u32,
    subject_days: &SubjectDays,
    onsets: &[CategoryOnsets],
    incidence_days: &[f64],
) -> Result<Vec<ClosedRate>, PolarsError> {
    let rule: TestRule = trial.analysis.safety_test;
    let codes: Vec<&str> = trial.arms.iter().map(|a| a.code.as_str()).collect();
    let reference = codes[0];
    let arm_value = |arm: &str, i: usize| arm_sum(per_arm, arm, i);
    let exposure = exposure_years_by_arm(snap, trial)?;
    let mut safety = Vec::new();
    for (k, cat) in trial.safety.iter().enumerate() {
        let cumulative_incidence =
            cumulative_incidence(snap, subject_days, &onsets[k], &codes, incidence_days)?;
        let counts = subject_days.events_by_arm(&onsets[k]);
        let events_by_arm: BTreeMap<String, u64> = codes
            .iter()
            .map(|c| (c.to_string(), counts.get(*c).copied().unwrap_or(0)))
            .collect();
        let incidence: Option<BTreeMap<String, IncidenceRate>> = exposure.as_ref().map(|years| {
            codes
                .iter()
                .filter_map(|c| {
                    let events = counts.get(*c).copied().unwrap_or(0);
                    let py = years.get(*c).copied().unwrap_or(0.0);
                    rates::incidence_rate(events, py, 100.0, 0.95).map(|r| {
                        (
                            c.to_string(),
                            IncidenceRate {
                                events,
                                patient_years: py,
                                per_100_patient_years: r.estimate,
                                ci95: [r.ci.0, r.ci.1],
                            },
                        )
                    })
                })
                .collect()
        });
        let by_arm: BTreeMap<String, Rate> = codes
            .iter()
            .map(|c| {
                (
                    c.to_string(),
                    Rate::new(arm_value(c, 1 + k), arm_value(c, 0)),
                )
            })
            .collect();
        let count: u32 = codes.iter().map(|c| arm_value(c, 1 + k)).sum();
        let pooled = Rate::new(count, total);
        let comparisons: Vec<ArmComparison> = codes[1..]
            .iter()
            .filter_map(|c| {
                let t = TwoByTwo {
                    events_1: u64::from(arm_value(c, 1 + k)),
                    n_1: u64::from(arm_value(c, 0)),
                    events_2: u64::from(arm_value(reference, 1 + k)),
                    n_2: u64::from(arm_value(reference, 0)),
                };
                let (x1, n1, x2, n2) = (t.events_1, t.n_1, t.events_2, t.n_2);
                let rd = risk_difference(trial.analysis.risk_difference_ci, x1, n1, x2, n2);
                compare(&t, rule, trial.analysis.continuity_correction).map(|cmp| ArmComparison {
                    arm: c.to_string(),
                    reference: reference.to_string(),
                    p_value: cmp.p_value,
                    test: cmp.test,
                    risk_difference: Estimate::from(rd),
                    risk_ratio: Estimate::from(rates::risk_ratio(x1, n1, x2, n2, 0.95)),
                    odds_ratio: Estimate::from(rates::odds_ratio(x1, n1, x2, n2, 0.95)),
                    rate_ratio: incidence.as_ref().and_then(|m| {
                        let (a, b) = (m.get(*c)?, m.get(reference)?);
                        rates::rate_ratio(
                            a.events,
                            a.patient_years,
                            b.events,
                            b.patient_years,
                            0.95,
                        )
                        .map(|t| RateRatio {
                            estimate: t.estimate,
                            ci95: [t.ci.0, t.ci.1],
                            p_value: t.p_value,
                        })
                    }),
                })
            })
            .collect();
        let (p_value, test, risk_difference) = match comparisons.as_slice() {
            [only] if codes.len() == 2 => {
                (Some(only.p_value), Some(only.test), only.risk_difference)
            }
            _ => (None, None, None),
        };
        safety.push(ClosedRate {
            category: cat.name.clone(),
            subjects: count,
            n: total,
            percent: pooled.percent,
            ci95: pooled.ci95,
            by_arm,
            p_value,
            test,
            risk_difference,
            incidence,
            events_by_arm,
            comparisons,
            cumulative_incidence,
        });
    }
    Ok(safety)
}
