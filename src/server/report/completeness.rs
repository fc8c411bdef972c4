//! Follow-up completeness and data timeliness of a cut: pooled figures,
//! computed from the open (blinded) snapshot, that every role may see.
//!
//! Completeness is Clark's index (Clark, Altman, De Stavola, Lancet 2002;
//! 359:1309): the follow-up observed over the follow-up that could have been
//! observed by the cut. Each subject's potential follow-up runs from
//! randomization to the cut (or to death, if earlier), capped at the primary
//! endpoint's horizon when it has one; the observed follow-up is the primary endpoint's ADTTE time,
//! and a subject with the event counts as completely followed. With a
//! horizon the counts of subjects whose horizon has passed ("due") and
//! whose outcome is known at it ("complete") are given too.

use super::frames::{primary_adtte, texts_in as text};
use crate::dto::{FollowUp, Timeliness};
use crate::server::config::TrialConfig;
use crate::server::data::days::{days_in as days_of, epoch_days, from_epoch_days};
use crate::server::data::load::Snapshot;
use polars::prelude::*;
use std::collections::HashMap;

fn iso(day: i32) -> String {
    from_epoch_days(day).format("%Y-%m-%d").to_string()
}

/// One subject's follow-up of the primary endpoint at the cut.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct SubjectFollowUp {
    /// The endpoint's horizon has passed by the cut (whatever happened).
    pub due: bool,
    /// Due, and the outcome is known at the horizon (the event, or followed
    /// to it).
    pub complete: bool,
    pub observed_days: f64,
    pub potential_days: f64,
}

/// Each ADSL row's follow-up of the primary endpoint; `None` when the
/// endpoint is not an ADTTE parameter.
pub fn subject_follow_up(
    snap: &Snapshot,
    trial: &TrialConfig,
) -> PolarsResult<Option<Vec<SubjectFollowUp>>> {
    let Some(code) = &trial.primary.adtte_paramcd else {
        return Ok(None);
    };
    let tte = primary_adtte(snap, code).collect()?;
    let aval = tte.column("AVAL")?.f64()?.clone();
    let cnsr = tte.column("CNSR")?.f64()?.clone();
    let by_id: HashMap<String, (Option<f64>, Option<f64>)> = text(&tte, "USUBJID")?
        .into_iter()
        .zip(aval.iter().zip(cnsr.iter()))
        .collect();
    let ids = text(&snap.adsl, "USUBJID")?;
    let rand = days_of(&snap.adsl, "RANDDT")?;
    let death = days_of(&snap.adsl, "DTHDT")?;
    let cut = epoch_days(snap.cut_date);
    let horizon = trial.primary.horizon.filter(|h| *h > 0.0);
    let mut out = Vec::with_capacity(ids.len());
    for ((id, r), dth) in ids.iter().zip(&rand).zip(&death) {
        let Some(r) = r else {
            out.push(SubjectFollowUp::default());
            continue;
        };
        // Follow-up could run to the cut, or to death (Clark: a death ends
        // the follow-up that was possible).
        let end = dth.filter(|d| *d < cut).unwrap_or(cut);
        let mut pot = f64::from((end - r).max(0));
        let due = horizon.is_some_and(|h| f64::from((cut - r).max(0)) >= h);
        if let Some(h) = horizon {
            pot = pot.min(h);
        }
        let (t, c) = by_id.get(id).copied().unwrap_or((None, None));
        let event = c == Some(0.0);
        let obs = if event {
            pot
        } else {
            t.unwrap_or(0.0).clamp(0.0, pot)
        };
        let complete = due && horizon.is_some_and(|h| event || t.is_some_and(|t| t >= h));
        out.push(SubjectFollowUp {
            due,
            complete,
            observed_days: obs,
            potential_days: pot,
        });
    }
    Ok(Some(out))
}

/// Completeness of the primary endpoint's follow-up; `None` when the
/// endpoint is not an ADTTE parameter.
pub fn follow_up(snap: &Snapshot, trial: &TrialConfig) -> PolarsResult<Option<FollowUp>> {
    let Some(subjects) = subject_follow_up(snap, trial)? else {
        return Ok(None);
    };
    let horizon = trial.primary.horizon.filter(|h| *h > 0.0);
    let count = |f: fn(&SubjectFollowUp) -> bool| {
        u32::try_from(subjects.iter().filter(|s| f(s)).count()).unwrap_or(u32::MAX)
    };
    let observed: f64 = subjects.iter().map(|s| s.observed_days).sum();
    let potential: f64 = subjects.iter().map(|s| s.potential_days).sum();
    Ok(Some(FollowUp {
        endpoint: trial.primary.name.clone(),
        horizon_days: horizon,
        due: horizon.map(|_| count(|s| s.due)),
        complete: horizon.map(|_| count(|s| s.complete)),
        observed_days: observed,
        potential_days: potential,
        completeness: if potential > 0.0 {
            Some(observed / potential)
        } else {
            None
        },
    }))
}

/// How recent the cut's data are: the newest randomization and adverse-event
/// onset against the cut date, and when the cut was registered.
pub fn timeliness(snap: &Snapshot, registered_at: Option<String>) -> PolarsResult<Timeliness> {
    let cut = epoch_days(snap.cut_date);
    let newest = |df: &DataFrame, name: &str| -> PolarsResult<Option<i32>> {
        Ok(days_of(df, name)?
            .into_iter()
            .flatten()
            .filter(|d| *d <= cut)
            .max())
    };
    let last_rand = newest(&snap.adsl, "RANDDT")?;
    let last_ae = newest(&snap.adae, "ASTDT")?;
    let registered_days = registered_at.as_deref().and_then(|r| {
        chrono::NaiveDate::parse_from_str(r.get(..10)?, "%Y-%m-%d")
            .ok()
            .map(|d| (d - snap.cut_date).num_days())
    });
    Ok(Timeliness {
        cut_date: snap.cut_date.format("%Y-%m-%d").to_string(),
        registered_at,
        days_cut_to_registration: registered_days,
        last_randomization: last_rand.map(iso),
        days_since_last_randomization: last_rand.map(|d| i64::from(cut - d)),
        last_ae_onset: last_ae.map(iso),
        days_since_last_ae_onset: last_ae.map(|d| i64::from(cut - d)),
    })
}
