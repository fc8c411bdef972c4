//! The safety page: pooled rates for everyone; by group with comparisons,
//! cumulative incidence and the serious-event listing for closed roles.

use super::adverse_events::AdverseEventsSection;
use super::deaths::DeathsSection;
use super::disclosure::SuppressedNote;
use super::labs::LabsSection;
use super::safety_rules::SafetyRulesSection;
use super::trial_nav::{cut_param, query_param, trial_param, Tab, TrialNav};
use crate::components::format::{ci_pct, p_fmt, pct};
use crate::components::{fragment, Chart, ErrorPanel};
use crate::dto::{ClosedSafety, OpenSafety, SafetyPage};
use crate::serverfns::get_safety;
use leptos::prelude::*;

/// Safety: pooled rates for everyone; by arm with risk differences and
/// tests for closed roles.
#[component]
pub fn SafetyPage() -> impl IntoView {
    let trial = trial_param();
    let cut = cut_param();
    let listing_page = query_param("serious_page");
    let page = Resource::new(
        move || (trial.get(), cut.get(), listing_page.get()),
        |(t, c, p)| get_safety(t, c, p.and_then(|p| p.parse().ok())),
    );
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorPanel errors/> }>
                {move || Suspend::new(async move {
                    let SafetyPage { open: data, closed } = page.await?;
                    Ok::<_, crate::dto::AppError>(view! {
                        <TrialNav
                            trial=data.trial_id.clone()
                            closed=data.viewer_role.is_some_and(|r| r.is_closed())
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
                                let listing = data.clone();
                                view! {
                                    {fragment::cached(
                                        "closed-safety-html",
                                        &trial,
                                        &cut,
                                        coded,
                                        move || view! { <ClosedSafetyTable data/> },
                                    )}
                                    <SeriousSection data=listing/>
                                }
                            })}
                        <AdverseEventsSection trial=data.trial_id.clone() cut=data.cut_date.clone()/>
                        <DeathsSection trial=data.trial_id.clone() cut=data.cut_date.clone()/>
                        <LabsSection trial=data.trial_id.clone() cut=data.cut_date.clone()/>
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
                {data.small_cell_threshold.saturating_sub(1)} " are suppressed in pooled views. "
                <SuppressedNote/>
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
                {data.test_caption.clone()}
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
        <SafetyRulesSection rules=data.rules.clone()/>
        <IncidenceSection data/>
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

/// Serious and fatal adverse events: counts by group over the whole
/// listing, then one page of it, newest first, with links to the others
/// (plain links, so paging works without JavaScript).
#[component]
fn SeriousSection(data: ClosedSafety) -> impl IntoView {
    let summary = data
        .serious_summary
        .iter()
        .map(|g| {
            view! {
                <tr>
                    <th scope="row">{g.group.clone()}</th>
                    <td class="num">{g.serious}</td>
                    <td class="num">{g.fatal}</td>
                    <td class="num">{g.subjects}</td>
                </tr>
            }
        })
        .collect_view();
    let ae = query_param("ae").get_untracked();
    let link = |page: u32| {
        let ae = ae.as_ref().map(|a| format!("&ae={a}")).unwrap_or_default();
        format!(
            "?cut={}&serious_page={page}{ae}#serious-events",
            data.cut_date
        )
    };
    let (page, pages) = (data.serious_page, data.serious_pages);
    let first = (page.saturating_sub(1) as usize) * crate::dto::LISTING_PAGE + 1;
    let last = first + data.serious.len().saturating_sub(1);
    let pager = view! {
        <p class="caption" data-testid="serious-count">
            {format!(
                "Events {first}–{last} of {}, newest onset first (page {page} of {pages}). ",
                data.serious_total
            )}
            {(page > 1).then(|| view! { <a href=link(page - 1)>"Newer"</a> " " })}
            {(page < pages).then(|| view! { <a href=link(page + 1)>"Older"</a> })}
        </p>
    };
    let listing = data
        .serious
        .iter()
        .map(|r| {
            view! {
                <tr>
                    <td>{r.group.clone()}</td>
                    <td>{super::labs::subject_link(&data.trial_id, &data.cut_date, &r.usubjid)}</td>
                    <td>{r.term.clone()}</td>
                    <td>{r.onset.clone().unwrap_or_else(|| "–".into())}</td>
                    <td class="num">{r.day.map(|d| d.to_string()).unwrap_or_else(|| "–".into())}</td>
                    <td>{if r.serious { "Yes" } else { "No" }}</td>
                    <td>{if r.fatal { "Fatal" } else { "" }}</td>
                </tr>
            }
        })
        .collect_view();
    let empty = data.serious.is_empty();
    view! {
        <section class="panel closed" id="serious-events">
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
                        {pager}
                        <div class="table-scroll" tabindex="0" role="region" aria-label="Listing of serious and fatal events">
                            <table class="data" data-testid="serious-listing">
                                <thead>
                                    <tr>
                                        <th scope="col">{if data.coded { "Group" } else { "Arm" }}</th>
                                        <th scope="col">"Subject"</th>
                                        <th scope="col">"Event (preferred term)"</th>
                                        <th scope="col">"Onset"</th>
                                        <th scope="col" class="num">"Study day"</th>
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
