//! The laboratory section of a cut (ADLB): the eDISH quadrants (peak
//! ALT or AST against peak bilirubin, in multiples of the upper limit of
//! normal), the potential Hy's law cases with each one's lab profile, shift
//! tables of the baseline against the worst post-baseline category, peaks
//! and nadirs, the values by visit, and the change from baseline at the
//! configured visit; by group and in total for the closed report, in total
//! for the open one (`open.rs` suppresses its counts).
//!
//! Definitions (docs/DATA.md, "Laboratory data"): the analysis population
//! is the subjects with a post-baseline value of any parameter; x =
//! max(peak ALT, peak AST) / ULN, y = peak bilirubin / ULN; the Hy's law
//! range is x >= 3 and y >= 2; a potential Hy's law case is in it with peak
//! ALP < 2 x ULN (or no ALP value after baseline, which cannot rule it
//! out).

mod pass;
mod profile;
mod tables;

pub mod open;

pub use pass::Category;
pub use profile::{subject_profile, LabProfile, ProfileEvent, ProfilePoint, ProfileSeries};

use crate::server::config::TrialConfig;
use crate::server::data::load::Snapshot;
use crate::stats::descriptive::quartiles_type7;
use pass::{pass, pass_of, Pass};
use polars::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;

/// The x and y thresholds of the Hy's law quadrant, and ALP's.
pub const ALT_AST_XULN: f64 = 3.0;
pub const BILI_XULN: f64 = 2.0;
pub const ALP_XULN: f64 = 2.0;

/// The eDISH quadrants of one group (or of all).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Quadrants {
    /// x >= 3 and y >= 2.
    pub hys_law_range: u32,
    /// x >= 3 and y < 2 (Temple's corollary).
    pub temples_corollary: u32,
    /// x < 3 and y >= 2.
    pub cholestasis_range: u32,
    /// x < 3 and y < 2.
    pub normal_range: u32,
    /// In the analysis population without a post-baseline ALT or AST, or
    /// bilirubin, value.
    pub excluded: u32,
    /// In the Hy's law range with ALP < 2 x ULN (or no ALP value).
    pub potential_hys_law: u32,
}

impl Quadrants {
    /// (key, count) of the four quadrants and the excluded, in order.
    pub fn levels(&self) -> [(&'static str, u32); 5] {
        [
            ("hys_law_range", self.hys_law_range),
            ("temples_corollary", self.temples_corollary),
            ("cholestasis_range", self.cholestasis_range),
            ("normal_range", self.normal_range),
            ("excluded", self.excluded),
        ]
    }
}

/// A subject's point on the eDISH plot (closed report).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EdishPoint {
    pub usubjid: String,
    pub arm: String,
    pub x: f64,
    pub y: f64,
}

/// A peak in multiples of the ULN and its study day.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Peak {
    pub xuln: f64,
    pub day: i64,
}

/// A subject in the Hy's law range (closed report).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HysLawCase {
    pub usubjid: String,
    pub arm: String,
    pub alt: Option<Peak>,
    pub ast: Option<Peak>,
    pub bili: Peak,
    pub alp: Option<Peak>,
    /// Peak ALP < 2 x ULN; `None` without an ALP value after baseline.
    pub alp_below_2xuln: Option<bool>,
    pub potential: bool,
}

/// Subject counts by group and in total.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ByGroup<T> {
    pub by_arm: BTreeMap<String, T>,
    pub total: T,
}

/// Baseline category (rows) against the worst post-baseline one (columns),
/// both LOW, NORMAL, HIGH, MISSING.
pub type Shift = [[u32; 4]; 4];

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ShiftTable {
    pub param: String,
    /// "low" or "high": the direction that is worse.
    pub worst: &'static str,
    pub counts: ByGroup<Shift>,
}

/// A sample's n, median and quartiles (type 7).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Quartiles {
    pub n: u32,
    pub median: f64,
    pub q1: f64,
    pub q3: f64,
}

impl Quartiles {
    /// Of `values` (reordered here); `None` when empty.
    pub fn of(values: &mut [f64]) -> Option<Quartiles> {
        let [q1, median, q3] = quartiles_type7(values)?;
        Some(Quartiles {
            n: u32::try_from(values.len()).unwrap_or(u32::MAX),
            median,
            q1,
            q3,
        })
    }
}

