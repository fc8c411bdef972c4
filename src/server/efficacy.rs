//! The time-to-event primary endpoint by arm, closed level only: the
//! subjects' times and events from ADTTE joined with their arm, and the
//! Kaplan-Meier, log-rank and Cox summaries the efficacy page and
//! `dsmb summary --view closed` report.

use super::cut::{Level, Snapshot};
use super::trial::{CoxTies, TrialConfig};
use crate::stats::survival::{kaplan_meier_sorted, log_rank, treatment_cox, Ties};
use polars::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;

/// One subject per row: time, event, arm index into the trial's arms.
#[derive(Clone, Debug, Default)]
pub struct TimeToEvent {
    pub time: Vec<f64>,
    pub event: Vec<bool>,
    pub arm: Vec<usize>,
}

impl TimeToEvent {
    /// The rows of arms `a` and `b` only, recoded 0 (= `a`) and 1 (= `b`).
    pub fn two_arms(&self, a: usize, b: usize) -> TimeToEvent {
        let mut out = TimeToEvent::default();
        for i in 0..self.time.len() {
            let g = self.arm[i];
            if g == a || g == b {
                out.time.push(self.time[i]);
                out.event.push(self.event[i]);
                out.arm.push(usize::from(g == b));
            }
        }
        out
    }
}

/// The primary endpoint's ADTTE rows (PARAMCD = the configured code; event
/// when CNSR = 0) with each subject's arm. `None` when the trial's primary
/// endpoint is not an ADTTE parameter or the snapshot is not closed.
pub fn time_to_event(
    snap: &Snapshot,
    trial: &TrialConfig,
) -> Result<Option<TimeToEvent>, PolarsError> {
    let Some(code) = &trial.primary.adtte_paramcd else {
        return Ok(None);
    };
    if snap.level != Level::Closed || snap.adsl.column("ARM").is_err() {
        return Ok(None);
    }
    let rows = snap
        .adtte
        .clone()
        .lazy()
        .filter(col("PARAMCD").eq(lit(code.as_str())))
        .select([
            col("USUBJID"),
            col("AVAL").cast(DataType::Float64),
            col("CNSR").cast(DataType::Float64),
        ])
        .join(
            snap.adsl
                .clone()
                .lazy()
                .select([col("USUBJID"), col("ARM")]),
            [col("USUBJID")],
            [col("USUBJID")],
            JoinArgs::new(JoinType::Inner),
        )
        .collect()?;
    let aval = rows.column("AVAL")?.f64()?.clone();
    let cnsr = rows.column("CNSR")?.f64()?.clone();
    let arm = rows.column("ARM")?.str()?.clone();
    let mut out = TimeToEvent::default();
    for ((t, c), a) in aval.iter().zip(cnsr.iter()).zip(arm.iter()) {
        let (Some(t), Some(c), Some(a)) = (t, c, a) else {
            continue;
        };
        let Some(g) = trial.arms.iter().position(|x| x.code == a) else {
            continue;
        };
        out.time.push(t);
        out.event.push(c == 0.0);
        out.arm.push(g);
    }
    Ok(Some(out))
}

/// Kaplan-Meier summary of one arm.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct KmSummary {
    pub n: u32,
    pub events: u32,
    /// Median time to event (null when the curve stays above 0.5).
    pub median: Option<f64>,
    /// Brookmeyer-Crowley interval from the log-log limits; either end may
    /// be open (null).
    pub median_ci95: [Option<f64>; 2],
}

/// One arm against the reference arm in the Cox model.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CoxRow {
    pub arm: String,
    pub hr: f64,
    pub ci95: [f64; 2],
    /// Two-sided Wald p-value.
    pub p: f64,
}

/// The survival summaries of the primary endpoint.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SurvivalSummary {
    pub kaplan_meier: BTreeMap<String, KmSummary>,
    pub logrank_chisq: f64,
    pub logrank_df: usize,
    /// Null when no events (nothing to test).
    pub logrank_p: Option<f64>,
    /// From one Cox model with the treatment factor over all arms, each arm
    /// against the reference (the first arm of the trial); null when the
    /// model cannot be fitted (e.g. no events).
    pub cox: Option<Vec<CoxRow>>,
    pub cox_ties: &'static str,
    /// False when an arm's hazard ratio runs to 0 or infinity (an arm without
    /// events): its estimate and interval are then not meaningful.
    pub cox_converged: bool,
}

/// Kaplan-Meier by arm, the k-group log-rank test and the treatment-factor
/// Cox model.
pub fn survival_summary(data: &TimeToEvent, trial: &TrialConfig) -> SurvivalSummary {
    let k = trial.arms.len();
    let mut order: Vec<usize> = (0..data.time.len()).collect();
    order.sort_by(|&a, &b| data.time[a].total_cmp(&data.time[b]));
    let kaplan_meier = trial
        .arms
        .iter()
        .enumerate()
        .map(|(g, arm)| {
            let idx: Vec<usize> = order
                .iter()
                .copied()
                .filter(|&i| data.arm[i] == g)
                .collect();
            let km = kaplan_meier_sorted(&data.time, &data.event, &idx, 0.95);
            let (lo, hi) = km.median_ci();
            (
                arm.code.clone(),
                KmSummary {
                    n: idx.len() as u32,
                    events: idx.iter().filter(|&&i| data.event[i]).count() as u32,
                    median: km.median(),
                    median_ci95: [lo, hi],
                },
            )
        })
        .collect();
    let lr = log_rank(&data.time, &data.event, &data.arm, k, None);
    let (ties, ties_name) = match trial.analysis.cox_ties {
        CoxTies::Efron => (Ties::Efron, "efron"),
        CoxTies::Breslow => (Ties::Breslow, "breslow"),
    };
    let fit = treatment_cox(&data.time, &data.event, &data.arm, k, ties);
    let cox = fit.as_ref().map(|fit| {
        trial.arms[1..]
            .iter()
            .enumerate()
            .map(|(j, arm)| {
                let (hr, ci95, p) = fit.hazard_ratio(j, 0.95);
                CoxRow {
                    arm: arm.code.clone(),
                    hr,
                    ci95,
                    p,
                }
            })
            .collect()
    });
    SurvivalSummary {
        kaplan_meier,
        logrank_chisq: lr.chisq,
        logrank_df: lr.df,
        logrank_p: lr.p.is_finite().then_some(lr.p),
        cox,
        cox_ties: ties_name,
        cox_converged: fit.is_some_and(|f| f.converged),
    }
}
