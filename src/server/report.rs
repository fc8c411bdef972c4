//! The reports computed from a validated [`Snapshot`]: [`OpenReport`]
//! (pooled, for the sponsor) and [`ClosedReport`] (by arm, for the DSMB and
//! the independent statistician). Plain serde structs; the same numbers feed
//! the pages and `dsmb summary --json`.
//!
//! The firewall is in the types: `OpenReport` has no field indexed by arm,
//! and [`open_report`] refuses a snapshot loaded at the closed level.

use super::cut::{FileDigest, Level, Snapshot};
use super::trial::{RiskDifferenceCi, SafetyCategory, TrialConfig};
use crate::stats::proportions::{clopper_pearson, compare, TestName, TestRule, TwoByTwo};
use crate::stats::rates;
use polars::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// Cumulative enrollment at the end of a calendar month.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MonthCount {
    /// `YYYY-MM`.
    pub month: String,
    pub enrolled: u32,
}

/// Pooled enrollment.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OpenEnrollment {
    pub total: u32,
    pub target: u32,
    pub by_site: BTreeMap<String, u32>,
    pub cumulative_by_month: Vec<MonthCount>,
}

/// A pooled count, suppressed when it is below the small-cell threshold.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OpenRate {
    pub category: String,
    /// Subjects with at least one event; `None` when suppressed.
    pub subjects: Option<u32>,
    pub n: u32,
    pub percent: Option<f64>,
    pub ci95: Option<[f64; 2]>,
    pub suppressed: bool,
}

/// Pooled primary-endpoint events.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OpenPrimary {
    pub name: String,
    pub events: Option<u32>,
    pub n: u32,
    pub suppressed: bool,
}

/// What the sponsor may see: pooled aggregates only.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OpenReport {
    pub trial: String,
    pub title: String,
    pub cut_date: String,
    pub view: &'static str,
    pub files: Vec<FileDigest>,
    pub small_cell_threshold: u32,
    pub enrollment: OpenEnrollment,
    pub safety: Vec<OpenRate>,
    pub primary: OpenPrimary,
}

/// Subjects with an event among `n`, with percent and exact 95% CI.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Rate {
    pub subjects: u32,
    pub n: u32,
    pub percent: Option<f64>,
    pub ci95: Option<[f64; 2]>,
}

impl Rate {
    fn new(subjects: u32, n: u32) -> Self {
        Rate {
            subjects,
            n,
            percent: (n > 0).then(|| 100.0 * f64::from(subjects) / f64::from(n)),
            ci95: clopper_pearson(u64::from(subjects), u64::from(n), 0.95).map(|(a, b)| [a, b]),
        }
    }
}

/// An estimate with its 95% interval.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Estimate {
    pub estimate: f64,
    pub ci95: [f64; 2],
}

impl Estimate {
    fn from(e: Option<(f64, (f64, f64))>) -> Option<Estimate> {
        e.map(|(estimate, (lo, hi))| Estimate {
            estimate,
            ci95: [lo, hi],
        })
    }
}

/// Events per 100 patient-years with the exact Poisson interval.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct IncidenceRate {
    pub events: u64,
    pub patient_years: f64,
    pub per_100_patient_years: f64,
    pub ci95: [f64; 2],
}

/// The ratio of two arms' event rates with the exact conditional interval
/// and test.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct RateRatio {
    pub estimate: f64,
    pub ci95: [f64; 2],
    pub p_value: f64,
}

/// One arm compared with the reference arm.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ArmComparison {
    pub arm: String,
    pub reference: String,
    pub p_value: f64,
    pub test: TestName,
    /// Arm minus reference, with the interval the trial's analysis names.
    pub risk_difference: Option<Estimate>,
    /// Katz log interval; null when an arm has no events.
    pub risk_ratio: Option<Estimate>,
    /// Woolf log interval; null when a cell is empty.
    pub odds_ratio: Option<Estimate>,
    /// Exposure-adjusted event rates, arm over reference.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate_ratio: Option<RateRatio>,
}

/// A safety category by arm.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClosedRate {
    pub category: String,
    pub subjects: u32,
    pub n: u32,
    pub percent: Option<f64>,
    pub ci95: Option<[f64; 2]>,
    pub by_arm: BTreeMap<String, Rate>,
    /// With two arms: the test by the trial's rule and its p-value.
    pub p_value: Option<f64>,
    pub test: Option<TestName>,
    /// With two arms: treatment minus reference.
    pub risk_difference: Option<Estimate>,
    /// Exposure-adjusted event rates by arm (all events of the category per
    /// 100 patient-years), when the trial names the exposure time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub incidence: Option<BTreeMap<String, IncidenceRate>>,
    /// Every arm against the reference arm.
    pub comparisons: Vec<ArmComparison>,
    /// Cumulative incidence of a first event by study day, by arm (death
    /// the competing risk; see `safety_time`).
    pub cumulative_incidence: BTreeMap<String, super::safety_time::IncidenceCurve>,
}

/// Events and subjects.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct EventsN {
    pub events: u32,
    pub n: u32,
}

/// Closed enrollment.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClosedEnrollment {
    pub total: u32,
    pub target: u32,
    pub by_site: BTreeMap<String, u32>,
    pub by_arm: BTreeMap<String, u32>,
    pub by_site_arm: BTreeMap<String, BTreeMap<String, u32>>,
    pub cumulative_by_month: Vec<MonthCount>,
    /// Each arm's cumulative randomizations at month ends (same months).
    pub cumulative_by_arm_month: BTreeMap<String, Vec<MonthCount>>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClosedPrimary {
    pub name: String,
    pub events: u32,
    pub n: u32,
    pub by_arm: BTreeMap<String, EventsN>,
    /// Time-to-event primary endpoints: Kaplan-Meier by arm, `logrank_p`,
    /// and `cox` (each arm against the reference).
    #[serde(flatten)]
    pub survival: Option<super::efficacy::SurvivalSummary>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SubgroupRow {
    pub variable: String,
    pub level: String,
    pub by_arm: BTreeMap<String, EventsN>,
    /// Time-to-event primary endpoints: the compared arms' hazard ratio
    /// within the level (null when not estimable).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hazard_ratio: Option<super::efficacy::CoxRow>,
}

/// Treatment-by-subgroup interaction for one subgroup variable.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SubgroupInteraction {
    pub variable: String,
    /// Likelihood-ratio test from Cox models (time-to-event primary).
    pub chisq: f64,
    pub df: usize,
    pub p: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ArmInfo {
    pub code: String,
    pub label: String,
}

/// What the DSMB and the independent statistician see: results by arm.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClosedReport {
    pub trial: String,
    pub title: String,
    pub cut_date: String,
    pub view: &'static str,
    pub files: Vec<FileDigest>,
    pub arms: Vec<ArmInfo>,
    pub enrollment: ClosedEnrollment,
    pub safety: Vec<ClosedRate>,
    pub primary: ClosedPrimary,
    pub subgroups: Vec<SubgroupRow>,
    /// Time-to-event primary endpoints: one interaction test per subgroup
    /// variable.
    pub subgroup_interactions: Vec<SubgroupInteraction>,
    /// The group-sequential look (binary endpoint, two arms); null otherwise.
    pub interim: Option<Interim>,
    /// The study days at which each category's `cumulative_incidence` is
    /// tabulated (`at_days`).
    pub incidence_days: Vec<f64>,
    /// Serious and fatal adverse events, by arm, subject and onset day.
    pub serious_events: Vec<super::safety_time::SeriousEvent>,
}

