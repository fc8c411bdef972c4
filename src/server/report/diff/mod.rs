//! What changed between two cuts of a trial, "since the last review": new
//! subjects (in total and by site), new deaths, new subjects with an event
//! of each safety category, the information fraction then and now, and the
//! changed records ([`records`]).
//!
//! - [`open_diff`] (the sponsor) is made from the two cuts' open reports, as
//!   the sponsor sees them (suppressed), and their open snapshots, which
//!   hold no arm: a number hidden in either cut has no difference shown,
//!   and changed records are counted by kind, never listed.
//! - [`closed_diff`] (DSMB, statistician) adds the groups, the new events
//!   per category, the new serious and fatal events themselves, z, B-value
//!   and conditional power then and now, and the changed records listed
//!   with their old and new values (a corrected randomization too).

mod compare;
pub mod records;

use super::closed::{closed_look, LookRef};
use super::safety_time::SeriousEvent;
use super::types::{
    Cell, ClosedRate, ClosedReport, ConditionalPowers, Interim, OpenReport, ReportError,
};
use crate::server::config::{EndpointKind, TrialConfig};
use crate::server::data::load::Snapshot;
use crate::server::firewall::{ClosedSnapshot, OpenSnapshot};
use polars::prelude::*;
pub use records::{ChangeKind, ChangedRecord};
use serde::Serialize;
use std::collections::BTreeMap;

/// A count at the earlier and at the later cut and the difference; `None`
/// where the viewer's report hides it (and then no difference either).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Change {
    pub then: Option<u32>,
    pub now: Option<u32>,
    pub new: Option<i64>,
}

impl Change {
    pub fn of(then: Option<u32>, now: Option<u32>) -> Change {
        Change {
            then,
            now,
            new: then.zip(now).map(|(a, b)| i64::from(b) - i64::from(a)),
        }
    }

    pub fn exact(then: u32, now: u32) -> Change {
        Change::of(Some(then), Some(now))
    }
}

/// Changed records of one kind, counted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct KindCount {
    pub kind: ChangeKind,
    pub label: &'static str,
    pub records: u32,
}

fn kind_counts(records: &[ChangedRecord]) -> Vec<KindCount> {
    records::counts_by_kind(records)
        .into_iter()
        .map(|(kind, records)| KindCount {
            kind,
            label: kind.label(),
            records,
        })
        .collect()
}

/// The information fraction at each cut, and what it counts.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Fractions {
    pub then: Option<f64>,
    pub now: Option<f64>,
    pub information: &'static str,
}

/// A safety category, pooled.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OpenCategoryChange {
    pub category: String,
    pub subjects: Change,
}

/// What changed, as the sponsor may see it: pooled, from open reports and
/// open snapshots only.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OpenDiff {
    pub trial: String,
    pub from_cut: String,
    pub to_cut: String,
    pub view: &'static str,
    pub subjects: Change,
    pub by_site: BTreeMap<String, Change>,
    pub deaths: Change,
    pub primary_events: Change,
    pub safety: Vec<OpenCategoryChange>,
    pub information_fraction: Fractions,
    /// Records changed between the cuts, counted by kind (never listed).
    pub changed_records: Vec<KindCount>,
}

/// A safety category at the closed level.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClosedCategoryChange {
    pub category: String,
    /// Subjects with at least one event, and events.
    pub subjects: Change,
    pub events: Change,
    pub by_arm: BTreeMap<String, EventChange>,
}

/// Subjects with an event and events in one group.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct EventChange {
    pub subjects: Change,
    pub events: Change,
}

/// The interim look's statistics at one cut.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LookState {
    pub look: usize,
    pub information_fraction: f64,
    pub z: f64,
    pub b_value: f64,
    pub conditional_power: Option<ConditionalPowers>,
}

/// What changed, for closed roles: by group, with the rows.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClosedDiff {
    pub trial: String,
    pub from_cut: String,
    pub to_cut: String,
    pub view: &'static str,
    pub subjects: Change,
    pub by_site: BTreeMap<String, Change>,
    pub by_arm: BTreeMap<String, Change>,
    pub deaths: Change,
    pub deaths_by_arm: BTreeMap<String, Change>,
    pub primary_events: Change,
    pub safety: Vec<ClosedCategoryChange>,
    /// The interim look then and now (the compared arms' z, B-value and
    /// conditional power).
    pub look_then: Option<LookState>,
    pub look_now: Option<LookState>,
    /// Serious and fatal events of the later cut that the earlier one did
    /// not have, newest first.
    pub new_serious_events: Vec<SeriousEvent>,
    pub new_serious_events_total: usize,
    /// Potential Hy's law cases then and now, by group and in total.
    pub potential_hys_law: Change,
    pub potential_hys_law_by_arm: BTreeMap<String, Change>,
    /// Potential Hy's law cases of the later cut that were not potential
    /// cases at the earlier one (absent then, or in another quadrant), by
    /// subject.
    pub new_potential_hys_law: Vec<super::labs::HysLawCase>,
    pub changed_by_kind: Vec<KindCount>,
    pub changed_records: Vec<ChangedRecord>,
    pub changed_records_total: usize,
}

