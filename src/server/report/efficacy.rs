//! The time-to-event primary endpoint by arm, closed level only: the
//! subjects' times and events from ADTTE joined with their arm, and the
//! Kaplan-Meier, log-rank and Cox summaries the efficacy page and
//! `dsmb summary --view closed` report.

use super::frames::{primary_adtte, with_arm};
use crate::server::config::{CoxTies, TrialConfig};
use crate::server::firewall::ClosedSnapshot;
use crate::stats::survival::{kaplan_meier_sorted, log_rank, treatment_cox, Ties};
use polars::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;

/// One subject per row: time, event, arm index into the trial's arms.
#[derive(Clone, Debug, Default)]
pub struct TimeToEvent {
    pub usubjid: Vec<String>,
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
                out.usubjid.push(self.usubjid[i].clone());
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
/// endpoint is not an ADTTE parameter.
pub fn time_to_event(
    snap: &ClosedSnapshot,
    trial: &TrialConfig,
) -> Result<Option<TimeToEvent>, PolarsError> {
    match &trial.primary.adtte_paramcd {
        Some(code) => time_to_event_of(snap, trial, code).map(Some),
        None => Ok(None),
    }
}

/// ADTTE parameter `code`'s rows (event when CNSR = 0) with each subject's
/// arm: the primary endpoint's, or a secondary one's.
pub fn time_to_event_of(
    snap: &ClosedSnapshot,
    trial: &TrialConfig,
    code: &str,
) -> Result<TimeToEvent, PolarsError> {
    let rows = with_arm(primary_adtte(snap, code), snap).collect()?;
    let ids = rows.column("USUBJID")?.str()?.clone();
    let aval = rows.column("AVAL")?.f64()?.clone();
    let cnsr = rows.column("CNSR")?.f64()?.clone();
    let arm = rows.column("ARM")?.str()?.clone();
    let mut out = TimeToEvent::default();
    for (((id, t), c), a) in ids.iter().zip(aval.iter()).zip(cnsr.iter()).zip(arm.iter()) {
        let (Some(id), Some(t), Some(c), Some(a)) = (id, t, c, a) else {
            continue;
        };
        let Some(g) = trial.arms.iter().position(|x| x.code == a) else {
            continue;
        };
        out.usubjid.push(id.to_string());
        out.time.push(t);
        out.event.push(c == 0.0);
        out.arm.push(g);
    }
    Ok(out)
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
    /// The step curve: S(t) just after each time with an event (and 1 at
    /// time 0), to the arm's last follow-up time.
    pub curve: Vec<[f64; 2]>,
    /// The censoring marks: (time, S) at each time with a censored subject.
    pub censored: Vec<[f64; 2]>,
    /// The pointwise 95% band (log-log): (time, lower, upper) at each
    /// event time.
    pub band: Vec<[f64; 3]>,
    /// Subjects at risk at the times of `SurvivalSummary::risk_times`.
    pub at_risk: Vec<u32>,
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
    /// The times the numbers at risk are given at (0 and every 30 time
    /// units, or a sixth of the longest time when that is under 90).
    pub risk_times: Vec<f64>,
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

/// The trial's choice of tie handling in Cox models.
pub fn ties(trial: &TrialConfig) -> Ties {
    match trial.analysis.cox_ties {
        CoxTies::Efron => Ties::Efron,
        CoxTies::Breslow => Ties::Breslow,
    }
}

/// Kaplan-Meier by arm, the k-group log-rank test and the treatment-factor
/// Cox model.
pub fn survival_summary(data: &TimeToEvent, trial: &TrialConfig) -> SurvivalSummary {
    let k = trial.arms.len();
    let mut order: Vec<usize> = (0..data.time.len()).collect();
    order.sort_by(|&a, &b| data.time[a].total_cmp(&data.time[b]));
    let longest = order.last().map_or(0.0, |&i| data.time[i]);
    let step = if longest >= 90.0 {
        30.0
    } else {
        (longest / 6.0).ceil().max(1.0)
    };
    let risk_times: Vec<f64> = (0..)
        .map(|j| f64::from(j) * step)
        .take_while(|t| *t <= longest)
        .collect();
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
                    curve: km.steps(),
                    censored: km.censor_marks(),
                    band: km.band(),
                    at_risk: risk_times.iter().map(|&t| km.at_risk(t)).collect(),
                },
            )
        })
        .collect();
    let lr = log_rank(&data.time, &data.event, &data.arm, k, None);
    let ties = ties(trial);
    let ties_name = match ties {
        Ties::Efron => "efron",
        Ties::Breslow => "breslow",
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
        risk_times,
        logrank_chisq: lr.chisq,
        logrank_df: lr.df,
        logrank_p: lr.p.is_finite().then_some(lr.p),
        cox,
        cox_ties: ties_name,
        cox_converged: fit.is_some_and(|f| f.converged),
    }
}

