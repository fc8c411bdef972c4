//! "Since the last review" on the server: which earlier cut the page's
//! cut is compared with, and the diffs between two good cuts, each
//! computed once per pair (the sponsor's default pair from what the
//! catalog counted at start).

use super::guard;
use super::session::Auth;
use super::state::{diff_cell, AppState};
use crate::dto::AppError;
use crate::dto::SinceReview;
use crate::server::firewall::{closed_snapshot, open_snapshot};
use crate::server::report::closed_look;
use crate::server::report::diff::{closed_diff, open_diff, open_diff_from, ClosedDiff, OpenDiff};
use crate::server::views::diff::Basis;
use std::sync::Arc;

/// The earlier cut of "since the last review" and why it was chosen.
pub struct SinceBasis {
    pub from: String,
    pub words: Basis,
}

/// The earlier cut to compare cut `date` with: `since` when given (one of
/// the trial's good cuts before `date`, else a 400), else the cut reviewed
/// at the last signed meeting on an earlier cut, else the previous good
/// cut; `None` when there is no earlier good cut.
pub async fn since_basis(
    state: &AppState,
    trial: &str,
    date: &str,
    since: Option<&str>,
) -> Result<Option<SinceBasis>, AppError> {
    let choices: Vec<String> = guard::cut_dates(state, trial)
        .into_iter()
        .filter(|d| d.as_str() < date)
        .collect();
    if let Some(s) = since {
        if !choices.iter().any(|c| c == s) {
            // Bad input (400), as an unknown AE category is: not a refusal.
            let why = format!("since={s:?} is not a good cut of this trial before {date}");
            return Err(AppError::BadInput(why).answered());
        }
        return Ok(Some(SinceBasis {
            from: s.to_string(),
            words: Basis {
                basis: "chosen".into(),
                choices,
            },
        }));
    }
    let store = state.access.store.clone();
    let (t, d) = (trial.to_string(), date.to_string());
    let reviewed = guard::blocking(move || store.last_reviewed_cut(&t, &d)).await?;
    let (from, basis) = match reviewed.filter(|r| choices.contains(r)) {
        Some(r) => (r, "the cut reviewed at the last signed meeting"),
        None => match choices.first() {
            Some(p) => (
                p.clone(),
                "the previous cut (no signed meeting reviewed an earlier one)",
            ),
            None => return Ok(None),
        },
    };
    Ok(Some(SinceBasis {
        from,
        words: Basis {
            basis: basis.into(),
            choices,
        },
    }))
}

/// "Since the last review" of the trial's first good cut: nothing earlier.
pub fn nothing_earlier(trial: &str, date: &str) -> SinceReview {
    SinceReview {
        trial_id: trial.to_string(),
        from_cut: String::new(),
        to_cut: date.to_string(),
        basis: String::new(),
        choices: Vec::new(),
        closed: false,
        coded: false,
        groups: Vec::new(),
        lines: Vec::new(),
        by_site: Vec::new(),
        fraction_then: None,
        fraction_now: None,
        looks: Vec::new(),
        new_events: Vec::new(),
        new_events_total: 0,
        new_hys_law: Vec::new(),
        changed_by_kind: Vec::new(),
        changed: Vec::new(),
        changed_total: 0,
        note: Some(
            "This is the trial's first good cut: there is no earlier one to compare with.".into(),
        ),
    }
}

fn pair(from: &str, to: &str) -> String {
    format!("{from}..{to}")
}

/// The closed diff between two good cuts, computed once (closed roles'
/// server functions only).
pub async fn closed_diff_of(
    state: &AppState,
    trial: &str,
    from: &str,
    to: &str,
) -> Result<Arc<ClosedDiff>, AppError> {
    let cell = diff_cell(&state.closed_diffs, trial, &pair(from, to));
    cell.get_or_try_init(|| compute_closed_diff(state, trial, from, to))
        .await
        .cloned()
}