impl ClosedDiff {
    /// Keep the first `n` rows of each listing (the totals stay).
    pub fn keep_listing_rows(&mut self, n: usize) {
        self.new_serious_events.truncate(n);
        self.changed_records.truncate(n);
        self.new_potential_hys_law.truncate(n);
    }
}

/// Why two cuts cannot be compared.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DiffError {
    #[error("a cut cannot be compared with itself ({0})")]
    SameCut(String),
    #[error("the cuts are of different trials ({0} and {1})")]
    DifferentTrials(String, String),
    #[error("the earlier cut must come first: {old} is after {new}")]
    Order { old: String, new: String },
    #[error("the cuts share no subject: they cannot be cuts of one trial")]
    NoSharedSubject,
    #[error("comparing the cuts failed: {0}")]
    Polars(String),
}

impl From<ReportError> for DiffError {
    fn from(e: ReportError) -> Self {
        DiffError::Polars(e.to_string())
    }
}

impl From<PolarsError> for DiffError {
    fn from(e: PolarsError) -> Self {
        DiffError::Polars(e.to_string())
    }
}

/// Refuse two cuts that are not an earlier and a later cut of one trial.
pub fn check_pair(old: &Snapshot, new: &Snapshot) -> Result<(), DiffError> {
    let same_dir = match (old.dir.canonicalize(), new.dir.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => old.dir == new.dir,
    };
    if same_dir || old.cut_date == new.cut_date {
        return Err(DiffError::SameCut(new.cut_date.to_string()));
    }
    if old.trial_id != new.trial_id {
        return Err(DiffError::DifferentTrials(
            old.trial_id.clone(),
            new.trial_id.clone(),
        ));
    }
    if old.cut_date > new.cut_date {
        return Err(DiffError::Order {
            old: old.cut_date.to_string(),
            new: new.cut_date.to_string(),
        });
    }
    let ids =
        |s: &Snapshot| -> PolarsResult<Vec<String>> { super::frames::texts_in(&s.adsl, "USUBJID") };
    let earlier: std::collections::HashSet<String> = ids(old)?.into_iter().collect();
    if !earlier.is_empty() && !ids(new)?.iter().any(|id| earlier.contains(id)) {
        return Err(DiffError::NoSharedSubject);
    }
    Ok(())
}

fn shown(c: &Cell) -> Option<u32> {
    match c {
        Cell::Count(n) => Some(*n),
        _ => None,
    }
}

/// The pooled information fraction of a cut: for a binary endpoint read
/// at a horizon in a two-arm design, the subjects evaluable (an event, or
/// followed to the horizon) over the enrollment target, as the closed look
/// counts it; none otherwise (a time-to-event look counts the compared
/// arms' events, which a pooled view cannot single out).
pub fn open_fraction(snap: &Snapshot, trial: &TrialConfig) -> PolarsResult<Option<f64>> {
    let (Some(code), Some(horizon)) = (&trial.primary.adtte_paramcd, trial.primary.horizon) else {
        return Ok(None);
    };
    if trial.design.endpoint != EndpointKind::Binary || trial.arms.len() != 2 {
        return Ok(None);
    }
    let n = super::interim::evaluable(snap, code, horizon)
        .collect()?
        .height();
    let target = f64::from(trial.enrollment.target);
    Ok((target > 0.0).then(|| n as f64 / target))
}

fn site_changes(
    then: &BTreeMap<String, u32>,
    now: &BTreeMap<String, u32>,
) -> BTreeMap<String, Change> {
    then.keys()
        .chain(now.keys())
        .map(|s| {
            (
                s.clone(),
                Change::exact(
                    then.get(s).copied().unwrap_or(0),
                    now.get(s).copied().unwrap_or(0),
                ),
            )
        })
        .collect()
}