/// The treatment effect within each level of a subgroup variable and the
/// test of treatment-by-subgroup interaction.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SubgroupEffects {
    /// Per level (in the order given): the hazard ratio of the compared arms
    /// with its Wald interval, null when it cannot be estimated (no events
    /// or an arm without events in the level).
    pub hazard_ratios: Vec<Option<CoxRow>>,
    /// Likelihood-ratio test of the interaction (Cox model with treatment,
    /// level and their product against treatment + level).
    pub interaction: Option<InteractionTest>,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct InteractionTest {
    pub chisq: f64,
    pub df: usize,
    pub p: f64,
}

/// Hazard ratios of arm `b` against arm `a` within the levels of a subgroup
/// variable (`level_of[i]` for subject row i; `None` = in no level), and the
/// interaction test, from Cox models with `ties`.
pub fn subgroup_effects(
    data: &TimeToEvent,
    level_of: &[Option<usize>],
    levels: usize,
    arm_code: &str,
    ties: Ties,
) -> SubgroupEffects {
    use crate::stats::special::chi_square_sf;
    use crate::stats::survival::cox;
    let mut hazard_ratios = Vec::with_capacity(levels);
    for l in 0..levels {
        let idx: Vec<usize> = (0..data.time.len())
            .filter(|&i| level_of[i] == Some(l))
            .collect();
        let t: Vec<f64> = idx.iter().map(|&i| data.time[i]).collect();
        let e: Vec<bool> = idx.iter().map(|&i| data.event[i]).collect();
        let g: Vec<usize> = idx.iter().map(|&i| data.arm[i]).collect();
        let has_events = |arm: usize| (0..g.len()).any(|j| g[j] == arm && e[j]);
        let row = if has_events(0) && has_events(1) {
            treatment_cox(&t, &e, &g, 2, ties).map(|fit| {
                let (hr, ci95, p) = fit.hazard_ratio(0, 0.95);
                CoxRow {
                    arm: arm_code.to_string(),
                    hr,
                    ci95,
                    p,
                }
            })
        } else {
            None
        };
        hazard_ratios.push(row);
    }
    let idx: Vec<usize> = (0..data.time.len())
        .filter(|&i| level_of[i].is_some())
        .collect();
    let interaction = (levels >= 2).then(|| {
        let m = levels;
        let main_p = m;
        let full_p = 2 * m - 1;
        let mut main = vec![0.0; idx.len() * main_p];
        let mut full = vec![0.0; idx.len() * full_p];
        for (r, &i) in idx.iter().enumerate() {
            let trt = data.arm[i] as f64;
            let l = level_of[i].unwrap_or(0);
            let mut row = vec![0.0; full_p];
            row[0] = trt;
            if l > 0 {
                row[l] = 1.0;
                row[m + l - 1] = trt;
            }
            main[r * main_p..(r + 1) * main_p].copy_from_slice(&row[..main_p]);
            full[r * full_p..(r + 1) * full_p].copy_from_slice(&row);
        }
        let t: Vec<f64> = idx.iter().map(|&i| data.time[i]).collect();
        let e: Vec<bool> = idx.iter().map(|&i| data.event[i]).collect();
        let a = cox(&t, &e, &main, main_p, ties)?;
        let b = cox(&t, &e, &full, full_p, ties)?;
        let chisq = (2.0 * (b.loglik[1] - a.loglik[1])).max(0.0);
        let df = m - 1;
        Some(InteractionTest {
            chisq,
            df,
            p: chi_square_sf(chisq, df as f64),
        })
    });
    SubgroupEffects {
        hazard_ratios,
        interaction: interaction.flatten(),
    }
}
