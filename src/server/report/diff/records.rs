//! Changed records between two cuts of a trial: the subjects present in
//! both whose data changed (an adverse event re-graded or re-coded, an
//! endpoint event adjudicated, a date corrected, a subject withdrawn, a
//! randomization corrected), and the records the later cut no longer has.
//!
//! What follow-up adds is not a change: a value that was missing and is now
//! there (an outcome recorded, a death date for a new death), a status going
//! from ongoing to completed, a censored time growing. Only what was there
//! and is now different, or gone, is listed.
//!
//! It compares whichever columns the two snapshots both hold, so an open
//! snapshot (which holds no arm) can never list an arm change; the closed
//! level adds the allocated and the actual arm.

use super::compare::{ae_pairs, differing, Pairs};
use crate::server::config::{ColumnRole, TrialConfig};
use crate::server::data::load::Snapshot;
use crate::server::data::validate::category_columns;
use crate::server::firewall::ACTUAL_ARM;
use polars::prelude::*;
use serde::Serialize;
use std::collections::HashSet;

/// What kind of change a changed record is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// The allocated or actual arm (closed level only).
    Randomization,
    /// An endpoint event's status changed within the time already observed.
    Adjudicated,
    /// Grade, severity or a safety category's classifying value.
    Regraded,
    /// The coded or verbatim term, or the organ class.
    Recoded,
    /// A date (randomization, onset, death, an event's day).
    DateCorrected,
    /// Seriousness, outcome, relatedness, action taken.
    Seriousness,
    /// End-of-study status (discontinued) or its reason.
    Withdrawn,
    /// Any other subject-level value (site, flags, baseline).
    Other,
    /// The record (or the subject) is no longer in the later cut.
    Removed,
}

impl ChangeKind {
    pub const ALL: [ChangeKind; 9] = [
        ChangeKind::Randomization,
        ChangeKind::Adjudicated,
        ChangeKind::Regraded,
        ChangeKind::Recoded,
        ChangeKind::DateCorrected,
        ChangeKind::Seriousness,
        ChangeKind::Withdrawn,
        ChangeKind::Other,
        ChangeKind::Removed,
    ];

    /// In words, for a page.
    pub fn label(self) -> &'static str {
        match self {
            ChangeKind::Randomization => "randomization corrected",
            ChangeKind::Adjudicated => "endpoint adjudicated",
            ChangeKind::Regraded => "re-graded or re-classified",
            ChangeKind::Recoded => "re-coded",
            ChangeKind::DateCorrected => "date corrected",
            ChangeKind::Seriousness => "seriousness or outcome changed",
            ChangeKind::Withdrawn => "withdrawn or status changed",
            ChangeKind::Other => "other subject data changed",
            ChangeKind::Removed => "removed from the cut",
        }
    }
}

/// One changed value of one record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ChangedRecord {
    pub usubjid: String,
    /// ADSL, ADAE or ADTTE.
    pub dataset: &'static str,
    /// Which record of the subject: "subject", an AE's sequence number or
    /// term and onset, an ADTTE parameter.
    pub record: String,
    /// The column, by its ADaM name.
    pub field: String,
    pub old: Option<String>,
    pub new: Option<String>,
    pub kind: ChangeKind,
}

/// The ADaM name a frame column stands for (`@` keys by their role).
fn field_name(trial: &TrialConfig, key: &str) -> String {
    if key == ACTUAL_ARM {
        return "actual arm".into();
    }
    if let Some(flag) = key.strip_prefix("@DV:") {
        return flag.to_string();
    }
    ColumnRole::ADSL
        .iter()
        .chain(ColumnRole::ADAE.iter())
        .find(|r| r.key() == key)
        .and_then(|r| trial.columns.candidates(*r).into_iter().next())
        .unwrap_or_else(|| key.to_string())
}

/// The kind of a change to column `key` of `dataset`.
fn kind_of(trial: &TrialConfig, dataset: &str, key: &str) -> ChangeKind {
    let key_is = |r: ColumnRole| key == r.key();
    if key == "ARM" || key == ACTUAL_ARM {
        return ChangeKind::Randomization;
    }
    if ["RANDDT", "DTHDT", "ASTDT"].contains(&key) {
        return ChangeKind::DateCorrected;
    }
    if key == "PRIMFL" {
        return ChangeKind::Adjudicated;
    }
    if key_is(ColumnRole::Status) || key_is(ColumnRole::Reason) {
        return ChangeKind::Withdrawn;
    }
    if dataset == "ADAE" {
        if ["AEDECOD", "AETERM"].contains(&key) || key_is(ColumnRole::Pt) || key_is(ColumnRole::Soc)
        {
            return ChangeKind::Recoded;
        }
        if key_is(ColumnRole::Grade)
            || key_is(ColumnRole::Severity)
            || category_columns(trial).iter().any(|c| c == key)
        {
            return ChangeKind::Regraded;
        }
        return ChangeKind::Seriousness;
    }
    ChangeKind::Other
}

