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
use crate::server::config::TrialConfig;
use crate::server::data::days::{days_in, epoch_days, study_day};
use crate::server::firewall::ClosedSnapshot;
use crate::stats::survival::aalen_johansen;
use polars::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

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
    #[serde(serialize_with = "shared_str")]
    pub usubjid: Arc<str>,
    /// Arm code (closed level).
    #[serde(serialize_with = "shared_str")]
    pub arm: Arc<str>,
    /// Preferred term (AEDECOD), else the verbatim term.
    #[serde(serialize_with = "shared_str")]
    pub term: Arc<str>,
    /// Study day of onset (randomization = day 1, the day before it -1);
    /// `None` without a date.
    pub day: Option<i64>,
    /// Onset date (YYYY-MM-DD).
    #[serde(serialize_with = "shared_opt_str")]
    pub onset: Option<Arc<str>>,
    /// The onset as days since 1970-01-01, for ordering.
    #[serde(skip)]
    pub onset_day: Option<i32>,
    pub serious: bool,
    pub fatal: bool,
}

/// A shared string as a JSON string (the listing shares each subject's,
/// arm's, term's and day's text among its rows).
fn shared_str<S: serde::Serializer>(v: &Arc<str>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(v)
}

fn shared_opt_str<S: serde::Serializer>(v: &Option<Arc<str>>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => s.serialize_str(v),
        None => s.serialize_none(),
    }
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

    /// Each subject's ADSL row by identifier.
    fn rows(&self) -> HashMap<&str, usize> {
        self.ids
            .iter()
            .enumerate()
            .map(|(i, id)| (id.as_str(), i))
            .collect()
    }

    /// A category's events (`onsets`) summed per arm.
    pub fn events_by_arm(&self, onsets: &CategoryOnsets) -> HashMap<String, u64> {
        let mut out: HashMap<String, u64> = HashMap::new();
        for (arm, e) in self.arm.iter().zip(&onsets.events) {
            if *e > 0 {
                *out.entry(arm.clone()).or_default() += u64::from(*e);
            }
        }
        out
    }
}

/// Each safety category's events per ADSL row: the first onset day
/// (`Some(None)` when every qualifying event lacks a date, `None` without
/// one) and the number of events. One pass over ADAE for every category.
pub struct CategoryOnsets {
    pub first: Vec<Option<Option<i32>>>,
    pub events: Vec<u32>,
}

/// The onsets of every category of `trial`, in order.
pub fn category_onsets(
    snap: &ClosedSnapshot,
    subj: &SubjectDays,
    trial: &TrialConfig,
) -> PolarsResult<Vec<CategoryOnsets>> {
    let n = trial.safety.len();
    let mut out: Vec<CategoryOnsets> = (0..n)
        .map(|_| CategoryOnsets {
            first: vec![None; subj.ids.len()],
            events: vec![0; subj.ids.len()],
        })
        .collect();
    if n == 0 {
        return Ok(out);
    }
    let mut aggs = Vec::new();
    for (k, cat) in trial.safety.iter().enumerate() {
        let hit = category_expr(cat).fill_null(lit(false));
        aggs.push(
            hit.clone()
                .cast(DataType::UInt32)
                .sum()
                .alias(format!("N{k}")),
        );
        aggs.push(col("ASTDT").filter(hit).min().alias(format!("F{k}")));
    }
    let per = snap
        .adae
        .clone()
        .lazy()
        .group_by([col("USUBJID")])
        .agg(aggs)
        .collect()?;
    let index = subj.rows();
    let rows: Vec<Option<usize>> = per
        .column("USUBJID")?
        .str()?
        .iter()
        .map(|id| id.and_then(|id| index.get(id).copied()))
        .collect();
    for (k, o) in out.iter_mut().enumerate() {
        let events = per.column(&format!("N{k}"))?.cast(&DataType::UInt32)?;
        let first = days_in(&per, &format!("F{k}"))?;
        for ((row, e), f) in rows.iter().zip(events.u32()?.iter()).zip(first) {
            let (Some(row), Some(e)) = (row, e) else {
                continue;
            };
            if e > 0 {
                o.events[*row] = e;
                o.first[*row] = Some(f);
            }
        }
    }
    Ok(out)
}