/// The peak (or the nadir, where low is worse) of each subject after
/// baseline, summarised.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Extreme {
    pub param: String,
    /// "peak" or "nadir".
    pub statistic: &'static str,
    pub values: ByGroup<Option<Quartiles>>,
}

/// One visit of a trend.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TrendVisit {
    pub visit: f64,
    pub name: String,
    pub values: ByGroup<Option<Quartiles>>,
}

/// A parameter over the visits.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Trend {
    pub param: String,
    pub uln: Option<f64>,
    pub visits: Vec<TrendVisit>,
}

/// Change from baseline of one group: subjects with both values.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct ChangeStats {
    pub n: u32,
    pub mean: f64,
    /// `None` with fewer than two subjects.
    pub sd: Option<f64>,
    /// Mean of 100 (value − baseline) / baseline over subjects with a
    /// non-zero baseline.
    pub mean_percent: Option<f64>,
}

/// Change from baseline at the configured visit.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Change {
    pub param: String,
    pub visit: f64,
    pub visit_name: Option<String>,
    pub values: ByGroup<Option<ChangeStats>>,
}

/// A cut's laboratory section.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LabReport {
    /// The cut carries ADLB.
    pub collected: bool,
    pub records: usize,
    pub records_missing_value: usize,
    /// ALT, AST, BILI, ALP as the trial names them.
    pub liver: [String; 4],
    /// Subjects with a post-baseline value of any parameter.
    pub population: ByGroup<u32>,
    pub quadrants: ByGroup<Quadrants>,
    /// Every subject on the eDISH plot (closed report; empty in the open).
    /// Not in `dsmb summary --json`, which carries the quadrants' counts and
    /// the Hy's law listing (50,000 points would be most of it).
    #[serde(skip_serializing)]
    pub points: Vec<EdishPoint>,
    /// Every subject in the Hy's law range, by subject (closed report).
    pub hys_law: Vec<HysLawCase>,
    /// The lab profile of each subject in `hys_law`, in its order.
    pub profiles: Vec<LabProfile>,
    pub shifts: Vec<ShiftTable>,
    pub extremes: Vec<Extreme>,
    pub trends: Vec<Trend>,
    pub change: Vec<Change>,
    /// Each parameter's label (PARAMCD → "Hemoglobin (g/dL)"): the trial's
    /// `[labs.labels]`, else ADLB's PARAM and AVALU.
    pub labels: BTreeMap<String, String>,
}

/// The labels of `trial`'s parameters: the configured ones over the data's.
pub(super) fn labels(
    trial: &TrialConfig,
    data: BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    let mut out = data;
    out.extend(trial.labs.labels.clone());
    out
}

impl LabReport {
    /// What parameter `code` is called on the pages: its label, or the
    /// code itself.
    pub fn label(&self, code: &str) -> String {
        self.labels
            .get(code)
            .cloned()
            .unwrap_or_else(|| code.to_string())
    }

    /// The section of a cut without ADLB.
    pub fn not_collected(trial: &TrialConfig) -> LabReport {
        LabReport {
            collected: false,
            records: 0,
            records_missing_value: 0,
            liver: liver_codes(trial),
            population: ByGroup::default(),
            quadrants: ByGroup::default(),
            points: Vec::new(),
            hys_law: Vec::new(),
            profiles: Vec::new(),
            shifts: Vec::new(),
            extremes: Vec::new(),
            trends: Vec::new(),
            change: Vec::new(),
            labels: labels(trial, BTreeMap::new()),
        }
    }

    /// The potential Hy's law cases' subjects.
    pub fn potential_hys_law(&self) -> impl Iterator<Item = &HysLawCase> {
        self.hys_law.iter().filter(|c| c.potential)
    }
}

fn liver_codes(trial: &TrialConfig) -> [String; 4] {
    trial.labs.ratio_params().map(str::to_string)
}

/// Each ADSL row's group (its index in `arms`), from `groups`.
pub(crate) struct Groups {
    pub arms: Vec<String>,
    pub of: Vec<Option<usize>>,
}

