//! The laboratory section's tables from the pass: the eDISH quadrants and
//! the Hy's law range, the shift tables, peaks and nadirs, the values by
//! visit, and the change from baseline.

use super::pass::{Category, Pass};
use super::{
    ByGroup, Change, ChangeStats, EdishPoint, Extreme, Groups, HysLawCase, Peak, Quadrants,
    Quartiles, Shift, ShiftTable, Trend, TrendVisit, ALP_XULN, ALT_AST_XULN, BILI_XULN,
};
use crate::server::config::labs::Worst;
use crate::server::config::TrialConfig;
use crate::server::data::load::Snapshot;
use polars::prelude::*;

/// What the liver tests give.
pub struct Liver {
    pub quadrants: ByGroup<Quadrants>,
    pub points: Vec<EdishPoint>,
    pub cases: Vec<HysLawCase>,
}

/// Where a subject falls on the eDISH plot.
enum Place {
    Excluded,
    At { x: f64, y: f64 },
}

/// The eDISH quadrants, and with `closed` the points and the Hy's law
/// range's subjects by subject.
pub fn liver(
    p: &Pass,
    trial: &TrialConfig,
    g: &Groups,
    snap: &Snapshot,
    closed: bool,
) -> PolarsResult<Liver> {
    let l = &trial.labs.liver;
    let [alt, ast, bili, alp] = [&l.alt, &l.ast, &l.bili, &l.alp].map(|c| p.param(c));
    let peak = |s: usize, i: Option<usize>| i.and_then(|i| p.at(s, i).peak_xuln);
    let place = |s: usize| -> Place {
        let x = match (peak(s, alt), peak(s, ast)) {
            (Some(a), Some(b)) => Some(a.value.max(b.value)),
            (a, b) => a.or(b).map(|v| v.value),
        };
        match (x, peak(s, bili)) {
            (Some(x), Some(y)) => Place::At { x, y: y.value },
            _ => Place::Excluded,
        }
    };
    let alp_below = |s: usize| peak(s, alp).map(|a| a.value < ALP_XULN);
    let population = || (0..p.subjects).filter(|&s| p.with_post[s]);
    let quadrants = g.by_group(
        |q: &mut Quadrants, s| match place(s) {
            Place::Excluded => q.excluded += 1,
            Place::At { x, y } => match (x >= ALT_AST_XULN, y >= BILI_XULN) {
                (true, true) => {
                    q.hys_law_range += 1;
                    if alp_below(s) != Some(false) {
                        q.potential_hys_law += 1;
                    }
                }
                (true, false) => q.temples_corollary += 1,
                (false, true) => q.cholestasis_range += 1,
                (false, false) => q.normal_range += 1,
            },
        },
        population(),
        |q| q,
    );
    let mut points = Vec::new();
    let mut cases = Vec::new();
    if closed {
        let ids = snap.adsl.column("USUBJID")?.str()?;
        for s in population() {
            let (Place::At { x, y }, Some(group)) = (place(s), g.of[s]) else {
                continue;
            };
            let usubjid = ids.get(s).unwrap_or("").to_string();
            let arm = g.arms[group].clone();
            if x >= ALT_AST_XULN && y >= BILI_XULN {
                let at = |i| {
                    peak(s, i).map(|a| Peak {
                        xuln: a.value,
                        day: a.day,
                    })
                };
                let below = alp_below(s);
                cases.push(HysLawCase {
                    usubjid: usubjid.clone(),
                    arm: arm.clone(),
                    alt: at(alt),
                    ast: at(ast),
                    bili: at(bili).unwrap_or(Peak { xuln: y, day: 0 }),
                    alp: at(alp),
                    alp_below_2xuln: below,
                    potential: below != Some(false),
                });
            }
            points.push(EdishPoint { usubjid, arm, x, y });
        }
        cases.sort_by(|a, b| a.usubjid.cmp(&b.usubjid));
    }
    Ok(Liver {
        quadrants,
        points,
        cases,
    })
}

/// The shift tables of the configured parameters, over the analysis
/// population.
pub fn shifts(p: &Pass, trial: &TrialConfig, g: &Groups) -> Vec<ShiftTable> {
    trial
        .labs
        .shifts
        .iter()
        .filter_map(|sh| {
            let i = p.param(&sh.param)?;
            let low = sh.worst == Worst::Low;
            let counts = g.by_group(
                |t: &mut Shift, s| {
                    let v = p.at(s, i);
                    let from = v.base_category.unwrap_or(Category::Missing);
                    t[from.index()][v.worst(low).index()] += 1;
                },
                (0..p.subjects).filter(|&s| p.with_post[s]),
                |t| t,
            );
            Some(ShiftTable {
                param: sh.param.clone(),
                worst: if low { "low" } else { "high" },
                counts,
            })
        })
        .collect()
}

