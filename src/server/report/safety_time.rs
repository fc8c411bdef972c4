//! Safety over time (closed views): the cumulative incidence of each safety
//! category by arm, and the listing of serious and fatal adverse events.
//!
//! Cumulative incidence is the Aalen-Johansen estimate of the probability
//! of a first qualifying event by each study day (randomization = day 1),
//! with death before such an event as the competing risk; subjects alive
//! without an event are censored at the cut. An event dated before
//! randomization counts on day 1. It is what `survival::survfit` gives for
//! a multi-state `Surv(time, factor(status))` (validation/
//! cumulative_incidence_demo.R).

use super::frames::{category_expr, texts_in};
use crate::server::config::{SafetyCategory, TrialConfig};
use crate::server::data::days::{days_in, epoch_days};
use crate::server::firewall::ClosedSnapshot;
use crate::stats::survival::aalen_johansen;
use polars::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// A cumulative-incidence step function: `cif[i]` from `time[i]` on,
/// starting at (0, 0); one step per day with a first event.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct IncidenceCurve {
    pub time: Vec<f64>,
    pub cif: Vec<f64>,
    /// The estimate at each of the report's `incidence_days`.
    pub at_days: Vec<f64>,
    /// The last study day anyone in the arm is followed to (the curve is
    /// flat from its last step to here).
    pub end: f64,
    /// Subjects left out because their qualifying events have no onset date.
    pub undated: u32,
}

impl IncidenceCurve {
    /// The estimate at study day `day` (the last step at or before it).
    pub fn at(&self, day: f64) -> f64 {
        self.time
            .iter()
            .zip(&self.cif)
            .take_while(|(t, _)| **t <= day)
            .last()
            .map_or(0.0, |(_, c)| *c)
    }
}

/// A serious or fatal adverse event, for the listing.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SeriousEvent {
    pub usubjid: String,
    /// Arm code (closed level).
    pub arm: String,
    /// Preferred term (AEDECOD), else the verbatim term.
    pub term: String,
    /// Study day of onset (randomization = day 1, the day before it -1);
    /// `None` without a date.
    pub day: Option<i64>,
    /// Onset date (YYYY-MM-DD).
    pub onset: Option<String>,
    pub serious: bool,
    pub fatal: bool,
}

/// The days at which the safety table gives cumulative incidence: the
/// trial's choice, else within the primary endpoint's horizon (day 7, 14,
/// 30 and the horizon), else 30, 90, 180 and 365 days.
pub fn incidence_days(trial: &TrialConfig) -> Vec<f64> {
    if let Some(d) = &trial.analysis.incidence_days {
        return d.clone();
    }
    match trial.primary.horizon {
        Some(h) if h > 0.0 => {
            let mut d: Vec<f64> = [7.0, 14.0, 30.0].into_iter().filter(|x| *x < h).collect();
            d.push(h);
            d
        }
        _ => vec![30.0, 90.0, 180.0, 365.0],
    }
}

/// Per subject of ADSL: arm, randomization day and death day (days since
/// 1970), as plain vectors; read once per report (`SubjectDays::of`).
pub struct SubjectDays {
    ids: Vec<String>,
    arm: Vec<String>,
    rand: Vec<Option<i32>>,
    death: Vec<Option<i32>>,
}

impl SubjectDays {
    /// The closed snapshot's subjects.
    pub fn of(snap: &ClosedSnapshot) -> PolarsResult<SubjectDays> {
        let a = &snap.adsl;
        Ok(SubjectDays {
            ids: texts_in(a, "USUBJID")?,
            arm: texts_in(a, "ARM")?,
            rand: days_in(a, "RANDDT")?,
            death: days_in(a, "DTHDT")?,
        })
    }
}