/// The changed records between two cuts at the open level, counted by kind
/// (the sponsor's view of them): what the catalog keeps for each good cut
/// against the previous one, and what `open_diff` counts for other pairs.
pub fn open_changes(
    old: &OpenSnapshot,
    new: &OpenSnapshot,
    trial: &TrialConfig,
) -> Result<Vec<KindCount>, DiffError> {
    check_pair(old, new)?;
    Ok(kind_counts(&records::changed_records(old, new, trial)?))
}

/// The pooled diff from the two cuts' open reports (as the sponsor sees
/// them), their information fractions and the changed records counted by
/// kind.
pub fn open_diff_from(
    (then, fraction_then): (&OpenReport, Option<f64>),
    (now, fraction_now): (&OpenReport, Option<f64>),
    changed_records: Vec<KindCount>,
    trial: &TrialConfig,
) -> OpenDiff {
    let safety = then
        .safety
        .iter()
        .zip(&now.safety)
        .map(|(a, b)| OpenCategoryChange {
            category: b.category.clone(),
            subjects: Change::of(a.subjects, b.subjects),
        })
        .collect();
    OpenDiff {
        trial: trial.id.clone(),
        from_cut: then.cut_date.clone(),
        to_cut: now.cut_date.clone(),
        view: "open",
        subjects: Change::exact(then.enrollment.total, now.enrollment.total),
        by_site: site_changes(&then.enrollment.by_site, &now.enrollment.by_site),
        deaths: Change::of(
            shown(&then.deaths.total.deaths),
            shown(&now.deaths.total.deaths),
        ),
        primary_events: Change::of(then.primary.events, now.primary.events),
        safety,
        information_fraction: Fractions {
            then: fraction_then,
            now: fraction_now,
            information: "subjects evaluable at the horizon over the enrollment target",
        },
        changed_records,
    }
}

/// What changed from the earlier cut to the later, pooled: from the two
/// cuts' open reports (as the sponsor sees them) and open snapshots.
pub fn open_diff(
    old: (&OpenSnapshot, &OpenReport),
    new: (&OpenSnapshot, &OpenReport),
    trial: &TrialConfig,
) -> Result<OpenDiff, DiffError> {
    let ((old_snap, then), (new_snap, now)) = (old, new);
    let changed = open_changes(old_snap, new_snap, trial)?;
    Ok(open_diff_from(
        (then, open_fraction(old_snap, trial)?),
        (now, open_fraction(new_snap, trial)?),
        changed,
        trial,
    ))
}

fn look(interim: Option<&Interim>) -> Option<LookState> {
    interim.map(|i| LookState {
        look: i.look,
        information_fraction: i.information_fraction,
        z: i.z,
        b_value: i.b_value,
        conditional_power: i.conditional_power.clone(),
    })
}

/// Serious and fatal events of `now` not in `then` (as many of each as
/// `now` has more of), in `now`'s order.
fn new_events(then: &[SeriousEvent], now: &[SeriousEvent]) -> Vec<SeriousEvent> {
    type Key<'a> = (&'a str, &'a str, Option<i32>, bool, bool);
    fn key(e: &SeriousEvent) -> Key<'_> {
        (&e.usubjid, &e.term, e.onset_day, e.serious, e.fatal)
    }
    let mut before: PlHashMap<Key, usize> = PlHashMap::new();
    for e in then {
        *before.entry(key(e)).or_default() += 1;
    }
    now.iter()
        .filter(|e| match before.get_mut(&key(e)) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        })
        .cloned()
        .collect()
}

