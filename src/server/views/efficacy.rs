//! The efficacy and futility page's data: the design and the futility rule
//! in words, the look with the statistic's path over the cuts, conditional
//! power, the survival summaries and the subgroup forest, every direction
//! named as the viewer may see it (no group while coded).

use super::figures;
use super::safety::test_name;
use crate::dto::{Efficacy, ForestRow, HazardRatioRow, InterimView, KmRow, PathPoint, PrimaryRow};
use crate::server::config::{EndpointKind, Sided, TrialConfig, TrialDesign};
use crate::server::firewall::ArmNames;
use crate::server::report::{compared_arms, ClosedReport, EventsN};
use crate::server::web::AppState;
use crate::stats::rates::newcombe;
use std::sync::Arc;

/// The design in words.
pub fn design_text(d: &TrialDesign) -> String {
    format!(
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
            Sided::One => "one",
            Sided::Two => "two",
        },
        d.alpha,
        d.efficacy_spending,
        d.power
    )
}

/// The futility rule in words, with its source.
pub fn futility_text(d: &TrialDesign) -> Option<String> {
    d.futility.as_ref().map(|f| {
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
    })
}

/// The harm boundary in words, when the design sets one.
pub fn harm_text(d: &TrialDesign) -> Option<String> {
    d.harm.as_ref().map(|h| {
        let mut s = format!(
            "{} harm guideline: one-sided harm alpha {} spent by {} at the formal looks' observed information",
            if h.binding { "Binding" } else { "Non-binding" },
            h.alpha,
            h.spending
        );
        if let Some(src) = &h.source {
            s.push_str(&format!(" ({src})"));
        }
        s
    })
}

/// The statistic's path: z and B at this cut and every earlier good cut of
/// the trial (each earlier cut's interim look cached once computed).
pub async fn z_path(
    state: &AppState,
    trial: &str,
    date: &str,
    closed: &Arc<ClosedReport>,
    dates: &[String],
) -> Vec<PathPoint> {
    let mut path = Vec::new();
    for d in dates.iter().rev().filter(|d| d.as_str() <= date) {
        let interim = if *d == date {
            closed.interim.clone()
        } else {
            match state.closed_interim(trial, d).await {
                Ok(i) => i,
                Err(e) => {
                    // A good cut's look does not fail (its checks passed);
                    // if one does, the path goes on without it, and says so
                    // in the log.
                    tracing::error!(trial, cut = d, "the path leaves out a cut: {e}");
                    continue;
                }
            }
        };
        if let Some(i) = &interim {
            path.push(PathPoint {
                cut_date: d.clone(),
                information_fraction: i.information_fraction,
                z: i.z,
                b_value: i.b_value,
            });
        }
    }
    path
}

/// `view` with the cut of the last signed review marked on its path
/// (meetings change, so this is done per request, after the cache).
pub fn with_reviewed_cut(mut view: Efficacy, reviewed: Option<String>) -> Efficacy {
    if let Some(i) = view.interim.as_mut() {
        if i.reviewed_cut != reviewed {
            i.reviewed_cut = reviewed;
            i.boundary_chart = figures::boundaries(i);
        }
    }
    view
}

/// The path on the boundaries' scale: at a final look that over- or
/// under-runs, the plan's fractions are rescaled so that it is 1 (see
/// `report::interim`'s look planning); the path is put on the same scale.
fn rescale_path(closed: &ClosedReport, path: &mut [PathPoint]) {
    if let Some(i) = &closed.interim {
        let here = i.fractions.get(i.look.saturating_sub(1)).copied();
        if let Some(scale) = here
            .filter(|_| i.information_fraction > 0.0)
            .map(|h| h / i.information_fraction)
            .filter(|s| (s - 1.0).abs() > 1e-12)
        {
            for p in path.iter_mut() {
                p.information_fraction *= scale;
                p.b_value = p.z * p.information_fraction.sqrt();
            }
        }
    }
}