/// Whether a change from `old` to `new` is a change rather than what
/// follow-up adds. An adverse event's outcome that was still open (not
/// recovered, recovering, unknown) and is now known is follow-up, unless it
/// is now fatal.
fn listed(key: &str, old: &Option<String>, new: &Option<String>) -> bool {
    if key == "AEOUT" || key == ColumnRole::Outcome.key() {
        let open = old.as_deref().is_none_or(|o| {
            let o = o.to_ascii_uppercase();
            o.starts_with("NOT RECOVERED") || o.starts_with("RECOVERING") || o == "UNKNOWN"
        });
        let fatal = new
            .as_deref()
            .is_some_and(|n| n.eq_ignore_ascii_case("FATAL"));
        return !open || fatal;
    }
    if key == ColumnRole::Status.key() {
        let ongoing_to_completed = old
            .as_deref()
            .is_some_and(|o| o.eq_ignore_ascii_case("ONGOING"))
            && new
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case("COMPLETED"));
        let withdrawn = new
            .as_deref()
            .is_some_and(|n| n.eq_ignore_ascii_case("DISCONTINUED"));
        return !ongoing_to_completed && (old.is_some() || withdrawn);
    }
    old.is_some()
}

/// The changed records between the earlier snapshot `old` and the later
/// `new` of the same trial, by subject (the later cut's ADSL order), then
/// dataset and record.
pub fn changed_records(
    old: &Snapshot,
    new: &Snapshot,
    trial: &TrialConfig,
) -> PolarsResult<Vec<ChangedRecord>> {
    let mut out = Vec::new();
    fn ids(s: &Snapshot) -> PolarsResult<Vec<&str>> {
        Ok(s.adsl
            .column("USUBJID")?
            .str()?
            .iter()
            .map(Option::unwrap_or_default)
            .collect())
    }
    let (old_ids, new_ids) = (ids(old)?, ids(new)?);
    let old_row: PlHashMap<&str, usize> =
        old_ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    let in_new: HashSet<&str> = new_ids.iter().copied().collect();
    // Each later subject's earlier ADSL row.
    let matched: Vec<Option<usize>> = new_ids.iter().map(|id| old_row.get(id).copied()).collect();

    // ADSL: every column both cuts hold, for the subjects of both.
    let mut subjects = Pairs::default();
    for (j, i) in matched.iter().enumerate() {
        if let Some(i) = *i {
            subjects.push(i, j);
        }
    }
    for name in new.adsl.get_column_names() {
        let name = name.as_str();
        if name == "USUBJID" || old.adsl.column(name).is_err() {
            continue;
        }
        for (k, o, n) in differing(&old.adsl, &new.adsl, name, &subjects)? {
            if listed(name, &o, &n) {
                out.push(ChangedRecord {
                    usubjid: new_ids[subjects.new[k] as usize].to_string(),
                    dataset: "ADSL",
                    record: "subject".into(),
                    field: field_name(trial, name),
                    old: o,
                    new: n,
                    kind: kind_of(trial, "ADSL", name),
                });
            }
        }
    }
    for id in old_ids.iter().filter(|id| !in_new.contains(*id)) {
        out.push(ChangedRecord {
            usubjid: id.to_string(),
            dataset: "ADSL",
            record: "subject".into(),
            field: "USUBJID".into(),
            old: Some(id.to_string()),
            new: None,
            kind: ChangeKind::Removed,
        });
    }

    adae_changes(old, new, trial, (&old_ids, &new_ids), &matched, &mut out)?;
    adtte_changes(old, new, &mut out)?;

    // One change per (record, old, new): a column read under two names
    // (AEDECOD and the preferred term) is listed once.
    let order: PlHashMap<&str, usize> =
        new_ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    let rank = |r: &ChangedRecord| order.get(r.usubjid.as_str()).copied().unwrap_or(usize::MAX);
    out.sort_by(|a, b| {
        (rank(a), a.dataset, &a.record, a.kind, &a.field).cmp(&(
            rank(b),
            b.dataset,
            &b.record,
            b.kind,
            &b.field,
        ))
    });
    let mut seen = HashSet::new();
    out.retain(|r| {
        seen.insert((
            r.usubjid.clone(),
            r.dataset,
            r.record.clone(),
            r.old.clone(),
            r.new.clone(),
        ))
    });
    Ok(out)
}

/// Whether frame column `key` is a report-table role read from a column
/// the frame also holds under its own name (the preferred term is AEDECOD):
/// compared once, under the ADaM name.
fn read_twice(trial: &TrialConfig, df: &DataFrame, key: &str) -> bool {
    ColumnRole::ADAE
        .iter()
        .chain(ColumnRole::ADSL.iter())
        .find(|r| r.key() == key)
        .and_then(|r| trial.columns.candidates(*r).into_iter().next())
        .is_some_and(|name| df.column(&name).is_ok())
}