/// Conditional power under three assumptions about the effect.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ConditionalPowers {
    /// Under the design's assumed rates (null when the design gives none).
    pub design: Option<f64>,
    /// Under the rates observed so far.
    pub trend: f64,
    /// Under the null hypothesis (the conditional rejection probability).
    pub null: f64,
}

/// One point of a conditional-power curve.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CurvePoint {
    /// The effect on the interim block's `effect_measure` scale.
    pub effect: f64,
    pub conditional_power: f64,
}

/// Where the trial stands at this cut in its group-sequential design.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Interim {
    /// The planned look this cut is (1-based).
    pub look: usize,
    /// Information so far over the planned total (see `information`).
    pub information_fraction: f64,
    /// What the information is counted in.
    pub information: &'static str,
    /// The planned information at the final look (subjects or events).
    pub planned_information: f64,
    /// What the design's power needs at its assumptions (subjects or
    /// events at the final look, with the group-sequential inflation): a
    /// check of the design; null when the design gives no effect.
    pub required_information: Option<f64>,
    /// What `repeated_ci` and the curve's `effect` are.
    pub effect_measure: &'static str,
    /// The compared arms (codes).
    pub treatment: String,
    pub reference: String,
    /// The fractions the boundaries were recomputed at (earlier and later
    /// looks as planned, this one as observed).
    pub fractions: Vec<f64>,
    pub evaluable: BTreeMap<String, EventsN>,
    /// The test statistic, treatment against the reference arm (positive
    /// favours treatment).
    pub z: f64,
    pub b_value: f64,
    pub efficacy_bound: f64,
    pub efficacy_bounds: Vec<f64>,
    pub futility_bound: Option<f64>,
    /// Null at the final look.
    pub conditional_power: Option<ConditionalPowers>,
    /// Flat prior, final analysis; null at the final look.
    pub predictive_power: Option<f64>,
    /// Conditional power over a range of effects (`effect_measure`; for
    /// rates the reference at its observed rate); empty at the final look.
    pub conditional_power_curve: Vec<CurvePoint>,
    /// Repeated confidence interval of the effect at this look's boundary.
    pub repeated_ci: [f64; 2],
    pub repeated_p_value: f64,
    pub verdict: String,
}
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("the open report is computed from a snapshot loaded at the open level only")]
    NotOpen,
    #[error("the closed report needs a snapshot loaded at the closed level")]
    NotClosed,
    #[error("computing the report failed: {0}")]
    Polars(#[from] PolarsError),
}

