//! The configured secondary endpoints by arm (closed report only): a
//! binary endpoint's events/n with the trial's configured test of the
//! design's compared arms, a time-to-event endpoint's Kaplan-Meier,
//! log-rank and Cox summaries as the primary's.

use super::closed::compare_groups;
use super::efficacy::{survival_summary, time_to_event_of, SurvivalSummary, TimeToEvent};
use super::types::{EventsN, PrimaryComparison};
use crate::server::config::secondary::{Secondary, SecondaryKind};
use crate::server::config::TrialConfig;
use crate::server::firewall::ClosedSnapshot;
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
    /// Events and subjects (randomized, or evaluable at the horizon) by arm.
    pub by_arm: BTreeMap<String, EventsN>,
    /// A binary endpoint: the compared arms by the configured test.
    pub comparison: Option<PrimaryComparison>,
    /// A time-to-event endpoint: Kaplan-Meier, log-rank and Cox.
    pub survival: Option<SurvivalSummary>,
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
        SecondaryKind::TimeToEvent => None,
    };
    Ok(SecondaryResult {
        name: s.name.clone(),
        kind: s.kind,
        definition,
        by_arm,
        comparison,
        survival,
    })
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
