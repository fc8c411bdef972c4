//! The configured subgroups (closed report): the primary endpoint by arm
//! within each level, and for a time-to-event primary the compared arms'
//! hazard ratio per level; the treatment-by-subgroup interaction from Cox
//! models (time to event) or logistic models (a binary endpoint).

use super::efficacy::{subgroup_effects, ties, TimeToEvent};
use super::frames::{arm_sum, sums};
use super::interim::compared_arms;
use super::types::{EventsN, SubgroupInteraction, SubgroupRow};
use crate::server::config::{EndpointKind, TrialConfig};
use crate::stats::logistic::{interaction_lrt, Cell};
use polars::prelude::*;
use std::collections::{BTreeMap, HashMap};

/// Each arm's events and subjects from its sums (see `frames::sums`).
pub fn events_by_arm(
    per: &HashMap<String, Vec<u32>>,
    codes: &[&str],
    ncat: usize,
) -> BTreeMap<String, EventsN> {
    codes
        .iter()
        .map(|c| {
            (
                c.to_string(),
                EventsN {
                    events: arm_sum(per, c, 1 + ncat),
                    n: arm_sum(per, c, 0),
                },
            )
        })
        .collect()
}

/// The subgroup rows and interaction tests. `subjects` is the per-subject
/// frame (`frames::subject_frame`), `tte` the primary endpoint's times when
/// it is time-to-event.
pub fn subgroups(
    trial: &TrialConfig,
    subjects: &DataFrame,
    tte: Option<&TimeToEvent>,
    ncat: usize,
) -> Result<(Vec<SubgroupRow>, Vec<SubgroupInteraction>), PolarsError> {
    let codes: Vec<&str> = trial.arms.iter().map(|a| a.code.as_str()).collect();
    let mut subgroups = Vec::new();
    let mut subgroup_interactions = Vec::new();
    let compared = compared_arms(trial);
    let tte_two = match (tte, compared) {
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
                by_arm: events_by_arm(&per, &codes, ncat),
                hazard_ratio: None,
            });
        }
        if let (Some(d), Some((_, ti))) = (&tte_two, compared) {
            let fx = subgroup_effects(
                d,
                &level_of,
                levels.len(),
                &trial.arms[ti].code,
                ties(trial),
            );
            for (row, hr) in subgroups[first..].iter_mut().zip(fx.hazard_ratios) {
                row.hazard_ratio = hr;
            }
            if let Some(t) = fx.interaction {
                subgroup_interactions.push(SubgroupInteraction {
                    variable: s.variable.clone(),
                    model: "Cox",
                    chisq: t.chisq,
                    df: t.df,
                    p: t.p,
                });
            }
        } else if let (EndpointKind::Binary, Some((ri, ti))) = (trial.design.endpoint, compared) {
            // A binary endpoint: logistic models of the compared arms'
            // events/n in each level.
            let cells: Vec<Cell> = subgroups[first..]
                .iter()
                .enumerate()
                .flat_map(|(level, row)| {
                    [(ti, true), (ri, false)].map(|(arm, treated)| {
                        let e = row.by_arm.get(&trial.arms[arm].code);
                        Cell {
                            level,
                            treated,
                            events: e.map_or(0.0, |e| f64::from(e.events)),
                            n: e.map_or(0.0, |e| f64::from(e.n)),
                        }
                    })
                })
                .collect();
            if let Some(t) = interaction_lrt(&cells) {
                subgroup_interactions.push(SubgroupInteraction {
                    variable: s.variable.clone(),
                    model: "logistic",
                    chisq: t.chisq,
                    df: t.df,
                    p: t.p,
                });
            }
        }
    }
    Ok((subgroups, subgroup_interactions))
}
