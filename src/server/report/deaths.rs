//! Deaths: how many by group and in total, within the primary endpoint's
//! horizon and overall, by cause (DTHCAUS where the cut carries it), and
//! the listing with each death's study day (closed report).
//!
//! A death is a death date on or before the cut (the trial's
//! `data.death_date`); a trial that names none counts the death flag
//! (DTHFL = 'Y'), without dates, so nothing is within the horizon.

use super::frames::{optional_texts, u32_of};
use super::pooled::PooledGroup;
use super::types::Cell;
use crate::server::config::{ColumnRole, TrialConfig};
use crate::server::data::days::{days_in, from_epoch_days, study_day};
use crate::server::data::load::Snapshot;
use polars::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;

/// Deaths of one group (or of all).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DeathCounts {
    pub subjects: u32,
    pub deaths: Cell,
    /// Died by the primary endpoint's horizon (study day <= horizon);
    /// absent when the endpoint has none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub within_horizon: Option<Cell>,
    /// By cause, most frequent first (in total); empty when not collected.
    pub by_cause: Vec<(String, Cell)>,
}

/// A death in the listing.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Death {
    pub usubjid: String,
    pub arm: String,
    pub date: Option<String>,
    /// Study day of death (randomization = day 1).
    pub day: Option<i64>,
    pub cause: Option<String>,
}

/// The deaths of a cut.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Deaths {
    /// How deaths are known: "death date" or "death flag"; "not collected"
    /// when the cut has neither.
    pub source: &'static str,
    pub horizon_days: Option<f64>,
    pub cause_collected: bool,
    pub total: DeathCounts,
    pub by_arm: BTreeMap<String, DeathCounts>,
    /// Closed report: every death, newest first (see `listing_total`).
    pub listing: Vec<Death>,
    pub listing_total: usize,
}

const UNKNOWN: &str = "Not given";

/// The deaths over all subjects and each group of `groups` (group -> ADSL
/// rows; none for the open view, which has no listing).
pub fn deaths(
    snap: &Snapshot,
    trial: &TrialConfig,
    groups: &BTreeMap<String, Vec<usize>>,
) -> PolarsResult<Deaths> {
    let adsl = &snap.adsl;
    let n = adsl.height();
    let dated = trial.data.death_date.is_some();
    let death_day = days_in(adsl, "DTHDT")?;
    let rand = days_in(adsl, "RANDDT")?;
    let flag = optional_texts(adsl, ColumnRole::DeathFlag.key());
    let (source, died): (&'static str, Option<Vec<bool>>) = if dated {
        (
            "death date",
            Some(death_day.iter().map(Option::is_some).collect()),
        )
    } else if let Some(f) = &flag {
        (
            "death flag",
            Some(f.iter().map(|v| v.as_deref() == Some("Y")).collect()),
        )
    } else {
        ("not collected", None)
    };
    let study_day: Vec<Option<i64>> = death_day
        .iter()
        .zip(&rand)
        .map(|(d, r)| Some(study_day(d.as_ref().copied()?, r.as_ref().copied()?)))
        .collect();
    let horizon = trial.primary.horizon.filter(|h| *h > 0.0);
    let cause = optional_texts(adsl, ColumnRole::DeathCause.key());
    let causes: Vec<String> = match (&died, &cause) {
        (Some(d), Some(c)) => {
            let mut counts: BTreeMap<String, u32> = BTreeMap::new();
            for (dead, c) in d.iter().zip(c) {
                if *dead {
                    *counts
                        .entry(c.clone().unwrap_or_else(|| UNKNOWN.into()))
                        .or_default() += 1;
                }
            }
            let mut v: Vec<(String, u32)> = counts.into_iter().collect();
            v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            v.into_iter().map(|(c, _)| c).collect()
        }
        _ => Vec::new(),
    };
    let count = |rows: &[usize]| -> DeathCounts {
        let k = |f: &dyn Fn(usize) -> bool| u32_of(rows.iter().filter(|&&r| f(r)).count());
        let deaths = died.as_ref().map(|d| k(&|r| d[r]));
        DeathCounts {
            subjects: u32_of(rows.len()),
            deaths: Cell::collected(deaths),
            within_horizon: horizon.map(|h| {
                Cell::collected(
                    died.as_ref()
                        .filter(|_| dated)
                        .map(|d| k(&|r| d[r] && study_day[r].is_some_and(|s| s as f64 <= h))),
                )
            }),
            by_cause: match (&died, &cause) {
                (Some(d), Some(c)) => causes
                    .iter()
                    .map(|name| {
                        let hit =
                            k(&|r| d[r] && c[r].as_deref().unwrap_or(UNKNOWN) == name.as_str());
                        (name.clone(), Cell::Count(hit))
                    })
                    .collect(),
                _ => Vec::new(),
            },
        }
    };
    let all: Vec<usize> = (0..n).collect();
    let mut listing = Vec::new();
    if !groups.is_empty() {
        if let Some(d) = &died {
            let ids = optional_texts(adsl, "USUBJID").unwrap_or_default();
            for (arm, rows) in groups {
                for &r in rows {
                    if d[r] {
                        listing.push(Death {
                            usubjid: ids[r].clone().unwrap_or_default(),
                            arm: arm.clone(),
                            date: death_day[r]
                                .map(|d| from_epoch_days(d).format("%Y-%m-%d").to_string()),
                            day: study_day[r],
                            cause: cause.as_ref().and_then(|c| c[r].clone()),
                        });
                    }
                }
            }
        }
    }
    // Newest first (undated last), then arm and subject.
    listing.sort_by(|a, b| {
        b.date
            .is_some()
            .cmp(&a.date.is_some())
            .then_with(|| b.date.cmp(&a.date))
            .then_with(|| (&a.arm, &a.usubjid).cmp(&(&b.arm, &b.usubjid)))
    });
    Ok(Deaths {
        source,
        horizon_days: horizon,
        cause_collected: cause.is_some() && died.is_some(),
        total: count(&all),
        by_arm: groups.iter().map(|(g, r)| (g.clone(), count(r))).collect(),
        listing_total: listing.len(),
        listing,
    })
}