impl Groups {
    fn new(groups: &BTreeMap<String, Vec<usize>>, subjects: usize) -> Groups {
        let mut of = vec![None; subjects];
        let arms: Vec<String> = groups.keys().cloned().collect();
        for (g, rows) in groups.values().enumerate() {
            for &r in rows {
                if let Some(x) = of.get_mut(r) {
                    *x = Some(g);
                }
            }
        }
        Groups { arms, of }
    }

    /// `finish` of what `add` gathers over `subjects`, for every group and
    /// for all of them.
    pub fn by_group<T, A: Default>(
        &self,
        mut add: impl FnMut(&mut A, usize),
        subjects: impl Iterator<Item = usize> + Clone,
        finish: impl Fn(A) -> T,
    ) -> ByGroup<T> {
        let mut per: Vec<A> = self.arms.iter().map(|_| A::default()).collect();
        let mut total = A::default();
        for s in subjects {
            add(&mut total, s);
            if let Some(g) = self.of[s] {
                add(&mut per[g], s);
            }
        }
        ByGroup {
            by_arm: self
                .arms
                .iter()
                .cloned()
                .zip(per.into_iter().map(&finish))
                .collect(),
            total: finish(total),
        }
    }
}

/// The laboratory section of `snap` over all subjects and each group of
/// `groups` (group -> ADSL rows; none for the open report). With `closed`,
/// the per-subject points, the Hy's law listing and its profiles too.
pub fn lab_report(
    snap: &Snapshot,
    trial: &TrialConfig,
    groups: &BTreeMap<String, Vec<usize>>,
    closed: bool,
) -> PolarsResult<LabReport> {
    unparsed(snap)?;
    let Some(adlb) = &snap.adlb else {
        return Ok(LabReport::not_collected(trial));
    };
    let p: Pass = pass(adlb, &snap.adsl, trial)?;
    let g = Groups::new(groups, p.subjects);
    let population = g.by_group(
        |n: &mut u32, _| *n += 1,
        (0..p.subjects).filter(|&s| p.with_post[s]),
        |n| n,
    );
    let liver = tables::liver(&p, trial, &g, snap, closed)?;
    let mut report = LabReport {
        collected: true,
        records: p.records,
        records_missing_value: p.missing_values,
        liver: liver_codes(trial),
        population,
        quadrants: liver.quadrants,
        points: liver.points,
        hys_law: liver.cases,
        profiles: Vec::new(),
        shifts: tables::shifts(&p, trial, &g),
        extremes: tables::extremes(&p, trial, &g),
        trends: tables::trends(&p, trial, &g),
        change: tables::change(&p, trial, &g),
        labels: labels(trial, adlb.labels()),
    };
    if closed {
        let listed: Vec<(String, String)> = report
            .hys_law
            .iter()
            .map(|c| (c.usubjid.clone(), c.arm.clone()))
            .collect();
        report.profiles = profile::profiles(snap, Some(adlb), trial, &listed)?;
    }
    Ok(report)
}

/// The subjects in the Hy's law range at the cut, by subject, as
/// [`lab_report`] lists them: what "since the last review" compares of an
/// earlier cut, from a pass over the liver tests alone.
pub fn hys_law_cases(
    snap: &Snapshot,
    trial: &TrialConfig,
    groups: &BTreeMap<String, Vec<usize>>,
) -> PolarsResult<Vec<HysLawCase>> {
    unparsed(snap)?;
    let Some(adlb) = &snap.adlb else {
        return Ok(Vec::new());
    };
    let liver = liver_codes(trial).to_vec();
    let p = pass_of(adlb, &snap.adsl, trial, liver)?;
    let g = Groups::new(groups, p.subjects);
    Ok(tables::liver(&p, trial, &g, snap, true)?.cases)
}

/// A snapshot whose ADLB was left unparsed has no laboratory section (it
/// would read as "not collected").
fn unparsed(snap: &Snapshot) -> PolarsResult<()> {
    if snap.labs_skipped {
        return Err(PolarsError::ComputeError(
            "the cut's ADLB was read without its records: no laboratory section from it".into(),
        ));
    }
    Ok(())
}
