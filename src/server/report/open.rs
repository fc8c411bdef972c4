//! The open (pooled) report, for the sponsor: computed from an
//! [`OpenSnapshot`] only, small cells suppressed.

use super::enrollment::{by_site, cumulative_by_month};
use super::frames::{cat_name, subject_frame, sums, u32_of};
use super::types::{OpenEnrollment, OpenPrimary, OpenRate, OpenReport, Rate, ReportError};
use crate::server::config::TrialConfig;
use crate::server::firewall::{shown_in_cuts, CutCounts, OpenSnapshot};
use polars::prelude::*;

/// A cut's pooled counts before suppression: subjects, subjects with each
/// safety category, subjects with a primary-endpoint event, and which of
/// these sets of subjects lie inside another. What the sponsor's view is
/// built from; never shown as they are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PooledCounts {
    pub n: u32,
    pub safety: Vec<u32>,
    pub primary: u32,
    /// `(i, j)`: every subject of series `i` is in series `j` (series: the
    /// safety categories in order, then the primary endpoint).
    pub nested: Vec<(usize, usize)>,
}

impl PooledCounts {
    fn cut_counts(&self) -> CutCounts {
        CutCounts {
            n: self.n,
            counts: self.safety.iter().copied().chain([self.primary]).collect(),
            nested: self.nested.clone(),
        }
    }
}

/// The pooled counts of an open snapshot.
pub fn pooled_counts(
    snap: &OpenSnapshot,
    trial: &TrialConfig,
) -> Result<PooledCounts, ReportError> {
    let subjects = subject_frame(snap, trial)?;
    let ncat = trial.safety.len();
    let flags: Vec<Vec<bool>> = (0..ncat)
        .map(cat_name)
        .chain(["PRIMEV".to_string()])
        .map(|name| {
            Ok(subjects
                .column(&name)?
                .bool()?
                .iter()
                .map(|v| v.unwrap_or(false))
                .collect())
        })
        .collect::<Result<_, PolarsError>>()?;
    let mut nested = Vec::new();
    for (i, a) in flags.iter().enumerate() {
        for (j, b) in flags.iter().enumerate() {
            let inside = a.iter().zip(b).all(|(x, y)| !*x || *y);
            if i != j && a.iter().any(|x| *x) && inside {
                nested.push((i, j));
            }
        }
    }
    let totals = sums(subjects.lazy(), ncat, false)?;
    let totals = totals.first().map(|(_, v)| v.clone()).unwrap_or_default();
    let at = |i: usize| totals.get(i).copied().unwrap_or(0);
    Ok(PooledCounts {
        n: u32_of(snap.adsl.height()),
        safety: (0..ncat).map(|k| at(1 + k)).collect(),
        primary: at(1 + ncat),
        nested,
    })
}

/// The pooled report of a cut on its own (no earlier cut to check against).
pub fn open_report(snap: &OpenSnapshot, trial: &TrialConfig) -> Result<OpenReport, ReportError> {
    open_report_after(snap, trial, &[])
}

/// The pooled report of a cut that follows the trial's good cuts with the
/// pooled counts `earlier` (oldest first), from an open snapshot: the type
/// holds no arm, so nothing here can be split by arm. A count is shown only
/// when no small count can be derived from it and what the sponsor sees at
/// the earlier cuts (`firewall::suppress`).
pub fn open_report_after(
    snap: &OpenSnapshot,
    trial: &TrialConfig,
    earlier: &[PooledCounts],
) -> Result<OpenReport, ReportError> {
    let counts = pooled_counts(snap, trial)?;
    let n = counts.n;
    let threshold = trial.open_view.small_cell_threshold;
    let cuts: Vec<CutCounts> = earlier
        .iter()
        .chain([&counts])
        .map(PooledCounts::cut_counts)
        .collect();
    let mask = shown_in_cuts(&cuts, threshold).pop().unwrap_or_default();
    let shown_at = |s: usize, count: u32| mask.get(s).copied().unwrap_or(false).then_some(count);
    let mut safety = Vec::new();
    for (k, cat) in trial.safety.iter().enumerate() {
        let count = counts.safety[k];
        let shown = shown_at(k, count);
        let rate = Rate::new(count, n);
        safety.push(OpenRate {
            category: cat.name.clone(),
            subjects: shown,
            n,
            percent: shown.and(rate.percent),
            ci95: shown.and(rate.ci95),
            suppressed: shown.is_none(),
        });
    }
    let events = counts.primary;
    let shown = shown_at(trial.safety.len(), events);
    Ok(OpenReport {
        trial: trial.id.clone(),
        title: trial.title.clone(),
        cut_date: snap.cut_date.to_string(),
        view: "open",
        files: snap.files.clone(),
        small_cell_threshold: threshold,
        enrollment: OpenEnrollment {
            total: n,
            target: trial.enrollment.target,
            by_site: by_site(snap)?,
            cumulative_by_month: cumulative_by_month(snap)?,
        },
        safety,
        primary: OpenPrimary {
            name: trial.primary.name.clone(),
            events: shown,
            n,
            suppressed: shown.is_none(),
        },
    })
}
