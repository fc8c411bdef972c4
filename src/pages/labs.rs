//! The safety page's laboratory section (eDISH and its quadrants, the
//! Hy's law listing a page at a time with `?hys_page=N`, shift tables,
//! peaks and nadirs, trends, the change from baseline), and a subject's lab
//! profile page (`/trial/:id/lab-profile?subject=…`, closed roles). Links
//! are plain, so everything works without JavaScript.

use super::disclosure::SuppressedNote;
use super::trial_nav::{cut_param, query_param, trial_param, Tab, TrialNav};
use crate::components::{Chart, ErrorPanel, LinesTable};
use crate::dto::{LabProfileView, LabsView, LinesTableData, LISTING_PAGE};
use crate::serverfns::{get_lab_profile, get_labs};
use leptos::prelude::*;

#[component]
pub fn LabsSection(trial: String, cut: String) -> impl IntoView {
    let page = query_param("hys_page");
    let labs = Resource::new(
        move || (trial.clone(), cut.clone(), page.get()),
        |(t, c, p)| get_labs(t, Some(c), p.and_then(|p| p.parse().ok())),
    );
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorPanel errors/> }>
                {move || Suspend::new(async move {
                    labs.await.map(|data| view! { <Labs data/> })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

fn table(t: LinesTableData, testid: &'static str) -> impl IntoView {
    let notes = t
        .notes
        .iter()
        .map(|n| view! { <p class="caption">{n.clone()}</p> })
        .collect_view();
    view! {
        <h3>{t.title.clone()}</h3>
        <LinesTable first=t.first.clone() columns=t.columns.clone() lines=t.lines.clone() testid label=t.title.clone()/>
        {notes}
    }
}

#[component]
fn Labs(data: LabsView) -> impl IntoView {
    let closed = data.viewer_role.is_some_and(|r| r.is_closed());
    let class = if closed { "panel closed" } else { "panel" };
    let notes = data
        .notes
        .iter()
        .map(|n| view! { <p class="caption">{n.clone()}</p> })
        .collect_view();
    if !data.collected {
        return view! {
            <section class=class id="labs" data-testid="labs">
                <h2>"Laboratory"</h2>
                {notes}
            </section>
        }
        .into_any();
    }
    let profile = |id: &str| profile_href(&data.trial_id, &data.cut_date, id);
    let link = |p: u32| format!("?cut={}&hys_page={p}#hys-law", data.cut_date);
    let (page, pages) = (data.hys_law_page, data.hys_law_pages);
    let first = (page.saturating_sub(1) as usize) * LISTING_PAGE + 1;
    let last = first + data.hys_law.len().saturating_sub(1);
    let rows = data
        .hys_law
        .iter()
        .map(|r| {
            view! {
                <tr>
                    <td>{r.group.clone()}</td>
                    <td><a href=profile(&r.usubjid)>{r.usubjid.clone()}</a></td>
                    <td class="num">{r.alt.clone()}</td>
                    <td class="num">{r.ast.clone()}</td>
                    <td class="num">{r.bili.clone()}</td>
                    <td class="num">{r.alp.clone()}</td>
                    <td>{r.alp_below_2xuln.clone()}</td>
                    <td>{if r.potential { "yes" } else { "no" }}</td>
                </tr>
            }
        })
        .collect_view();
    let listing = closed.then(|| {
        let count = if data.hys_law_total == 0 {
            "No subject is in the Hy's law range at this cut.".to_string()
        } else {
            format!(
                "Subjects {first}–{last} of {} in the Hy's law range, by subject (page {page} of {pages}); each subject's identifier opens the lab profile. ",
                data.hys_law_total
            )
        };
        view! {
            <h3 id="hys-law">"Potential Hy's law cases"</h3>
            <p class="caption" data-testid="hys-law-count">
                {count}
                {(page > 1).then(|| view! { <a href=link(page - 1)>"Previous"</a> " " })}
                {(page < pages).then(|| view! { <a href=link(page + 1)>"Next"</a> })}
            </p>
            {profile_by_id(&data.trial_id, &data.cut_date)}
            {(data.hys_law_total > 0).then(|| view! {
                <div class="table-scroll" tabindex="0" role="region" aria-label="Subjects in the Hy's law range">
                    <table class="data" data-testid="hys-law-listing">
                        <thead>
                            <tr>
                                <th scope="col">{if data.coded { "Group" } else { "Arm" }}</th>
                                <th scope="col">"Subject"</th>
                                <th scope="col" class="num">"Peak ALT × ULN (day)"</th>
                                <th scope="col" class="num">"Peak AST × ULN (day)"</th>
                                <th scope="col" class="num">"Peak bilirubin × ULN (day)"</th>
                                <th scope="col" class="num">"Peak ALP × ULN (day)"</th>
                                <th scope="col">"ALP < 2× ULN"</th>
                                <th scope="col">"Potential Hy's law"</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            })}
        }
    });
    let shifts = data
        .shifts
        .iter()
        .cloned()
        .map(|t| table(t, "lab-shift"))
        .collect_view();
    let trend_label = format!(
        "Median (Q1–Q3) by visit of {}; the numbers are in the table below",
        data.trend_params.join(", ")
    );
    view! {
        <section class=class id="labs" data-testid="labs">
            <h2>"Laboratory"</h2>
            {notes}
            {(!closed).then(|| view! { <p class="caption"><SuppressedNote/></p> })}
            {table(data.quadrants.clone(), "edish-quadrants")}
            {closed.then(|| view! {
                <Chart
                    id="edish-chart".to_string()
                    label="eDISH: each subject's peak ALT or AST against peak bilirubin, in multiples of the ULN; the counts are in the table above".to_string()
                    figure=data.edish_chart.clone()
                />
            })}
            {data.edish_binned.clone().map(|n| view! { <p class="caption" data-testid="edish-binned">{n}</p> })}
            {listing}
            {shifts}
            {table(data.extremes.clone(), "lab-extremes")}
            <Chart id="lab-trend-chart".to_string() label=trend_label figure=data.trend_chart.clone()/>
            {table(data.trend_table.clone(), "lab-trends")}
            {data.change.clone().map(|t| table(t, "lab-change"))}
        </section>
    }
    .into_any()
}

/// Percent-encoding of a query value (unreserved characters kept).
pub(crate) fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Where subject `usubjid`'s lab profile at cut `cut` opens.
pub fn profile_href(trial: &str, cut: &str, usubjid: &str) -> String {
    format!(
        "/trial/{trial}/lab-profile?cut={cut}&subject={}",
        urlencode(usubjid)
    )
}

/// A closed listing's subject identifier, linked to the subject's lab
/// profile at the cut.
pub fn subject_link(trial: &str, cut: &str, usubjid: &str) -> impl IntoView {
    view! { <a href=profile_href(trial, cut, usubjid)>{usubjid.to_string()}</a> }
}

/// Open any subject's lab profile by identifier: a plain GET form (closed
/// roles; the profile page refuses the others).
fn profile_by_id(trial: &str, cut: &str) -> impl IntoView {
    view! {
        <form method="get" action=format!("/trial/{trial}/lab-profile") class="inline" data-testid="profile-by-id">
            <input type="hidden" name="cut" value=cut.to_string()/>
            <label>"Lab profile of subject " <input type="text" name="subject" required maxlength="200" size="16"/></label>
            " "
            <button type="submit">"Open"</button>
        </form>
    }
}

/// A subject's lab profile (closed roles).
#[component]
pub fn LabProfilePage() -> impl IntoView {
    let trial = trial_param();
    let cut = cut_param();
    let subject = query_param("subject");
    let profile = Resource::new(
        move || (trial.get(), cut.get(), subject.get()),
        |(t, c, s)| get_lab_profile(t, c, s.unwrap_or_default()),
    );
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorPanel errors/> }>
                {move || Suspend::new(async move {
                    profile.await.map(|data| view! { <Profile data/> })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

#[component]
fn Profile(data: LabProfileView) -> impl IntoView {
    let back = format!("/trial/{}/safety?cut={}#labs", data.trial_id, data.cut_date);
    view! {
        <TrialNav
            trial=data.trial_id.clone()
            closed=true
            tab=Tab::Safety
            shown=data.cut_date.clone()
            page=format!("Lab profile {}", data.usubjid)
        />
        <section class="panel closed" data-testid="lab-profile">
            <h2>{format!("Lab profile: {} ({}), cut {}", data.usubjid, data.group, data.cut_date)}</h2>
            <p><a href=back>"Back to the laboratory section"</a></p>
            {(!data.chart.0.is_empty()).then(|| view! {
                <Chart
                    id="lab-profile-chart".to_string()
                    label="The liver tests over study days in multiples of the ULN, with adverse events and death; the numbers are in the tables below".to_string()
                    figure=data.chart.clone()
                />
            })}
            <div data-testid="lab-profile-values">
                {data.tables.iter().cloned().map(|t| table(t, "lab-profile-table")).collect_view()}
            </div>
            {table(data.events.clone(), "lab-profile-events")}
        </section>
    }
}
