//! The open (pooled) report, for the sponsor: computed from an
//! [`OpenSnapshot`] only, small cells suppressed.

use super::enrollment::{by_site, cumulative_by_month};
use super::frames::{subject_frame, sums, u32_of};
use super::types::{OpenEnrollment, OpenPrimary, OpenRate, OpenReport, Rate, ReportError};
use crate::server::config::TrialConfig;
use crate::server::firewall::{suppress, OpenSnapshot};
use polars::prelude::*;

/// The pooled report, from an open snapshot: the type holds no arm, so
/// nothing here can be split by arm.
pub fn open_report(snap: &OpenSnapshot, trial: &TrialConfig) -> Result<OpenReport, ReportError> {
    let n = u32_of(snap.adsl.height());
    let threshold = trial.open_view.small_cell_threshold;
    let subjects = subject_frame(snap, trial)?;
    let totals = sums(subjects.lazy(), trial.safety.len(), false)?;
    let totals = totals.first().map(|(_, v)| v.clone()).unwrap_or_default();
    let at = |i: usize| totals.get(i).copied().unwrap_or(0);
    let mut safety = Vec::new();
    for (k, cat) in trial.safety.iter().enumerate() {
        let count = at(1 + k);
        let shown = suppress(count, threshold);
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
    let events = at(1 + trial.safety.len());
    let shown = suppress(events, threshold);
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
