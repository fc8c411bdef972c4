//! The monitoring pages of a trial: safety (pooled for everyone, by arm for
//! closed roles) and efficacy/futility (closed roles). Every number is in a
//! table that renders without JavaScript; charts repeat the tables.

use crate::components::{fragment, Chart, ErrorPanel};
use crate::dto::{ClosedSafety, Efficacy, InterimView, OpenSafety, SafetyPage};
use crate::pages::overview::{cut_param, trial_param};
use crate::serverfns::{get_efficacy, get_safety};
use leptos::prelude::*;

/// A proportion (0-1) as a percentage with one decimal.
fn pct(x: f64) -> String {
    format!("{:.1}%", 100.0 * x)
}

fn ci_pct(ci: Option<[f64; 2]>) -> String {
    ci.map(|[a, b]| format!("{:.1}–{:.1}", 100.0 * a, 100.0 * b))
        .unwrap_or_else(|| "–".into())
}

/// A p-value as a report prints it.
pub fn p_fmt(p: f64) -> String {
    if !p.is_finite() {
        "–".into()
    } else if p < 0.001 {
        "<0.001".into()
    } else {
        format!("{p:.3}")
    }
}

fn opt(x: Option<f64>, digits: usize) -> String {
    x.map(|v| format!("{v:.digits$}"))
        .unwrap_or_else(|| "–".into())
}

/// Which of a trial's pages is shown (for the tabs).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Overview,
    Safety,
    Efficacy,
    Cuts,
}

/// The tabs of a trial's pages (closed roles also see efficacy and the
/// cuts) and the cut picker. The picker is a plain GET form: it reloads the
/// same page at the chosen cut, with or without JavaScript, and the tabs
/// keep the chosen cut. `cuts` are the good cuts, newest first; `shown` is
/// the cut on the page (no picker when `cuts` is empty).
#[component]
pub fn TrialNav(
    trial: String,
    closed: bool,
    tab: Tab,
    #[prop(optional)] shown: String,
    #[prop(optional)] cuts: Vec<String>,
) -> impl IntoView {
    // The newest cut needs no query: links stay short and follow new cuts.
    let query = if cuts.first().is_some_and(|newest| *newest != shown) && !shown.is_empty() {
        format!("?cut={shown}")
    } else {
        String::new()
    };
    let link = move |t: Tab, tail: &str, label: &'static str| {
        let current = (t == tab).then_some("page");
        let href = if t == Tab::Cuts {
            format!("/trial/{trial}{tail}")
        } else {
            format!("/trial/{trial}{tail}{query}")
        };
        view! { <a href=href aria-current=current>{label}</a> }
    };
    let picker = (!cuts.is_empty()).then(|| {
        let options = cuts
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let label = if i == 0 {
                    format!("{c} (latest)")
                } else {
                    c.clone()
                };
                view! { <option value=c.clone() selected=*c == shown>{label}</option> }
            })
            .collect_view();
        view! {
            <form method="get" class="cut-picker" data-testid="cut-picker">
                <label>
                    "Data cut " <select name="cut" data-testid="cut-select">{options}</select>
                </label>
                <button type="submit">"Show"</button>
            </form>
        }
    });
    view! {
        <div class="trial-bar">
            <nav class="tabs" aria-label="Trial pages">
                {link(Tab::Overview, "", "Overview")}
                {link(Tab::Safety, "/safety", "Safety")}
                {closed
                    .then(|| {
                        view! {
                            {link(Tab::Efficacy, "/efficacy", "Efficacy and futility")}
                            {link(Tab::Cuts, "/cuts", "Data cuts")}
                        }
                    })}
            </nav>
            {picker}
        </div>
    }
}

fn is_closed_role(role: &str) -> bool {
    role == "dsmb" || role == "statistician"
}

