//! The configured secondary endpoints by arm (closed report only): a
//! binary endpoint's events/n with the trial's configured test of the
//! design's compared arms, a time-to-event endpoint's Kaplan-Meier,
//! log-rank and Cox summaries as the primary's; a continuous endpoint's
//! summary by arm (n, mean (SD), median (Q1-Q3)) with the difference of
//! the design's compared arms' means (Welch's 95% interval) and the
//! configured test (Welch's t or Wilcoxon's rank-sum).

use super::baseline::ContinuousSummary;
use super::closed::compare_groups;
use super::efficacy::{survival_summary, time_to_event_of, SurvivalSummary, TimeToEvent};
use super::types::{EventsN, PrimaryComparison};
use crate::server::config::secondary::{ContinuousTest, Secondary, SecondaryKind};
use crate::server::config::TrialConfig;
use crate::server::firewall::ClosedSnapshot;
use crate::stats::descriptive::welch_difference;
use crate::stats::ranks::wilcoxon_rank_sum;
use polars::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;

/// A secondary endpoint by arm.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SecondaryResult {
    pub name: String,
    pub kind: SecondaryKind,
    /// What counts, in words ("HRTTYPE in LVAD", "OS event within 60").
    pub definition: String,
    /// Events and subjects (randomized, or evaluable at the horizon) by arm;
    /// empty for a continuous endpoint.
    pub by_arm: BTreeMap<String, EventsN>,
    /// A binary endpoint: the compared arms by the configured test.
    pub comparison: Option<PrimaryComparison>,
    /// A time-to-event endpoint: Kaplan-Meier, log-rank and Cox.
    pub survival: Option<SurvivalSummary>,
    /// A continuous endpoint: the summary by arm and the comparison.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub continuous: Option<ContinuousResult>,
}

/// A continuous endpoint by arm and the design's compared arms' test.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ContinuousResult {
    pub by_arm: BTreeMap<String, ContinuousSummary>,
    pub test: ContinuousTest,
    /// The compared arm and the reference (the design's two arms).
    pub arm: Option<String>,
    pub reference: Option<String>,
    /// The arm's mean less the reference's, with Welch's 95% interval.
    pub difference: Option<f64>,
    pub ci95: Option<[f64; 2]>,
    /// The configured test's two-sided p (symmetric in the two groups).
    pub p_value: Option<f64>,
}

/// Every configured secondary endpoint of `snap`, in the configuration's
/// order.
pub fn secondary(
    snap: &ClosedSnapshot,
    trial: &TrialConfig,
) -> Result<Vec<SecondaryResult>, PolarsError> {
    trial
        .secondary
        .iter()
        .map(|s| one(snap, trial, s))
        .collect()
}

