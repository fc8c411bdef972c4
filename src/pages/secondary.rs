//! The efficacy page's secondary endpoints (closed roles): events/n (%)
//! by group and each endpoint's comparison, as the trial configures them.

use crate::dto::Efficacy;
use leptos::prelude::*;

#[component]
pub fn SecondarySection(data: Efficacy) -> impl IntoView {
    let heads = data
        .secondary_groups
        .iter()
        .map(|g| view! { <th scope="col" class="num">{format!("{g}: events/n (%)")}</th> })
        .collect_view();
    let rows = data
        .secondary
        .iter()
        .map(|r| {
            let cells = r
                .cells
                .iter()
                .map(|c| view! { <td class="num">{c.clone()}</td> })
                .collect_view();
            view! {
                <tr>
                    <th scope="row">{r.name.clone()} <span class="muted">{format!(" ({})", r.kind)}</span></th>
                    {cells}
                    <td>{r.comparison.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    let definitions = data
        .secondary
        .iter()
        .map(|r| format!("{}: {}", r.name, r.definition))
        .collect::<Vec<_>>()
        .join("; ");
    view! {
        <section class="panel closed" id="secondary">
            <h2>"Secondary endpoints"</h2>
            <div class="table-scroll" tabindex="0" role="region" aria-label="Secondary endpoints by group">
                <table class="data" data-testid="secondary">
                    <thead>
                        <tr>
                            <th scope="col">"Endpoint"</th>
                            {heads}
                            <th scope="col">"Comparison"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <p class="caption">{format!("What counts: {definitions}. A binary endpoint's groups are compared by the trial's configured test; a time-to-event endpoint by the log-rank test and a Cox model.")}</p>
        </section>
    }
}
