//! Server functions of the monitoring pages: pooled safety (any role), and
//! safety by arm and efficacy/futility (closed roles only, arms named as
//! the viewer may see them, every call audited).

use crate::dto::{ClosedSafety, Efficacy, OpenSafety, SafetyPage};
use leptos::prelude::*;

/// Pooled event rates of the latest cut, small cells suppressed. Computed
/// from the open (blinded) snapshot: it never reads an arm column or the
/// randomization list, so any role may see it.
#[server(endpoint = "get_open_safety")]
pub async fn get_open_safety(
    trial: String,
    cut: Option<String>,
) -> Result<OpenSafety, ServerFnError> {
    use crate::dto::OpenRateRow;
    use crate::server::guard;
    let (state, _auth, role) = guard::trial_role(&trial, &[]).await?;
    let date = guard::cut_date(&state, &trial, cut.as_deref())?;
    let cuts = guard::cut_dates(&state, &trial);
    let open = state
        .open_report(&trial, Some(&date))
        .await
        .map_err(|e| ServerFnError::new(format!("the open report cannot be computed: {e}")))?;
    Ok(OpenSafety {
        trial_id: trial,
        viewer_role: role.as_str().to_string(),
        cut_date: open.cut_date.clone(),
        small_cell_threshold: open.small_cell_threshold,
        rows: open
            .safety
            .iter()
            .map(|r| OpenRateRow {
                category: r.category.clone(),
                subjects: r.subjects,
                n: r.n,
                percent: r.percent,
                ci95: r.ci95,
                suppressed: r.suppressed,
            })
            .collect(),
        cuts,
    })
}

/// The safety page in one call: the pooled rates, and for a closed role
/// (decided here, on the server, from the session) the rates by arm, which
/// are audited as a closed view. The sponsor's answer has `closed: null`.
#[server(endpoint = "get_safety")]
pub async fn get_safety(trial: String, cut: Option<String>) -> Result<SafetyPage, ServerFnError> {
    let open = get_open_safety(trial.clone(), cut).await?;
    let closed = if open.viewer_role == "dsmb" || open.viewer_role == "statistician" {
        Some(get_closed_safety(trial, Some(open.cut_date.clone())).await?)
    } else {
        None
    };
    Ok(SafetyPage { open, closed })
}

/// Safety by arm with risk differences and the trial's test (closed roles).
#[server(endpoint = "get_closed_safety")]
pub async fn get_closed_safety(
    trial: String,
    cut: Option<String>,
) -> Result<ClosedSafety, ServerFnError> {
    let crate::server::guard::ClosedView {
        state,
        date,
        report: closed,
        names,
        ..
    } = crate::server::guard::closed_view(&trial, cut.as_deref(), "safety by arm").await?;
    let key = ("closed_safety", trial.clone(), date, names.coded);
    state.view(key, || {
        Ok::<_, ServerFnError>(closed_safety_view(&state, trial, &closed, &names))
    })
}

#[cfg(feature = "ssr")]
fn test_name(t: crate::stats::proportions::TestName) -> String {
    match t {
        crate::stats::proportions::TestName::ChiSquare => "chi-square".into(),
        crate::stats::proportions::TestName::Fisher => "Fisher exact".into(),
    }
}

/// Safety comparisons as a DSMB member sees them while the groups are
/// coded: every pair of groups in letter order (B vs A, C vs A, C vs B), so
/// that no group stands out as the reference arm, which would tell the
/// control from the treatment. The risk-difference intervals and tests are
/// symmetric in the two groups, so each pair is what the report would give
/// with the groups' roles swapped.
#[cfg(feature = "ssr")]
fn coded_pairs(
    c: &crate::server::report::ClosedRate,
    order: &[String],
    names: &crate::server::guard::ArmNames,
    analysis: &crate::server::trial::Analysis,
) -> Vec<crate::dto::GroupComparison> {
    use crate::server::trial::RiskDifferenceCi;
    use crate::stats::proportions::{compare, TwoByTwo};
    use crate::stats::rates;
    let mut out = Vec::new();
    for (j, later) in order.iter().enumerate() {
        for earlier in &order[..j] {
            let (Some(a), Some(b)) = (c.by_arm.get(later), c.by_arm.get(earlier)) else {
                continue;
            };
            let (x1, n1, x2, n2) = (
                u64::from(a.subjects),
                u64::from(a.n),
                u64::from(b.subjects),
                u64::from(b.n),
            );
            let rd = match analysis.risk_difference_ci {
                RiskDifferenceCi::Newcombe => rates::newcombe(x1, n1, x2, n2, 0.95),
                RiskDifferenceCi::MiettinenNurminen => {
                    rates::miettinen_nurminen(x1, n1, x2, n2, 0.95)
                }
            };
            let t = TwoByTwo {
                events_1: x1,
                n_1: n1,
                events_2: x2,
                n_2: n2,
            };
            if let Some(cmp) = compare(&t, analysis.safety_test, analysis.continuity_correction) {
                out.push(crate::dto::GroupComparison {
                    label: format!("{} vs {}", names.name(later), names.name(earlier)),
                    risk_difference: rd.map(|r| r.0),
                    risk_difference_ci95: rd.map(|r| [r.1 .0, r.1 .1]),
                    p_value: cmp.p_value,
                    test: test_name(cmp.test),
                });
            }
        }
    }
    out
}

