//! The "Reports" tab: the open and closed report documents of a trial,
//! each version with its hashes; the statistician builds and releases them,
//! readers download released ones (personalised, audited). The forms and
//! downloads are plain HTML (`server::web::reports`): they work without
//! JavaScript.

use super::trial_nav::{trial_param, Tab, TrialNav};
use crate::components::format::utc_second;
use crate::components::ErrorPanel;
use crate::dto::{ReportLine, ReportsView};
use crate::serverfns::get_reports;
use leptos::prelude::*;

#[component]
pub fn ReportsPage() -> impl IntoView {
    let trial = trial_param();
    let reports = Resource::new(move || trial.get(), get_reports);
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorPanel errors/> }>
                {move || Suspend::new(async move {
                    reports.await.map(|data| view! { <ReportsList data/> })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

fn short(hash: &str) -> String {
    hash.chars().take(12).collect()
}

#[component]
fn ReportRow(r: ReportLine, trial: String, csrf: String) -> impl IntoView {
    let base = format!("/trial/{trial}/reports/{}", r.id);
    let status = match (&r.released_by, &r.released_at) {
        (Some(by), Some(at)) => format!("released by {by} at {}", utc_second(at)),
        _ => "not released".to_string(),
    };
    let downloads = match &r.locked {
        Some(why) => view! { <span class="warn">{why.clone()}</span> }.into_any(),
        None => view! {
            <a href=format!("{base}/download?format=pdf") data-testid="download-pdf">{format!("PDF ({} KB)", r.pdf_kb)}</a>
            " · "
            <a href=format!("{base}/download?format=html") data-testid="download-html">{format!("HTML ({} KB)", r.html_kb)}</a>
        }
        .into_any(),
    };
    let release = r.can_release.then(|| {
        view! {
            <form method="post" action=format!("{base}/release") class="inline">
                <input type="hidden" name="csrf" value=csrf.clone()/>
                <button type="submit" data-testid="release">"Release to its readers"</button>
            </form>
        }
    });
    view! {
        <tr data-testid="report-row">
            <td>{r.cut_date.clone()}</td>
            <th scope="row">{r.kind_label.clone()}</th>
            <td class="num">{r.version}</td>
            <td>{format!("{} at {}", r.built_by, utc_second(&r.built_at))}</td>
            <td class="small">
                <span title=r.pdf_sha256.clone()>{format!("PDF {}…", short(&r.pdf_sha256))}</span>
                <br/>
                <span title=r.html_sha256.clone()>{format!("HTML {}…", short(&r.html_sha256))}</span>
                <br/>
                {r.manifest_sha256
                    .as_ref()
                    .map(|m| format!("cut manifest {}…", short(m)))
                    .unwrap_or_else(|| "cut not registered".into())}
                <br/>
                {r.software.clone()}
            </td>
            <td data-testid="report-status">{status} {release}</td>
            <td>{downloads}</td>
        </tr>
    }
}

#[component]
fn ReportsList(data: ReportsView) -> impl IntoView {
    let trial = data.trial_id.clone();
    let rows = data
        .reports
        .iter()
        .cloned()
        .map(|r| view! { <ReportRow r trial=trial.clone() csrf=data.csrf.clone()/> })
        .collect_view();
    let empty = data.reports.is_empty().then(|| {
        view! {
            <p class="caption">
                {if data.can_build { "No report built yet." } else { "No report released yet." }}
            </p>
        }
    });
    let form = data.can_build.then(|| {
        let cuts = data
            .cuts
            .iter()
            .map(|c| view! { <option value=c.clone()>{c.clone()}</option> })
            .collect_view();
        let kinds = data
            .kinds
            .iter()
            .map(|(k, l)| view! { <option value=k.clone()>{l.clone()}</option> })
            .collect_view();
        view! {
            <section class="panel">
                <h2>"Build a report"</h2>
                <p class="caption">
                    "A build typesets the report of a cut from the same numbers as these pages, as PDF and as one self-contained HTML file, and stores it as a new version that is never changed. A closed report with the arms decoded is recorded as a decode. Building a large trial's report takes a few seconds."
                </p>
                <form method="post" action=format!("/trial/{}/reports", data.trial_id) data-testid="build-form">
                    <input type="hidden" name="csrf" value=data.csrf.clone()/>
                    <label>"Data cut " <select name="cut" data-testid="build-cut">{cuts}</select></label>
                    " "
                    <label>"Report " <select name="kind" data-testid="build-kind">{kinds}</select></label>
                    " "
                    <button type="submit" data-testid="build">"Build"</button>
                </form>
            </section>
        }
    });
    view! {
        <TrialNav trial=data.trial_id.clone() closed=data.can_build || data.reports.iter().any(|r| r.kind != "open") tab=Tab::Reports/>
        <section class="panel">
            <h1>"Reports"</h1>
            <p class="caption">
                "Each download carries the reader's name and the time on every page, and is recorded in the audit trail with the report's version and hash."
            </p>
            <table class="data" data-testid="reports">
                <thead>
                    <tr>
                        <th scope="col">"Cut"</th>
                        <th scope="col">"Report"</th>
                        <th scope="col" class="num">"Version"</th>
                        <th scope="col">"Built"</th>
                        <th scope="col">"SHA-256"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Download"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
            {empty}
        </section>
        {form}
    }
}