fn u32_of(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Counts per value of the text column `key` of `lf`.
fn count_by(lf: LazyFrame, key: &str) -> Result<HashMap<String, u32>, PolarsError> {
    let df = lf
        .group_by([col(key)])
        .agg([len().cast(DataType::UInt32).alias("n")])
        .collect()?;
    let keys = df.column(key)?.str()?.clone();
    let n = df.column("n")?.u32()?.clone();
    Ok(keys
        .iter()
        .zip(n.iter())
        .map(|(k, n)| (k.unwrap_or_default().to_string(), n.unwrap_or(0)))
        .collect())
}

/// Counts per (key1, key2).
fn count_by2(
    lf: LazyFrame,
    k1: &str,
    k2: &str,
) -> Result<HashMap<(String, String), u32>, PolarsError> {
    let df = lf
        .group_by([col(k1), col(k2)])
        .agg([len().cast(DataType::UInt32).alias("n")])
        .collect()?;
    let a = df.column(k1)?.str()?.clone();
    let b = df.column(k2)?.str()?.clone();
    let n = df.column("n")?.u32()?.clone();
    Ok(a.iter()
        .zip(b.iter())
        .zip(n.iter())
        .map(|((a, b), n)| {
            (
                (
                    a.unwrap_or_default().to_string(),
                    b.unwrap_or_default().to_string(),
                ),
                n.unwrap_or(0),
            )
        })
        .collect())
}

fn cumulative_by_month(snap: &Snapshot) -> Result<Vec<MonthCount>, PolarsError> {
    cumulative_by_month_of(snap, None)
}

/// Cumulative randomizations at the end of each month from the first
/// randomization's month to the last's (months without any included), of
/// all subjects or of those randomized to `arm` (closed snapshots): every
/// arm's series has the same months.
fn cumulative_by_month_of(
    snap: &Snapshot,
    arm: Option<&str>,
) -> Result<Vec<MonthCount>, PolarsError> {
    let days = snap.adsl.column("RANDDT")?.cast(&DataType::Int32)?;
    let arms: Option<Vec<Option<String>>> = match arm {
        Some(_) => Some(
            snap.adsl
                .column("ARM")?
                .str()?
                .iter()
                .map(|v| v.map(str::to_string))
                .collect(),
        ),
        None => None,
    };
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch");
    let month_of = |d: i32| {
        (epoch + chrono::Duration::days(i64::from(d)))
            .format("%Y-%m")
            .to_string()
    };
    let mut months: BTreeMap<String, u32> = BTreeMap::new();
    let (mut first, mut last): (Option<String>, Option<String>) = (None, None);
    for (i, d) in days.i32()?.iter().enumerate() {
        let Some(d) = d else { continue };
        let m = month_of(d);
        if first.as_ref().is_none_or(|f| m < *f) {
            first = Some(m.clone());
        }
        if last.as_ref().is_none_or(|l| m > *l) {
            last = Some(m.clone());
        }
        let counted = match (&arms, arm) {
            (Some(a), Some(want)) => a.get(i).and_then(|x| x.as_deref()) == Some(want),
            _ => true,
        };
        let e = months.entry(m).or_insert(0);
        if counted {
            *e += 1;
        }
    }
    // Fill months without randomizations so the series is continuous.
    let mut out = Vec::new();
    let (Some(first), Some(last)) = (first, last) else {
        return Ok(out);
    };
    let parse = |m: &str| chrono::NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d").ok();
    let (Some(mut m), Some(end)) = (parse(&first), parse(&last)) else {
        return Ok(out);
    };
    let mut total = 0;
    while m <= end {
        let key = m.format("%Y-%m").to_string();
        total += months.get(&key).copied().unwrap_or(0);
        out.push(MonthCount {
            month: key,
            enrolled: total,
        });
        m = m
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(end + chrono::Duration::days(1));
    }
    Ok(out)
}

fn by_site(snap: &Snapshot) -> Result<BTreeMap<String, u32>, PolarsError> {
    Ok(count_by(snap.adsl.clone().lazy(), "SITEID")?
        .into_iter()
        .collect())
}

/// The filter of one safety category over ADAE rows: every condition holds
/// (a missing value matches nothing).
pub(crate) fn category_expr(cat: &SafetyCategory) -> Expr {
    cat.conditions
        .iter()
        .map(|cond| {
            let values: Vec<&str> = match (&cond.equals, &cond.any_of) {
                (Some(v), _) => vec![v.as_str()],
                (None, Some(vs)) => vs.iter().map(String::as_str).collect(),
                (None, None) => vec![],
            };
            values
                .into_iter()
                .map(|v| col(cond.column.as_str()).eq(lit(v)))
                .reduce(|a, b| a.or(b))
                .unwrap_or(lit(false))
                .fill_null(lit(false))
        })
        .reduce(|a, b| a.and(b))
        .unwrap_or(lit(false))
}

/// Subjects with a primary-endpoint event.
fn primary_subjects(snap: &Snapshot, trial: &TrialConfig) -> LazyFrame {
    if let Some(code) = &trial.primary.adtte_paramcd {
        snap.adtte
            .clone()
            .lazy()
            .filter(
                col("PARAMCD")
                    .eq(lit(code.as_str()))
                    .and(col("CNSR").eq(lit(0))),
            )
            .select([col("USUBJID")])
            .unique(None, UniqueKeepStrategy::First)
    } else {
        let value = trial.primary.event_value.clone().unwrap_or_default();
        snap.adsl
            .clone()
            .lazy()
            .filter(col("PRIMFL").eq(lit(value)))
            .select([col("USUBJID")])
    }
}

fn cat_name(k: usize) -> String {
    format!("CAT{k}")
}

/// One row per ADSL subject: the ADSL columns, `CAT0..` (the subject has at
/// least one event of safety category k) and `PRIMEV` (a primary-endpoint
/// event). Computed in one pass over ADAE.
fn subject_frame(snap: &Snapshot, trial: &TrialConfig) -> Result<DataFrame, PolarsError> {
    let mut flags: Vec<Expr> = trial
        .safety
        .iter()
        .enumerate()
        .map(|(k, cat)| category_expr(cat).any(true).alias(cat_name(k)))
        .collect();
    let mut adsl = snap.adsl.clone().lazy();
    if !flags.is_empty() {
        let per_subject = snap
            .adae
            .clone()
            .lazy()
            .group_by([col("USUBJID")])
            .agg(std::mem::take(&mut flags));
        adsl = adsl.join(
            per_subject,
            [col("USUBJID")],
            [col("USUBJID")],
            JoinArgs::new(JoinType::Left),
        );
    }
    let primary = primary_subjects(snap, trial).with_column(lit(true).alias("PRIMEV"));
    let fill: Vec<Expr> = (0..trial.safety.len())
        .map(|k| col(cat_name(k)).fill_null(lit(false)))
        .chain([col("PRIMEV").fill_null(lit(false))])
        .collect();
    adsl.join(
        primary,
        [col("USUBJID")],
        [col("USUBJID")],
        JoinArgs::new(JoinType::Left),
    )
    .with_columns(fill)
    .collect()
}

/// Total exposure (follow-up) per arm in years (days / 365.25), from the
/// ADSL column or the ADTTE parameter the trial names; `None` when it names
/// none.
fn exposure_years_by_arm(
    snap: &Snapshot,
    trial: &TrialConfig,
) -> Result<Option<HashMap<String, f64>>, PolarsError> {
    let Some(e) = &trial.analysis.exposure else {
        return Ok(None);
    };
    let arms = snap
        .adsl
        .clone()
        .lazy()
        .select([col("USUBJID"), col("ARM")]);
    let days = if e.adsl_days.is_some() {
        // The loader keeps the configured column as EXPDAYS (Float64).
        snap.adsl
            .clone()
            .lazy()
            .select([col("ARM"), col("EXPDAYS").alias("DAYS")])
    } else if let Some(code) = &e.adtte_paramcd {
        snap.adtte
            .clone()
            .lazy()
            .filter(col("PARAMCD").eq(lit(code.as_str())))
            .select([
                col("USUBJID"),
                col("AVAL").cast(DataType::Float64).alias("DAYS"),
            ])
            .join(
                arms,
                [col("USUBJID")],
                [col("USUBJID")],
                JoinArgs::new(JoinType::Inner),
            )
            .select([col("ARM"), col("DAYS")])
    } else {
        return Ok(None);
    };
    let df = days
        .group_by([col("ARM")])
        .agg([col("DAYS").sum()])
        .collect()?;
    let arm = df.column("ARM")?.str()?.clone();
    let d = df.column("DAYS")?.f64()?.clone();
    Ok(Some(
        arm.iter()
            .zip(d.iter())
            .filter_map(|(a, d)| Some((a?.to_string(), d? / 365.25)))
            .collect(),
    ))
}

/// ADAE records of a safety category per arm (every occurrence).
fn event_counts_by_arm(
    snap: &Snapshot,
    cat: &SafetyCategory,
) -> Result<HashMap<String, u64>, PolarsError> {
    let lf = snap
        .adae
        .clone()
        .lazy()
        .filter(category_expr(cat).fill_null(lit(false)))
        .select([col("USUBJID")])
        .join(
            snap.adsl
                .clone()
                .lazy()
                .select([col("USUBJID"), col("ARM")]),
            [col("USUBJID")],
            [col("USUBJID")],
            JoinArgs::new(JoinType::Inner),
        );
    Ok(count_by(lf, "ARM")?
        .into_iter()
        .map(|(k, v)| (k, u64::from(v)))
        .collect())
}

/// The sums a report needs: subjects, subjects with each category, subjects
/// with a primary event; grouped by arm when `by_arm`.
fn sums(
    lf: LazyFrame,
    categories: usize,
    by_arm: bool,
) -> Result<Vec<(String, Vec<u32>)>, PolarsError> {
    let mut aggs = vec![len().cast(DataType::UInt32).alias("N")];
    aggs.extend((0..categories).map(|k| {
        col(cat_name(k))
            .cast(DataType::UInt32)
            .sum()
            .alias(cat_name(k))
    }));
    aggs.push(col("PRIMEV").cast(DataType::UInt32).sum().alias("PRIMEV"));
    let df = if by_arm {
        lf.group_by([col("ARM")]).agg(aggs).collect()?
    } else {
        lf.select(aggs).collect()?
    };
    let mut names: Vec<String> = vec!["N".into()];
    names.extend((0..categories).map(cat_name));
    names.push("PRIMEV".into());
    let columns: Vec<UInt32Chunked> = names
        .iter()
        .map(|n| Ok(df.column(n)?.cast(&DataType::UInt32)?.u32()?.clone()))
        .collect::<Result<_, PolarsError>>()?;
    let keys: Vec<String> = if by_arm {
        df.column("ARM")?
            .str()?
            .iter()
            .map(|k| k.unwrap_or_default().to_string())
            .collect()
    } else {
        vec![String::new(); df.height()]
    };
    Ok(keys
        .into_iter()
        .enumerate()
        .map(|(row, key)| {
            let values = columns.iter().map(|c| c.get(row).unwrap_or(0)).collect();
            (key, values)
        })
        .collect())
}

fn suppress(count: u32, threshold: u32) -> Option<u32> {
    (count == 0 || count >= threshold).then_some(count)
}

/// The pooled report. Refuses a closed-level snapshot: the open path is
/// computed from blinded frames only.
pub fn open_report(snap: &Snapshot, trial: &TrialConfig) -> Result<OpenReport, ReportError> {
    if snap.level != Level::Open || snap.adsl.column("ARM").is_ok() {
        return Err(ReportError::NotOpen);
    }
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

/// The closed report, by arm.
pub fn closed_report(snap: &Snapshot, trial: &TrialConfig) -> Result<ClosedReport, ReportError> {
    let rule: TestRule = trial.analysis.safety_test;
    if snap.level != Level::Closed || snap.adsl.column("ARM").is_err() {
        return Err(ReportError::NotClosed);
    }
    let codes: Vec<&str> = trial.arms.iter().map(|a| a.code.as_str()).collect();
    let reference = codes[0];
    let total = u32_of(snap.adsl.height());

    let mut by_site_arm: BTreeMap<String, BTreeMap<String, u32>> = BTreeMap::new();
    for ((site, arm), n) in count_by2(snap.adsl.clone().lazy(), "SITEID", "ARM")? {
        by_site_arm.entry(site).or_default().insert(arm, n);
    }
    for arms in by_site_arm.values_mut() {
        for c in &codes {
            arms.entry(c.to_string()).or_insert(0);
        }
    }

    let subjects = subject_frame(snap, trial)?;
    let ncat = trial.safety.len();
    let per_arm: HashMap<String, Vec<u32>> = sums(subjects.clone().lazy(), ncat, true)?
        .into_iter()
        .collect();
    let arm_value = |arm: &str, i: usize| {
        per_arm
            .get(arm)
            .and_then(|v| v.get(i))
            .copied()
            .unwrap_or(0)
    };

    let exposure = exposure_years_by_arm(snap, trial)?;
    let incidence_days = super::safety_time::incidence_days(trial);
    let subjects_by_day = super::safety_time::Subjects::of(snap)?;
    let mut safety = Vec::new();
    for (k, cat) in trial.safety.iter().enumerate() {
        let cumulative_incidence = super::safety_time::cumulative_incidence(
            snap,
            &subjects_by_day,
            cat,
            &codes,
            &incidence_days,
        )?;
        let incidence: Option<BTreeMap<String, IncidenceRate>> = match &exposure {
            Some(years) => {
                let counts = event_counts_by_arm(snap, cat)?;
                Some(
                    codes
                        .iter()
                        .filter_map(|c| {
                            let events = counts.get(*c).copied().unwrap_or(0);
                            let py = years.get(*c).copied().unwrap_or(0.0);
                            rates::incidence_rate(events, py, 100.0, 0.95).map(|(r, (lo, hi))| {
                                (
                                    c.to_string(),
                                    IncidenceRate {
                                        events,
                                        patient_years: py,
                                        per_100_patient_years: r,
                                        ci95: [lo, hi],
                                    },
                                )
                            })
                        })
                        .collect(),
                )
            }
            None => None,
        };
        let by_arm: BTreeMap<String, Rate> = codes
            .iter()
            .map(|c| {
                (
                    c.to_string(),
                    Rate::new(arm_value(c, 1 + k), arm_value(c, 0)),
                )
            })
            .collect();
        let count: u32 = codes.iter().map(|c| arm_value(c, 1 + k)).sum();
        let pooled = Rate::new(count, total);
        let comparisons: Vec<ArmComparison> = codes[1..]
            .iter()
            .filter_map(|c| {
                let t = TwoByTwo {
                    events_1: u64::from(arm_value(c, 1 + k)),
                    n_1: u64::from(arm_value(c, 0)),
                    events_2: u64::from(arm_value(reference, 1 + k)),
                    n_2: u64::from(arm_value(reference, 0)),
                };
                let (x1, n1, x2, n2) = (t.events_1, t.n_1, t.events_2, t.n_2);
                let rd = match trial.analysis.risk_difference_ci {
                    RiskDifferenceCi::Newcombe => rates::newcombe(x1, n1, x2, n2, 0.95),
                    RiskDifferenceCi::MiettinenNurminen => {
                        rates::miettinen_nurminen(x1, n1, x2, n2, 0.95)
                    }
                };
                compare(&t, rule, trial.analysis.continuity_correction).map(|cmp| ArmComparison {
                    arm: c.to_string(),
                    reference: reference.to_string(),
                    p_value: cmp.p_value,
                    test: cmp.test,
                    risk_difference: Estimate::from(rd),
                    risk_ratio: Estimate::from(rates::risk_ratio(x1, n1, x2, n2, 0.95)),
                    odds_ratio: Estimate::from(rates::odds_ratio(x1, n1, x2, n2, 0.95)),
                    rate_ratio: incidence.as_ref().and_then(|m| {
                        let (a, b) = (m.get(*c)?, m.get(reference)?);
                        rates::rate_ratio(
                            a.events,
                            a.patient_years,
                            b.events,
                            b.patient_years,
                            0.95,
                        )
                        .map(|(estimate, (lo, hi), p_value)| RateRatio {
                            estimate,
                            ci95: [lo, hi],
                            p_value,
                        })
                    }),
                })
            })
            .collect();
        let (p_value, test, risk_difference) = match comparisons.as_slice() {
            [only] if codes.len() == 2 => {
                (Some(only.p_value), Some(only.test), only.risk_difference)
            }
            _ => (None, None, None),
        };
        safety.push(ClosedRate {
            category: cat.name.clone(),
            subjects: count,
            n: total,
            percent: pooled.percent,
            ci95: pooled.ci95,
            by_arm,
            p_value,
            test,
            risk_difference,
            incidence,
            comparisons,
            cumulative_incidence,
        });
    }

    let events_n = |per: &HashMap<String, Vec<u32>>| -> BTreeMap<String, EventsN> {
        codes
            .iter()
            .map(|c| {
                let v = per.get(*c);
                let get = |i: usize| v.and_then(|v| v.get(i)).copied().unwrap_or(0);
                (
                    c.to_string(),
                    EventsN {
                        events: get(1 + ncat),
                        n: get(0),
                    },
                )
            })
            .collect()
    };
    let primary_by_arm = events_n(&per_arm);
    let tte = if trial.design.endpoint == super::trial::EndpointKind::TimeToEvent {
        super::efficacy::time_to_event(snap, trial)?
    } else {
        None
    };
    let primary = ClosedPrimary {
        name: trial.primary.name.clone(),
        events: primary_by_arm.values().map(|e| e.events).sum(),
        n: total,
        by_arm: primary_by_arm,
        survival: tte
            .as_ref()
            .map(|d| super::efficacy::survival_summary(d, trial)),
    };

    let mut subgroups = Vec::new();
    let mut subgroup_interactions = Vec::new();
    let compared = compared_arms(trial);
    let tte_two = match (&tte, compared) {
        (Some(d), Some((ri, ti))) => Some(d.two_arms(ri, ti)),
        _ => None,
    };
    for s in &trial.subgroups {
        let v = s.variable.as_str();
        let levels: Vec<(String, Expr)> = if let Some(cuts) = &s.cuts {
            let fmt = |x: f64| {
                if x.fract() == 0.0 {
                    format!("{x:.0}")
                } else {
                    format!("{x}")
                }
            };
            let mut out = vec![(format!("<={}", fmt(cuts[0])), col(v).lt_eq(lit(cuts[0])))];
            for w in cuts.windows(2) {
                out.push((
                    format!("({},{}]", fmt(w[0]), fmt(w[1])),
                    col(v).gt(lit(w[0])).and(col(v).lt_eq(lit(w[1]))),
                ));
            }
            let last = cuts[cuts.len() - 1];
            out.push((format!(">{}", fmt(last)), col(v).gt(lit(last))));
            if let Some(labels) = &s.labels {
                for (level, label) in out.iter_mut().zip(labels) {
                    level.0 = label.clone();
                }
            }
            out
        } else {
            s.levels
                .iter()
                .flatten()
                .map(|l| {
                    let expr = l
                        .values
                        .iter()
                        .map(|x| col(v).eq(lit(x.as_str())))
                        .reduce(|a, b| a.or(b))
                        .unwrap_or(lit(false));
                    (l.label.clone(), expr)
                })
                .collect()
        };
        let first = subgroups.len();
        let mut level_of: Vec<Option<usize>> = tte_two
            .as_ref()
            .map_or_else(Vec::new, |d| vec![None; d.time.len()]);
        for (li, (label, filter)) in levels.iter().enumerate() {
            let in_level = subjects
                .clone()
                .lazy()
                .filter(filter.clone().fill_null(lit(false)));
            if let Some(d) = &tte_two {
                let ids = in_level.clone().select([col("USUBJID")]).collect()?;
                let ids: std::collections::HashSet<&str> =
                    ids.column("USUBJID")?.str()?.iter().flatten().collect();
                for (i, id) in d.usubjid.iter().enumerate() {
                    if ids.contains(id.as_str()) {
                        level_of[i] = Some(li);
                    }
                }
            }
            let per: HashMap<String, Vec<u32>> = sums(in_level, ncat, true)?.into_iter().collect();
            subgroups.push(SubgroupRow {
                variable: s.variable.clone(),
                level: label.clone(),
                by_arm: events_n(&per),
                hazard_ratio: None,
            });
        }
        if let (Some(d), Some((_, ti))) = (&tte_two, compared) {
            let fx = super::efficacy::subgroup_effects(
                d,
                &level_of,
                levels.len(),
                &trial.arms[ti].code,
                super::efficacy::ties(trial),
            );
            for (row, hr) in subgroups[first..].iter_mut().zip(fx.hazard_ratios) {
                row.hazard_ratio = hr;
            }
            if let Some(t) = fx.interaction {
                subgroup_interactions.push(SubgroupInteraction {
                    variable: s.variable.clone(),
                    chisq: t.chisq,
                    df: t.df,
                    p: t.p,
                });
            }
        }
    }

    Ok(ClosedReport {
        trial: trial.id.clone(),
        title: trial.title.clone(),
        cut_date: snap.cut_date.to_string(),
        view: "closed",
        files: snap.files.clone(),
        arms: trial
            .arms
            .iter()
            .map(|a| ArmInfo {
                code: a.code.clone(),
                label: a.label.clone(),
            })
            .collect(),
        enrollment: ClosedEnrollment {
            total,
            target: trial.enrollment.target,
            by_site: by_site(snap)?,
            by_arm: codes
                .iter()
                .map(|c| (c.to_string(), arm_value(c, 0)))
                .collect(),
            by_site_arm,
            cumulative_by_month: cumulative_by_month(snap)?,
            cumulative_by_arm_month: codes
                .iter()
                .map(|c| Ok((c.to_string(), cumulative_by_month_of(snap, Some(c))?)))
                .collect::<Result<_, PolarsError>>()?,
        },
        safety,
        primary,
        subgroups,
        subgroup_interactions,
        interim: interim(
            snap,
            trial,
            &per_arm_primary_events(&per_arm, ncat),
            tte.as_ref(),
        )?,
        incidence_days,
        serious_events: super::safety_time::serious_events(snap, &subjects_by_day)?,
    })
}

fn per_arm_primary_events(
    per_arm: &HashMap<String, Vec<u32>>,
    ncat: usize,
) -> HashMap<String, u32> {
    per_arm
        .iter()
        .map(|(k, v)| (k.clone(), v.get(1 + ncat).copied().unwrap_or(0)))
        .collect()
}

/// The group-sequential design at this cut's look: which planned look the
/// cut is, the fractions the boundaries are recomputed at, and the bounds.
struct LookPlan {
    /// 0-based index of this look.
    look: usize,
    fractions: Vec<f64>,
    efficacy: Vec<f64>,
    futility: Option<Vec<f64>>,
    binding: bool,
    two_sided: bool,
    rule: crate::stats::gsd::EfficacyRule,
}

impl LookPlan {
    fn design(&self) -> crate::stats::interim::Design<'_> {
        crate::stats::interim::Design {
            t: &self.fractions,
            efficacy: &self.efficacy,
            futility: self.futility.as_deref(),
            binding: self.binding,
            two_sided: self.two_sided,
        }
    }

    fn is_last(&self) -> bool {
        self.look + 1 == self.fractions.len()
    }

    /// The interim block: what the endpoint's analysis found, placed in the
    /// design (boundaries, B-value, verdict, repeated p-value).
    fn interim(&self, design: &super::trial::Design, f: LookFindings) -> Interim {
        use crate::stats::interim::{b_value, repeated_p_value};
        let k = self.look + 1;
        Interim {
            look: k,
            information_fraction: f.information_fraction,
            information: f.information,
            planned_information: f.planned_information,
            required_information: f.required_information,
            effect_measure: f.effect_measure,
            treatment: f.treatment,
            reference: f.reference,
            fractions: self.fractions.clone(),
            evaluable: f.evaluable,
            z: f.z,
            b_value: b_value(self.fractions[self.look], f.z),
            efficacy_bound: self.efficacy[self.look],
            efficacy_bounds: self.efficacy.clone(),
            futility_bound: self
                .futility
                .as_ref()
                .and_then(|v| v.get(self.look).copied()),
            verdict: verdict(self, design, f.z, f.conditional_power.as_ref()),
            conditional_power: f.conditional_power,
            predictive_power: f.predictive_power,
            conditional_power_curve: f.curve,
            repeated_ci: f.repeated_ci,
            repeated_p_value: repeated_p_value(&self.fractions, k, f.z, self.two_sided, self.rule),
        }
    }

    /// The planned information still to come at each later look, as a
    /// multiple of `total` (subjects or events at the planned final look).
    fn remaining(&self, total: f64) -> Vec<f64> {
        self.fractions[self.look..]
            .windows(2)
            .map(|w| (w[1] - w[0]) * total)
            .collect()
    }
}

/// What an endpoint's analysis found at a look, before it is placed in the
/// design by [`LookPlan::interim`].
struct LookFindings {
    information_fraction: f64,
    information: &'static str,
    planned_information: f64,
    required_information: Option<f64>,
    effect_measure: &'static str,
    treatment: String,
    reference: String,
    evaluable: BTreeMap<String, EventsN>,
    z: f64,
    conditional_power: Option<ConditionalPowers>,
    predictive_power: Option<f64>,
    curve: Vec<CurvePoint>,
    repeated_ci: [f64; 2],
}

/// Plan the look for observed information fraction `t_obs`: the cut is the
/// planned look nearest to it. An interim look is recomputed at the observed
/// fraction (later looks as planned); at the final look every fraction is
/// taken relative to the information actually reached, so that the whole
/// alpha is spent (under- and over-running). Beta-spending futility bounds
/// (one-sided designs with spending efficacy bounds) are recomputed too;
/// binding ones lower the efficacy bounds.
fn plan_look(design: &super::trial::Design, t_obs: f64) -> Option<LookPlan> {
    use super::trial::Sided;
    use crate::stats::gsd::{efficacy_boundaries, futility_design, EfficacyRule};
    let rule: EfficacyRule = design.efficacy_spending.parse().ok()?;
    if !(t_obs > 0.0 && t_obs.is_finite()) {
        return None;
    }
    let planned = &design.looks;
    let look = planned
        .iter()
        .enumerate()
        .min_by(|a, b| (a.1 - t_obs).abs().total_cmp(&(b.1 - t_obs).abs()))
        .map(|(i, _)| i)?;
    let mut fractions: Vec<f64> = planned.clone();
    if look + 1 == planned.len() {
        fractions = planned[..look].iter().map(|f| f / t_obs).collect();
        fractions.push(1.0);
    } else {
        fractions[look] = t_obs;
    }
    let valid = fractions.windows(2).all(|w| w[0] < w[1]) && fractions[0] > 0.0;
    if !valid {
        return None;
    }
    let two_sided = design.sided == Sided::Two;
    let mut efficacy = efficacy_boundaries(&fractions, design.alpha, two_sided, rule).efficacy;
    let fut = design.futility.as_ref();
    let binding = fut.is_some_and(|f| f.binding);
    let futility = match (
        fut.and_then(|f| f.beta_spending.as_deref())
            .and_then(|s| s.parse::<EfficacyRule>().ok()),
        rule,
    ) {
        (Some(EfficacyRule::Spending(beta_s)), EfficacyRule::Spending(alpha_s))
            if !two_sided && fractions.len() > 1 =>
        {
            let d = futility_design(
                &fractions,
                design.alpha,
                1.0 - design.power,
                alpha_s,
                beta_s,
                binding,
            );
            efficacy = d.efficacy;
            Some(d.futility)
        }
        _ => None,
    };
    Some(LookPlan {
        look,
        fractions,
        efficacy,
        futility,
        binding,
        two_sided,
        rule,
    })
}

/// The verdict at a look, in words.
fn verdict(
    plan: &LookPlan,
    design: &super::trial::Design,
    z: f64,
    cp: Option<&ConditionalPowers>,
) -> String {
    let k = plan.look + 1;
    let bound = plan.efficacy[plan.look];
    let futility_bound = plan
        .futility
        .as_ref()
        .and_then(|f| f.get(plan.look).copied());
    let threshold = design
        .futility
        .as_ref()
        .and_then(|f| f.conditional_power_below);
    if z >= bound {
        format!("The efficacy boundary is crossed at look {k}: z = {z:.3} >= {bound:.3}.")
    } else if let Some(f) = futility_bound.filter(|&f| z <= f) {
        format!(
            "The {}futility boundary is crossed at look {k}: z = {z:.3} <= {f:.3}.",
            if plan.binding {
                "binding "
            } else {
                "non-binding "
            }
        )
    } else if let (Some(cp), Some(th)) = (cp, threshold) {
        if cp.trend < th {
            format!(
                "No efficacy (z = {z:.3} < {bound:.3}). Conditional power under the current trend is {:.1}%, below the {}futility guideline of {:.0}%: the guideline indicates stopping for futility.",
                100.0 * cp.trend,
                if plan.binding { "binding " } else { "non-binding " },
                100.0 * th
            )
        } else {
            format!(
                "No efficacy (z = {z:.3} < {bound:.3}). Conditional power under the current trend is {:.1}%, above the futility guideline of {:.0}%: the guideline indicates continuing.",
                100.0 * cp.trend,
                100.0 * th
            )
        }
    } else if plan.is_last() {
        format!("Final look: z = {z:.3} does not reach the boundary {bound:.3}.")
    } else {
        format!("No boundary is crossed at look {k} (z = {z:.3} < {bound:.3}); no futility rule is configured.")
    }
}

/// The reference arm (the first) and the arm the design compares with it.
pub fn compared_arms(trial: &TrialConfig) -> Option<(usize, usize)> {
    match &trial.design.treatment_arm {
        Some(code) => {
            let t = trial.arms.iter().position(|a| &a.code == code)?;
            (t != 0).then_some((0, t))
        }
        None if trial.arms.len() == 2 => Some((0, 1)),
        None => None,
    }
}

/// The interim look of the primary endpoint: a binary endpoint from ADTTE
/// (alive/event by a horizon) or a time-to-event endpoint (log-rank).
fn interim(
    snap: &Snapshot,
    trial: &TrialConfig,
    events: &HashMap<String, u32>,
    tte: Option<&super::efficacy::TimeToEvent>,
) -> Result<Option<Interim>, PolarsError> {
    use super::trial::EndpointKind;
    match trial.design.endpoint {
        EndpointKind::Binary => interim_rates(snap, trial, events),
        EndpointKind::TimeToEvent => Ok(tte.and_then(|d| interim_survival(d, trial))),
        EndpointKind::Continuous => Ok(None),
    }
}

/// The interim look for a binary primary endpoint from ADTTE.
fn interim_rates(
    snap: &Snapshot,
    trial: &TrialConfig,
    events: &HashMap<String, u32>,
) -> Result<Option<Interim>, PolarsError> {
    use crate::stats::interim::{
        conditional_power_rates_by_look, predictive_power_flat, rates_z, repeated_ci_rates,
    };
    let design = &trial.design;
    let (Some(code), Some(horizon)) = (&trial.primary.adtte_paramcd, trial.primary.horizon) else {
        return Ok(None);
    };
    let Some((ri, ti)) = compared_arms(trial) else {
        return Ok(None);
    };
    let evaluable_subjects = snap
        .adtte
        .clone()
        .lazy()
        .filter(
            col("PARAMCD")
                .eq(lit(code.as_str()))
                .and(col("CNSR").eq(lit(0)).or(col("AVAL").gt_eq(lit(horizon)))),
        )
        .select([col("USUBJID")])
        .unique(None, UniqueKeepStrategy::First);
    let with_arm = snap.adsl.clone().lazy().join(
        evaluable_subjects,
        [col("USUBJID")],
        [col("USUBJID")],
        JoinArgs::new(JoinType::Inner),
    );
    let n_eval = count_by(with_arm, "ARM")?;
    let (reference, treatment) = (&trial.arms[ri], &trial.arms[ti]);
    let n = |c: &str| n_eval.get(c).copied().unwrap_or(0);
    let e = |c: &str| events.get(c).copied().unwrap_or(0);
    let successes = |c: &str| {
        if trial.primary.event_is_success {
            e(c)
        } else {
            n(c).saturating_sub(e(c))
        }
    };
    let (n_t, n_r) = (n(&treatment.code), n(&reference.code));
    if n_t == 0 || n_r == 0 {
        return Ok(None);
    }
    let target = f64::from(trial.enrollment.target);
    let t_obs = f64::from(n_t + n_r) / target;
    let Some(plan) = plan_look(design, t_obs) else {
        return Ok(None);
    };
    let look = plan.look;
    let k = look + 1;
    let z = rates_z(
        u64::from(successes(&treatment.code)),
        u64::from(n_t),
        u64::from(successes(&reference.code)),
        u64::from(n_r),
    );
    let r = treatment.allocation / reference.allocation;
    let mut curve = Vec::new();
    let (cp, pp) = if plan.is_last() {
        (None, None)
    } else {
        let remaining = plan.remaining(target);
        let gs = plan.design();
        let rate = |c: &str| {
            design
                .assumptions
                .rates
                .as_ref()
                .and_then(|m| m.get(c))
                .copied()
        };
        // One look in the cut: the overall z is also the combined one.
        let cp_at = |p1: f64, p2: f64| {
            conditional_power_rates_by_look(&gs, k, z, z, p1, p2, r, &remaining)
                .last()
                .copied()
                .unwrap_or(0.0)
        };
        let p_t = f64::from(successes(&treatment.code)) / f64::from(n_t);
        let p_r = f64::from(successes(&reference.code)) / f64::from(n_r);
        let under_design = match (rate(&treatment.code), rate(&reference.code)) {
            (Some(a), Some(b0)) => Some(cp_at(a, b0)),
            _ => None,
        };
        let trend = cp_at(p_t, p_r);
        // Differences from -0.20 to +0.40 in steps of 0.02, where both rates
        // stay inside (0, 1).
        for step in 0..=30 {
            let effect = -0.2 + 0.02 * f64::from(step);
            let p1 = p_r + effect;
            if p1 > 0.0 && p1 < 1.0 {
                curve.push(CurvePoint {
                    effect,
                    conditional_power: cp_at(p1, p_r),
                });
            }
        }
        let null = gs.conditional_rejection_probability(k, z);
        let c = plan.efficacy[plan.efficacy.len() - 1];
        (
            Some(ConditionalPowers {
                design: under_design,
                trend,
                null,
            }),
            Some(predictive_power_flat(plan.fractions[look], z, c)),
        )
    };
    let bound = plan.efficacy[look];
    let evaluable = [reference, treatment]
        .iter()
        .map(|a| {
            (
                a.code.clone(),
                EventsN {
                    events: e(&a.code),
                    n: n(&a.code),
                },
            )
        })
        .collect();
    let (lo, hi) = repeated_ci_rates(
        u64::from(successes(&treatment.code)),
        u64::from(n_t),
        u64::from(successes(&reference.code)),
        u64::from(n_r),
        bound,
    );
    let required = {
        let rate = |c: &str| {
            design
                .assumptions
                .rates
                .as_ref()
                .and_then(|m| m.get(c).copied())
        };
        match (rate(&treatment.code), rate(&reference.code)) {
            (Some(p1), Some(p2)) => {
                let b = crate::stats::gsd::efficacy_boundaries(
                    &design.looks,
                    design.alpha,
                    plan.two_sided,
                    plan.rule,
                )
                .efficacy;
                let (_, max) = crate::stats::interim::sample_size_rates(
                    &design.looks,
                    &b,
                    design.alpha,
                    1.0 - design.power,
                    plan.two_sided,
                    p1,
                    p2,
                    r,
                );
                Some(max)
            }
            _ => None,
        }
    };
    Ok(Some(plan.interim(
        design,
        LookFindings {
            information_fraction: t_obs,
            information: "subjects evaluable at the horizon over the enrollment target",
            planned_information: target,
            required_information: required,
            effect_measure: "difference in success rates (treatment - reference)",
            treatment: treatment.code.clone(),
            reference: reference.code.clone(),
            evaluable,
            z,
            conditional_power: cp,
            predictive_power: pp,
            curve,
            repeated_ci: [lo, hi],
        },
    )))
}

/// The interim look for a time-to-event primary endpoint: the log-rank
/// statistic of the compared arms, information = events over the planned
/// events at the final look, effects as hazard ratios (treatment against
/// reference; below 1 favours treatment).
fn interim_survival(data: &super::efficacy::TimeToEvent, trial: &TrialConfig) -> Option<Interim> {
    use crate::stats::gsd::efficacy_boundaries;
    use crate::stats::interim::{events_survival, predictive_power_flat};
    use crate::stats::survival::log_rank;
    let design = &trial.design;
    let (ri, ti) = compared_arms(trial)?;
    let (reference, treatment) = (&trial.arms[ri], &trial.arms[ti]);
    let two = data.two_arms(ri, ti);
    let r = treatment.allocation / reference.allocation;
    let required = design.assumptions.hazard_ratio.and_then(|hr| {
        let rule = design.efficacy_spending.parse().ok()?;
        let two_sided = design.sided == super::trial::Sided::Two;
        let b = efficacy_boundaries(&design.looks, design.alpha, two_sided, rule).efficacy;
        Some(
            events_survival(
                &design.looks,
                &b,
                design.alpha,
                1.0 - design.power,
                two_sided,
                hr,
                r,
            )
            .1,
        )
    });
    let max_events = design.max_events.or(required)?;
    let d_obs = two.event.iter().filter(|&&e| e).count() as f64;
    if d_obs == 0.0 || max_events <= 0.0 {
        return None;
    }
    let t_obs = d_obs / max_events;
    let plan = plan_look(design, t_obs)?;
    let look = plan.look;
    let k = look + 1;
    let lr = log_rank(&two.time, &two.event, &two.arm, 2, None);
    // Positive z favours treatment: fewer events on treatment than expected.
    let z = if lr.observed[1] <= lr.expected[1] {
        lr.chisq.sqrt()
    } else {
        -lr.chisq.sqrt()
    };
    // Standardized effect per event: log HR (favourable positive) times
    // √(r/(1 + r)²); the observed one is z (1 + r)/√(r D).
    let per_event = r / (1.0 + r).powi(2);
    let theta_obs = z / (per_event * d_obs).sqrt();
    let mut curve = Vec::new();
    let (cp, pp) = if plan.is_last() {
        (None, None)
    } else {
        let gs = plan.design();
        let scaled: Vec<f64> = plan
            .remaining(max_events)
            .iter()
            .map(|n| n * per_event)
            .collect();
        let cp_at = |theta: f64| {
            gs.conditional_power(k, z, theta, &scaled)
                .last()
                .copied()
                .unwrap_or(0.0)
        };
        let under_design = design.assumptions.hazard_ratio.map(|hr| cp_at(-hr.ln()));
        let trend = cp_at(theta_obs);
        // Hazard ratios from 0.50 to 1.20 in steps of 0.025.
        for step in 0..=28 {
            let hr = 0.5 + 0.025 * f64::from(step);
            curve.push(CurvePoint {
                effect: hr,
                conditional_power: cp_at(-f64::ln(hr)),
            });
        }
        let null = gs.conditional_rejection_probability(k, z);
        let c = plan.efficacy[plan.efficacy.len() - 1];
        (
            Some(ConditionalPowers {
                design: under_design,
                trend,
                null,
            }),
            Some(predictive_power_flat(plan.fractions[look], z, c)),
        )
    };
    let bound = plan.efficacy[look];
    // Repeated CI for the hazard ratio: exp(−(z ± c)/√(r/(1 + r)² D)).
    let scale = (per_event * d_obs).sqrt();
    let repeated_ci = [(-(z + bound) / scale).exp(), (-(z - bound) / scale).exp()];
    let evaluable = [(ri, reference), (ti, treatment)]
        .iter()
        .map(|(g, a)| {
            let idx = || (0..data.time.len()).filter(|&i| data.arm[i] == *g);
            (
                a.code.clone(),
                EventsN {
                    events: idx().filter(|&i| data.event[i]).count() as u32,
                    n: idx().count() as u32,
                },
            )
        })
        .collect();
    Some(plan.interim(
        design,
        LookFindings {
            information_fraction: t_obs,
            information: "events in the compared arms over the planned events at the final look",
            planned_information: max_events,
            required_information: required,
            effect_measure: "hazard ratio (treatment / reference)",
            treatment: treatment.code.clone(),
            reference: reference.code.clone(),
            evaluable,
            z,
            conditional_power: cp,
            predictive_power: pp,
            curve,
            repeated_ci,
        },
    ))
}

/// (site, subjects) pairs.
pub type SiteCounts = Vec<(String, u32)>;
/// (day, subjects randomized on or before it) pairs.
pub type DailyCumulative = Vec<(chrono::NaiveDate, u32)>;

/// Enrollment per site (sorted) and cumulatively per calendar day with
/// randomizations (ascending), from the snapshot's ADSL.
pub fn enrollment_by_site_and_day(snap: &Snapshot) -> (SiteCounts, DailyCumulative) {
    let sites = by_site(snap).unwrap_or_default().into_iter().collect();
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch");
    let mut per_day: BTreeMap<i32, u32> = BTreeMap::new();
    if let Ok(days) = snap
        .adsl
        .column("RANDDT")
        .and_then(|c| c.cast(&DataType::Int32))
    {
        if let Ok(days) = days.i32() {
            for d in days.iter().flatten() {
                *per_day.entry(d).or_insert(0) += 1;
            }
        }
    }
    let mut total = 0;
    let cumulative = per_day
        .into_iter()
        .map(|(d, n)| {
            total += n;
            (epoch + chrono::Duration::days(i64::from(d)), total)
        })
        .collect();
    (sites, cumulative)
}