async fn compute_closed_diff(
    state: &AppState,
    trial: &str,
    from: &str,
    to: &str,
) -> Result<Arc<ClosedDiff>, AppError> {
    let unavailable = |e: &dyn std::fmt::Display| {
        tracing::error!(trial, from, to, "the diff cannot be computed: {e}");
        guard::unavailable()
    };
    // The earlier cut is read, and what the diff compares of it made (its
    // monitoring numbers, deaths, serious events and Hy's law range) unless
    // its report is cached, while the later cut's report is made: the
    // page's own, whose snapshot it lends to the comparison of records.
    let then_cached = state.cached_closed_report(trial, from);
    let entry = guard::entry(state, trial)?.clone();
    let dirs = (
        entry.cut(Some(from)).map(|c| c.dir.clone()),
        entry.cut(Some(to)).map(|c| c.dir.clone()),
    );
    let (Some(a), Some(b)) = dirs else {
        return Err(guard::no_such_cut().answered());
    };
    let earlier = {
        let (entry, look) = (entry.clone(), then_cached.is_none());
        tokio::task::spawn_blocking(move || -> Result<_, String> {
            let old = closed_snapshot(&entry.config, &a).map_err(|p| p.to_string())?;
            let made = look
                .then(|| closed_look(&old, &entry.config))
                .transpose()
                .map_err(|e| e.to_string())?;
            Ok((old, made))
        })
    };
    let now = state
        .closed_report(trial, Some(to))
        .await
        .map_err(|e| unavailable(&e))?;
    let (old, made) = earlier
        .await
        .map_err(|e| unavailable(&e))?
        .map_err(|e| unavailable(&e))?;
    let lent = state.lent.take(trial, to);
    let diff = guard::blocking(move || {
        let config = &entry.config;
        let new = match lent {
            Some(s) => s,
            None => Arc::new(closed_snapshot(config, &b).map_err(|p| p.to_string())?),
        };
        let then = match (&then_cached, &made) {
            (Some(r), _) => Some(r.look()),
            (None, Some(m)) => Some(m.look()),
            (None, None) => None,
        };
        closed_diff((&old, then), (&new, &now), config).map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| unavailable(&e))?;
    Ok(Arc::new(diff))
}

/// The pooled diff between two good cuts, from their open reports (as the
/// sponsor sees them) and open snapshots, computed once.
pub async fn open_diff_of(
    state: &AppState,
    auth: &Auth,
    trial: &str,
    from: &str,
    to: &str,
) -> Result<Arc<OpenDiff>, AppError> {
    let cell = diff_cell(&state.open_diffs, trial, &pair(from, to));
    cell.get_or_try_init(|| compute_open_diff(state, auth, trial, from, to))
        .await
        .cloned()
}

async fn compute_open_diff(
    state: &AppState,
    auth: &Auth,
    trial: &str,
    from: &str,
    to: &str,
) -> Result<Arc<OpenDiff>, AppError> {
    let then = guard::open_report(state, auth, trial, Some(from)).await?;
    let now = guard::open_report(state, auth, trial, Some(to)).await?;
    let entry = guard::entry(state, trial)?.clone();
    let (Some(a), Some(b)) = (entry.cut(Some(from)).cloned(), entry.cut(Some(to)).cloned()) else {
        return Err(guard::no_such_cut().answered());
    };
    // The catalog counted the changes against the previous good cut at
    // start; another pair reads both cuts again.
    let previous = entry
        .cuts
        .iter()
        .rev()
        .find(|c| c.date.as_str() < to)
        .map(|c| c.date.clone());
    let kept = b
        .changes_since_previous
        .clone()
        .filter(|_| previous.as_deref() == Some(from));
    let diff = match kept {
        Some(changed) => open_diff_from(
            (&then, a.open_fraction),
            (&now, b.open_fraction),
            changed.as_ref().clone(),
            &entry.config,
        ),
        None => guard::blocking(move || {
            let old = open_snapshot(&entry.config, &a.dir).map_err(|p| p.to_string())?;
            let new = open_snapshot(&entry.config, &b.dir).map_err(|p| p.to_string())?;
            open_diff((&old, &then), (&new, &now), &entry.config).map_err(|e| e.to_string())
        })
        .await
        .map_err(|e| {
            tracing::error!(trial, from, to, "the pooled diff cannot be computed: {e}");
            guard::unavailable()
        })?,
    };
    Ok(Arc::new(diff))
}
