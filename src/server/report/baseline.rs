//! Baseline characteristics (a paper's Table 1): each configured ADSL
//! variable summarised per group of subjects. Continuous: n, median
//! (Q1-Q3) by R's type-7 quantiles, mean (SD), min-max; categorical: n of
//! each level and the missing; `above`: n above the threshold and the
//! missing. A variable the cut does not carry is reported as not collected.
//! With exactly two groups, the absolute standardized difference of each
//! continuous variable's means and of each level's share of the subjects.

use crate::server::config::{BaselineKind, BaselineVariable, TrialConfig};
use crate::server::data::load::Snapshot;
use crate::stats::descriptive::{std_diff_means, std_diff_proportions, summarize};
use polars::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;

/// A continuous variable in one group.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ContinuousSummary {
    pub n: u32,
    pub missing: u32,
    pub median: Option<f64>,
    pub q1: Option<f64>,
    pub q3: Option<f64>,
    pub mean: Option<f64>,
    pub sd: Option<f64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
}

impl ContinuousSummary {
    /// The summary of `x`, the non-missing values of `subjects` subjects.
    pub fn of(x: &[f64], subjects: u32) -> ContinuousSummary {
        let s = summarize(x);
        let n = u32::try_from(x.len()).unwrap_or(u32::MAX);
        ContinuousSummary {
            n,
            missing: subjects.saturating_sub(n),
            median: s.map(|s| s.median),
            q1: s.map(|s| s.q1),
            q3: s.map(|s| s.q3),
            mean: s.map(|s| s.mean),
            sd: s.and_then(|s| s.sd),
            min: s.map(|s| s.min),
            max: s.map(|s| s.max),
        }
    }
}

/// One variable in one group: its continuous summary, or the count of
/// each level (the last level is `Missing`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GroupSummary {
    /// Subjects in the group.
    pub subjects: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub continuous: Option<ContinuousSummary>,
    pub counts: Vec<u32>,
}

/// One variable of the closed table: every arm and the total.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClosedBaseline {
    pub variable: String,
    pub label: String,
    pub kind: BaselineKind,
    pub collected: bool,
    /// The level names of `counts` (empty for a continuous variable).
    pub levels: Vec<String>,
    pub total: GroupSummary,
    pub by_arm: BTreeMap<String, GroupSummary>,
    /// With exactly two groups: the absolute standardized difference of the
    /// means (one entry), or of each level's share of the group's subjects
    /// (`None` for `Missing` and where it is not defined); else empty.
    pub std_diff: Vec<Option<f64>>,
}

/// A variable's values for every ADSL row: numbers or text (`None`
/// missing); `None` when the cut does not carry it.
enum Values {
    Numbers(Vec<Option<f64>>),
    Text(Vec<Option<String>>),
}

fn values(adsl: &DataFrame, b: &BaselineVariable) -> Option<Values> {
    let col = adsl.column(&b.variable).ok()?;
    Some(match b.kind {
        BaselineKind::Continuous | BaselineKind::Above => Values::Numbers(
            col.cast(&DataType::Float64)
                .ok()?
                .f64()
                .ok()?
                .iter()
                .collect(),
        ),
        BaselineKind::Categorical => Values::Text(
            col.cast(&DataType::String)
                .ok()?
                .str()
                .ok()?
                .iter()
                .map(|v| v.filter(|s| !s.is_empty()).map(str::to_string))
                .collect(),
        ),
    })
}

/// The level names of `b` for `values`: the configured ones (and `Other`
/// when a value is outside them), else every value found, sorted; then
/// `Missing`. With them, the level index of each row.
fn levels(b: &BaselineVariable, values: &Values) -> (Vec<String>, Vec<usize>) {
    match values {
        Values::Numbers(v) => {
            let t = b.threshold.unwrap_or(0.0);
            let names = vec![format!("> {t}"), format!("<= {t}"), "Missing".to_string()];
            let index = v
                .iter()
                .map(|x| match x {
                    Some(x) if *x > t => 0,
                    Some(_) => 1,
                    None => 2,
                })
                .collect();
            (names, index)
        }
        Values::Text(v) => {
            let (mut names, values_of): (Vec<String>, Vec<String>) = match &b.levels {
                Some(ls) => (
                    ls.iter().map(|l| l.label.clone()).collect(),
                    ls.iter().map(|l| l.value.clone()).collect(),
                ),
                None => {
                    let mut found: Vec<String> = v.iter().flatten().cloned().collect();
                    found.sort();
                    found.dedup();
                    (found.clone(), found)
                }
            };
            let other = v.iter().flatten().any(|x| !values_of.contains(x));
            if other {
                names.push("Other".into());
            }
            names.push("Missing".into());
            let missing = names.len() - 1;
            let index = v
                .iter()
                .map(|x| match x {
                    Some(x) => values_of.iter().position(|y| y == x).unwrap_or(missing - 1),
                    None => missing,
                })
                .collect();
            (names, index)
        }
    }
}

