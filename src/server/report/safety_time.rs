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

use super::frames::{flags_of, texts_in, u32_of};
use crate::server::config::TrialConfig;
use crate::server::data::days::{date_text, days_in, epoch_days, study_day};
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

/// The onsets of every category, in order, from each category's flag per
/// ADAE row (`hits`, see `frames::category_hits`): one pass over the
/// flagged rows, each counted against its subject's ADSL row.
pub fn category_onsets(
    snap: &ClosedSnapshot,
    hits: &[Vec<bool>],
) -> PolarsResult<Vec<CategoryOnsets>> {
    let n = snap.adsl.height();
    if hits.is_empty() {
        return Ok(Vec::new());
    }
    let start = days_in(&snap.adae, "ASTDT")?;
    Ok(hits
        .iter()
        .map(|hit| {
            let mut o = CategoryOnsets {
                first: vec![None; n],
                events: vec![0; n],
            };
            for ((h, &s), day) in hit.iter().zip(snap.adae_subject.iter()).zip(&start) {
                let s = s as usize;
                if !*h || s >= n {
                    continue;
                }
                o.events[s] += 1;
                // The earliest dated onset; `Some(None)` while none is dated.
                o.first[s] = Some(match o.first[s] {
                    Some(Some(a)) => Some(day.map_or(a, |d| a.min(d))),
                    _ => *day,
                });
            }
            o
        })
        .collect())
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
    let adae = &snap.adae;
    let flags = adae
        .clone()
        .lazy()
        .select([
            col("AESER").eq(lit("Y")).fill_null(lit(false)).alias("S"),
            col("AEOUT")
                .eq(lit("FATAL"))
                .fill_null(lit(false))
                .alias("F"),
        ])
        .collect()?;
    let (ser, fatal) = (
        flags_of(flags.column("S")?.bool()?),
        flags_of(flags.column("F")?.bool()?),
    );
    let text = |name: &str| -> PolarsResult<StringChunked> {
        Ok(adae.column(name)?.cast(&DataType::String)?.str()?.clone())
    };
    let (decod, verbatim) = (text("AEDECOD")?, text("AETERM")?);
    let start = days_in(adae, "ASTDT")?;
    // The listed rows with their flags and term (AEDECOD, else AETERM), in
    // one pass over ADAE.
    let mut listed: Vec<(usize, bool, bool, &str)> = Vec::new();
    let rows = ser
        .iter()
        .zip(&fatal)
        .zip(decod.iter().zip(verbatim.iter()));
    for (r, ((&s, &f), (d, v))) in rows.enumerate() {
        if s || f {
            let term = d.filter(|d| !d.is_empty()).or(v).unwrap_or("");
            listed.push((r, s, f, term));
        }
    }
    // Terms and arms as ranks, so the sort compares numbers: each listed
    // row's term is looked up once.
    let mut code_of: PlHashMap<&str, u32> = PlHashMap::new();
    let mut codes: Vec<&str> = Vec::new();
    let term_code: Vec<u32> = listed
        .iter()
        .map(|&(_, _, _, t)| {
            *code_of.entry(t).or_insert_with(|| {
                codes.push(t);
                u32_of(codes.len() - 1)
            })
        })
        .collect();
    let mut sorted: Vec<usize> = (0..codes.len()).collect();
    sorted.sort_unstable_by_key(|&c| codes[c]);
    let mut term_rank = vec![0u32; codes.len()];
    for (rank, &c) in sorted.iter().enumerate() {
        term_rank[c] = u32_of(rank);
    }
    let term_text: Vec<Arc<str>> = sorted.iter().map(|&c| Arc::from(codes[c])).collect();
    let mut arms: Vec<&str> = subj.arm.iter().map(String::as_str).collect();
    arms.sort_unstable();
    arms.dedup();
    let arm_text: Vec<Arc<str>> = arms.iter().map(|a| Arc::from(*a)).collect();
    let arm_of: Vec<usize> = subj
        .arm
        .iter()
        .map(|a| arms.binary_search(&a.as_str()).unwrap_or(0))
        .collect();
    // (newest first, arm, subject, term, listed row)
    type Key = (std::cmp::Reverse<Option<i32>>, u32, u32, u32, u32);
    let mut order: Vec<Key> = listed
        .iter()
        .zip(&term_code)
        .enumerate()
        .filter_map(|(j, (&(r, ..), &t))| {
            let i = *snap.adae_subject.get(r)?;
            let arm = u32_of(*arm_of.get(i as usize)?);
            Some((
                std::cmp::Reverse(start[r]),
                arm,
                i,
                term_rank[t as usize],
                u32_of(j),
            ))
        })
        .collect();
    order.sort_unstable();
    let mut subject_text: Vec<Option<Arc<str>>> = vec![None; subj.ids.len()];
    let mut dates: PlHashMap<i32, Arc<str>> = PlHashMap::new();
    let rows: Vec<SeriousEvent> = order
        .into_iter()
        .map(|(onset, arm, i, t, j)| {
            let (i, (_, serious, fatal, _)) = (i as usize, listed[j as usize]);
            let onset_day = onset.0;
            SeriousEvent {
                usubjid: subject_text[i]
                    .get_or_insert_with(|| Arc::from(subj.ids[i].as_str()))
                    .clone(),
                arm: arm_text[arm as usize].clone(),
                term: term_text[t as usize].clone(),
                day: onset_day.zip(subj.rand[i]).map(|(s, rd)| study_day(s, rd)),
                onset: onset_day.map(|d| {
                    dates
                        .entry(d)
                        .or_insert_with(|| Arc::from(date_text(d)))
                        .clone()
                }),
                onset_day,
                serious,
                fatal,
            }
        })
        .collect();
    Ok(rows)
}
