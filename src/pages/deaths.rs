//! The safety page's deaths section: by group and in total (pooled for the
//! sponsor), and for closed roles the listing, newest first, a page at a
//! time (`?deaths_page=N`, plain links, so it works without JavaScript).

use super::disclosure::SuppressedNote;
use super::trial_nav::query_param;
use crate::components::{ErrorPanel, LinesTable};
use crate::dto::{DeathsView, LISTING_PAGE};
use crate::serverfns::get_deaths;
use leptos::prelude::*;

#[component]
pub fn DeathsSection(trial: String, cut: String) -> impl IntoView {
    let page = query_param("deaths_page");
    let deaths = Resource::new(
        move || (trial.clone(), cut.clone(), page.get()),
        |(t, c, p)| get_deaths(t, Some(c), p.and_then(|p| p.parse().ok())),
    );
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorPanel errors/> }>
                {move || Suspend::new(async move {
                    deaths.await.map(|data| view! { <DeathsTable data/> })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

#[component]
fn DeathsTable(data: DeathsView) -> impl IntoView {
    let closed = data.viewer_role.is_some_and(|r| r.is_closed());
    let notes = data
        .table
        .notes
        .iter()
        .map(|n| view! { <p class="caption">{n.clone()}</p> })
        .collect_view();
    let link = |p: u32| format!("?cut={}&deaths_page={p}#deaths", data.cut_date);
    let (page, pages) = (data.listing_page, data.listing_pages);
    let first = (page.saturating_sub(1) as usize) * LISTING_PAGE + 1;
    let last = first + data.listing.len().saturating_sub(1);
    let rows = data
        .listing
        .iter()
        .map(|d| {
            view! {
                <tr>
                    <td>{d.group.clone()}</td>
                    <td>{super::labs::subject_link(&data.trial_id, &data.cut_date, &d.usubjid)}</td>
                    <td>{d.date.clone().unwrap_or_else(|| "–".into())}</td>
                    <td class="num">{d.day.map(|x| x.to_string()).unwrap_or_else(|| "–".into())}</td>
                    <td>{d.cause.clone().unwrap_or_else(|| "–".into())}</td>
                </tr>
            }
        })
        .collect_view();
    let listing = (closed && data.listing_total > 0).then(|| {
        view! {
            <p class="caption" data-testid="deaths-count">
                {format!(
                    "Deaths {first}–{last} of {}, newest first (page {page} of {pages}). ",
                    data.listing_total
                )}
                {(page > 1).then(|| view! { <a href=link(page - 1)>"Newer"</a> " " })}
                {(page < pages).then(|| view! { <a href=link(page + 1)>"Older"</a> })}
            </p>
            <div class="table-scroll" tabindex="0" role="region" aria-label="Listing of deaths">
                <table class="data" data-testid="deaths-listing">
                    <thead>
                        <tr>
                            <th scope="col">{if data.coded { "Group" } else { "Arm" }}</th>
                            <th scope="col">"Subject"</th>
                            <th scope="col">"Date of death"</th>
                            <th scope="col" class="num">"Study day"</th>
                            <th scope="col">"Cause"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
    });
    view! {
        <section class=if closed { "panel closed" } else { "panel" } id="deaths">
            <h2>{data.table.title.clone()}</h2>
            <LinesTable
                first="Subjects"
                columns=data.table.columns.clone()
                lines=data.table.lines.clone()
                testid="deaths"
                label="Deaths"
            />
            {notes}
            {(!closed).then(|| view! { <p class="caption">"Pooled over all groups. " <SuppressedNote/></p> })}
            {listing}
        </section>
    }
}
