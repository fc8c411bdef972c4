//! The overview page: where the trial stands first, then pooled
//! enrollment against target, by site and over time, follow-up completeness and timeliness (every role); enrollment by
//! group (closed roles).

use super::disclosure::SuppressedNote;
use super::since_review::SinceReviewSection;
use super::standing::StandingSection;
use super::trial_nav::{cut_param, trial_param, Tab, TrialNav};
use crate::components::format::percent;
use crate::components::{Chart, ErrorPanel, LinesTable};
use crate::dto::{ArmEnrollment, BaselineTable, DispositionTable, EnrollmentSummary};
use crate::serverfns::{
    get_arm_enrollment, get_baseline, get_conduct, get_disposition, get_enrollment,
};
use leptos::prelude::*;

/// Trial overview for the latest cut: pooled enrollment against target,
/// per site, and cumulatively over calendar time; for closed roles, by arm
/// (coded groups for a DSMB member until they decode).
#[component]
pub fn OverviewPage() -> impl IntoView {
    let trial = trial_param();
    let cut = cut_param();
    let enrollment = Resource::new(
        move || (trial.get(), cut.get()),
        |(t, c)| get_enrollment(t, c),
    );
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorPanel errors/> }>
                {move || Suspend::new(async move {
                    let data = enrollment.await?;
                    let closed = data.viewer_role.is_some_and(|r| r.is_closed());
                    Ok::<_, crate::dto::AppError>(view! {
                        <TrialNav
                            trial=data.trial_id.clone()
                            closed
                            tab=Tab::Overview
                            shown=data.cut_date.clone()
                            cuts=data.cuts.clone()
                        />
                        <header class="panel trial-head">
                            <h1>{data.trial_title.clone()}</h1>
                            <p class="subtitle">"Data cut " <time>{data.cut_date.clone()}</time></p>
                        </header>
                        <StandingSection trial=data.trial_id.clone() cut=data.cut_date.clone()/>
                        <EnrollmentSection data=data.clone()/>
                        <SinceReviewSection trial=data.trial_id.clone() cut=data.cut_date.clone()/>
                        <DataQualitySection data=data.clone()/>
                        {closed
                            .then(|| view! { <ArmSection trial=data.trial_id.clone() cut=data.cut_date.clone()/> })}
                        <DispositionSection trial=data.trial_id.clone() cut=data.cut_date.clone()/>
                        <ConductSection trial=data.trial_id.clone() cut=data.cut_date.clone()/>
                        <BaselineSection trial=data.trial_id.clone() cut=data.cut_date.clone()/>
                    })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

/// Baseline characteristics: in total for every role, by group for closed
/// roles; the server decides the columns.
#[component]
fn BaselineSection(trial: String, cut: String) -> impl IntoView {
    let table = Resource::new(
        move || (trial.clone(), cut.clone()),
        |(t, c)| get_baseline(t, Some(c)),
    );
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorPanel errors/> }>
                {move || Suspend::new(async move {
                    table.await.map(|data| view! { <BaselineView data/> })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

#[component]
fn BaselineView(data: BaselineTable) -> impl IntoView {
    let closed = data.viewer_role.is_some_and(|r| r.is_closed());
    let std_diff = data.columns.last().is_some_and(|c| c == "Std. diff.");
    view! {
        <section class=if closed { "panel closed" } else { "panel" }>
            <h2>"Baseline characteristics"</h2>
            <LinesTable
                first="Characteristic"
                columns=data.columns
                lines=data.lines
                testid="baseline"
                label="Baseline characteristics"
            />
            <p class="caption">
                "Medians and quartiles by R's default (type 7) quantiles. "
                {(!closed).then(|| view! { "Pooled over all arms. " <SuppressedNote/> })}
                {std_diff.then_some(
                    "Std. diff.: the absolute standardized difference of the groups' means, or of a level's share of their subjects, over the pooled SD.",
                )}
            </p>
        </section>
    }
}

/// Disposition, the CONSORT flow: pooled for every role, by group for
/// closed roles; the diagram comes drawn from the server.
#[component]
fn DispositionSection(trial: String, cut: String) -> impl IntoView {
    let table = Resource::new(
        move || (trial.clone(), cut.clone()),
        |(t, c)| get_disposition(t, Some(c)),
    );
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorPanel errors/> }>
                {move || Suspend::new(async move {
                    table.await.map(|data| view! { <DispositionView data/> })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

#[component]
fn DispositionView(data: DispositionTable) -> impl IntoView {
    let closed = data.viewer_role.is_some_and(|r| r.is_closed());
    let notes = data
        .notes
        .into_iter()
        .map(|n| view! { <p class="caption">{n}</p> })
        .collect_view();
    view! {
        <section class=if closed { "panel closed" } else { "panel" }>
            <h2>"Disposition (CONSORT flow)"</h2>
            <figure class="consort-figure" data-testid="consort" inner_html=data.svg></figure>
            <LinesTable
                first="Subjects"
                columns=data.columns
                lines=data.lines
                testid="disposition"
                label="Disposition"
            />
            <p class="caption">
                "Percentages of the randomized in each column. "
                {(!closed).then(|| view! { "Pooled over all arms. " <SuppressedNote/> })}
            </p>
            {notes}
        </section>
    }
}

/// Trial conduct: exposure (by group for closed roles) and protocol
/// deviations (pooled for every role).
#[component]
fn ConductSection(trial: String, cut: String) -> impl IntoView {
    let conduct = Resource::new(
        move || (trial.clone(), cut.clone()),
        |(t, c)| get_conduct(t, Some(c)),
    );
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorPanel errors/> }>
                {move || Suspend::new(async move {
                    conduct.await.map(|data| {
                        let closed = data.viewer_role.is_some_and(|r| r.is_closed());
                        let tables = [(data.exposure, "exposure"), (data.deviations, "deviations")]
                            .into_iter()
                            .map(|(t, id)| {
                                let notes = t
                                    .notes
                                    .into_iter()
                                    .map(|n| view! { <p class="caption">{n}</p> })
                                    .collect_view();
                                view! {
                                    <h3>{t.title}</h3>
                                    <LinesTable first="Subjects" columns=t.columns lines=t.lines testid=id label="Trial conduct"/>
                                    {notes}
                                }
                            })
                            .collect_view();
                        view! {
                            <section class=if closed { "panel closed" } else { "panel" }>
                                <h2>"Trial conduct"</h2>
                                {tables}
                            </section>
                        }
                    })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

/// Enrollment by arm, closed roles only: the server decides what the
/// groups are called.
#[component]
fn ArmSection(trial: String, cut: String) -> impl IntoView {
    let arms = Resource::new(
        move || (trial.clone(), cut.clone()),
        |(t, c)| get_arm_enrollment(t, Some(c)),
    );
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorPanel errors/> }>
                {move || Suspend::new(async move {
                    arms.await.map(|data| view! { <ArmTable data/> })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

#[component]
fn ArmTable(data: ArmEnrollment) -> impl IntoView {
    let total: u32 = data.groups.iter().map(|g| g.enrolled).sum();
    let rows = data
        .groups
        .iter()
        .map(|g| {
            view! {
                <tr>
                    <th scope="row">{g.group.clone()}</th>
                    <td class="num">{g.enrolled}</td>
                    <td class="num">{percent(g.enrolled, total)}</td>
                </tr>
            }
        })
        .collect_view();
    let month_head = data
        .groups
        .iter()
        .map(|g| view! { <th scope="col" class="num">{g.group.clone()}</th> })
        .collect_view();
    let month_rows = data
        .months
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let cells = data
                .groups
                .iter()
                .map(|g| view! { <td class="num">{g.cumulative.get(i).copied().unwrap_or(0)}</td> })
                .collect_view();
            view! {
                <tr>
                    <th scope="row">{m.clone()}</th>
                    {cells}
                </tr>
            }
        })
        .collect_view();
    let note = if data.coded {
        "Arms are shown as coded groups. Decoding is recorded in the audit trail."
    } else if data.decoded_at.is_some() {
        "You decoded the groups; the decode is in the audit trail."
    } else {
        "Arms decoded (independent statistician)."
    };
    view! {
        <section class="panel closed">
            <h2>"Enrollment by arm " <span class="badge">"closed"</span></h2>
            <p class="caption" data-testid="arm-note">{note}</p>
            <table class="data" data-testid="by-arm">
                <thead>
                    <tr>
                        <th scope="col">{if data.coded { "Group" } else { "Arm" }}</th>
                        <th scope="col" class="num">"Enrolled"</th>
                        <th scope="col" class="num">"% of total"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
            <Chart
                id="arm-enrollment-chart".to_string()
                label="Cumulative randomizations by group at month ends; the numbers are in the table below.".to_string()
                figure=data.chart.clone()
            />
            <details>
                <summary>"Cumulative randomizations by month"</summary>
                <table class="data" data-testid="by-arm-month">
                    <thead>
                        <tr>
                            <th scope="col">"Month"</th>
                            {month_head}
                        </tr>
                    </thead>
                    <tbody>{month_rows}</tbody>
                </table>
            </details>
            {data
                .can_decode
                .then(|| {
                    view! {
                        <p>
                            <a href=format!("/trial/{}/decode", data.trial_id) data-testid="decode-link">
                                "Decode the groups…"
                            </a>
                        </p>
                    }
                })}
        </section>
    }
}

#[component]
fn EnrollmentSection(data: EnrollmentSummary) -> impl IntoView {
    let rows = data
        .by_site
        .iter()
        .map(|s| {
            view! {
                <tr>
                    <th scope="row">{s.site.clone()}</th>
                    <td class="num">{s.enrolled}</td>
                    <td class="num">{percent(s.enrolled, data.total)}</td>
                </tr>
            }
        })
        .collect_view();
    let pct = percent(data.total, data.target);
    let first = data
        .cumulative
        .first()
        .map(|p| p.date.clone())
        .unwrap_or_default();
    let last = data
        .cumulative
        .last()
        .map(|p| p.date.clone())
        .unwrap_or_default();
    view! {
        <section class="panel">
            <h2>"Enrollment"</h2>
            <p class="kpi" data-testid="enrolled">
                <span class="kpi-value" data-testid="enrolled-total">{data.total}</span>
                " enrolled of "
                <span data-testid="enrolled-target">{data.target}</span>
                " planned ("
                {pct}
                "%)"
            </p>
            {data
                .projection
                .clone()
                .map(|p| {
                    view! {
                        <p class="caption" data-testid="projection">
                            "Look " {p.look} " (information " {format!("{:.2}", p.fraction)} ") needs "
                            {p.subjects_needed} " subjects: at " {format!("{:.1}", p.rate_per_month)}
                            " randomized per month, the last would be randomized about "
                            <time>{p.randomized_by.clone()}</time> " and the look reached about "
                            <time>{p.look_date.clone()}</time> ". Model: " {p.model.clone()} "."
                        </p>
                    }
                })}
        </section>
        <section class="panel">
            <h2>"Cumulative enrollment"</h2>
            <p class="caption">
                "Subjects randomized by calendar date, " {first} " to " {last}
                ", against the planned " {data.target} "."
            </p>
            <Chart
                id="enrollment-chart".to_string()
                label="Cumulative enrollment over time against the planned target; the numbers are in the tables.".to_string()
                figure=data.chart.clone()
            />
        </section>
        <section class="panel">
            <h2>"Enrollment by site"</h2>
            <table class="data" data-testid="by-site">
                <thead>
                    <tr>
                        <th scope="col">"Site"</th>
                        <th scope="col" class="num">"Enrolled"</th>
                        <th scope="col" class="num">"% of total"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
                <tfoot>
                    <tr>
                        <th scope="row">"Total"</th>
                        <td class="num">{data.total}</td>
                        <td class="num">"100.0"</td>
                    </tr>
                </tfoot>
            </table>
        </section>
    }
}

/// Follow-up completeness and data timeliness (pooled, every role).
#[component]
fn DataQualitySection(data: EnrollmentSummary) -> impl IntoView {
    let days = |d: Option<i64>| d.map(|d| format!("{d} days")).unwrap_or_else(|| "–".into());
    let follow = data.follow_up.clone().map(|f| {
        let due = match (f.horizon_days, f.due, f.complete) {
            (Some(h), Some(due), Some(done)) => Some(view! {
                <tr>
                    <th scope="row">{format!("Outcome known at day {h}")}</th>
                    <td class="num" data-testid="follow-up-complete">
                        {format!("{done} of {due} due ({}%)", percent(done, due))}
                    </td>
                </tr>
            }),
            _ => None,
        };
        view! {
            <tr>
                <th scope="row">"Follow-up completeness (Clark's index)"</th>
                <td class="num" data-testid="follow-up-index">
                    {f.completeness.map(|c| format!("{:.1}%", 100.0 * c)).unwrap_or_else(|| "–".into())}
                    <span class="small">
                        {format!(" ({:.0} of {:.0} days)", f.observed_days, f.potential_days)}
                    </span>
                </td>
            </tr>
            {due}
        }
    });
    let t = data.timeliness.clone();
    view! {
        <section class="panel">
            <h2>"Follow-up and data timeliness"</h2>
            <p class="caption">
                "All subjects pooled. Completeness is the follow-up observed over the follow-up possible by the cut"
                {data
                    .follow_up
                    .as_ref()
                    .map(|f| format!(" for the primary endpoint ({})", f.endpoint))}
                "; a subject with the event counts as completely followed."
            </p>
            <table class="data" data-testid="data-quality">
                <tbody>
                    {follow}
                    {t.map(|t| {
                        view! {
                            <tr>
                                <th scope="row">"Newest randomization"</th>
                                <td class="num">
                                    {t.last_randomization.clone().unwrap_or_else(|| "–".into())}
                                    <span class="small">{format!(" ({} before the cut)", days(t.days_since_last_randomization))}</span>
                                </td>
                            </tr>
                            <tr>
                                <th scope="row">"Newest adverse-event onset"</th>
                                <td class="num" data-testid="last-ae">
                                    {t.last_ae_onset.clone().unwrap_or_else(|| "–".into())}
                                    <span class="small">{format!(" ({} before the cut)", days(t.days_since_last_ae_onset))}</span>
                                </td>
                            </tr>
                            <tr>
                                <th scope="row">"Cut registered"</th>
                                <td class="num">
                                    {t.registered_at.clone().unwrap_or_else(|| "not registered".into())}
                                    <span class="small">
                                        {t.days_cut_to_registration.map(|d| format!(" ({d} days after the cut date)"))}
                                    </span>
                                </td>
                            </tr>
                        }
                    })}
                </tbody>
            </table>
        </section>
    }
}
