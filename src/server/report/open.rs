//! The open (pooled) report, for the sponsor: computed from an
//! [`OpenSnapshot`] only, small cells suppressed.

use super::baseline::{baseline, ClosedBaseline};
use super::enrollment::{by_site, cumulative_by_month};
use super::frames::{cat_name, subject_frame, sums, u32_of};
use super::types::{
    OpenBaseline, OpenEnrollment, OpenPrimary, OpenRate, OpenReport, Rate, ReportError,
};
use crate::server::config::TrialConfig;
use crate::server::firewall::{shown_in_cuts, CutCounts, OpenSnapshot};
use polars::prelude::*;
use std::collections::BTreeMap;

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
    /// The level counts of each categorical baseline variable: (variable,
    /// [(level, count)]).
    pub baseline: Vec<(String, Vec<(String, u32)>)>,
}

impl PooledCounts {
    /// The series the suppression decides on: safety categories, the
    /// primary endpoint, then the baseline levels `levels` names (variable,
    /// level), a level this cut lacks counting 0; each variable's levels a
    /// partition of the subjects.
    fn cut_counts(&self, levels: &[(String, String)]) -> CutCounts {
        let mut counts: Vec<u32> = self.safety.iter().copied().chain([self.primary]).collect();
        let start = counts.len();
        let count_of = |var: &str, level: &str| {
            self.baseline
                .iter()
                .find(|(v, _)| v == var)
                .and_then(|(_, ls)| ls.iter().find(|(l, _)| l == level))
                .map_or(0, |(_, c)| *c)
        };
        counts.extend(levels.iter().map(|(v, l)| count_of(v, l)));
        let mut partitions: Vec<Vec<usize>> = Vec::new();
        for (i, (v, _)) in levels.iter().enumerate() {
            match partitions.last_mut() {
                Some(p) if levels[p[0] - start].0 == *v => p.push(start + i),
                _ => partitions.push(vec![start + i]),
            }
        }
        CutCounts {
            n: self.n,
            counts,
            nested: self.nested.clone(),
            partitions,
        }
    }
}

/// Every (variable, level) of the baseline counts of `cuts`, grouped by
/// variable in the order first seen.
fn baseline_levels(cuts: &[&PooledCounts]) -> Vec<(String, String)> {
    let mut vars: Vec<(String, Vec<String>)> = Vec::new();
    for c in cuts {
        for (v, ls) in &c.baseline {
            let at = match vars.iter().position(|(x, _)| x == v) {
                Some(i) => i,
                None => {
                    vars.push((v.clone(), Vec::new()));
                    vars.len() - 1
                }
            };
            for (l, _) in ls {
                if !vars[at].1.contains(l) {
                    vars[at].1.push(l.clone());
                }
            }
        }
    }
    vars.into_iter()
        .flat_map(|(v, ls)| ls.into_iter().map(move |l| (v.clone(), l)))
        .collect()
}

/// The pooled counts of an open snapshot.
pub fn pooled_counts(
    snap: &OpenSnapshot,
    trial: &TrialConfig,
) -> Result<PooledCounts, ReportError> {
    Ok(pooled_with_baseline(snap, trial)?.0)
}

/// The pooled counts and the baseline summaries (all subjects) they take
/// their baseline counts from.
fn pooled_with_baseline(
    snap: &OpenSnapshot,
    trial: &TrialConfig,
) -> Result<(PooledCounts, Vec<ClosedBaseline>), ReportError> {
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
    let rows = baseline(snap, trial, &BTreeMap::new());
    let counts = PooledCounts {
        n: u32_of(snap.adsl.height()),
        safety: (0..ncat).map(|k| at(1 + k)).collect(),
        primary: at(1 + ncat),
        nested,
        baseline: rows
            .iter()
            .filter(|b| b.collected && !b.levels.is_empty())
            .map(|b| {
                let counts = b
                    .levels
                    .iter()
                    .cloned()
                    .zip(b.total.counts.iter().copied())
                    .collect();
                (b.variable.clone(), counts)
            })
            .collect(),
    };
    Ok((counts, rows))
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
    let (counts, rows) = pooled_with_baseline(snap, trial)?;
    let n = counts.n;
    let threshold = trial.open_view.small_cell_threshold;
    let all: Vec<&PooledCounts> = earlier.iter().chain([&counts]).collect();
    let levels = baseline_levels(&all);
    let cuts: Vec<CutCounts> = all.iter().map(|c| c.cut_counts(&levels)).collect();
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
    let base = trial.safety.len() + 1;
    let baseline_rows = rows
        .into_iter()
        .map(|b| {
            let counts = b
                .levels
                .iter()
                .zip(&b.total.counts)
                .map(|(l, c)| {
                    let s = levels
                        .iter()
                        .position(|(v, x)| *v == b.variable && x == l)
                        .map(|i| base + i);
                    s.and_then(|s| shown_at(s, *c))
                })
                .collect();
            OpenBaseline {
                variable: b.variable,
                label: b.label,
                kind: b.kind,
                collected: b.collected,
                levels: b.levels,
                subjects: b.total.subjects,
                continuous: b.total.continuous,
                counts,
            }
        })
        .collect();
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
        baseline: baseline_rows,
    })
}