/// The cumulative incidence of `cat` in each arm of `codes`.
pub fn cumulative_incidence(
    snap: &ClosedSnapshot,
    subj: &SubjectDays,
    cat: &SafetyCategory,
    codes: &[&str],
    days: &[f64],
) -> PolarsResult<BTreeMap<String, IncidenceCurve>> {
    let first = snap
        .adae
        .clone()
        .lazy()
        .filter(category_expr(cat))
        .group_by([col("USUBJID")])
        .agg([col("ASTDT").min().alias("FIRST")])
        .collect()?;
    // A subject whose qualifying events all lack an onset date had an event
    // at an unknown time: they are left out of the curve (neither event-free
    // nor placed at a guessed day) and counted in `undated`.
    let mut first_day: HashMap<String, Option<i32>> = HashMap::new();
    for (id, d) in texts_in(&first, "USUBJID")?
        .into_iter()
        .zip(days_in(&first, "FIRST")?)
    {
        first_day.insert(id, d);
    }
    let cut = epoch_days(snap.cut_date);
    let mut out = BTreeMap::new();
    for code in codes {
        let (mut time, mut cause) = (Vec::new(), Vec::new());
        let mut undated = 0u32;
        for i in 0..subj.ids.len() {
            let (Some(rand), true) = (subj.rand[i], subj.arm[i] == *code) else {
                continue;
            };
            let day = |d: i32| f64::from((d - rand + 1).max(1));
            match first_day.get(&subj.ids[i]) {
                Some(Some(e)) => {
                    time.push(day(*e));
                    cause.push(1u8);
                    continue;
                }
                Some(None) => {
                    undated += 1;
                    continue;
                }
                None => {}
            }
            if let Some(d) = subj.death[i] {
                time.push(day(d));
                cause.push(2);
            } else {
                time.push(day(cut));
                cause.push(0);
            }
        }
        let aj = aalen_johansen(&time, &cause);
        let mut curve = IncidenceCurve {
            time: vec![0.0],
            cif: vec![0.0],
            at_days: Vec::new(),
            end: time.iter().copied().fold(0.0, f64::max),
            undated,
        };
        for (t, c) in aj.time.iter().zip(&aj.cif1) {
            if *c > *curve.cif.last().unwrap_or(&0.0) {
                curve.time.push(*t);
                curve.cif.push(*c);
            }
        }
        curve.at_days = days.iter().map(|d| curve.at(*d)).collect();
        out.insert(code.to_string(), curve);
    }
    Ok(out)
}

/// Serious (AESER = "Y") and fatal (AEOUT = "FATAL") adverse events, by
/// arm, subject and onset day.
pub fn serious_events(
    snap: &ClosedSnapshot,
    subj: &SubjectDays,
) -> PolarsResult<Vec<SeriousEvent>> {
    let index: HashMap<&str, usize> = subj
        .ids
        .iter()
        .enumerate()
        .map(|(i, id)| (id.as_str(), i))
        .collect();
    let ae = snap
        .adae
        .clone()
        .lazy()
        .filter(
            col("AESER")
                .eq(lit("Y"))
                .or(col("AEOUT").eq(lit("FATAL")))
                .fill_null(lit(false)),
        )
        .collect()?;
    let ids = texts_in(&ae, "USUBJID")?;
    let decod = texts_in(&ae, "AEDECOD")?;
    let term = texts_in(&ae, "AETERM")?;
    let ser = texts_in(&ae, "AESER")?;
    let out_ = texts_in(&ae, "AEOUT")?;
    let start = days_in(&ae, "ASTDT")?;
    let mut rows: Vec<SeriousEvent> = (0..ae.height())
        .filter_map(|r| {
            let i = *index.get(ids[r].as_str())?;
            Some(SeriousEvent {
                usubjid: ids[r].clone(),
                arm: subj.arm[i].clone(),
                term: if decod[r].is_empty() {
                    term[r].clone()
                } else {
                    decod[r].clone()
                },
                day: match (start[r], subj.rand[i]) {
                    // CDISC study day: no day 0; the day before
                    // randomization is day -1.
                    (Some(s), Some(rd)) if s >= rd => Some(i64::from(s - rd) + 1),
                    (Some(s), Some(rd)) => Some(i64::from(s - rd)),
                    _ => None,
                },
                onset: start[r].map(|d| {
                    crate::server::data::days::from_epoch_days(d)
                        .format("%Y-%m-%d")
                        .to_string()
                }),
                serious: ser[r] == "Y",
                fatal: out_[r] == "FATAL",
            })
        })
        .collect();
    // Newest onset first (undated last), then arm, subject and term.
    rows.sort_by(|a, b| {
        b.onset
            .is_some()
            .cmp(&a.onset.is_some())
            .then_with(|| b.onset.cmp(&a.onset))
            .then_with(|| (&a.arm, &a.usubjid, &a.term).cmp(&(&b.arm, &b.usubjid, &b.term)))
    });
    Ok(rows)
}
