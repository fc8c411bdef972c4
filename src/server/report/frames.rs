//! The polars work the reports share: counts by key, the per-subject frame
//! of safety and primary-endpoint flags, the sums by arm, exposure.

use crate::server::config::{SafetyCategory, TrialConfig};
use crate::server::data::load::Snapshot;
use crate::server::firewall::ClosedSnapshot;
use polars::prelude::*;
use std::collections::HashMap;

pub(crate) fn u32_of(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Counts per value of the text column `key` of `lf`.
pub(crate) fn count_by(lf: LazyFrame, key: &str) -> Result<HashMap<String, u32>, PolarsError> {
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
pub(crate) fn count_by2(
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
pub(crate) fn primary_subjects(snap: &Snapshot, trial: &TrialConfig) -> LazyFrame {
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

pub(crate) fn cat_name(k: usize) -> String {
    format!("CAT{k}")
}

/// Each safety category's flag per ADAE row, in the trial's order: one
/// vectorised pass over ADAE, shared by every per-subject count.
pub(crate) fn category_hits(snap: &Snapshot, trial: &TrialConfig) -> PolarsResult<Vec<Vec<bool>>> {
    if trial.safety.is_empty() {
        return Ok(Vec::new());
    }
    let exprs: Vec<Expr> = trial
        .safety
        .iter()
        .enumerate()
        .map(|(k, cat)| category_expr(cat).fill_null(lit(false)).alias(cat_name(k)))
        .collect();
    let df = snap.adae.clone().lazy().select(exprs).collect()?;
    (0..trial.safety.len())
        .map(|k| Ok(flags_of(df.column(&cat_name(k))?.bool()?)))
        .collect()
}

/// A boolean column's values, null as false, read a chunk at a time.
pub(crate) fn flags_of(ca: &BooleanChunked) -> Vec<bool> {
    let mut out = Vec::with_capacity(ca.len());
    for a in ca.downcast_iter() {
        match a.validity() {
            None => out.extend(a.values_iter()),
            Some(valid) => out.extend(a.values_iter().zip(valid.iter()).map(|(x, ok)| x && ok)),
        }
    }
    out
}

/// One row per ADSL subject: the ADSL columns, `CAT0..` (the subject has at
/// least one event of safety category k, from [`category_hits`]) and
/// `PRIMEV` (a primary-endpoint event).
pub(crate) fn subject_frame(
    snap: &Snapshot,
    trial: &TrialConfig,
    hits: &[Vec<bool>],
) -> Result<DataFrame, PolarsError> {
    let mut adsl = snap.adsl.clone();
    for (k, hit) in hits.iter().enumerate() {
        let mut flag = vec![false; adsl.height()];
        for (h, &s) in hit.iter().zip(snap.adae_subject.iter()) {
            if *h {
                if let Some(f) = flag.get_mut(s as usize) {
                    *f = true;
                }
            }
        }
        adsl.with_column(Column::new(cat_name(k).into(), flag))?;
    }
    let primary = primary_subjects(snap, trial).with_column(lit(true).alias("PRIMEV"));
    adsl.lazy()
        .join(
            primary,
            [col("USUBJID")],
            [col("USUBJID")],
            JoinArgs::new(JoinType::Left),
        )
        .with_column(col("PRIMEV").fill_null(lit(false)))
        .collect()
}

/// Total exposure (follow-up) per arm in years (days / 365.25), from the
/// ADSL column or the ADTTE parameter the trial names; `None` when it names
/// none.
pub(crate) fn exposure_years_by_arm(
    snap: &ClosedSnapshot,
    trial: &TrialConfig,
) -> Result<Option<HashMap<String, f64>>, PolarsError> {
    let Some(e) = &trial.analysis.exposure else {
        return Ok(None);
    };
    let days = if e.adsl_days.is_some() {
        // The loader keeps the configured column as EXPDAYS (Float64).
        snap.adsl
            .clone()
            .lazy()
            .select([col("ARM"), col("EXPDAYS").alias("DAYS")])
    } else if let Some(code) = &e.adtte_paramcd {
        let days = snap
            .adtte
            .clone()
            .lazy()
            .filter(col("PARAMCD").eq(lit(code.as_str())))
            .select([
                col("USUBJID"),
                col("AVAL").cast(DataType::Float64).alias("DAYS"),
            ]);
        with_arm(days, snap).select([col("ARM"), col("DAYS")])
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

/// `lf` (one row per record, with USUBJID) with each subject's arm: the
/// inner join with the closed snapshot's ADSL.
pub fn with_arm(lf: LazyFrame, snap: &ClosedSnapshot) -> LazyFrame {
    lf.join(
        snap.adsl
            .clone()
            .lazy()
            .select([col("USUBJID"), col("ARM")]),
        [col("USUBJID")],
        [col("USUBJID")],
        JoinArgs::new(JoinType::Inner),
    )
}

/// Sum `i` of `arm` in per-arm sums (see [`sums`]); 0 for an arm without
/// subjects.
pub fn arm_sum(per_arm: &HashMap<String, Vec<u32>>, arm: &str, i: usize) -> u32 {
    per_arm
        .get(arm)
        .and_then(|v| v.get(i))
        .copied()
        .unwrap_or(0)
}

/// The sums a report needs: subjects, subjects with each category, subjects
/// with a primary event; grouped by arm when `by_arm`.
pub(crate) fn sums(
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

/// A frame's column `name` as trimmed text, blank as `None`; `None` when
/// the frame has no such column (a table's "not collected").
pub fn optional_texts(df: &DataFrame, name: &str) -> Option<Vec<Option<String>>> {
    let c = df.column(name).ok()?.cast(&DataType::String).ok()?;
    Some(
        c.str()
            .ok()?
            .iter()
            .map(|v| v.map(str::trim).filter(|s| !s.is_empty()).map(String::from))
            .collect(),
    )
}

/// A frame's column `name` as text (null as empty).
pub fn texts_in(df: &DataFrame, name: &str) -> PolarsResult<Vec<String>> {
    let c = df.column(name)?.cast(&DataType::String)?;
    Ok(c.str()?
        .iter()
        .map(|v| v.unwrap_or_default().to_string())
        .collect())
}

/// The ADTTE records of parameter `code`: USUBJID, AVAL and CNSR (both
/// Float64).
pub fn primary_adtte(snap: &Snapshot, code: &str) -> LazyFrame {
    snap.adtte
        .clone()
        .lazy()
        .filter(col("PARAMCD").eq(lit(code)))
        .select([
            col("USUBJID"),
            col("AVAL").cast(DataType::Float64),
            col("CNSR").cast(DataType::Float64),
        ])
}
