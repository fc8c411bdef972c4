use crate::components::ErrorPanel;
use crate::dto::{AuditPage as Trail, AuditQuery};
use crate::serverfns::get_audit;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The audit trail (statistician): who signed in, viewed closed data,
/// exported or decoded what, and when (UTC, to the second). Filtered on
/// the server by user, action, trial and days with a plain GET form, a
/// page of 100 at a time, and exported as CSV or PDF with the chain's
/// verification; all of it works without JavaScript.
#[component]
pub fn AuditPage() -> impl IntoView {
    let query = use_query_map();
    let asked = move || {
        query.with(|q| {
            let get = |k: &str| q.get(k).filter(|s| !s.is_empty());
            AuditQuery {
                user: get("user"),
                action: get("action"),
                trial: get("trial"),
                from: get("from"),
                to: get("to"),
                page: get("page").and_then(|p| p.parse().ok()),
            }
        })
    };
    let trail = Resource::new(asked, get_audit);
    view! {
        <Title text="Audit trail · DSMB monitor"/>
        <section class="panel audit">
            <h1>"Audit trail"</h1>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorPanel errors/> }>
                    {move || Suspend::new(async move { trail.await.map(|t| view! { <TrailView t/> }) })}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}

/// A `<select>` of `choices` named `name`, with "any" first.
fn choice(name: &'static str, choices: &[String], current: Option<&str>) -> impl IntoView {
    let current = current.unwrap_or_default().to_string();
    let options = std::iter::once(String::new())
        .chain(choices.iter().cloned())
        .map(|c| {
            let label = if c.is_empty() {
                "any".to_string()
            } else {
                c.clone()
            };
            let selected = c == current;
            view! { <option value=c selected=selected>{label}</option> }
        })
        .collect_view();
    view! { <select name=name>{options}</select> }
}

#[component]
fn TrailView(t: Trail) -> impl IntoView {
    let q = t.query.clone();
    let link = {
        let q = q.clone();
        move |p: u64| format!("/audit?{}", q.query_string(Some(p)))
    };
    let export = |format: &str| {
        let filters = q.query_string(None);
        if filters.is_empty() {
            format!("/audit/export?format={format}")
        } else {
            format!("/audit/export?format={format}&{filters}")
        }
    };
    let first = if t.total == 0 {
        0
    } else {
        (t.page - 1) * t.per_page + 1
    };
    let last = (first + t.rows.len() as u64).saturating_sub(1);
    let (page, pages) = (t.page, t.pages);
    let body = t
        .rows
        .into_iter()
        .map(|r| {
            view! {
                <tr>
                    <td class="num">{r.id}</td>
                    <td class="when"><time>{r.at}</time></td>
                    <td>{r.username}</td>
                    <td class="action">{r.action}</td>
                    <td>{r.trial}</td>
                    <td class="detail">{r.detail}</td>
                    <td>{r.address}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <form method="get" action="/audit" class="filters" data-testid="audit-filters">
            <label>"User " {choice("user", &t.users, q.user.as_deref())}</label>
            <label>"Action " {choice("action", &t.actions, q.action.as_deref())}</label>
            <label>"Trial " {choice("trial", &t.trials, q.trial.as_deref())}</label>
            <label>"From (UTC) " <input type="date" name="from" value=q.from.clone().unwrap_or_default()/></label>
            <label>"To (UTC) " <input type="date" name="to" value=q.to.clone().unwrap_or_default()/></label>
            <button type="submit">"Filter"</button>
            <a href="/audit">"Clear"</a>
        </form>
        <p class="caption" data-testid="audit-count">
            {if t.total == 0 {
                "No entry matches.".to_string()
            } else {
                format!("Entries {first}–{last} of {}, newest first (page {page} of {pages}). ", t.total)
            }}
            {(page > 1).then(|| view! { <a href=link(1)>"Newest"</a> " " <a href=link(page - 1) rel="prev">"Newer"</a> " " })}
            {(page < pages).then(|| view! { <a href=link(page + 1) rel="next">"Older"</a> " " <a href=link(pages)>"Oldest"</a> })}
        </p>
        <p class="actions">
            "Export what the filter selects, with the chain verified at export: "
            <a href=export("csv") data-testid="audit-export-csv" download>"CSV"</a>
            " · "
            <a href=export("pdf") data-testid="audit-export-pdf" download>"PDF"</a>
        </p>
        <table class="data audit-trail" data-testid="audit">
            <thead>
                <tr>
                    <th scope="col" class="num">"#"</th>
                    <th scope="col">"When (UTC)"</th>
                    <th scope="col">"User"</th>
                    <th scope="col">"Action"</th>
                    <th scope="col">"Trial"</th>
                    <th scope="col">"Detail"</th>
                    <th scope="col">"Address"</th>
                </tr>
            </thead>
            <tbody>{body}</tbody>
        </table>
    }
}