fn one(
    snap: &ClosedSnapshot,
    trial: &TrialConfig,
    s: &Secondary,
) -> Result<SecondaryResult, PolarsError> {
    let mut by_arm: BTreeMap<String, EventsN> = trial
        .arms
        .iter()
        .map(|a| (a.code.clone(), EventsN { events: 0, n: 0 }))
        .collect();
    let (definition, survival) = match (s.kind, &s.variable, &s.values, &s.adtte_paramcd) {
        (SecondaryKind::Binary, Some(variable), Some(values), _) => {
            let arms = snap.adsl.column("ARM")?.cast(&DataType::String)?;
            let arms = arms.str()?;
            let v = snap.adsl.column(variable)?.cast(&DataType::String)?;
            let v = v.str()?;
            for (arm, x) in arms.iter().zip(v.iter()) {
                let Some(e) = arm.and_then(|a| by_arm.get_mut(a)) else {
                    continue;
                };
                e.n += 1;
                if x.is_some_and(|x| values.iter().any(|w| w == x)) {
                    e.events += 1;
                }
            }
            (format!("{variable} in {}", values.join(", ")), None)
        }
        (SecondaryKind::Binary, _, _, Some(code)) => {
            let horizon = s.horizon.unwrap_or(f64::INFINITY);
            let d = time_to_event_of(snap, trial, code)?;
            tally_within(&d, trial, horizon, &mut by_arm);
            (format!("{code} event within {horizon}"), None)
        }
        (SecondaryKind::Continuous, _, _, _) => {
            let (definition, values) = continuous_values(snap, s)?;
            let subjects = randomized_by_arm(snap)?;
            let result = continuous(trial, s, &values, &subjects);
            // No events: the summaries are in `continuous`.
            return Ok(SecondaryResult {
                name: s.name.clone(),
                kind: s.kind,
                definition,
                by_arm: BTreeMap::new(),
                comparison: None,
                survival: None,
                continuous: Some(result),
            });
        }
        (SecondaryKind::TimeToEvent, _, _, Some(code)) => {
            let d = time_to_event_of(snap, trial, code)?;
            tally_within(&d, trial, f64::INFINITY, &mut by_arm);
            (format!("{code} (ADTTE)"), Some(survival_summary(&d, trial)))
        }
        _ => {
            return Err(PolarsError::ComputeError(
                format!(
                    "secondary endpoint {:?} says not where its data are",
                    s.name
                )
                .into(),
            ))
        }
    };
    let comparison = match s.kind {
        SecondaryKind::Binary => compare_groups(trial, &by_arm),
        SecondaryKind::Continuous | SecondaryKind::TimeToEvent => None,
    };
    Ok(SecondaryResult {
        name: s.name.clone(),
        kind: s.kind,
        definition,
        by_arm,
        comparison,
        survival,
        continuous: None,
    })
}

/// A continuous endpoint's values by arm code, and what they are in words:
/// an ADSL variable, or an ADLB parameter's value (or change from the
/// baseline record) at the visit, one per subject (the first record of
/// the visit). A cut without ADLB has no values.
fn continuous_values(
    snap: &ClosedSnapshot,
    s: &Secondary,
) -> Result<(String, BTreeMap<String, Vec<f64>>), PolarsError> {
    let arms = snap.adsl.column("ARM")?.cast(&DataType::String)?;
    let arms = arms.str()?;
    let mut values: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    if let Some(variable) = &s.variable {
        let v = snap.adsl.column(variable)?.cast(&DataType::Float64)?;
        for (arm, x) in arms.iter().zip(v.f64()?.iter()) {
            if let (Some(arm), Some(x)) = (arm, x) {
                if x.is_finite() {
                    values.entry(arm.to_string()).or_default().push(x);
                }
            }
        }
        return Ok((format!("ADSL {variable}"), values));
    }
    let (Some(code), Some(visit)) = (&s.adlb_paramcd, &s.visit) else {
        return Err(PolarsError::ComputeError(
            format!(
                "secondary endpoint {:?} says not where its data are",
                s.name
            )
            .into(),
        ));
    };
    let definition = if s.change {
        format!("ADLB {code} at {visit}, change from baseline")
    } else {
        format!("ADLB {code} at {visit}")
    };
    if snap.labs_skipped {
        return Err(PolarsError::ComputeError(
            "the cut's ADLB was read without its records: no laboratory endpoint from it".into(),
        ));
    }
    let Some(adlb) = &snap.adlb else {
        return Ok((definition, values));
    };
    let (Some(param), Some(visit_ix)) = (
        adlb.param_index(code),
        adlb.visits
            .iter()
            .position(|v| v == visit)
            .map(|i| i as u32),
    ) else {
        return Ok((definition, values));
    };
    let f = &adlb.frame;
    let subj = f.column("SUBJ")?.u32()?;
    let par = f.column("PARAM")?.u32()?;
    let aval = f.column("AVAL")?.f64()?;
    let vis = f.column("VISIT")?.u32()?;
    let base = f.column("BASE")?.bool()?;
    let n = snap.adsl.height();
    let (mut at_visit, mut baseline) = (vec![None; n], vec![None; n]);
    for i in 0..f.height() {
        if par.get(i) != Some(param) {
            continue;
        }
        let (Some(sj), Some(x)) = (subj.get(i), aval.get(i)) else {
            continue;
        };
        let sj = sj as usize;
        if sj >= n || !x.is_finite() {
            continue;
        }
        if base.get(i) == Some(true) && baseline[sj].is_none() {
            baseline[sj] = Some(x);
        }
        if vis.get(i) == Some(visit_ix) && at_visit[sj].is_none() {
            at_visit[sj] = Some(x);
        }
    }
    for (row, arm) in arms.iter().enumerate() {
        let Some(arm) = arm else { continue };
        let value = match (at_visit[row], baseline[row], s.change) {
            (Some(x), _, false) => x,
            (Some(x), Some(b), true) => x - b,
            _ => continue,
        };
        values.entry(arm.to_string()).or_default().push(value);
    }
    Ok((definition, values))
}

