//! A report table of lines (a heading or an indented statistic, a cell per
//! column), as the baseline, disposition and deaths tables are.

use super::LongTable;
use crate::dto::BaselineLine;
use leptos::prelude::*;

/// The table: `first` heads the label column, `columns` the others.
#[component]
pub fn LinesTable(
    #[prop(into)] first: String,
    columns: Vec<String>,
    lines: Vec<BaselineLine>,
    testid: &'static str,
    #[prop(into)] label: String,
) -> impl IntoView {
    let head = columns
        .into_iter()
        .map(|c| view! { <th scope="col" class="num">{c}</th> })
        .collect_view();
    let count = lines.len();
    let rows = lines
        .into_iter()
        .map(|l| {
            let cells = l
                .cells
                .into_iter()
                .map(|c| view! { <td class="num">{c}</td> })
                .collect_view();
            let class = if l.indent { "indent" } else { "heading" };
            view! {
                <tr class=class>
                    <th scope="row">{l.label}</th>
                    {cells}
                </tr>
            }
        })
        .collect_view();
    view! {
        <LongTable rows=count label=label id=testid>
            <table class="data" data-testid=testid>
                <thead>
                    <tr>
                        <th scope="col">{first}</th>
                        {head}
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </LongTable>
    }
}
