//! The efficacy and futility page (closed roles): the look, the boundaries
//! with the statistic's path, conditional power, the verdict; survival and
//! the subgroup forest.

use super::trial_nav::{cut_param, trial_param, Tab, TrialNav};
use crate::components::format::{median_ci, median_days, opt, p_fmt, p_is};
use crate::components::{fragment, Chart, ErrorPanel};
use crate::dto::{Efficacy, InterimView};
use crate::serverfns::get_efficacy;
use leptos::prelude::*;

/// Efficacy and futility (closed roles): the look, the boundaries, the
/// conditional powers and the verdict; survival summaries for a
/// time-to-event endpoint.
#[component]
pub fn EfficacyPage() -> impl IntoView {
    let trial = trial_param();
    let cut = cut_param();
    let data = Resource::new(
        move || (trial.get(), cut.get()),
        |(t, c)| get_efficacy(t, c),
    );
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorPanel errors/> }>
                {move || Suspend::new(async move {
                    data.await.map(|mut data| {
                        // The declaration form carries the viewer's token:
                        // never in the fragment every viewer of the view shares.
                        let declare = data.interim.as_mut().and_then(|i| i.declare.take());
                        let trial_id = data.trial_id.clone();
                        view! {
                        <TrialNav
                            trial=data.trial_id.clone()
                            closed=true
                            tab=Tab::Efficacy
                            shown=data.cut_date.clone()
                            cuts=data.cuts.clone()
                        />
                        {declare.map(|d| view! { <DeclareForm d trial=trial_id/> })}
                        {
                            let (trial, cut, coded) = (data.trial_id.clone(), data.cut_date.clone(), data.coded);
                            fragment::cached("efficacy-html", &trial, &cut, coded, move || view! { <EfficacyView data/> })
                        }
                        }
                    })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

#[component]
fn EfficacyView(data: Efficacy) -> impl IntoView {
    let interim = data.interim.clone();
    let has_evaluable = data.primary.iter().any(|r| r.evaluable.is_some());
    let marks_compared =
        data.primary.iter().any(|r| r.compared) && data.primary.iter().any(|r| !r.compared);
    let primary_rows = data
        .primary
        .iter()
        .map(|r| {
            // The share of the evaluable where the group has them, else of
            // the randomized (a group outside the look's comparison).
            let base = r.evaluable.unwrap_or(r.randomized);
            let share = if base == 0 {
                "–".to_string()
            } else {
                format!("{:.1}", 100.0 * f64::from(r.events) / f64::from(base))
            };
            let group = if marks_compared && r.compared {
                format!("{} †", r.group)
            } else {
                r.group.clone()
            };
            view! {
                <tr>
                    <th scope="row">{group}</th>
                    <td class="num">{r.randomized}</td>
                    {has_evaluable.then(|| view! { <td class="num">{r.evaluable.map_or("–".to_string(), |e| e.to_string())}</td> })}
                    <td class="num">{r.events}</td>
                    <td class="num">{share}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="panel closed">
            <h1>"Efficacy and futility " <span class="badge">"closed"</span></h1>
            <p class="subtitle">
                "Data cut " <time>{data.cut_date.clone()}</time> ". Primary endpoint: "
                {data.endpoint.clone()}
            </p>
            <p class="caption" data-testid="design">{data.design.clone()}</p>
            {data.coded.then(|| view! { <p class="caption">"Arms are shown as coded groups."</p> })}
            {data
                .withheld
                .clone()
                .map(|w| view! { <p class="notice" data-testid="withheld">{w}</p> })}
            <table class="data" data-testid="primary">
                <caption>"Primary endpoint by group"</caption>
                <thead>
                    <tr>
                        <th scope="col">{if data.coded { "Group" } else { "Arm" }}</th>
                        <th scope="col" class="num">"Randomized"</th>
                        {has_evaluable.then(|| view! { <th scope="col" class="num">"Evaluable"</th> })}
                        <th scope="col" class="num">"Events"</th>
                        <th scope="col" class="num">
                            {if has_evaluable { "% of evaluable" } else { "% of randomized" }}
                        </th>
                    </tr>
                </thead>
                <tbody>{primary_rows}</tbody>
            </table>
            {data
                .primary_test
                .clone()
                .map(|t| view! { <p class="caption" data-testid="primary-test">{t}</p> })}
            {marks_compared.then(|| view! { <p class="caption">"† the groups the group-sequential look compares; the percentage of a group outside it is of its randomized subjects."</p> })}
        </section>
        {interim.map(|i| view! { <InterimSection i/> })}
        {data.bayes.clone().map(|b| view! { <super::bayes::BayesSection b/> })}
        {data.benefit_risk.clone().map(|b| view! { <super::benefit_risk::BenefitRiskSection b/> })}
        {(!data.kaplan_meier.is_empty()).then(|| view! { <SurvivalSection data=data.clone()/> })}
        {(!data.forest.is_empty()).then(|| view! { <ForestSection data=data.clone()/> })}
        {(!data.secondary.is_empty() || !data.continuous.is_empty()).then(|| view! { <super::secondary::SecondarySection data=data.clone()/> })}
    }
}

#[component]
fn ForestSection(data: Efficacy) -> impl IntoView {
    let rows = data
        .forest
        .iter()
        .map(|r| {
            let est = r
                .estimate
                .map(|e| format!("{e:.3}"))
                .unwrap_or_else(|| "–".into());
            let ci = r
                .ci95
                .map(|[a, b]| format!("{a:.3} to {b:.3}"))
                .unwrap_or_else(|| "–".into());
            let events = r
                .events
                .iter()
                .map(|e| view! { <td class="num">{e.clone()}</td> })
                .collect_view();
            view! {
                <tr>
                    <th scope="row">{format!("{}: {}", r.label, r.level)}</th>
                    {events}
                    <td class="num">{r.n}</td>
                    <td class="num">{est}</td>
                    <td class="num">{ci}</td>
                </tr>
            }
        })
        .collect_view();
    let group_heads = data
        .forest_groups
        .iter()
        .map(|g| view! { <th scope="col" class="num">{format!("{g}: events/n")}</th> })
        .collect_view();
    let interactions = data
        .interactions
        .iter()
        .map(|(v, p)| view! { <li>{v.clone()} ": " {p_is(*p)}</li> })
        .collect_view();
    view! {
        <section class="panel">
            <h2>"Subgroups"</h2>
            <p class="caption">{data.forest_measure.clone()} ", 95% intervals."</p>
            <Chart
                id="forest-chart".to_string()
                label="Treatment effect by subgroup with 95% intervals; the numbers are in the table below.".to_string()
                figure=data.forest_chart.clone()
            />
            <table class="data" data-testid="forest">
                <thead>
                    <tr>
                        <th scope="col">"Subgroup"</th>
                        {group_heads}
                        <th scope="col" class="num">"N"</th>
                        <th scope="col" class="num">"Estimate"</th>
                        <th scope="col" class="num">"95% CI"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
            {(!data.interactions.is_empty())
                .then(|| {
                    view! {
                        <p>{format!("Treatment-by-subgroup interaction (likelihood ratio, {} models):", data.interaction_model)}</p>
                        <ul data-testid="interactions">{interactions}</ul>
                    }
                })}
        </section>
    }
}

#[component]
fn InterimSection(i: InterimView) -> impl IntoView {
    let curve = i
        .curve
        .iter()
        .map(|(e, c)| {
            view! {
                <tr>
                    <td class="num">{format!("{e:.3}")}</td>
                    <td class="num">{format!("{:.3}", c)}</td>
                </tr>
            }
        })
        .collect_view();
    let has_curve = !i.curve.is_empty();
    let path = i
        .path
        .iter()
        .map(|p| {
            let reviewed = i.reviewed_cut.as_ref() == Some(&p.cut_date);
            view! {
                <tr>
                    <th scope="row">
                        {p.cut_date.clone()}
                        {reviewed.then_some(view! { <span data-testid="last-review">" (last review)"</span> })}
                    </th>
                    <td class="num">{format!("{:.3}", p.information_fraction)}</td>
                    <td class="num">{format!("{:.3}", p.z)}</td>
                    <td class="num">{format!("{:.3}", p.b_value)}</td>
                </tr>
            }
        })
        .collect_view();
    // A monitoring cut is never tested: its repeated interval and p-value
    // are read as if it were a look.
    let as_if = (!i.formal).then_some(" (as if this cut were a look)");
    view! {
        <section class="panel">
            <h2 data-testid="look-label">{capitalized(&i.look_label)}</h2>
            <p class="verdict" data-testid="verdict" data-kind=i.verdict_kind.clone()>{i.verdict.clone()}</p>
            {(!i.basis.is_empty()).then(|| {
                let items = i.basis.iter().map(|b| view! { <li>{b.clone()}</li> }).collect_view();
                view! { <ul class="basis" data-testid="verdict-basis">{items}</ul> }
            })}
            {i.futility_rule.clone().map(|r| view! { <p class="caption">{r}</p> })}
            {i.harm_rule.clone().map(|r| view! { <p class="caption" data-testid="harm-rule">{r}</p> })}
            <table class="data" data-testid="interim">
                <tbody>
                    <tr><th scope="row">"Information fraction"</th><td class="num">{format!("{:.3}", i.information_fraction)}</td></tr>
                    <tr><th scope="row">"Information"</th><td>{i.information.clone()}</td></tr>
                    <tr><th scope="row">"Planned at the final look"</th><td class="num">{format!("{:.0}", i.planned_information)}</td></tr>
                    <tr>
                        <th scope="row">"Needed for the design's power"</th>
                        <td class="num">{opt(i.required_information, 1)}</td>
                    </tr>
                    <tr><th scope="row">"z-statistic"</th><td class="num" data-testid="z">{format!("{:.3}", i.z)}</td></tr>
                    <tr><th scope="row">"B-value"</th><td class="num">{format!("{:.3}", i.b_value)}</td></tr>
                    <tr>
                        <th scope="row">"Conditional power, design effect"</th>
                        <td class="num" data-testid="cp-design">{opt(i.cp_design, 3)}</td>
                    </tr>
                    <tr>
                        <th scope="row">"Conditional power, current trend"</th>
                        <td class="num" data-testid="cp-trend">{opt(i.cp_trend, 3)}</td>
                    </tr>
                    <tr>
                        <th scope="row">"Conditional power, null (CRP)"</th>
                        <td class="num" data-testid="cp-null">{opt(i.cp_null, 3)}</td>
                    </tr>
                    <tr>
                        <th scope="row">"Predictive power (flat prior)"</th>
                        <td class="num">{opt(i.predictive_power, 3)}</td>
                    </tr>
                    <tr>
                        <th scope="row">"Repeated 95% CI, " {i.effect_measure.clone()} {as_if}</th>
                        <td class="num" data-testid="rci">{format!("{:.3} to {:.3}", i.repeated_ci[0], i.repeated_ci[1])}</td>
                    </tr>
                    <tr><th scope="row">"Repeated p-value" {as_if}</th><td class="num">{p_fmt(i.repeated_p_value)}</td></tr>
                </tbody>
            </table>
        </section>
        <section class="panel">
            <h2>"Boundaries at the observed information"</h2>
            <Chart
                id="boundary-chart".to_string()
                label="Group-sequential boundaries and the observed z-statistic; the numbers are in the table below.".to_string()
                figure=i.boundary_chart.clone()
            />
            <super::bounds::BoundsTable rows=i.bounds.clone() look=i.look cp_threshold=i.cp_threshold/>
            <table class="data" data-testid="path">
                <caption>"The observed statistic at each data cut"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Data cut"</th>
                        <th scope="col" class="num">"Information fraction"</th>
                        <th scope="col" class="num">"z"</th>
                        <th scope="col" class="num">"B-value"</th>
                    </tr>
                </thead>
                <tbody>{path}</tbody>
            </table>
        </section>
        {has_curve
            .then(|| {
                view! {
                    <section class="panel">
                        <h2>"Conditional power over a range of effects"</h2>
                        <Chart
                            id="cp-chart".to_string()
                            label="Conditional power over a range of effects; the numbers are in the table below.".to_string()
                            figure=i.cp_chart.clone()
                        />
                        {i.curve_note.clone().map(|n| view! { <p class="caption" data-testid="cp-curve-note">{n}</p> })}
                        <details>
                            <summary>"The numbers"</summary>
                            <table class="data" data-testid="cp-curve">
                                <thead>
                                    <tr>
                                        <th scope="col" class="num">{i.effect_measure.clone()}</th>
                                        <th scope="col" class="num">"Conditional power"</th>
                                    </tr>
                                </thead>
                                <tbody>{curve}</tbody>
                            </table>
                        </details>
                    </section>
                }
            })}
    }
}

#[component]
fn SurvivalSection(data: Efficacy) -> impl IntoView {
    let km = data
        .kaplan_meier
        .iter()
        .map(|k| {
            view! {
                <tr>
                    <th scope="row">{k.group.clone()}</th>
                    <td class="num">{k.n}</td>
                    <td class="num">{k.events}</td>
                    <td class="num">{median_days(k.median)}</td>
                    <td class="num">{median_ci(k.median_ci95)}</td>
                </tr>
            }
        })
        .collect_view();
    let has_hr = !data.hazard_ratios.is_empty();
    let hr = data
        .hazard_ratios
        .iter()
        .map(|h| {
            view! {
                <tr>
                    <th scope="row">{h.label.clone()}</th>
                    <td class="num">{format!("{:.3}", h.hr)}</td>
                    <td class="num">{format!("{:.3} to {:.3}", h.ci95[0], h.ci95[1])}</td>
                    <td class="num">{p_fmt(h.p)}</td>
                </tr>
            }
        })
        .collect_view();
    let risk_head = data
        .risk_times
        .iter()
        .map(|t| view! { <th scope="col" class="num">{format!("{t:.0}")}</th> })
        .collect_view();
    let risk_rows = data
        .kaplan_meier
        .iter()
        .map(|k| {
            let cells = k
                .at_risk
                .iter()
                .map(|n| view! { <td class="num">{*n}</td> })
                .collect_view();
            view! {
                <tr>
                    <th scope="row">{k.group.clone()}</th>
                    {cells}
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="panel">
            <h2>"Time to event"</h2>
            <Chart
                id="km-chart".to_string()
                label="Kaplan-Meier curves by group; medians and numbers at risk are in the tables.".to_string()
                figure=data.km_chart.clone()
            />
            <table class="data" data-testid="at-risk">
                <thead>
                    <tr>
                        <th scope="col">"At risk, by day"</th>
                        {risk_head}
                    </tr>
                </thead>
                <tbody>{risk_rows}</tbody>
            </table>
            <table class="data" data-testid="km">
                <thead>
                    <tr>
                        <th scope="col">"Group"</th>
                        <th scope="col" class="num">"N"</th>
                        <th scope="col" class="num">"Events"</th>
                        <th scope="col" class="num">"Median (days)"</th>
                        <th scope="col" class="num">"95% CI"</th>
                    </tr>
                </thead>
                <tbody>{km}</tbody>
            </table>
            <p>"Log-rank test over all groups: " <span data-testid="logrank-p">{data.logrank_p.map(p_is).unwrap_or_else(|| "not computed".into())}</span></p>
            // No hazard ratios (coded groups, or one group): no empty table.
            {has_hr.then(|| view! {
                <table class="data" data-testid="cox">
                    <thead>
                        <tr>
                            <th scope="col">"Cox model"</th>
                            <th scope="col" class="num">"Hazard ratio"</th>
                            <th scope="col" class="num">"95% CI"</th>
                            <th scope="col" class="num">"p"</th>
                        </tr>
                    </thead>
                    <tbody>{hr}</tbody>
                </table>
            })}
        </section>
    }
}

/// `s` with its first letter in upper case.
fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The statistician's form to declare this monitoring cut the next formal
/// look (a plain form: it works without JavaScript).
#[component]
fn DeclareForm(d: crate::dto::DeclareLook, trial: String) -> impl IntoView {
    view! {
        <section class="panel closed">
            <h2>"Declare a formal look"</h2>
            <form method="post" action=format!("/trial/{trial}/looks") class="declare-look" data-testid="declare-look">
                <input type="hidden" name="csrf" value=d.csrf/>
                <input type="hidden" name="cut" value=d.cut.clone()/>
                <input type="hidden" name="look" value=d.look.to_string()/>
                <p class="caption">
                    {d.note}
                    " The boundaries of this and every later cut are then spent at this cut's information; a declaration is recorded in the audit trail and never changed."
                </p>
                <button type="submit">
                    {format!("Declare the cut of {} formal look {} of {} (audited)", d.cut, d.look, d.of)}
                </button>
            </form>
        </section>
    }
}
