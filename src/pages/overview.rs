use crate::components::{EnrollmentChart, ErrorPanel};
use crate::dto::EnrollmentSummary;
use crate::serverfns::get_enrollment;
use leptos::prelude::*;

/// Trial overview for the latest cut: pooled enrollment against target,
/// per site, and cumulatively over calendar time.
#[component]
pub fn OverviewPage() -> impl IntoView {
    let enrollment = Resource::new(|| (), |_| get_enrollment(None));
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorPanel errors/> }>
                {move || Suspend::new(async move {
                    enrollment.await.map(|data| view! { <EnrollmentSection data/> })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

/// Percentage with one decimal, e.g. `50.5`.
fn percent(part: u32, whole: u32) -> String {
    if whole == 0 {
        return "–".into();
    }
    format!("{:.1}", 100.0 * f64::from(part) / f64::from(whole))
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
            <h1>{data.trial_title.clone()}</h1>
            <p class="subtitle">"Data cut " <time>{data.cut_date.clone()}</time></p>
            <p class="kpi" data-testid="enrolled">
                <span class="kpi-value" data-testid="enrolled-total">{data.total}</span>
                " enrolled of "
                <span data-testid="enrolled-target">{data.target}</span>
                " planned ("
                {pct}
                "%)"
            </p>
        </section>
        <section class="panel">
            <h2>"Cumulative enrollment"</h2>
            <p class="caption">
                "Subjects randomized by calendar date, " {first} " to " {last}
                ", against the planned " {data.target} "."
            </p>
            <EnrollmentChart data=data.clone()/>
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
