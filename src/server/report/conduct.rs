//! Trial conduct: exposure (each subject's treatment duration or
//! follow-up in days, summarised by group and in total, with the total
//! patient-years) and protocol deviations (ADSL deviation flags, counted by
//! category and by site, pooled for every role).
//!
//! Exposure comes from the ADSL duration column (TRTDURD, TRTDUR or
//! `columns.exposure_days`), else from the time at risk the trial names for
//! its event rates (`analysis.exposure`).

use super::baseline::ContinuousSummary;
use super::frames::{primary_adtte, texts_in, u32_of};
use super::pooled::PooledGroup;
use super::types::Cell;
use crate::server::config::{ColumnRole, TrialConfig};
use crate::server::data::load::Snapshot;
use polars::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// Exposure of one group (or of all).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ExposureSummary {
    pub days: ContinuousSummary,
    pub patient_years: f64,
}

/// Exposure of a cut.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Exposure {
    /// Where the days come from (a column or an ADTTE parameter); `None`:
    /// not collected.
    pub source: Option<String>,
    pub total: Option<ExposureSummary>,
    /// By arm (closed report; left out of the open one).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub by_arm: BTreeMap<String, ExposureSummary>,
}

/// Each ADSL row's exposure in days, and where it comes from.
fn exposure_days(
    snap: &Snapshot,
    trial: &TrialConfig,
) -> PolarsResult<Option<(String, Vec<Option<f64>>)>> {
    let adsl = &snap.adsl;
    if let Ok(c) = adsl.column(ColumnRole::ExposureDays.key()) {
        let name = trial
            .columns
            .candidates(ColumnRole::ExposureDays)
            .join(" or ");
        let v = c.f64()?.iter().collect();
        return Ok(Some((format!("ADSL {name}"), v)));
    }
    let Some(e) = &trial.analysis.exposure else {
        return Ok(None);
    };
    if let Some(col) = &e.adsl_days {
        let v = adsl.column("EXPDAYS")?.f64()?.iter().collect();
        return Ok(Some((format!("ADSL {col}"), v)));
    }
    let Some(code) = &e.adtte_paramcd else {
        return Ok(None);
    };
    let tte = primary_adtte(snap, code).collect()?;
    let by_id: HashMap<String, Option<f64>> = texts_in(&tte, "USUBJID")?
        .into_iter()
        .zip(tte.column("AVAL")?.f64()?.iter())
        .collect();
    let v = texts_in(adsl, "USUBJID")?
        .iter()
        .map(|id| by_id.get(id).copied().flatten())
        .collect();
    Ok(Some((format!("ADTTE {code} (AVAL, days)"), v)))
}

fn summary(days: &[Option<f64>], rows: &[usize]) -> ExposureSummary {
    let x: Vec<f64> = rows.iter().filter_map(|&r| days[r]).collect();
    ExposureSummary {
        days: ContinuousSummary::of(&x, u32_of(rows.len())),
        patient_years: x.iter().sum::<f64>() / 365.25,
    }
}

/// Exposure over all subjects and each group of `groups`.
pub fn exposure(
    snap: &Snapshot,
    trial: &TrialConfig,
    groups: &BTreeMap<String, Vec<usize>>,
) -> PolarsResult<Exposure> {
    let Some((source, days)) = exposure_days(snap, trial)? else {
        return Ok(Exposure {
            source: None,
            total: None,
            by_arm: BTreeMap::new(),
        });
    };
    let all: Vec<usize> = (0..snap.adsl.height()).collect();
    Ok(Exposure {
        source: Some(source),
        total: Some(summary(&days, &all)),
        by_arm: groups
            .iter()
            .map(|(g, r)| (g.clone(), summary(&days, r)))
            .collect(),
    })
}

