//! The safety page's adverse-event signal screen (closed roles, the
//! any-event category): the volcano plot and the flagged terms.

use crate::components::Chart;
use crate::dto::AeSignalsView;
use leptos::prelude::*;

#[component]
pub fn AeSignalsSection(s: AeSignalsView) -> impl IntoView {
    if let Some(why) = s.withheld {
        return view! {
            <section class="panel closed" id="ae-signals">
                <h2>"Adverse-event signals"</h2>
                <p class="notice" data-testid="ae-signals-withheld">{why}</p>
            </section>
        }
        .into_any();
    }
    let heads = s
        .columns
        .iter()
        .map(|c| view! { <th scope="col" class="num">{c.clone()}</th> })
        .collect_view();
    let none = s.flagged.is_empty();
    let rows = s
        .flagged
        .into_iter()
        .map(|r| {
            let cells = r
                .cells
                .into_iter()
                .map(|c| view! { <td class="num">{c}</td> })
                .collect_view();
            view! {
                <tr>
                    <th scope="row">{r.term} <span class="muted">{format!(" ({})", r.organ_class)}</span></th>
                    {cells}
                    <td class="num">{r.risk_difference}</td>
                    <td class="num">{r.relative_risk}</td>
                    <td class="num">{r.p}</td>
                    <td class="num">{r.p_adjusted}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="panel closed" id="ae-signals">
            <h2>"Adverse-event signals"</h2>
            <p data-testid="ae-signals-summary">{format!("{}: {}", s.comparison, s.summary)}</p>
            <Chart
                id="ae-volcano".to_string()
                label="Volcano plot: each term's risk difference against minus log10 of its p-value, flagged terms labelled; the flagged terms are in the table below.".to_string()
                figure=s.volcano.clone()
            />
            {(!none).then(|| view! {
                <div class="table-scroll" tabindex="0" role="region" aria-label="Flagged terms">
                    <table class="data" data-testid="ae-signals">
                        <thead>
                            <tr>
                                <th scope="col">"Flagged term (organ class)"</th>
                                {heads}
                                <th scope="col" class="num">"Difference, points"</th>
                                <th scope="col" class="num">"Relative risk"</th>
                                <th scope="col" class="num">"p"</th>
                                <th scope="col" class="num">"Adjusted p"</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            })}
            <p class="caption">{s.caption}</p>
        </section>
    }
    .into_any()
}