fn adae_changes(
    old: &Snapshot,
    new: &Snapshot,
    trial: &TrialConfig,
    (old_ids, new_ids): (&[&str], &[&str]),
    matched: &[Option<usize>],
    out: &mut Vec<ChangedRecord>,
) -> PolarsResult<()> {
    let (pairs, old_keys, _, gone) = ae_pairs(old, new, matched)?;
    let subject_of = |r: IdxSize| {
        new.adae_subject
            .get(r as usize)
            .and_then(|s| new_ids.get(*s as usize))
            .copied()
            .unwrap_or("")
    };
    for name in new.adae.get_column_names() {
        let name = name.as_str();
        if ["USUBJID", "AESEQ"].contains(&name)
            || old.adae.column(name).is_err()
            || read_twice(trial, &new.adae, name)
        {
            continue;
        }
        for (k, was, now) in differing(&old.adae, &new.adae, name, &pairs)? {
            if listed(name, &was, &now) {
                out.push(ChangedRecord {
                    usubjid: subject_of(pairs.new[k]).to_string(),
                    dataset: "ADAE",
                    record: old_keys.name(pairs.old[k] as usize),
                    field: field_name(trial, name),
                    old: was,
                    new: now,
                    kind: kind_of(trial, "ADAE", name),
                });
            }
        }
    }
    // Earlier records the later cut does not have.
    for o in gone {
        let s = old.adae_subject.get(o).copied().unwrap_or(u32::MAX);
        let record = old_keys.name(o);
        out.push(ChangedRecord {
            usubjid: old_ids.get(s as usize).copied().unwrap_or("").to_string(),
            dataset: "ADAE",
            record: record.clone(),
            field: "record".into(),
            old: Some(record),
            new: None,
            kind: ChangeKind::Removed,
        });
    }
    Ok(())
}

/// An ADTTE record's time and censoring.
type TteState = (Option<f64>, Option<i32>);
/// An ADTTE record: subject, parameter, time, censoring.
type TteRow<'a> = (&'a str, &'a str, Option<f64>, Option<i32>);

/// ADTTE: an event that appears or disappears within the time the earlier
/// cut already observed is adjudicated; an event whose day moved is a date
/// corrected. A censored time that grows is follow-up.
fn adtte_changes(old: &Snapshot, new: &Snapshot, out: &mut Vec<ChangedRecord>) -> PolarsResult<()> {
    fn rows(df: &DataFrame) -> PolarsResult<Vec<TteRow<'_>>> {
        let ids = df.column("USUBJID")?.str()?;
        let param = df.column("PARAMCD")?.str()?;
        let aval = df.column("AVAL")?.cast(&DataType::Float64)?;
        let cnsr = df.column("CNSR")?.cast(&DataType::Int32)?;
        Ok(ids
            .iter()
            .zip(param.iter())
            .zip(aval.f64()?.iter().zip(cnsr.i32()?.iter()))
            .map(|((i, p), (a, c))| (i.unwrap_or(""), p.unwrap_or(""), a, c))
            .collect())
    }
    let (before, after) = (rows(&old.adtte)?, rows(&new.adtte)?);
    let earlier: PlHashMap<(&str, &str), TteState> = before
        .iter()
        .map(|(i, p, a, c)| ((*i, *p), (*a, *c)))
        .collect();
    let state = |a: Option<f64>, c: Option<i32>| {
        let day = a.map_or("?".to_string(), |a| format!("{a}"));
        match c {
            Some(0) => format!("event on day {day}"),
            _ => format!("censored on day {day}"),
        }
    };
    let mut later: HashSet<(&str, &str)> = HashSet::new();
    for (id, p, a, c) in &after {
        later.insert((*id, *p));
        let Some(&(a0, c0)) = earlier.get(&(*id, *p)) else {
            continue;
        };
        let observed = a0.unwrap_or(0.0);
        let kind = if c0 != *c && a.is_some_and(|a| a <= observed) {
            Some(ChangeKind::Adjudicated)
        } else if c0 == Some(0) && *c == Some(0) && a0 != *a {
            Some(ChangeKind::DateCorrected)
        } else if c0 == Some(0) && *c != Some(0) {
            Some(ChangeKind::Adjudicated)
        } else {
            None
        };
        if let Some(kind) = kind {
            out.push(ChangedRecord {
                usubjid: id.to_string(),
                dataset: "ADTTE",
                record: p.to_string(),
                field: "AVAL, CNSR".into(),
                old: Some(state(a0, c0)),
                new: Some(state(*a, *c)),
                kind,
            });
        }
    }
    for (id, p, a, c) in &before {
        if !later.contains(&(*id, *p)) {
            out.push(ChangedRecord {
                usubjid: id.to_string(),
                dataset: "ADTTE",
                record: p.to_string(),
                field: "record".into(),
                old: Some(state(*a, *c)),
                new: None,
                kind: ChangeKind::Removed,
            });
        }
    }
    Ok(())
}

/// How many changed records of each kind (the sponsor's view of them).
pub fn counts_by_kind(records: &[ChangedRecord]) -> Vec<(ChangeKind, u32)> {
    ChangeKind::ALL
        .iter()
        .map(|k| {
            (
                *k,
                super::super::frames::u32_of(records.iter().filter(|r| r.kind == *k).count()),
            )
        })
        .filter(|(_, n)| *n > 0)
        .collect()
}
