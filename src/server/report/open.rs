//! The open (pooled) report, for the sponsor: computed from an
//! [`OpenSnapshot`] only, small cells suppressed.

use super::adverse::{adverse_events, open_tables, pooled_group as ae_pooled_group, AdverseEvents};
use super::baseline::{baseline, ClosedBaseline};
use super::conduct::{
    deviations, exposure, pooled_groups as deviation_groups, suppressed as open_deviations,
    Deviations, Exposure,
};
use super::deaths::{deaths, pooled_groups as death_groups, suppressed as open_deaths, Deaths};
use super::disposition::{disposition, pooled_groups, suppressed, DispositionCounts};
use super::enrollment::{by_site, cumulative_by_month};
use super::frames::{cat_name, category_hits, subject_frame, sums, u32_of};
use super::labs::open::{open_labs, pooled_groups as lab_groups};
use super::labs::{lab_report, LabReport};
use super::pooled::{PooledCounts, PooledGroup, Shown};
use super::types::{
    OpenBaseline, OpenEnrollment, OpenPrimary, OpenRate, OpenReport, Rate, ReportError,
};
use crate::server::config::TrialConfig;
use crate::server::firewall::OpenSnapshot;
use polars::prelude::*;
use std::collections::BTreeMap;

/// The pooled-series key of a baseline variable's levels.
fn baseline_key(variable: &str) -> String {
    format!("baseline/{variable}")
}

/// The pooled counts of an open snapshot.
pub fn pooled_counts(
    snap: &OpenSnapshot,
    trial: &TrialConfig,
) -> Result<PooledCounts, ReportError> {
    Ok(pooled_cut(snap, trial)?.counts)
}

/// A cut's pooled numbers before suppression, made once from its open
/// snapshot (the server keeps them from start-up): the counts the
/// suppression decides on, the tables they come from, and what else the
/// open report shows. Never shown as they are: `open_report_from`
/// suppresses them against the earlier cuts.
#[derive(Clone, Debug)]
pub struct PooledCut {
    pub counts: PooledCounts,
    tables: Tables,
    cut_date: String,
    files: Vec<crate::server::data::manifest::FileDigest>,
    by_site: BTreeMap<String, u32>,
    cumulative_by_month: Vec<super::types::MonthCount>,
}

/// The pooled numbers of an open snapshot (see [`PooledCut`]).
pub fn pooled_cut(snap: &OpenSnapshot, trial: &TrialConfig) -> Result<PooledCut, ReportError> {
    let (counts, tables) = pooled_with_tables(snap, trial)?;
    Ok(PooledCut {
        counts,
        tables,
        cut_date: snap.cut_date.to_string(),
        files: snap.files.clone(),
        by_site: by_site(snap)?,
        cumulative_by_month: cumulative_by_month(snap)?,
    })
}

/// What the open report's tables are made of, before suppression.
#[derive(Clone, Debug)]
struct Tables {
    baseline: Vec<ClosedBaseline>,
    disposition: DispositionCounts,
    adverse_events: AdverseEvents,
    deaths: Deaths,
    exposure: Exposure,
    deviations: Deviations,
    labs: LabReport,
}

/// The pooled counts and the tables (all subjects) they take their counts
/// from.
fn pooled_with_tables(
    snap: &OpenSnapshot,
    trial: &TrialConfig,
) -> Result<(PooledCounts, Tables), ReportError> {
    let subjects = subject_frame(snap, trial, &category_hits(snap, trial)?)?;
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
        groups: rows
            .iter()
            .filter(|b| b.collected && !b.levels.is_empty())
            .map(|b| PooledGroup {
                key: baseline_key(&b.variable),
                levels: b
                    .levels
                    .iter()
                    .cloned()
                    .zip(b.total.counts.iter().copied())
                    .collect(),
                partition: true,
                within: Vec::new(),
            })
            .collect(),
    };
    let disposition = disposition(snap, trial, &BTreeMap::new())?.total;
    let adverse_events = adverse_events(snap, trial, &BTreeMap::new(), None)?;
    let mut counts = counts;
    counts.groups.extend(pooled_groups(&disposition));
    counts.groups.push(ae_pooled_group(&adverse_events));
    let deaths = deaths(snap, trial, &BTreeMap::new())?;
    counts.groups.extend(death_groups(&deaths.total));
    let deviations = deviations(snap, trial)?;
    counts.groups.extend(deviation_groups(&deviations));
    let labs = lab_report(snap, trial, &BTreeMap::new(), false)?;
    counts.groups.extend(lab_groups(&labs, counts.n));
    Ok((
        counts,
        Tables {
            baseline: rows,
            disposition,
            adverse_events,
            deaths,
            exposure: exposure(snap, trial, &BTreeMap::new())?,
            deviations,
            labs,
        },
    ))
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
    Ok(open_report_from(&pooled_cut(snap, trial)?, trial, earlier))
}

/// The pooled report of the cut `pooled` was made from, suppressed against
/// the earlier cuts' counts `earlier` (oldest first): what
/// `open_report_after` gives, without reading the cut again.
pub fn open_report_from(
    pooled: &PooledCut,
    trial: &TrialConfig,
    earlier: &[PooledCounts],
) -> OpenReport {
    let (counts, tables) = (&pooled.counts, pooled.tables.clone());
    let n = counts.n;
    let threshold = trial.open_view.small_cell_threshold;
    let all: Vec<&PooledCounts> = earlier.iter().chain([counts]).collect();
    let shown = Shown::decide(&all, threshold);
    let mut safety = Vec::new();
    for (k, cat) in trial.safety.iter().enumerate() {
        let count = counts.safety[k];
        let shown = shown.safety(k, count);
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
    let primary_shown = shown.primary(events);
    let baseline_rows = tables
        .baseline
        .into_iter()
        .map(|b| {
            let key = baseline_key(&b.variable);
            let counts = b
                .levels
                .iter()
                .zip(&b.total.counts)
                .map(|(l, c)| shown.level(&key, l, *c))
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
    OpenReport {
        trial: trial.id.clone(),
        title: trial.title.clone(),
        cut_date: pooled.cut_date.clone(),
        view: "open",
        files: pooled.files.clone(),
        small_cell_threshold: threshold,
        enrollment: OpenEnrollment {
            total: n,
            target: trial.enrollment.target,
            by_site: pooled.by_site.clone(),
            cumulative_by_month: pooled.cumulative_by_month.clone(),
        },
        safety,
        primary: OpenPrimary {
            name: trial.primary.name.clone(),
            events: primary_shown,
            n,
            suppressed: primary_shown.is_none(),
        },
        baseline: baseline_rows,
        disposition: suppressed(&tables.disposition, &|k, l, c| shown.level(k, l, c)),
        adverse_events: open_tables(&tables.adverse_events, &|k, l, c| shown.level(k, l, c)),
        adverse_event_population: tables.adverse_events.population,
        deaths: open_deaths(&tables.deaths, &|k, l, c| shown.level(k, l, c)),
        exposure: tables.exposure,
        deviations: open_deviations(&tables.deviations, &|k, l, c| shown.level(k, l, c)),
        labs: open_labs(&tables.labs, n, threshold, &|k, l, c| shown.level(k, l, c)),
    }
}