/// Protocol deviations, pooled: subjects flagged per category (one per
/// deviation flag) and per site.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Deviations {
    /// No deviation flag is configured, or the cut carries none of them.
    pub collected: bool,
    /// (flag, subjects flagged).
    pub by_category: Vec<(String, Cell)>,
    /// Subjects with any deviation.
    pub any: Cell,
    /// Site -> subjects with any deviation.
    pub by_site: BTreeMap<String, Cell>,
}

/// The deviation counts of a cut.
pub fn deviations(snap: &Snapshot, trial: &TrialConfig) -> PolarsResult<Deviations> {
    let adsl = &snap.adsl;
    let flags: Vec<(String, Vec<bool>)> = trial
        .columns
        .deviation_flags
        .iter()
        .filter_map(|f| {
            let c = adsl.column(&format!("@DV:{f}")).ok()?.str().ok()?.clone();
            Some((
                f.clone(),
                c.iter().map(|v| v.is_some_and(|v| v == "Y")).collect(),
            ))
        })
        .collect();
    if flags.is_empty() {
        return Ok(Deviations {
            collected: false,
            by_category: Vec::new(),
            any: Cell::NotCollected,
            by_site: BTreeMap::new(),
        });
    }
    let any: Vec<bool> = (0..adsl.height())
        .map(|r| flags.iter().any(|(_, v)| v[r]))
        .collect();
    let sites = texts_in(adsl, "SITEID")?;
    let mut by_site: BTreeMap<String, u32> = sites.iter().map(|s| (s.clone(), 0)).collect();
    for (s, a) in sites.iter().zip(&any) {
        if *a {
            *by_site.entry(s.clone()).or_default() += 1;
        }
    }
    Ok(Deviations {
        collected: true,
        by_category: flags
            .iter()
            .map(|(f, v)| {
                (
                    f.clone(),
                    Cell::Count(u32_of(v.iter().filter(|x| **x).count())),
                )
            })
            .collect(),
        any: Cell::Count(u32_of(any.iter().filter(|x| **x).count())),
        by_site: by_site
            .into_iter()
            .map(|(s, k)| (s, Cell::Count(k)))
            .collect(),
    })
}

pub const DEVIATION_KEY: &str = "deviations";
pub const DEVIATION_SITE_KEY: &str = "deviations/site";

/// The pooled deviation counts, for suppression: the categories with any
/// deviation (each inside it), and the sites (a partition of the subjects
/// with any).
pub fn pooled_groups(d: &Deviations) -> Vec<PooledGroup> {
    let Some(any) = d.any.count() else {
        return Vec::new();
    };
    let mut levels = vec![("any".to_string(), any)];
    let mut within = Vec::new();
    for (f, c) in &d.by_category {
        if let Some(k) = c.count() {
            levels.push((f.clone(), k));
            within.push((f.clone(), "any".to_string()));
        }
    }
    vec![
        PooledGroup {
            key: DEVIATION_KEY.into(),
            levels,
            partition: false,
            within,
        },
        PooledGroup {
            key: DEVIATION_SITE_KEY.into(),
            levels: d
                .by_site
                .iter()
                .filter_map(|(s, c)| Some((s.clone(), c.count()?)))
                .collect(),
            partition: true,
            within: Vec::new(),
        },
    ]
}

/// The deviations as the sponsor may see them.
pub fn suppressed(d: &Deviations, shown: &dyn Fn(&str, &str, u32) -> Option<u32>) -> Deviations {
    let cell = |key: &str, level: &str, c: Cell| match c {
        Cell::Count(k) => shown(key, level, k).map_or(Cell::Suppressed, Cell::Count),
        other => other,
    };
    Deviations {
        collected: d.collected,
        by_category: d
            .by_category
            .iter()
            .map(|(f, c)| (f.clone(), cell(DEVIATION_KEY, f, *c)))
            .collect(),
        any: cell(DEVIATION_KEY, "any", d.any),
        by_site: d
            .by_site
            .iter()
            .map(|(s, c)| (s.clone(), cell(DEVIATION_SITE_KEY, s, *c)))
            .collect(),
    }
}
