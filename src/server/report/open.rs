//! The open (pooled) report, for the sponsor: computed from an
//! [`OpenSnapshot`] only, small cells suppressed.

use super::enrollment::{by_site, cumulative_by_month};
use super::frames::{subject_frame, sums, u32_of};
use super::types::{OpenEnrollment, OpenPrimary, OpenRate, OpenReport, Rate, ReportError};
use crate::server::config::TrialConfig;
use crate::server::firewall::{shown_last, OpenSnapshot, Pooled};
use polars::prelude::*;

/// A cut's pooled counts before suppression: subjects, subjects with each
/// safety category, subjects with a primary-endpoint event. What the
/// sponsor's view is built from; never shown as they are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PooledCounts {
    pub n: u32,
    pub safety: Vec<u32>,
    pub primary: u32,
}

/// The pooled counts of an open snapshot.
pub fn pooled_counts(
    snap: &OpenSnapshot,
    trial: &TrialConfig,
) -> Result<PooledCounts, ReportError> {
    let subjects = subject_frame(snap, trial)?;
    let totals = sums(subjects.lazy(), trial.safety.len(), false)?;
    let totals = totals.first().map(|(_, v)| v.clone()).unwrap_or_default();
    let at = |i: usize| totals.get(i).copied().unwrap_or(0);
    Ok(PooledCounts {
        n: u32_of(snap.adsl.height()),
        safety: (0..trial.safety.len()).map(|k| at(1 + k)).collect(),
        primary: at(1 + trial.safety.len()),
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
    let shown_of = |count: u32, of: &dyn Fn(&PooledCounts) -> u32| {
        let mut series: Vec<Pooled> = earlier
            .iter()
            .map(|c| Pooled {
                n: c.n,
                count: of(c),
            })
            .collect();
        series.push(Pooled { n, count });
        shown_last(&series, threshold).then_some(count)
    };
    let mut safety = Vec::new();
    for (k, cat) in trial.safety.iter().enumerate() {
        let count = counts.safety[k];
        let shown = shown_of(count, &|c| c.safety.get(k).copied().unwrap_or(0));
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
    let shown = shown_of(events, &|c| c.primary);
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