/// The cumulative incidence of a category (its `onsets`) in each arm of
/// `codes`.
pub fn cumulative_incidence(
    snap: &ClosedSnapshot,
    subj: &SubjectDays,
    onsets: &CategoryOnsets,
    codes: &[&str],
    days: &[f64],
) -> PolarsResult<BTreeMap<String, IncidenceCurve>> {
    // A subject whose qualifying events all lack an onset date had an event
    // at an unknown time: they are left out of the curve (neither event-free
    // nor placed at a guessed day) and counted in `undated`.
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
            match onsets.first[i] {
                Some(Some(e)) => {
                    time.push(day(e));
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

/// Serious (AESER = "Y") and fatal (AEOUT = "FATAL") adverse events,
/// newest onset first (undated last), then arm, subject (ADSL order) and
/// term. Each subject's, arm's, term's and day's text is made once and
/// shared: a large trial lists hundreds of thousands of events.
pub fn serious_events(
    snap: &ClosedSnapshot,
    subj: &SubjectDays,
) -> PolarsResult<Vec<SeriousEvent>> {
    let index = subj.rows();
    let ae = snap
        .adae
        .clone()
        .lazy()
        .select([
            col("USUBJID"),
            col("AEDECOD"),
            col("AETERM"),
            col("AESER"),
            col("AEOUT"),
            col("ASTDT"),
        ])
        .filter(
            col("AESER")
                .eq(lit("Y"))
                .or(col("AEOUT").eq(lit("FATAL")))
                .fill_null(lit(false)),
        )
        .collect()?;
    let text = |name: &str| -> PolarsResult<StringChunked> {
        Ok(ae.column(name)?.cast(&DataType::String)?.str()?.clone())
    };
    let (ids, decod, term, ser, out_) = (
        text("USUBJID")?,
        text("AEDECOD")?,
        text("AETERM")?,
        text("AESER")?,
        text("AEOUT")?,
    );
    let start = days_in(&ae, "ASTDT")?;
    let term_of = |r: usize| match decod.get(r).filter(|s| !s.is_empty()) {
        Some(d) => d,
        None => term.get(r).unwrap_or(""),
    };
    // Terms and arms as ranks, so the sort compares numbers.
    let mut terms: Vec<&str> = (0..ae.height()).map(term_of).collect();
    terms.sort_unstable();
    terms.dedup();
    let term_rank: HashMap<&str, usize> = terms.iter().enumerate().map(|(i, t)| (*t, i)).collect();
    let term_text: Vec<Arc<str>> = terms.iter().map(|t| Arc::from(*t)).collect();
    let mut arms: Vec<&str> = subj.arm.iter().map(String::as_str).collect();
    arms.sort_unstable();
    arms.dedup();
    let arm_text: Vec<Arc<str>> = arms.iter().map(|a| Arc::from(*a)).collect();
    let arm_of: Vec<usize> = subj
        .arm
        .iter()
        .map(|a| arms.binary_search(&a.as_str()).unwrap_or(0))
        .collect();
    // (newest first, arm, subject, term, ADAE row)
    type Key = (std::cmp::Reverse<Option<i32>>, usize, usize, usize, usize);
    let mut order: Vec<Key> = ids
        .iter()
        .enumerate()
        .filter_map(|(r, id)| {
            let i = *index.get(id?)?;
            Some((
                std::cmp::Reverse(start[r]),
                arm_of[i],
                i,
                term_rank[term_of(r)],
                r,
            ))
        })
        .collect();
    order.sort_unstable();
    let mut subject_text: HashMap<usize, Arc<str>> = HashMap::new();
    let mut dates: HashMap<i32, Arc<str>> = HashMap::new();
    let rows: Vec<SeriousEvent> = order
        .into_iter()
        .map(|(_, arm, i, t, r)| SeriousEvent {
            usubjid: subject_text
                .entry(i)
                .or_insert_with(|| Arc::from(subj.ids[i].as_str()))
                .clone(),
            arm: arm_text[arm].clone(),
            term: term_text[t].clone(),
            day: start[r].zip(subj.rand[i]).map(|(s, rd)| study_day(s, rd)),
            onset: start[r].map(|d| {
                dates
                    .entry(d)
                    .or_insert_with(|| {
                        Arc::from(
                            crate::server::data::days::from_epoch_days(d)
                                .format("%Y-%m-%d")
                                .to_string(),
                        )
                    })
                    .clone()
            }),
            onset_day: start[r],
            serious: ser.get(r) == Some("Y"),
            fatal: out_.get(r) == Some("FATAL"),
        })
        .collect();
    Ok(rows)
}