/// `b` over the rows `rows` of ADSL.
fn group(
    b: &BaselineVariable,
    values: &Values,
    index: &[usize],
    levels: usize,
    rows: &[usize],
) -> GroupSummary {
    let subjects = u32::try_from(rows.len()).unwrap_or(u32::MAX);
    let mut counts = vec![0u32; levels];
    for &r in rows {
        if let Some(c) = counts.get_mut(index[r]) {
            *c += 1;
        }
    }
    let continuous = match (b.kind, values) {
        (BaselineKind::Continuous, Values::Numbers(v)) => {
            let x: Vec<f64> = rows.iter().filter_map(|&r| v[r]).collect();
            Some(ContinuousSummary::of(&x, subjects))
        }
        _ => None,
    };
    GroupSummary {
        subjects,
        continuous: continuous.clone(),
        counts: if continuous.is_some() {
            Vec::new()
        } else {
            counts
        },
    }
}

/// The standardized differences of a variable between exactly two groups
/// (see `ClosedBaseline::std_diff`); empty for any other number of groups.
fn std_diff(by_arm: &BTreeMap<String, GroupSummary>) -> Vec<Option<f64>> {
    let groups: Vec<&GroupSummary> = by_arm.values().collect();
    let [a, b] = groups.as_slice() else {
        return Vec::new();
    };
    if let (Some(x), Some(y)) = (&a.continuous, &b.continuous) {
        let d = match (x.mean, x.sd, y.mean, y.sd) {
            (Some(m1), Some(s1), Some(m2), Some(s2)) => std_diff_means(m1, s1, m2, s2),
            _ => None,
        };
        return vec![d];
    }
    let levels = a.counts.len().min(b.counts.len());
    (0..levels)
        .map(|i| {
            let share = |g: &GroupSummary| f64::from(g.counts[i]) / f64::from(g.subjects);
            (i + 1 < levels && a.subjects > 0 && b.subjects > 0)
                .then(|| std_diff_proportions(share(a), share(b)))
                .flatten()
        })
        .collect()
}

/// Every configured variable over all subjects, and over the subjects of
/// each group `groups` names (group -> ADSL rows).
pub fn baseline(
    snap: &Snapshot,
    trial: &TrialConfig,
    groups: &BTreeMap<String, Vec<usize>>,
) -> Vec<ClosedBaseline> {
    let all: Vec<usize> = (0..snap.adsl.height()).collect();
    trial
        .baseline
        .iter()
        .map(|b| {
            let Some(v) = values(&snap.adsl, b) else {
                let empty = GroupSummary {
                    subjects: u32::try_from(all.len()).unwrap_or(u32::MAX),
                    continuous: None,
                    counts: Vec::new(),
                };
                return ClosedBaseline {
                    variable: b.variable.clone(),
                    label: b.label.clone(),
                    kind: b.kind,
                    collected: false,
                    levels: Vec::new(),
                    total: empty.clone(),
                    by_arm: groups.keys().map(|g| (g.clone(), empty.clone())).collect(),
                    std_diff: Vec::new(),
                };
            };
            let (names, index) = levels(b, &v);
            let n = names.len();
            let names_shown = if b.kind == BaselineKind::Continuous {
                Vec::new()
            } else {
                names
            };
            let by_arm: BTreeMap<String, GroupSummary> = groups
                .iter()
                .map(|(g, rows)| (g.clone(), group(b, &v, &index, n, rows)))
                .collect();
            ClosedBaseline {
                variable: b.variable.clone(),
                label: b.label.clone(),
                kind: b.kind,
                collected: true,
                levels: names_shown,
                total: group(b, &v, &index, n, &all),
                std_diff: std_diff(&by_arm),
                by_arm,
            }
        })
        .collect()
}

/// The ADSL rows of each arm of a closed snapshot's `ARM` column.
pub fn rows_by_arm(adsl: &DataFrame, codes: &[&str]) -> BTreeMap<String, Vec<usize>> {
    let mut out: BTreeMap<String, Vec<usize>> =
        codes.iter().map(|c| (c.to_string(), Vec::new())).collect();
    if let Ok(arms) = adsl.column("ARM").and_then(|c| c.str().cloned()) {
        for (r, a) in arms.iter().enumerate() {
            if let Some(rows) = a.and_then(|a| out.get_mut(a)) {
                rows.push(r);
            }
        }
    }
    out
}
