//! One pass over a cut's laboratory records: for each subject and each
//! parameter the laboratory section reads, the baseline value and its
//! reference-range category, the peak and the nadir after baseline (in the
//! parameter's units and in multiples of the upper limit of normal, with
//! their study days), the worst categories, and the values by visit.
//!
//! Post-baseline means a record that is not the baseline record (ABLFL)
//! and is dated after randomization, with a value.

use crate::server::config::TrialConfig;
use crate::server::data::adlb::LabRecords;
use crate::server::data::days::{day_numbers, days_in, study_day};
use crate::server::data::walk::Walk;
use polars::prelude::*;

/// A value's place against its reference range (bounds inclusive as
/// normal); `Missing` when there is no value (or no baseline record).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    Low,
    Normal,
    High,
    Missing,
}

impl Category {
    pub const ALL: [Category; 4] = [
        Category::Low,
        Category::Normal,
        Category::High,
        Category::Missing,
    ];

    pub fn of(value: f64, lo: Option<f64>, hi: Option<f64>) -> Category {
        if lo.is_some_and(|lo| value < lo) {
            Category::Low
        } else if hi.is_some_and(|hi| value > hi) {
            Category::High
        } else {
            Category::Normal
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Category::Low => "LOW",
            Category::Normal => "NORMAL",
            Category::High => "HIGH",
            Category::Missing => "MISSING",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

/// An extreme value and the study day it was first reached.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AtDay {
    pub value: f64,
    pub day: i64,
}

/// One subject's values of one parameter.
#[derive(Clone, Debug, Default)]
pub struct Values {
    /// The baseline record's value and category.
    pub base: Option<f64>,
    pub base_category: Option<Category>,
    /// Post-baseline values.
    pub post: u32,
    pub peak: Option<AtDay>,
    pub nadir: Option<AtDay>,
    /// The largest value / ULN after baseline.
    pub peak_xuln: Option<AtDay>,
    pub any_low: bool,
    pub any_high: bool,
    /// The first value at the change-from-baseline visit.
    pub at_change_visit: Option<f64>,
}

impl Values {
    fn take(&mut self, value: f64, day: i64, lo: Option<f64>, hi: Option<f64>) {
        self.post += 1;
        let higher = |e: &Option<AtDay>, v: f64| e.is_none_or(|e| v > e.value);
        let lower = |e: &Option<AtDay>, v: f64| e.is_none_or(|e| v < e.value);
        if higher(&self.peak, value) {
            self.peak = Some(AtDay { value, day });
        }
        if lower(&self.nadir, value) {
            self.nadir = Some(AtDay { value, day });
        }
        if let Some(h) = hi.filter(|h| *h > 0.0) {
            let x = value / h;
            if higher(&self.peak_xuln, x) {
                self.peak_xuln = Some(AtDay { value: x, day });
            }
        }
        match Category::of(value, lo, hi) {
            Category::Low => self.any_low = true,
            Category::High => self.any_high = true,
            _ => {}
        }
    }

    /// The worst post-baseline category: toward `low_is_worse` first.
    pub fn worst(&self, low_is_worse: bool) -> Category {
        match (self.post, low_is_worse) {
            (0, _) => Category::Missing,
            (_, true) if self.any_low => Category::Low,
            (_, false) if self.any_high => Category::High,
            _ if self.any_high => Category::High,
            _ if self.any_low => Category::Low,
            _ => Category::Normal,
        }
    }
}

/// A visit of the records (AVISITN), with its name (AVISIT, first seen).
#[derive(Clone, Debug, PartialEq)]
pub struct Visit {
    pub number: f64,
    pub name: String,
}

/// What the pass found.
pub struct Pass {
    /// The parameters read, in the section's order.
    pub params: Vec<String>,
    /// `values[subject * params.len() + p]`.
    pub values: Vec<Values>,
    /// Subjects with a post-baseline value of any parameter (ADSL rows).
    pub with_post: Vec<bool>,
    /// The visits of the trends' parameters, by number.
    pub visits: Vec<Visit>,
    /// `by_visit[p][v]`: (subject, value) of parameter `p` at visit `v`,
    /// the baseline record at its visit too; empty but for the trends'
    /// parameters.
    pub by_visit: Vec<Vec<Vec<(u32, f64)>>>,
    /// The upper limit of normal of each parameter, when one range is
    /// used throughout.
    pub uln: Vec<Option<f64>>,
    pub records: usize,
    pub missing_values: usize,
    pub subjects: usize,
}

impl Pass {
    pub fn at(&self, subject: usize, p: usize) -> &Values {
        &self.values[subject * self.params.len() + p]
    }

    pub fn param(&self, code: &str) -> Option<usize> {
        self.params.iter().position(|p| p == code)
    }
}

/// The parameters the section reads: the liver tests, the shift tables',
/// the trends', in that order, each once.
pub fn section_params(trial: &TrialConfig) -> Vec<String> {
    let l = &trial.labs;
    let mut out: Vec<String> = Vec::new();
    let all = l
        .ratio_params()
        .into_iter()
        .map(str::to_string)
        .chain(l.shifts.iter().map(|s| s.param.clone()))
        .chain(l.trends.iter().cloned());
    for p in all {
        if !out.contains(&p) {
            out.push(p);
        }
    }
    out
}

/// The pass over `adlb` (the typed records of `data::adlb`) for the
/// `adsl` subjects.
pub fn pass(adlb: &LabRecords, adsl: &DataFrame, trial: &TrialConfig) -> PolarsResult<Pass> {
    pass_of(adlb, adsl, trial, section_params(trial))
}

/// The pass over `adlb` for `params` alone.
pub fn pass_of(
    labs: &LabRecords,
    adsl: &DataFrame,
    trial: &TrialConfig,
    params: Vec<String>,
) -> PolarsResult<Pass> {
    let np = params.len();
    // Only the trends read the values by visit.
    let trended: Vec<bool> = params
        .iter()
        .map(|p| trial.labs.trends.contains(p))
        .collect();
    let subjects = adsl.height();
    let rand = days_in(adsl, "RANDDT")?;
    // Each column walked in row order across its chunks: a ChunkedArray's
    // iterators, zipped eight times, were half of the section's time, and
    // making each column one chunk copies it.
    let adlb = &labs.frame;
    let subj_c = adlb.column("SUBJ")?.u32()?;
    let code_c = adlb.column("PARAM")?.u32()?;
    let aval_c = adlb.column("AVAL")?.f64()?;
    let lo_c = adlb.column("LO")?.f64()?;
    let hi_c = adlb.column("HI")?.f64()?;
    let adt_c = day_numbers(adlb.column("ADT")?)
        .ok_or_else(|| PolarsError::ComputeError("ADLB: ADT is not a date".into()))?;
    let visit_n_c = adlb.column("AVISITN")?.f64()?;
    let visit_name_c = adlb.column("VISIT")?.u32()?;
    let base_c = adlb.column("BASE")?.bool()?;
    let (mut subj, mut code) = (Walk::new(subj_c), Walk::new(code_c));
    let (mut aval, mut lo, mut hi) = (Walk::new(aval_c), Walk::new(lo_c), Walk::new(hi_c));
    let (mut adt, mut base) = (Walk::new(&adt_c), Walk::new(base_c));
    let (mut visit_n, mut visit_name) = (Walk::new(visit_n_c), Walk::new(visit_name_c));
    let change_visit = trial.labs.change_visit;
    // The section's index of each parameter the records hold.
    let param_of: Vec<Option<usize>> = labs
        .params
        .iter()
        .map(|code| params.iter().position(|p| p == code))
        .collect();

    let mut values = vec![Values::default(); subjects * np];
    let mut with_post = vec![false; subjects];
    let mut visits: Vec<Visit> = Vec::new();
    let mut by_visit: Vec<Vec<Vec<(u32, f64)>>> = vec![Vec::new(); np];
    let mut ranges: Vec<Option<Option<f64>>> = vec![None; np];
    let mut uniform = vec![true; np];
    let mut missing_values = 0usize;
    let mut last_visit: Option<(f64, usize)> = None;
    for row in 0..adlb.height() {
        let Some(value) = aval.get(row) else {
            missing_values += 1;
            continue;
        };
        let (Some(s), Some(day)) = (subj.get(row), adt.get(row)) else {
            continue;
        };
        let s = s as usize;
        let Some(Some(r)) = rand.get(s).copied() else {
            continue;
        };
        let is_base = base.get(row) == Some(true);
        let post = !is_base && day > r;
        if post {
            with_post[s] = true;
        }
        let Some(p) = code
            .get(row)
            .and_then(|c| param_of.get(c as usize).copied().flatten())
        else {
            continue;
        };
        let (l, h) = (lo.get(row), hi.get(row));
        match ranges[p] {
            None => ranges[p] = Some(h),
            Some(first) if first != h => uniform[p] = false,
            _ => {}
        }
        let n = visit_n.get(row);
        let v = &mut values[s * np + p];
        if is_base {
            if v.base.is_none() {
                v.base = Some(value);
                v.base_category = Some(Category::of(value, l, h));
            }
        } else if post {
            v.take(value, study_day(day, r), l, h);
            if v.at_change_visit.is_none() && n == Some(change_visit) {
                v.at_change_visit = Some(value);
            }
        }
        if !trended[p] {
            continue;
        }
        if let Some(n) = n.filter(|n| n.is_finite()) {
            if is_base || post {
                let at = match last_visit {
                    Some((x, at)) if x == n => at,
                    _ => {
                        let at = match visits.iter().position(|x| x.number == n) {
                            Some(at) => at,
                            None => {
                                let name = visit_name
                                    .get(row)
                                    .and_then(|v| labs.visits.get(v as usize));
                                visits.push(Visit {
                                    number: n,
                                    name: name.map_or_else(|| format!("Visit {n}"), String::clone),
                                });
                                for b in &mut by_visit {
                                    b.push(Vec::new());
                                }
                                visits.len() - 1
                            }
                        };
                        last_visit = Some((n, at));
                        at
                    }
                };
                by_visit[p][at].push((s as u32, value));
            }
        }
    }
    // Visits by number.
    let mut order: Vec<usize> = (0..visits.len()).collect();
    order.sort_by(|a, b| visits[*a].number.total_cmp(&visits[*b].number));
    let visits_sorted = order.iter().map(|&i| visits[i].clone()).collect();
    for b in &mut by_visit {
        let mut taken: Vec<Vec<(u32, f64)>> = std::mem::take(b);
        *b = order
            .iter()
            .map(|&i| std::mem::take(&mut taken[i]))
            .collect();
    }
    let uln = ranges
        .iter()
        .zip(&uniform)
        .map(|(r, u)| r.flatten().filter(|_| *u))
        .collect();
    Ok(Pass {
        params,
        values,
        with_post,
        visits: visits_sorted,
        by_visit,
        uln,
        records: adlb.height(),
        missing_values,
        subjects,
    })
}
