//! The safety page's adverse-event section: one category at a time
//! (`?ae=serious`, chosen with a plain form, so it works without
//! JavaScript), organ classes with their terms nested; for closed roles by
//! group with risk differences and the dot chart.

use super::disclosure::SuppressedNote;
use super::trial_nav::query_param;
use crate::components::LongTable;
use crate::components::{Chart, ErrorPanel};
use crate::dto::AeView;
use crate::serverfns::get_adverse_events;
use leptos::prelude::*;

/// The section for `trial` at `cut`; the category from the query.
#[component]
pub fn AdverseEventsSection(trial: String, cut: String) -> impl IntoView {
    let category = query_param("ae");
    let table = Resource::new(
        move || (trial.clone(), cut.clone(), category.get()),
        |(t, c, a)| get_adverse_events(t, Some(c), a),
    );
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorPanel errors/> }>
                {move || Suspend::new(async move {
                    table.await.map(|data| view! { <AeTable data/> })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

#[component]
fn AeTable(data: AeView) -> impl IntoView {
    let closed = data.viewer_role.is_some_and(|r| r.is_closed());
    let options = data
        .choices
        .iter()
        .map(|c| {
            let label = if c.collected {
                c.label.clone()
            } else {
                format!("{} (not collected)", c.label)
            };
            view! { <option value=c.slug.clone() selected=c.slug == data.category>{label}</option> }
        })
        .collect_view();
    let head = data
        .columns
        .iter()
        .map(|c| view! { <th scope="col" class="num">{c.clone()}</th> })
        .collect_view();
    let line = |l: &crate::dto::AeLine, top: bool| {
        let cells = l
            .cells
            .iter()
            .map(|c| view! { <td class="num">{c.clone()}</td> })
            .collect_view();
        let class = if top {
            "total"
        } else if l.class_row {
            "heading"
        } else {
            "indent"
        };
        view! {
            <tr class=class>
                <th scope="row">{l.label.clone()}</th>
                {cells}
            </tr>
        }
    };
    let overall = line(&data.overall, true);
    let count = data.lines.len() + 1;
    let rows = data.lines.iter().map(|l| line(l, false)).collect_view();
    let empty = data.collected && data.lines.is_empty();
    view! {
        <section class=if closed { "panel closed" } else { "panel" } id="adverse-events">
            <h2>"Adverse events by system organ class and preferred term"</h2>
            <form method="get" class="cut-picker" data-testid="ae-picker">
                <input type="hidden" name="cut" value=data.cut_date.clone()/>
                <label>"Category " <select name="ae" data-testid="ae-select">{options}</select></label>
                <button type="submit">"Show category"</button>
            </form>
            <p class="caption">
                {data.population.clone()} ". "
                {if closed {
                    "Cells: subjects with at least one event, n (% of the group), and [events]; risk differences in percentage points with 95% intervals."
                } else {
                    "Subjects with at least one event, pooled over all groups. "
                }}
                {(!closed).then(|| view! { <SuppressedNote/> })}
            </p>
            {(!data.collected)
                .then(|| view! { <p class="caption" data-testid="ae-not-collected">{format!("{}: not collected in this cut.", data.label)}</p> })}
            {empty.then(|| view! { <p class="caption">"No event of this category."</p> })}
            <LongTable rows=count label="Adverse events" id="ae-table">
                <table class="data" data-testid="ae-table">
                    <thead>
                        <tr>
                            <th scope="col">"Organ class / preferred term"</th>
                            {head}
                        </tr>
                    </thead>
                    <tbody>{overall}{rows}</tbody>
                </table>
            </LongTable>
            {(closed && !data.chart.0.is_empty()).then(|| view! {
                <h3>"Most frequent terms"</h3>
                <Chart
                    id="ae-dot-chart".to_string()
                    label=format!("Dot chart of the {} most frequent terms: percent by group and risk difference", data.chart_terms.len())
                    figure=data.chart.clone()
                />
            })}
        </section>
        {data.signals.clone().map(|s| view! { <super::ae_signals::AeSignalsSection s/> })}
    }
}