/// The closed safety page's data (tables and figures) from the report.
#[cfg(feature = "ssr")]
fn closed_safety_view(
    state: &crate::server::http::AppState,
    trial: String,
    closed: &crate::server::report::ClosedReport,
    names: &crate::server::guard::ArmNames,
) -> ClosedSafety {
    use crate::dto::{ClosedSafetyRow, GroupComparison, GroupIncidence, GroupRate, SeriousRow};
    use crate::server::figures;
    use crate::server::trial::RiskDifferenceCi;
    let order = names.display_order();
    let default_analysis = crate::server::trial::Analysis::default();
    let analysis = state
        .catalog
        .trial(&trial)
        .map(|t| &t.config.analysis)
        .unwrap_or(&default_analysis);
    let method = analysis.risk_difference_ci;
    let rows = closed
        .safety
        .iter()
        .map(|c| ClosedSafetyRow {
            category: c.category.clone(),
            groups: order
                .iter()
                .filter_map(|code| {
                    c.by_arm.get(code).map(|r| GroupRate {
                        group: names.name(code),
                        subjects: r.subjects,
                        n: r.n,
                        percent: r.percent,
                        ci95: r.ci95,
                    })
                })
                .collect(),
            comparisons: if names.coded {
                coded_pairs(c, &order, names, analysis)
            } else {
                c.comparisons
                    .iter()
                    .map(|cmp| GroupComparison {
                        label: format!(
                            "{} vs {}",
                            names.name(&cmp.arm),
                            names.name(&cmp.reference)
                        ),
                        risk_difference: cmp.risk_difference.map(|e| e.estimate),
                        risk_difference_ci95: cmp.risk_difference.map(|e| e.ci95),
                        p_value: cmp.p_value,
                        test: test_name(cmp.test),
                    })
                    .collect()
            },
            incidence: order
                .iter()
                .filter_map(|code| {
                    c.cumulative_incidence.get(code).map(|k| GroupIncidence {
                        group: names.name(code),
                        at_days: k.at_days.clone(),
                        steps: k.time.iter().zip(&k.cif).map(|(t, y)| [*t, *y]).collect(),
                        end: k.end,
                        undated: k.undated,
                    })
                })
                .collect(),
        })
        .collect::<Vec<_>>();
    // The listing in display order: by group (coded letter or trial order),
    // then subject and day as the report sorted them.
    let rank = |code: &str| order.iter().position(|c| c == code).unwrap_or(usize::MAX);
    let mut listed: Vec<&crate::server::safety_time::SeriousEvent> =
        closed.serious_events.iter().collect();
    listed.sort_by_key(|e| rank(&e.arm));
    let serious = listed
        .into_iter()
        .map(|e| SeriousRow {
            group: names.name(&e.arm),
            usubjid: e.usubjid.clone(),
            term: e.term.clone(),
            day: e.day,
            serious: e.serious,
            fatal: e.fatal,
        })
        .collect();
    let incidence_chart = figures::cumulative_incidence(&rows, &closed.incidence_days);
    ClosedSafety {
        trial_id: trial,
        cut_date: closed.cut_date.clone(),
        coded: names.coded,
        risk_difference_method: match method {
            RiskDifferenceCi::Newcombe => "Newcombe hybrid score".into(),
            RiskDifferenceCi::MiettinenNurminen => "Miettinen-Nurminen".into(),
        },
        rows,
        incidence_days: closed.incidence_days.clone(),
        incidence_chart,
        serious,
    }
}