/// Safety: pooled rates for everyone; by arm with risk differences and
/// tests for closed roles.
#[component]
pub fn SafetyPage() -> impl IntoView {
    let trial = trial_param();
    let cut = cut_param();
    let page = Resource::new(move || (trial.get(), cut.get()), |(t, c)| get_safety(t, c));
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorPanel errors/> }>
                {move || Suspend::new(async move {
                    let SafetyPage { open: data, closed } = page.await?;
                    Ok::<_, ServerFnError>(view! {
                        <TrialNav
                            trial=data.trial_id.clone()
                            closed=is_closed_role(&data.viewer_role)
                            tab=Tab::Safety
                            shown=data.cut_date.clone()
                            cuts=data.cuts.clone()
                        />
                        {
                            let d = data.clone();
                            fragment::cached(
                                "open-safety-html",
                                &d.trial_id.clone(),
                                &d.cut_date.clone(),
                                false,
                                move || view! { <OpenSafetyTable data=d/> },
                            )
                        }
                        {closed
                            .map(|data| {
                                let (trial, cut, coded) = (data.trial_id.clone(), data.cut_date.clone(), data.coded);
                                fragment::cached(
                                    "closed-safety-html",
                                    &trial,
                                    &cut,
                                    coded,
                                    move || view! { <ClosedSafetyTable data/> },
                                )
                            })}
                    })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

#[component]
fn OpenSafetyTable(data: OpenSafety) -> impl IntoView {
    let rows = data
        .rows
        .iter()
        .map(|r| {
            let shown = match r.subjects {
                Some(s) => s.to_string(),
                None => format!("<{}", data.small_cell_threshold),
            };
            view! {
                <tr>
                    <th scope="row">{r.category.clone()}</th>
                    <td class="num">{shown}</td>
                    <td class="num">{r.n}</td>
                    <td class="num">{r.percent.map(|p| format!("{p:.1}")).unwrap_or_else(|| "–".into())}</td>
                    <td class="num">{ci_pct(r.ci95)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="panel">
            <h1>"Safety, all subjects pooled"</h1>
            <p class="subtitle">"Data cut " <time>{data.cut_date.clone()}</time></p>
            <p class="caption">
                "Subjects with at least one event; exact (Clopper-Pearson) 95% intervals. Counts from 1 to "
                {data.small_cell_threshold.saturating_sub(1)} " are suppressed in pooled views."
            </p>
            <table class="data" data-testid="open-safety">
                <thead>
                    <tr>
                        <th scope="col">"Category"</th>
                        <th scope="col" class="num">"Subjects"</th>
                        <th scope="col" class="num">"N"</th>
                        <th scope="col" class="num">"%"</th>
                        <th scope="col" class="num">"95% CI (%)"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
    }
}

#[component]
fn ClosedSafetyTable(data: ClosedSafety) -> impl IntoView {
    let groups: Vec<String> = data
        .rows
        .first()
        .map(|r| r.groups.iter().map(|g| g.group.clone()).collect())
        .unwrap_or_default();
    let head = groups
        .iter()
        .map(|g| view! { <th scope="col" class="num">{g.clone()}</th> })
        .collect_view();
    let rows = data
        .rows
        .iter()
        .map(|r| {
            let cells = r
                .groups
                .iter()
                .map(|g| {
                    view! {
                        <td class="num">
                            {format!("{}/{}", g.subjects, g.n)}
                            <br/>
                            <span class="small">
                                {g.percent.map(|p| format!("{p:.1}%")).unwrap_or_default()} " (" {ci_pct(g.ci95)} ")"
                            </span>
                        </td>
                    }
                })
                .collect_view();
            let cmps = r
                .comparisons
                .iter()
                .map(|c| {
                    let rd = match (c.risk_difference, c.risk_difference_ci95) {
                        (Some(d), Some([lo, hi])) => format!("{} ({} to {})", pct(d), pct(lo), pct(hi)),
                        _ => "–".into(),
                    };
                    view! {
                        <div>
                            <span class="small">{c.label.clone()} ": "</span>
                            {rd}
                            "; p = "
                            {p_fmt(c.p_value)}
                            " (" {c.test.clone()} ")"
                        </div>
                    }
                })
                .collect_view();
            view! {
                <tr>
                    <th scope="row">{r.category.clone()}</th>
                    {cells}
                    <td>{cmps}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="panel closed">
            <h2>"Safety by arm " <span class="badge">"closed"</span></h2>
            <p class="caption">
                {if data.coded { "Arms are shown as coded groups. " } else { "" }}
                "Risk differences with " {data.risk_difference_method.clone()}
                " 95% intervals; p-values by the trial's rule (chi-square with continuity correction unless an expected count is below 5, then Fisher's exact test)."
            </p>
            <table class="data" data-testid="closed-safety">
                <thead>
                    <tr>
                        <th scope="col">"Category"</th>
                        {head}
                        <th scope="col">"Risk difference (95% CI); p"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
        <IncidenceSection data=data.clone()/>
        <SeriousSection data/>
    }
}

/// Cumulative incidence of each category over study days, by group: the
/// chart shows one category at a time; the table has every category at the
/// tabulated days and, folded, every step of every curve.
#[component]
fn IncidenceSection(data: ClosedSafety) -> impl IntoView {
    let days = data.incidence_days.clone();
    let undated: u32 = data
        .rows
        .iter()
        .flat_map(|r| r.incidence.iter().map(|g| g.undated))
        .sum();
    let head = days
        .iter()
        .map(|d| view! { <th scope="col" class="num">{format!("Day {d}")}</th> })
        .collect_view();
    let rows = data
        .rows
        .iter()
        .flat_map(|r| {
            let span = r.incidence.len().max(1);
            r.incidence.iter().enumerate().map(move |(i, g)| {
                let cells = g
                    .at_days
                    .iter()
                    .map(|c| view! { <td class="num">{pct(*c)}</td> })
                    .collect_view();
                view! {
                    <tr>
                        {(i == 0).then(|| view! { <th scope="rowgroup" rowspan=span>{r.category.clone()}</th> })}
                        <th scope="row">{g.group.clone()}</th>
                        {cells}
                    </tr>
                }
            })
        })
        .collect_view();
    let steps = data
        .rows
        .iter()
        .flat_map(|r| {
            r.incidence.iter().flat_map(move |g| {
                g.steps.iter().skip(1).map(move |p| {
                    view! {
                        <tr>
                            <td>{r.category.clone()}</td>
                            <td>{g.group.clone()}</td>
                            <td class="num">{p[0]}</td>
                            <td class="num">{format!("{:.4}", p[1])}</td>
                        </tr>
                    }
                })
            })
        })
        .collect_view();
    view! {
        <section class="panel closed">
            <h2>"Cumulative incidence over time " <span class="badge">"closed"</span></h2>
            <p class="caption">
                "Probability of a first event by study day (randomization = day 1), Aalen-Johansen estimate with death before an event as the competing risk; subjects alive without an event are followed to the cut."
            </p>
            {(undated > 0)
                .then(|| {
                    view! {
                        <p class="caption" data-testid="undated">
                            {format!(
                                "{undated} subject-categories are left out of the curves: their qualifying events have no onset date (they are counted in the table above).",
                            )}
                        </p>
                    }
                })}
            <Chart
                id="incidence-chart".to_string()
                label="Cumulative incidence by group for the category picked in the chart's menu; the numbers are in the tables below.".to_string()
                figure=data.incidence_chart.clone()
            />
            <table class="data" data-testid="incidence">
                <thead>
                    <tr>
                        <th scope="col">"Category"</th>
                        <th scope="col">{if data.coded { "Group" } else { "Arm" }}</th>
                        {head}
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
            <details>
                <summary>"Every step of the curves"</summary>
                <table class="data" data-testid="incidence-steps">
                    <thead>
                        <tr>
                            <th scope="col">"Category"</th>
                            <th scope="col">{if data.coded { "Group" } else { "Arm" }}</th>
                            <th scope="col" class="num">"Study day"</th>
                            <th scope="col" class="num">"Cumulative incidence"</th>
                        </tr>
                    </thead>
                    <tbody>{steps}</tbody>
                </table>
            </details>
        </section>
    }
}

/// Serious and fatal adverse events: counts by group, then the listing.
#[component]
fn SeriousSection(data: ClosedSafety) -> impl IntoView {
    let mut groups: Vec<String> = Vec::new();
    for r in &data.serious {
        if !groups.contains(&r.group) {
            groups.push(r.group.clone());
        }
    }
    let summary = groups
        .iter()
        .map(|g| {
            let of = data.serious.iter().filter(|r| &r.group == g);
            let serious = of.clone().filter(|r| r.serious).count();
            let fatal = of.clone().filter(|r| r.fatal).count();
            let subjects: std::collections::BTreeSet<&str> =
                of.map(|r| r.usubjid.as_str()).collect();
            view! {
                <tr>
                    <th scope="row">{g.clone()}</th>
                    <td class="num">{serious}</td>
                    <td class="num">{fatal}</td>
                    <td class="num">{subjects.len()}</td>
                </tr>
            }
        })
        .collect_view();
    let listing = data
        .serious
        .iter()
        .map(|r| {
            view! {
                <tr>
                    <td>{r.group.clone()}</td>
                    <td>{r.usubjid.clone()}</td>
                    <td>{r.term.clone()}</td>
                    <td class="num">{r.day.map(|d| d.to_string()).unwrap_or_else(|| "–".into())}</td>
                    <td>{if r.serious { "Yes" } else { "No" }}</td>
                    <td>{if r.fatal { "Fatal" } else { "" }}</td>
                </tr>
            }
        })
        .collect_view();
    let empty = data.serious.is_empty();
    view! {
        <section class="panel closed">
            <h2>"Serious and fatal adverse events " <span class="badge">"closed"</span></h2>
            {empty.then(|| view! { <p>"No serious or fatal adverse event by this cut."</p> })}
            {(!empty)
                .then(|| {
                    view! {
                        <table class="data" data-testid="serious-summary">
                            <thead>
                                <tr>
                                    <th scope="col">{if data.coded { "Group" } else { "Arm" }}</th>
                                    <th scope="col" class="num">"Serious events"</th>
                                    <th scope="col" class="num">"Fatal events"</th>
                                    <th scope="col" class="num">"Subjects"</th>
                                </tr>
                            </thead>
                            <tbody>{summary}</tbody>
                        </table>
                        <div class="table-scroll" tabindex="0" role="region" aria-label="Listing of serious and fatal events">
                            <table class="data" data-testid="serious-listing">
                                <thead>
                                    <tr>
                                        <th scope="col">{if data.coded { "Group" } else { "Arm" }}</th>
                                        <th scope="col">"Subject"</th>
                                        <th scope="col">"Event (preferred term)"</th>
                                        <th scope="col" class="num">"Onset day"</th>
                                        <th scope="col">"Serious"</th>
                                        <th scope="col">"Outcome"</th>
                                    </tr>
                                </thead>
                                <tbody>{listing}</tbody>
                            </table>
                        </div>
                    }
                })}
        </section>
    }
}

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
                    data.await.map(|data| view! {
                        <TrialNav
                            trial=data.trial_id.clone()
                            closed=true
                            tab=Tab::Efficacy
                            shown=data.cut_date.clone()
                            cuts=data.cuts.clone()
                        />
                        {
                            let (trial, cut, coded) = (data.trial_id.clone(), data.cut_date.clone(), data.coded);
                            fragment::cached("efficacy-html", &trial, &cut, coded, move || view! { <EfficacyView data/> })
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
    let primary_rows = data
        .primary
        .iter()
        .map(|r| {
            let base = r.evaluable.unwrap_or(r.randomized);
            let share = if base == 0 {
                "–".to_string()
            } else {
                format!("{:.1}", 100.0 * f64::from(r.events) / f64::from(base))
            };
            view! {
                <tr>
                    <th scope="row">{r.group.clone()}</th>
                    <td class="num">{r.randomized}</td>
                    {has_evaluable.then(|| view! { <td class="num">{r.evaluable.unwrap_or(0)}</td> })}
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
        </section>
        {interim.map(|i| view! { <InterimSection i/> })}
        {(!data.kaplan_meier.is_empty()).then(|| view! { <SurvivalSection data=data.clone()/> })}
        {(!data.forest.is_empty()).then(|| view! { <ForestSection data=data.clone()/> })}
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
            view! {
                <tr>
                    <th scope="row">{format!("{}: {}", r.variable, r.level)}</th>
                    <td class="num">{r.n}</td>
                    <td class="num">{est}</td>
                    <td class="num">{ci}</td>
                </tr>
            }
        })
        .collect_view();
    let interactions = data
        .interactions
        .iter()
        .map(|(v, p)| view! { <li>{v.clone()} ": p = " {p_fmt(*p)}</li> })
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
                        <p>"Treatment-by-subgroup interaction (likelihood ratio):"</p>
                        <ul>{interactions}</ul>
                    }
                })}
        </section>
    }
}

#[component]
fn InterimSection(i: InterimView) -> impl IntoView {
    let bounds = i
        .fractions
        .iter()
        .zip(&i.efficacy_bounds)
        .enumerate()
        .map(|(k, (t, b))| {
            let here = k + 1 == i.look;
            view! {
                <tr class:current=here>
                    <th scope="row">{k + 1}{here.then_some(" (this cut)")}</th>
                    <td class="num">{format!("{t:.3}")}</td>
                    <td class="num">{format!("{b:.3}")}</td>
                    <td class="num">
                        {if here { i.futility_bound.map(|f| format!("{f:.3}")).unwrap_or_else(|| "–".into()) } else { "–".into() }}
                    </td>
                </tr>
            }
        })
        .collect_view();
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
            view! {
                <tr>
                    <th scope="row">{p.cut_date.clone()}</th>
                    <td class="num">{format!("{:.3}", p.information_fraction)}</td>
                    <td class="num">{format!("{:.3}", p.z)}</td>
                    <td class="num">{format!("{:.3}", p.b_value)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="panel">
            <h2>"Look " {i.look} " of " {i.looks}</h2>
            <p class="verdict" data-testid="verdict">{i.verdict.clone()}</p>
            {i.futility_rule.clone().map(|r| view! { <p class="caption">{r}</p> })}
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
                        <th scope="row">"Repeated 95% CI, " {i.effect_measure.clone()}</th>
                        <td class="num" data-testid="rci">{format!("{:.3} to {:.3}", i.repeated_ci[0], i.repeated_ci[1])}</td>
                    </tr>
                    <tr><th scope="row">"Repeated p-value"</th><td class="num">{p_fmt(i.repeated_p_value)}</td></tr>
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
            <table class="data" data-testid="bounds">
                <thead>
                    <tr>
                        <th scope="col">"Look"</th>
                        <th scope="col" class="num">"Information fraction"</th>
                        <th scope="col" class="num">"Efficacy bound (z)"</th>
                        <th scope="col" class="num">"Futility bound (z)"</th>
                    </tr>
                </thead>
                <tbody>{bounds}</tbody>
            </table>
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
                    <td class="num">{opt(k.median, 1)}</td>
                    <td class="num">{format!("{} to {}", opt(k.median_ci95[0], 1), opt(k.median_ci95[1], 1))}</td>
                </tr>
            }
        })
        .collect_view();
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
                        <th scope="col" class="num">"Median"</th>
                        <th scope="col" class="num">"95% CI"</th>
                    </tr>
                </thead>
                <tbody>{km}</tbody>
            </table>
            <p>"Log-rank test over all groups: p = " <span data-testid="logrank-p">{data.logrank_p.map(p_fmt).unwrap_or_else(|| "–".into())}</span></p>
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
        </section>
    }
}

/// The trial's data cuts with their hashes and check results (closed roles).
#[component]
pub fn CutsPage() -> impl IntoView {
    let trial = trial_param();
    let cuts = Resource::new(move || trial.get(), crate::serverfns::get_cuts);
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorPanel errors/> }>
                {move || Suspend::new(async move {
                    cuts.await.map(|cuts| {
                        let rows = cuts
                            .into_iter()
                            .map(|c| {
                                let files = c
                                    .files
                                    .iter()
                                    .map(|f| view! { <li><code>{format!("{}/{}", f.folder, f.name)}</code> " " <code class="small">{f.sha256.clone()}</code></li> })
                                    .collect_view();
                                let problems = c
                                    .problems
                                    .iter()
                                    .map(|p| view! { <li>{p.clone()}</li> })
                                    .collect_view();
                                view! {
                                    <tr>
                                        <th scope="row">{c.name.clone()}</th>
                                        <td data-testid="cut-status">{c.status.clone()}</td>
                                        <td>{c.registered_at.clone().unwrap_or_else(|| "not registered".into())}</td>
                                        <td><ul class="plain">{files}</ul><ul class="problems">{problems}</ul></td>
                                    </tr>
                                }
                            })
                            .collect_view();
                        view! {
                            <TrialNav trial=trial.get_untracked() closed=true tab=Tab::Cuts/>
                            <section class="panel">
                                <h1>"Data cuts"</h1>
                                <p class="caption">
                                    "The newest cut that passes every check serves; a newer cut that fails keeps the last good one serving. Registered files are verified against their SHA-256 on every load."
                                </p>
                                <table class="data" data-testid="cuts">
                                    <thead>
                                        <tr>
                                            <th scope="col">"Cut"</th>
                                            <th scope="col">"Status"</th>
                                            <th scope="col">"Registered"</th>
                                            <th scope="col">"Files (SHA-256) and problems"</th>
                                        </tr>
                                    </thead>
                                    <tbody>{rows}</tbody>
                                </table>
                            </section>
                        }
                    })
                })}
            </ErrorBoundary>
        </Transition>
    }
}