pub const DEATHS_KEY: &str = "deaths";
pub const CAUSE_KEY: &str = "deaths/cause";

/// The pooled counts of the deaths, for suppression: all deaths and those
/// within the horizon (inside them), and the causes (a partition of the
/// deaths).
pub fn pooled_groups(d: &DeathCounts) -> Vec<PooledGroup> {
    let mut levels = Vec::new();
    let mut within = Vec::new();
    if let Cell::Count(k) = d.deaths {
        levels.push(("all".to_string(), k));
        if let Some(Cell::Count(h)) = d.within_horizon {
            levels.push(("within_horizon".to_string(), h));
            within.push(("within_horizon".to_string(), "all".to_string()));
        }
    }
    let mut out = vec![PooledGroup {
        key: DEATHS_KEY.into(),
        levels,
        partition: false,
        within,
    }];
    if !d.by_cause.is_empty() {
        out.push(PooledGroup {
            key: CAUSE_KEY.into(),
            levels: d
                .by_cause
                .iter()
                .filter_map(|(c, k)| Some((c.clone(), k.count()?)))
                .collect(),
            partition: true,
            within: Vec::new(),
        });
    }
    out
}

/// The pooled deaths (open report): no groups, no listing.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OpenDeaths {
    pub source: &'static str,
    pub horizon_days: Option<f64>,
    pub cause_collected: bool,
    pub total: DeathCounts,
}

/// The pooled deaths as the sponsor may see them.
pub fn suppressed(d: &Deaths, shown: &dyn Fn(&str, &str, u32) -> Option<u32>) -> OpenDeaths {
    let cell = |key: &str, level: &str, c: Cell| match c {
        Cell::Count(k) => shown(key, level, k).map_or(Cell::Suppressed, Cell::Count),
        other => other,
    };
    let t = &d.total;
    OpenDeaths {
        source: d.source,
        horizon_days: d.horizon_days,
        cause_collected: d.cause_collected,
        total: DeathCounts {
            subjects: t.subjects,
            deaths: cell(DEATHS_KEY, "all", t.deaths),
            within_horizon: t
                .within_horizon
                .map(|c| cell(DEATHS_KEY, "within_horizon", c)),
            by_cause: t
                .by_cause
                .iter()
                .map(|(c, k)| (c.clone(), cell(CAUSE_KEY, c, *k)))
                .collect(),
        },
    }
}
