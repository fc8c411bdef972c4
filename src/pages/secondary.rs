//! The efficacy page's secondary endpoints (closed roles): events/n (%)
//! by group and each endpoint's comparison, as the trial configures them;
//! the continuous ones' summaries by group, the difference and the test.

use crate::dto::{ContinuousRow, Efficacy};
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
    let continuous = (!data.continuous.is_empty()).then(|| {
        view! { <ContinuousTable groups=data.secondary_groups.clone() rows=data.continuous.clone()/> }
    });
    let binary = (!data.secondary.is_empty()).then(|| view! {
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
    });
    view! {
        <section class="panel closed" id="secondary">
            <h2>"Secondary endpoints"</h2>
            {binary}
            {continuous}
        </section>
    }
}

/// The continuous endpoints: each one's summary lines by group, the
/// difference of the compared groups' means and the configured test.
#[component]
fn ContinuousTable(groups: Vec<String>, rows: Vec<ContinuousRow>) -> impl IntoView {
    let span = groups.len() + 1;
    let heads = groups
        .iter()
        .map(|g| view! { <th scope="col" class="num">{g.clone()}</th> })
        .collect_view();
    let definitions = rows
        .iter()
        .map(|r| format!("{}: {}", r.name, r.definition))
        .collect::<Vec<_>>()
        .join("; ");
    let bodies = rows
        .into_iter()
        .map(|r| {
            let lines = r.lines.len() + 1;
            let stats = r
                .lines
                .into_iter()
                .map(|l| {
                    let cells = l
                        .cells
                        .into_iter()
                        .map(|c| view! { <td class="num">{c}</td> })
                        .collect_view();
                    view! { <tr class="indent"><th scope="row">{l.label}</th>{cells}</tr> }
                })
                .collect_view();
            view! {
                <tbody>
                    <tr>
                        <th scope="rowgroup" colspan=span>{r.name}</th>
                        <td rowspan=lines>{r.difference}</td>
                        <td rowspan=lines>{r.comparison}</td>
                    </tr>
                    {stats}
                </tbody>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-label="Continuous secondary endpoints by group">
            <table class="data" data-testid="secondary-continuous">
                <thead>
                    <tr>
                        <th scope="col">"Endpoint"</th>
                        {heads}
                        <th scope="col">"Difference in means (95% CI)"</th>
                        <th scope="col">"Test"</th>
                    </tr>
                </thead>
                {bodies}
            </table>
        </div>
        <p class="caption">{format!("What is summarised: {definitions}. n counts the subjects with a value (missing: randomized without one); quartiles by R's type 7. The difference is of the compared groups' means with Welch's 95% interval; each endpoint's p is from the test the trial configures for it (two-sided).")}</p>
    }
}