/// Whether the nadir is the parameter's extreme (a shift parameter whose
/// low values are worse), else the peak.
fn nadir_is_worse(trial: &TrialConfig, param: &str) -> bool {
    trial
        .labs
        .shifts
        .iter()
        .any(|s| s.param == param && s.worst == Worst::Low)
}

/// Each parameter's peaks (or nadirs) after baseline.
pub fn extremes(p: &Pass, trial: &TrialConfig, g: &Groups) -> Vec<Extreme> {
    p.params
        .iter()
        .enumerate()
        .map(|(i, param)| {
            let nadir = nadir_is_worse(trial, param);
            let values = g.by_group(
                |v: &mut Vec<f64>, s| {
                    let x = p.at(s, i);
                    if let Some(e) = if nadir { x.nadir } else { x.peak } {
                        v.push(e.value);
                    }
                },
                0..p.subjects,
                |mut v| Quartiles::of(&mut v),
            );
            Extreme {
                param: param.clone(),
                statistic: if nadir { "nadir" } else { "peak" },
                values,
            }
        })
        .collect()
}

/// The trends' parameters by visit.
pub fn trends(p: &Pass, trial: &TrialConfig, g: &Groups) -> Vec<Trend> {
    trial
        .labs
        .trends
        .iter()
        .filter_map(|param| {
            let i = p.param(param)?;
            let visits = p
                .visits
                .iter()
                .zip(&p.by_visit[i])
                .filter(|(_, v)| !v.is_empty())
                .map(|(visit, at)| {
                    let mut per: Vec<Vec<f64>> = vec![Vec::new(); g.arms.len()];
                    let mut total = Vec::with_capacity(at.len());
                    for &(s, x) in at {
                        total.push(x);
                        if let Some(k) = g.of[s as usize] {
                            per[k].push(x);
                        }
                    }
                    TrendVisit {
                        visit: visit.number,
                        name: visit.name.clone(),
                        values: ByGroup {
                            by_arm: g
                                .arms
                                .iter()
                                .cloned()
                                .zip(per.iter_mut().map(|v| Quartiles::of(v)))
                                .collect(),
                            total: Quartiles::of(&mut total),
                        },
                    }
                })
                .collect();
            Some(Trend {
                param: param.clone(),
                uln: p.uln[i],
                visits,
            })
        })
        .collect()
}

/// The changes of a group: (change, percent change when the baseline is
/// not zero).
#[derive(Default)]
struct Changes(Vec<(f64, Option<f64>)>);

fn change_stats(c: Changes) -> Option<ChangeStats> {
    let n = c.0.len();
    if n == 0 {
        return None;
    }
    let mean = c.0.iter().map(|x| x.0).sum::<f64>() / n as f64;
    let sd = (n > 1)
        .then(|| (c.0.iter().map(|x| (x.0 - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt());
    let pct: Vec<f64> = c.0.iter().filter_map(|x| x.1).collect();
    Some(ChangeStats {
        n: u32::try_from(n).unwrap_or(u32::MAX),
        mean,
        sd,
        mean_percent: (!pct.is_empty()).then(|| pct.iter().sum::<f64>() / pct.len() as f64),
    })
}

/// Change from baseline at the configured visit, for each trend parameter.
pub fn change(p: &Pass, trial: &TrialConfig, g: &Groups) -> Vec<Change> {
    let visit = trial.labs.change_visit;
    let visit_name = p
        .visits
        .iter()
        .find(|v| v.number == visit)
        .map(|v| v.name.clone());
    trial
        .labs
        .trends
        .iter()
        .filter_map(|param| {
            let i = p.param(param)?;
            let values = g.by_group(
                |c: &mut Changes, s| {
                    let v = p.at(s, i);
                    if let (Some(b), Some(x)) = (v.base, v.at_change_visit) {
                        c.0.push((x - b, (b != 0.0).then(|| 100.0 * (x - b) / b)));
                    }
                },
                0..p.subjects,
                change_stats,
            );
            Some(Change {
                param: param.clone(),
                visit,
                visit_name: visit_name.clone(),
                values,
            })
        })
        .collect()
}