/// What changed from the earlier cut to the later, by group: from the two
/// cuts' closed snapshots, the later cut's closed report and, when it is at
/// hand, what the diff reads of the earlier cut's (its report's or its
/// [`closed_look`]). Without it the earlier cut's monitoring numbers,
/// deaths and serious events are made here ([`closed_look`]), beside the
/// changed records on a second thread.
pub fn closed_diff(
    old: (&ClosedSnapshot, Option<LookRef<'_>>),
    new: (&ClosedSnapshot, &ClosedReport),
    trial: &TrialConfig,
) -> Result<ClosedDiff, DiffError> {
    let ((old_snap, then), (new_snap, now)) = (old, new);
    check_pair(old_snap, new_snap)?;
    let (changed, made) = match then {
        Some(_) => (records::changed_records(old_snap, new_snap, trial)?, None),
        None => {
            let (changed, made) = std::thread::scope(|s| {
                let changed = s.spawn(|| records::changed_records(old_snap, new_snap, trial));
                let made = closed_look(old_snap, trial);
                (changed.join(), made)
            });
            let changed = changed.unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
            (changed, Some(made?))
        }
    };
    let then = match (then, &made) {
        (Some(r), _) => r,
        (None, Some(m)) => m.look(),
        (None, None) => unreachable!("the earlier look is made when no report is given"),
    };
    Ok(closed_diff_from(then, now.look(), changed, trial))
}

fn closed_diff_from(
    then: LookRef<'_>,
    now: LookRef<'_>,
    changed: Vec<ChangedRecord>,
    trial: &TrialConfig,
) -> ClosedDiff {
    let codes: Vec<&str> = trial.arms.iter().map(|a| a.code.as_str()).collect();
    let events = |r: Option<&ClosedRate>, arm: &str| {
        r.and_then(|r| r.events_by_arm.get(arm))
            .map_or(0, |e| u32::try_from(*e).unwrap_or(u32::MAX))
    };
    let all_events = |r: Option<&ClosedRate>| codes.iter().map(|c| events(r, c)).sum::<u32>();
    let safety = now
        .safety
        .iter()
        .map(|b| {
            let a = then.safety.iter().find(|a| a.category == b.category);
            let subjects_then =
                |arm: &str| a.and_then(|a| a.by_arm.get(arm)).map_or(0, |r| r.subjects);
            ClosedCategoryChange {
                category: b.category.clone(),
                subjects: Change::exact(a.map_or(0, |a| a.subjects), b.subjects),
                events: Change::exact(all_events(a), all_events(Some(b))),
                by_arm: codes
                    .iter()
                    .map(|c| {
                        (
                            c.to_string(),
                            EventChange {
                                subjects: Change::exact(
                                    subjects_then(c),
                                    b.by_arm.get(*c).map_or(0, |r| r.subjects),
                                ),
                                events: Change::exact(events(a, c), events(Some(b), c)),
                            },
                        )
                    })
                    .collect(),
            }
        })
        .collect();
    let per_arm = |m: &BTreeMap<String, u32>, c: &str| m.get(c).copied().unwrap_or(0);
    let deaths_of = |d: &super::deaths::DeathCounts| shown(&d.deaths).unwrap_or(0);
    let new_serious = new_events(then.serious_events, now.serious_events);
    let potential = |r: &LookRef, arm: Option<&str>| {
        let n = r
            .hys_law
            .iter()
            .filter(|c| c.potential && arm.is_none_or(|a| c.arm == a))
            .count();
        u32::try_from(n).unwrap_or(u32::MAX)
    };
    let new_potential: Vec<super::labs::HysLawCase> = now
        .hys_law
        .iter()
        .filter(|c| c.potential)
        .filter(|c| {
            !then
                .hys_law
                .iter()
                .any(|p| p.potential && p.usubjid == c.usubjid)
        })
        .cloned()
        .collect();
    ClosedDiff {
        trial: trial.id.clone(),
        from_cut: then.cut_date.to_string(),
        to_cut: now.cut_date.to_string(),
        view: "closed",
        subjects: Change::exact(then.enrollment.total, now.enrollment.total),
        by_site: site_changes(&then.enrollment.by_site, &now.enrollment.by_site),
        by_arm: codes
            .iter()
            .map(|c| {
                (
                    c.to_string(),
                    Change::exact(
                        per_arm(&then.enrollment.by_arm, c),
                        per_arm(&now.enrollment.by_arm, c),
                    ),
                )
            })
            .collect(),
        deaths: Change::exact(deaths_of(&then.deaths.total), deaths_of(&now.deaths.total)),
        deaths_by_arm: codes
            .iter()
            .map(|c| {
                let d = |r: &LookRef| r.deaths.by_arm.get(*c).map_or(0, deaths_of);
                (c.to_string(), Change::exact(d(&then), d(&now)))
            })
            .collect(),
        primary_events: Change::exact(then.primary_events, now.primary_events),
        safety,
        look_then: look(then.interim),
        look_now: look(now.interim),
        new_serious_events_total: new_serious.len(),
        new_serious_events: new_serious,
        potential_hys_law: Change::exact(potential(&then, None), potential(&now, None)),
        potential_hys_law_by_arm: codes
            .iter()
            .map(|c| {
                (
                    c.to_string(),
                    Change::exact(potential(&then, Some(c)), potential(&now, Some(c))),
                )
            })
            .collect(),
        new_potential_hys_law: new_potential,
        changed_by_kind: kind_counts(&changed),
        changed_records_total: changed.len(),
        changed_records: changed,
    }
}