/// The efficacy page's data from the closed report for a viewer who sees
/// the arms (a coded viewer gets [`coded_efficacy`]); `path` is the
/// statistic's path over the cuts ([`z_path`]).
pub fn efficacy(
    trial: String,
    config: &TrialConfig,
    closed: &ClosedReport,
    names: &ArmNames,
    mut path: Vec<PathPoint>,
    cuts: Vec<String>,
) -> Efficacy {
    if names.coded {
        return coded_efficacy(trial, config, closed, names, cuts);
    }
    let design = design_text(&config.design);
    let futility_rule = futility_text(&config.design);
    let vs = |t: &str, r: &str| names.versus(t, r);
    rescale_path(closed, &mut path);
    let interim = closed.interim.as_ref().map(|i| {
        let vs = vs(&i.treatment, &i.reference);
        let measure = if i.effect_measure.starts_with("hazard") {
            format!(
                "hazard ratio, {vs} (below 1 favours {})",
                names.name(&i.treatment)
            )
        } else {
            format!("difference in success rates, {vs}")
        };
        let mut view = InterimView {
            look: i.look,
            looks: i.fractions.len(),
            look_label: i.look_label.clone(),
            formal: i.formal_look.is_some(),
            information_fraction: i.information_fraction,
            information: i.information.to_string(),
            planned_information: i.planned_information,
            required_information: i.required_information,
            fractions: i.fractions.clone(),
            z: i.z,
            b_value: i.b_value,
            efficacy_bounds: i.efficacy_bounds.clone(),
            bounds: bound_rows(i, config.design.sided == crate::server::config::Sided::Two),
            futility_bound: i.futility_bound,
            harm_bounds: i.harm_bounds.clone(),
            cp_design: i.conditional_power.as_ref().and_then(|c| c.design),
            cp_trend: i.conditional_power.as_ref().map(|c| c.trend),
            cp_null: i.conditional_power.as_ref().map(|c| c.null),
            cp_effects: i.conditional_power.as_ref().map(|c| crate::dto::CpEffects {
                observed: c.observed_effect,
                design: c.design_effect,
                null: c.null_effect,
            }),
            cp_threshold: config
                .design
                .futility
                .as_ref()
                .and_then(|f| f.conditional_power_below),
            predictive_power: i.predictive_power,
            effect_measure: measure,
            repeated_ci: i.repeated_ci,
            repeated_p_value: i.repeated_p_value,
            curve: i
                .conditional_power_curve
                .iter()
                .map(|p| (p.effect, p.conditional_power))
                .collect(),
            curve_note: i.curve_note.clone(),
            verdict: i.verdict.clone(),
            verdict_kind: i.verdict_kind.to_string(),
            basis: i.basis.clone(),
            futility_rule: futility_rule.clone(),
            harm_rule: harm_text(&config.design),
            path: path.clone(),
            reviewed_cut: None,
            boundary_chart: Default::default(),
            cp_chart: Default::default(),
            declare: None,
        };
        // An observed effect outside the curve's range has no mark on it:
        // say where it is instead.
        if let (Some(e), Some(first), Some(last)) =
            (&view.cp_effects, view.curve.first(), view.curve.last())
        {
            if e.observed < first.0 || e.observed > last.0 {
                let said = format!(
                    "The observed effect ({:.3}) lies outside the range shown.",
                    e.observed
                );
                view.curve_note = Some(match view.curve_note.take() {
                    Some(n) => format!("{n} {said}"),
                    None => said,
                });
            }
        }
        view.boundary_chart = figures::boundaries(&view);
        if !view.curve.is_empty() {
            view.cp_chart = figures::conditional_power(&view);
        }
        view
    });
    let primary = primary_rows(closed, names, false);
    let survival = closed.primary.survival.as_ref();
    let kaplan_meier = km_rows(closed, names);
    let reference = config
        .arms
        .first()
        .map(|a| a.code.clone())
        .unwrap_or_default();
    let hazard_ratios = survival
        .and_then(|s| s.cox.as_ref())
        .map(|rows| {
            rows.iter()
                .map(|r| HazardRatioRow {
                    label: vs(&r.arm, &reference),
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
    let cfg = config;
    let compared = compared_arms(cfg).map(|(_, t)| cfg.arms[t].code.clone());
    let by_time = config.design.endpoint == EndpointKind::TimeToEvent;
    // Each subgroup by its label, and each level's events/n by group.
    let label = |variable: &str| {
        cfg.subgroups
            .iter()
            .find(|s| s.variable == variable)
            .and_then(|s| s.label.clone())
            .unwrap_or_else(|| variable.to_string())
    };
    let events_n = |r: &crate::server::report::SubgroupRow, t: &str| {
        [t, reference.as_str()]
            .iter()
            .map(|c| {
                r.by_arm
                    .get(*c)
                    .map_or("–".to_string(), |e| format!("{}/{}", e.events, e.n))
            })
            .collect::<Vec<_>>()
    };
    let (forest, forest_measure) = match (&compared, by_time) {
        (Some(t), true) => (
            closed
                .subgroups
                .iter()
                .map(|r| ForestRow {
                    variable: r.variable.clone(),
                    label: label(&r.variable),
                    level: r.level.clone(),
                    events: events_n(r, t),
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
                            .unwrap_or(EventsN { events: 0, n: 0 })
                    };
                    let (a, b) = (get(t), get(&reference));
                    let success = |e: EventsN| {
                        if cfg.primary.event_is_success {
                            u64::from(e.events)
                        } else {
                            u64::from(e.n - e.events)
                        }
                    };
                    let rd = newcombe(success(a), u64::from(a.n), success(b), u64::from(b.n), 0.95);
                    ForestRow {
                        variable: r.variable.clone(),
                        label: label(&r.variable),
                        level: r.level.clone(),
                        events: events_n(r, t),
                        n: a.n + b.n,
                        estimate: rd.map(|x| x.estimate),
                        ci95: rd.map(|x| [x.ci.0, x.ci.1]),
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
        .map(|i| (label(&i.variable), i.p))
        .collect();
    let super::secondary::SecondaryView {
        groups: secondary_groups,
        rows: secondary,
        continuous,
    } = super::secondary::secondary_rows(closed, names);
    let interaction_model = closed
        .subgroup_interactions
        .first()
        .map_or(String::new(), |i| i.model.to_string());
    let forest_groups = compared
        .as_ref()
        .map(|t| vec![names.name(t), names.name(&reference)])
        .unwrap_or_default();
    let risk_times = survival.map(|s| s.risk_times.clone()).unwrap_or_default();
    let km_chart = km_chart(&kaplan_meier, &risk_times);
    let forest_chart = if forest.iter().any(|r| r.ci95.is_some()) {
        figures::forest(&forest, &forest_measure)
    } else {
        Default::default()
    };
    Efficacy {
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
        forest_groups,
        interactions,
        interaction_model,
        secondary_groups,
        secondary,
        continuous,
        bayes: closed
            .bayes
            .as_ref()
            .map(|b| super::bayes::bayes_view(b, names)),
        benefit_risk: closed
            .benefit_risk
            .as_ref()
            .map(|b| super::benefit_risk::benefit_risk_view(b, names)),
        km_chart,
        forest_chart,
        cuts,
        withheld: None,
        primary_test: closed.primary.comparison.as_ref().map(|c| {
            format!(
                "{}: {} ({})",
                names.versus(&c.arm, &c.reference),
                crate::components::format::p_is(c.p_value),
                test_name(c.test)
            )
        }),
    }
}

/// Why a coded viewer does not see the directional results.
pub const WITHHELD: &str = "While the groups are coded, nothing directional is shown: the group-sequential look (z and B-value, boundaries, conditional and predictive power, repeated confidence interval, the verdict), hazard ratios, the subgroup effects, the Bayesian posteriors and the benefit-risk comparison each tell which group is the experimental arm. They are shown after the decode, which is recorded in the audit trail.";

/// The efficacy page of a viewer whose groups are coded: only what is the
/// same whichever true arm stands behind each letter (per-group counts,
/// Kaplan-Meier curves, the log-rank test of equal groups); the
/// directional results wait for the audited decode ([`WITHHELD`]).
pub fn coded_efficacy(
    trial: String,
    config: &TrialConfig,
    closed: &ClosedReport,
    names: &ArmNames,
    cuts: Vec<String>,
) -> Efficacy {
    let kaplan_meier = km_rows(closed, names);
    let risk_times = closed
        .primary
        .survival
        .as_ref()
        .map(|s| s.risk_times.clone())
        .unwrap_or_default();
    let super::secondary::SecondaryView {
        groups: secondary_groups,
        rows: secondary,
        continuous,
    } = super::secondary::secondary_rows(closed, names);
    Efficacy {
        trial_id: trial,
        cut_date: closed.cut_date.clone(),
        endpoint: closed.primary.name.clone(),
        coded: true,
        design: design_text(&config.design),
        primary: primary_rows(closed, names, true),
        interim: None,
        km_chart: km_chart(&kaplan_meier, &risk_times),
        kaplan_meier,
        risk_times,
        // To 6 significant digits: the k-group statistic is the same for any
        // order of the groups, but its last bits are not.
        logrank_p: closed
            .primary
            .survival
            .as_ref()
            .and_then(|s| s.logrank_p)
            .map(figures::six_significant),
        hazard_ratios: Vec::new(),
        forest: Vec::new(),
        forest_measure: String::new(),
        forest_groups: Vec::new(),
        interactions: Vec::new(),
        interaction_model: String::new(),
        secondary_groups,
        secondary,
        continuous,
        bayes: None,
        benefit_risk: None,
        forest_chart: Default::default(),
        cuts,
        withheld: Some(WITHHELD.to_string()),
        primary_test: None,
    }
}

/// The primary endpoint by group in display order. The evaluable subjects
/// are those of the compared groups; with `every_group_or_none` they are
/// shown only when every group has them, so that the table does not tell
/// which coded groups the design compares.
fn primary_rows(
    closed: &ClosedReport,
    names: &ArmNames,
    every_group_or_none: bool,
) -> Vec<PrimaryRow> {
    let order = names.display_order();
    let evaluable_of = |code: &str| closed.interim.as_ref().and_then(|i| i.evaluable.get(code));
    let all_have = order.iter().all(|c| evaluable_of(c).is_some());
    order
        .iter()
        .filter_map(|code| {
            let all = closed.primary.by_arm.get(code)?;
            let evaluable = evaluable_of(code).filter(|_| all_have || !every_group_or_none);
            Some(PrimaryRow {
                group: names.name(code),
                randomized: all.n,
                evaluable: evaluable.map(|e| e.n),
                events: evaluable.map_or(all.events, |e| e.events),
                compared: !every_group_or_none && evaluable_of(code).is_some(),
            })
        })
        .collect()
}

/// Kaplan-Meier summaries by group in display order (time-to-event primary).
fn km_rows(closed: &ClosedReport, names: &ArmNames) -> Vec<KmRow> {
    closed
        .primary
        .survival
        .as_ref()
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
                        censored: k.censored.clone(),
                        band: k.band.clone(),
                        at_risk: k.at_risk.clone(),
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Every look's bounds with their nominal p-values and the alpha spent by
/// then (a two-sided design's efficacy p counts both tails).
fn bound_rows(i: &crate::server::report::Interim, two_sided: bool) -> Vec<crate::dto::BoundRow> {
    use crate::stats::normal;
    let tails = if two_sided { 2.0 } else { 1.0 };
    i.fractions
        .iter()
        .enumerate()
        .map(|(k, &t)| {
            let z = i.efficacy_bounds[k];
            let harm_z = i.harm_bounds.as_ref().and_then(|h| h.get(k).copied());
            crate::dto::BoundRow {
                look: k + 1,
                information_fraction: t,
                efficacy_z: z,
                efficacy_p: tails * normal::sf(z),
                efficacy_alpha: i.efficacy_alpha.get(k).copied().unwrap_or(f64::NAN),
                futility_z: (k + 1 == i.look).then_some(i.futility_bound).flatten(),
                futility_cp_z: i.futility_cp_z.as_ref().and_then(|f| f.get(k).copied()),
                harm_z,
                harm_p: harm_z.map(normal::cdf),
                harm_alpha: i.harm_alpha.as_ref().and_then(|a| a.get(k).copied()),
            }
        })
        .collect()
}

fn km_chart(rows: &[KmRow], risk_times: &[f64]) -> crate::dto::Figure {
    if rows.is_empty() {
        Default::default()
    } else {
        figures::kaplan_meier(rows, risk_times, "Days")
    }
}

/// The offer to declare the cut of `closed` the next formal look, for the
/// statistician (`csrf` their form token): a monitoring cut after every
/// declared look, while the design has a look left.
pub fn declare_offer(
    config: &TrialConfig,
    closed: &ClosedReport,
    csrf: String,
) -> Option<crate::dto::DeclareLook> {
    let i = closed.interim.as_ref()?;
    let d = &config.design;
    let cut = &closed.cut_date;
    if i.formal_look.is_some() || d.formal_looks.iter().any(|l| &l.cut >= cut) {
        return None;
    }
    let look = d.formal_looks.len() + 1;
    let planned = *d.looks.get(look - 1)?;
    let proposed = i.proposed_look == Some(look);
    let note = if proposed {
        format!(
            "The information reached ({:.2}) is at or beyond look {look}'s planned {planned}: the app proposes declaring this cut look {look}.",
            i.information_fraction
        )
    } else {
        format!(
            "The information reached ({:.2}) is below look {look}'s planned {planned}: declared now, look {look} comes early, and its boundaries are spent at the information observed.",
            i.information_fraction
        )
    };
    Some(crate::dto::DeclareLook {
        look,
        of: d.looks.len(),
        cut: cut.clone(),
        proposed,
        note,
        csrf,
    })
}
