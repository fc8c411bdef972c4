//! Benefit-risk in one view (closed report only): the configured hierarchy
//! of outcomes compared pairwise between the design's treatment arm and its
//! control (`stats::wins`): wins, losses and ties at each level, the win
//! ratio, net benefit, win odds and DOOR probability with their intervals,
//! and the Finkelstein-Schoenfeld test.

use super::efficacy::time_to_event_of;
use crate::server::config::benefit_risk::{Compare, Level};
use crate::server::config::TrialConfig;
use crate::server::firewall::ClosedSnapshot;
use crate::stats::wins::{count, statistics, Outcome};
use polars::prelude::*;
use serde::Serialize;
use std::collections::HashMap;

/// An estimate with its 95% interval.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct WithCi {
    pub estimate: f64,
    pub ci95: [f64; 2],
}

/// What one level of the hierarchy decided (the treatment's wins and
/// losses among the pairs still tied when it was reached).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LevelResult {
    pub name: String,
    /// "by time within 60", "by time", "by presence".
    pub compared: String,
    pub wins: u64,
    pub losses: u64,
}

/// The hierarchy's pairwise comparison.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BenefitRiskResult {
    pub arm: String,
    pub reference: String,
    pub n_treatment: u32,
    pub n_control: u32,
    pub levels: Vec<LevelResult>,
    pub wins: u64,
    pub losses: u64,
    pub ties: u64,
    pub win_ratio: Option<WithCi>,
    pub net_benefit: Option<WithCi>,
    pub win_odds: Option<WithCi>,
    pub door: Option<WithCi>,
    pub p_value: Option<f64>,
}

/// The comparison, when the trial configures a hierarchy and its design
/// names two compared arms. `hits` are the safety categories' ADAE rows
/// (`frames::category_hits`).
pub fn benefit_risk(
    snap: &ClosedSnapshot,
    trial: &TrialConfig,
    hits: &[Vec<bool>],
) -> Result<Option<BenefitRiskResult>, PolarsError> {
    let levels = &trial.benefit_risk.levels;
    if levels.is_empty() {
        return Ok(None);
    }
    let Some((ri, ti)) = super::interim::compared_arms(trial) else {
        return Ok(None);
    };
    let (r, t) = (&trial.arms[ri].code, &trial.arms[ti].code);
    let n = snap.adsl.height();
    let ids = snap.adsl.column("USUBJID")?.str()?.clone();
    let arms = snap.adsl.column("ARM")?.cast(&DataType::String)?;
    let arms = arms.str()?;
    // Each level's outcome for every ADSL row.
    let mut columns: Vec<Vec<Outcome>> = Vec::with_capacity(levels.len());
    for l in levels {
        columns.push(level_outcomes(snap, trial, hits, l, &ids, n)?);
    }
    let (mut treatment, mut control) = (Vec::new(), Vec::new());
    for (row, arm) in arms.iter().enumerate() {
        let subject = || columns.iter().map(|c| c[row]).collect::<Vec<_>>();
        match arm {
            Some(a) if a == t => treatment.push(subject()),
            Some(a) if a == r => control.push(subject()),
            _ => {}
        }
    }
    let c = count(&treatment, &control);
    let s = statistics(&c);
    let ci = |e: crate::stats::wins::Estimate| WithCi {
        estimate: e.estimate,
        ci95: e.ci95,
    };
    Ok(Some(BenefitRiskResult {
        arm: t.clone(),
        reference: r.clone(),
        n_treatment: treatment.len() as u32,
        n_control: control.len() as u32,
        levels: levels
            .iter()
            .zip(&c.by_level)
            .map(|(l, &(wins, losses))| LevelResult {
                name: l.name.clone(),
                compared: match (l.compare(), l.horizon) {
                    (Compare::Time, Some(h)) => format!("by time within {h}"),
                    (Compare::Time, None) => "by time".into(),
                    (Compare::Presence, Some(h)) => format!("by presence within {h}"),
                    (Compare::Presence, None) => "by presence".into(),
                },
                wins,
                losses,
            })
            .collect(),
        wins: c.wins,
        losses: c.losses,
        ties: c.ties,
        win_ratio: s.and_then(|s| s.win_ratio).map(ci),
        net_benefit: s.map(|s| ci(s.net_benefit)),
        win_odds: s.and_then(|s| s.win_odds).map(ci),
        door: s.map(|s| ci(s.door)),
        p_value: s.and_then(|s| s.p_value),
    }))
}

/// The comparison of `snap` on its own (the safety categories' hits found
/// here): what a benchmark times.
pub fn standalone(
    snap: &ClosedSnapshot,
    trial: &TrialConfig,
) -> Result<Option<BenefitRiskResult>, PolarsError> {
    let hits = super::frames::category_hits(snap, trial)?;
    benefit_risk(snap, trial, &hits)
}

/// One level's outcome for every ADSL row (in ADSL's order).
fn level_outcomes(
    snap: &ClosedSnapshot,
    trial: &TrialConfig,
    hits: &[Vec<bool>],
    l: &Level,
    ids: &StringChunked,
    n: usize,
) -> Result<Vec<Outcome>, PolarsError> {
    if let Some(code) = &l.adtte_paramcd {
        let d = time_to_event_of(snap, trial, code)?;
        let h = l.horizon.unwrap_or(f64::INFINITY);
        let by_id: HashMap<&str, (f64, bool)> = d
            .usubjid
            .iter()
            .zip(d.time.iter().zip(&d.event))
            .map(|(id, (&t, &e))| {
                let event = e && t <= h;
                (id.as_str(), (t.min(h), event))
            })
            .collect();
        return Ok(ids
            .iter()
            .map(|id| {
                // A subject without the parameter's record is followed for
                // no time: it ties with everyone at this level.
                let (time, event) = id
                    .and_then(|id| by_id.get(id))
                    .copied()
                    .unwrap_or((0.0, false));
                match l.compare() {
                    Compare::Time => Outcome::Time { time, event },
                    Compare::Presence => Outcome::Presence(event),
                }
            })
            .collect());
    }
    if let (Some(variable), Some(values)) = (&l.variable, &l.values) {
        let v = snap.adsl.column(variable)?.cast(&DataType::String)?;
        return Ok(v
            .str()?
            .iter()
            .map(|x| Outcome::Presence(x.is_some_and(|x| values.iter().any(|w| w == x))))
            .collect());
    }
    let mut flag = vec![false; n];
    if let Some(k) = l
        .safety
        .as_ref()
        .and_then(|s| trial.safety.iter().position(|c| &c.name == s))
    {
        if let Some(hit) = hits.get(k) {
            for (h, &s) in hit.iter().zip(snap.adae_subject.iter()) {
                if *h {
                    if let Some(f) = flag.get_mut(s as usize) {
                        *f = true;
                    }
                }
            }
        }
    }
    Ok(flag.into_iter().map(Outcome::Presence).collect())
}