/// Randomized subjects by arm code.
fn randomized_by_arm(snap: &ClosedSnapshot) -> Result<BTreeMap<String, u32>, PolarsError> {
    let arms = snap.adsl.column("ARM")?.cast(&DataType::String)?;
    let mut out: BTreeMap<String, u32> = BTreeMap::new();
    for arm in arms.str()?.iter().flatten() {
        *out.entry(arm.to_string()).or_default() += 1;
    }
    Ok(out)
}

/// The summary by arm and the design's compared arms' difference and test.
fn continuous(
    trial: &TrialConfig,
    s: &Secondary,
    values: &BTreeMap<String, Vec<f64>>,
    subjects: &BTreeMap<String, u32>,
) -> ContinuousResult {
    let test = s.test.unwrap_or_default();
    let by_arm = trial
        .arms
        .iter()
        .map(|a| {
            let x = values.get(&a.code).map_or(&[][..], Vec::as_slice);
            let c = ContinuousSummary::of(x, subjects.get(&a.code).copied().unwrap_or(0));
            (a.code.clone(), c)
        })
        .collect::<BTreeMap<_, _>>();
    let mut out = ContinuousResult {
        by_arm,
        test,
        arm: None,
        reference: None,
        difference: None,
        ci95: None,
        p_value: None,
    };
    let Some((ri, ti)) = super::interim::compared_arms(trial) else {
        return out;
    };
    let (r, t) = (&trial.arms[ri].code, &trial.arms[ti].code);
    out.arm = Some(t.clone());
    out.reference = Some(r.clone());
    let empty = Vec::new();
    let (x, y) = (
        values.get(t).unwrap_or(&empty),
        values.get(r).unwrap_or(&empty),
    );
    let (sx, sy) = (out.by_arm[t].clone(), out.by_arm[r].clone());
    let welch = match (sx.mean, sx.sd, sy.mean, sy.sd) {
        (Some(m1), Some(s1), Some(m2), Some(s2)) => {
            welch_difference(m1, s1, sx.n.into(), m2, s2, sy.n.into())
        }
        _ => None,
    };
    if let Some(w) = welch {
        out.difference = Some(w.estimate);
        out.ci95 = Some([w.ci95.0, w.ci95.1]);
    }
    out.p_value = match test {
        ContinuousTest::Welch => welch.map(|w| w.p_value),
        ContinuousTest::Wilcoxon => wilcoxon_rank_sum(x, y).map(|w| w.p_value),
    };
    out
}

/// Events within `horizon` among the subjects evaluable there (an event
/// by then, or followed that long), by arm; every subject when the horizon
/// is infinite.
fn tally_within(
    d: &TimeToEvent,
    trial: &TrialConfig,
    horizon: f64,
    by_arm: &mut BTreeMap<String, EventsN>,
) {
    for i in 0..d.time.len() {
        let event = d.event[i] && d.time[i] <= horizon;
        if !(event || d.time[i] >= horizon || horizon.is_infinite()) {
            continue;
        }
        if let Some(e) = by_arm.get_mut(&trial.arms[d.arm[i]].code) {
            e.n += 1;
            e.events += u32::from(event);
        }
    }
}