/// Efficacy and futility at the latest cut (closed roles): the
/// group-sequential look, conditional and predictive power, the verdict,
/// and for a time-to-event endpoint Kaplan-Meier, log-rank and Cox.
#[server(endpoint = "get_efficacy")]
pub async fn get_efficacy(trial: String, cut: Option<String>) -> Result<Efficacy, ServerFnError> {
    use crate::dto::{ForestRow, HazardRatioRow, InterimView, KmRow};
    use crate::server::{figures, guard};
    let guard::ClosedView {
        state,
        date,
        report: closed,
        names,
        ..
    } = guard::closed_view(&trial, cut.as_deref(), "efficacy and futility").await?;
    let cuts = guard::cut_dates(&state, &trial);
    let key = ("efficacy", trial.clone(), date.clone(), names.coded);
    if let Some(v) = state.cached_view::<Efficacy>(&key) {
        return Ok(v);
    }
    let entry = state
        .catalog
        .trial(&trial)
        .ok_or_else(|| guard::deny(403, "no access to this trial"))?;
    let d = &entry.config.design;
    let design = format!(
        "{}{} looks at {}; {}-sided alpha {}; {} spending; power {}",
        if d.hypothetical {
            "Hypothetical design: "
        } else {
            ""
        },
        d.looks.len(),
        d.looks
            .iter()
            .map(|t| format!("{t}"))
            .collect::<Vec<_>>()
            .join(", "),
        match d.sided {
            crate::server::trial::Sided::One => "one",
            crate::server::trial::Sided::Two => "two",
        },
        d.alpha,
        d.efficacy_spending,
        d.power
    );
    let futility_rule = d.futility.as_ref().map(|f| {
        let mut parts = Vec::new();
        if let Some(b) = &f.beta_spending {
            parts.push(format!("beta spending {b}"));
        }
        if let Some(c) = f.conditional_power_below {
            parts.push(format!(
                "conditional power under the current trend below {:.0}%",
                100.0 * c
            ));
        }
        let mut s = format!(
            "{} futility guideline: {}",
            if f.binding { "Binding" } else { "Non-binding" },
            parts.join("; ")
        );
        if let Some(src) = &f.source {
            s.push_str(&format!(" ({src})"));
        }
        s
    });
    // The statistic's path: this cut and every earlier good cut (each
    // report cached once computed).
    let mut path = Vec::new();
    for d in entry.cut_dates().iter().rev().filter(|d| **d <= date) {
        let r = if *d == date {
            closed.clone()
        } else {
            match state.closed_report(&trial, Some(d)).await {
                Ok(r) => r,
                Err(_) => continue,
            }
        };
        if let Some(i) = &r.interim {
            path.push(crate::dto::PathPoint {
                cut_date: d.clone(),
                information_fraction: i.information_fraction,
                z: i.z,
                b_value: i.b_value,
            });
        }
    }
    // While the groups are coded, directional comparisons name no group:
    // "Group B vs Group A" would tell which coded group is the control.
    let vs = |t: &str, r: &str| {
        if names.coded {
            "experimental arm vs control (groups not named while coded)".to_string()
        } else {
            format!("{} vs {}", names.name(t), names.name(r))
        }
    };
    // The boundaries are drawn at the plan's fractions, which at a final
    // look that over- or under-runs are rescaled so that it is 1 (see
    // report::plan_look); the path is put on the same scale.
    if let Some(i) = &closed.interim {
        let here = i.fractions.get(i.look.saturating_sub(1)).copied();
        if let Some(scale) = here
            .filter(|_| i.information_fraction > 0.0)
            .map(|h| h / i.information_fraction)
            .filter(|s| (s - 1.0).abs() > 1e-12)
        {
            for p in &mut path {
                p.information_fraction *= scale;
                p.b_value = p.z * p.information_fraction.sqrt();
            }
        }
    }
    let interim = closed.interim.as_ref().map(|i| {
        let vs = vs(&i.treatment, &i.reference);
        let measure = if i.effect_measure.starts_with("hazard") {
            format!(
                "hazard ratio, {vs} (below 1 favours {})",
                if names.coded {
                    "the experimental arm".to_string()
                } else {
                    names.name(&i.treatment)
                }
            )
        } else {
            format!("difference in success rates, {vs}")
        };
        let mut view = InterimView {
            look: i.look,
            looks: i.fractions.len(),
            information_fraction: i.information_fraction,
            information: i.information.to_string(),
            planned_information: i.planned_information,
            required_information: i.required_information,
            fractions: i.fractions.clone(),
            z: i.z,
            b_value: i.b_value,
            efficacy_bounds: i.efficacy_bounds.clone(),
            futility_bound: i.futility_bound,
            cp_design: i.conditional_power.as_ref().and_then(|c| c.design),
            cp_trend: i.conditional_power.as_ref().map(|c| c.trend),
            cp_null: i.conditional_power.as_ref().map(|c| c.null),
            predictive_power: i.predictive_power,
            effect_measure: measure,
            repeated_ci: i.repeated_ci,
            repeated_p_value: i.repeated_p_value,
            curve: i
                .conditional_power_curve
                .iter()
                .map(|p| (p.effect, p.conditional_power))
                .collect(),
            verdict: i.verdict.clone(),
            futility_rule: futility_rule.clone(),
            path: path.clone(),
            boundary_chart: Default::default(),
            cp_chart: Default::default(),
        };
        view.boundary_chart = figures::boundaries(&view);
        if !view.curve.is_empty() {
            view.cp_chart = figures::conditional_power(&view);
        }
        view
    });
    let primary = names
        .display_order()
        .iter()
        .filter_map(|code| {
            let all = closed.primary.by_arm.get(code)?;
            let evaluable = closed.interim.as_ref().and_then(|i| i.evaluable.get(code));
            Some(crate::dto::PrimaryRow {
                group: names.name(code),
                randomized: all.n,
                evaluable: evaluable.map(|e| e.n),
                events: evaluable.map_or(all.events, |e| e.events),
            })
        })
        .collect();
    let survival = closed.primary.survival.as_ref();
    let kaplan_meier: Vec<KmRow> = survival
        .map(|s| {
            names
                .display_order()
                .iter()
                .filter_map(|code| {
                    s.kaplan_meier.get(code).map(|k| KmRow {
                        group: names.name(code),
                        n: k.n,
                        events: k.events,
                        median: k.median,
                        median_ci95: k.median_ci95,
                        curve: k.curve.clone(),
                        at_risk: k.at_risk.clone(),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    let reference = entry
        .config
        .arms
        .first()
        .map(|a| a.code.clone())
        .unwrap_or_default();
    let hazard_ratios = survival
        .and_then(|s| s.cox.as_ref())
        .map(|rows| {
            let several = rows.len() > 1;
            rows.iter()
                .enumerate()
                .map(|(k, r)| HazardRatioRow {
                    label: if names.coded && several {
                        format!(
                            "experimental arm {} vs control (groups not named while coded)",
                            k + 1
                        )
                    } else {
                        vs(&r.arm, &reference)
                    },
                    hr: r.hr,
                    ci95: r.ci95,
                    p: r.p,
                })
                .collect()
        })
        .unwrap_or_default();
    // The forest: hazard ratios by subgroup for a time-to-event endpoint,
    // else differences in success rates (Newcombe intervals), for the
    // design's compared groups.
    let cfg = &entry.config;
    let compared = crate::server::report::compared_arms(cfg).map(|(_, t)| cfg.arms[t].code.clone());
    let (forest, forest_measure) = match (&compared, survival.is_some()) {
        (Some(t), true) => (
            closed
                .subgroups
                .iter()
                .map(|r| ForestRow {
                    variable: r.variable.clone(),
                    level: r.level.clone(),
                    n: r.by_arm.get(t).map_or(0, |e| e.n)
                        + r.by_arm.get(&reference).map_or(0, |e| e.n),
                    estimate: r.hazard_ratio.as_ref().map(|h| h.hr),
                    ci95: r.hazard_ratio.as_ref().map(|h| h.ci95),
                })
                .collect(),
            format!("hazard ratio, {}", vs(t, &reference)),
        ),
        (Some(t), false) => (
            closed
                .subgroups
                .iter()
                .map(|r| {
                    let get = |c: &str| {
                        r.by_arm
                            .get(c)
                            .copied()
                            .unwrap_or(crate::server::report::EventsN { events: 0, n: 0 })
                    };
                    let (a, b) = (get(t), get(&reference));
                    let success = |e: crate::server::report::EventsN| {
                        if cfg.primary.event_is_success {
                            u64::from(e.events)
                        } else {
                            u64::from(e.n - e.events)
                        }
                    };
                    let rd = crate::stats::rates::newcombe(
                        success(a),
                        u64::from(a.n),
                        success(b),
                        u64::from(b.n),
                        0.95,
                    );
                    ForestRow {
                        variable: r.variable.clone(),
                        level: r.level.clone(),
                        n: a.n + b.n,
                        estimate: rd.map(|x| x.0),
                        ci95: rd.map(|x| [x.1 .0, x.1 .1]),
                    }
                })
                .collect(),
            format!("difference in success rates, {}", vs(t, &reference)),
        ),
        (None, _) => (Vec::new(), String::new()),
    };
    let interactions = closed
        .subgroup_interactions
        .iter()
        .map(|i| (i.variable.clone(), i.p))
        .collect();
    let risk_times = survival.map(|s| s.risk_times.clone()).unwrap_or_default();
    let km_chart = if kaplan_meier.is_empty() {
        Default::default()
    } else {
        figures::kaplan_meier(&kaplan_meier, "Days")
    };
    let forest_chart = if forest.iter().any(|r| r.ci95.is_some()) {
        figures::forest(&forest, &forest_measure)
    } else {
        Default::default()
    };
    let out = Efficacy {
        trial_id: trial,
        cut_date: closed.cut_date.clone(),
        endpoint: closed.primary.name.clone(),
        coded: names.coded,
        design,
        primary,
        interim,
        kaplan_meier,
        risk_times,
        logrank_p: survival.and_then(|s| s.logrank_p),
        hazard_ratios,
        forest,
        forest_measure,
        interactions,
        km_chart,
        forest_chart,
        cuts,
    };
    state.keep_view(key, out.clone());
    Ok(out)
}
