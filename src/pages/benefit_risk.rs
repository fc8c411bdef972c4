//! The efficacy page's benefit-risk section (decoded closed roles): the
//! hierarchy's levels with the wins and losses each decided, the chart of
//! wins, losses and ties, and the win statistics with their intervals.

use crate::components::Chart;
use crate::dto::BenefitRiskView;
use leptos::prelude::*;

#[component]
pub fn BenefitRiskSection(b: BenefitRiskView) -> impl IntoView {
    let levels = b
        .levels
        .iter()
        .enumerate()
        .map(|(i, l)| {
            view! {
                <tr>
                    <th scope="row">{format!("{}. {}", i + 1, l.name)} <span class="muted">{format!(" ({})", l.compared)}</span></th>
                    <td class="num">{l.reached.clone()}</td>
                    <td class="num">{l.wins.clone()}</td>
                    <td class="num">{l.losses.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    let stats = b
        .statistics
        .iter()
        .map(|(name, value)| view! { <tr><th scope="row">{name.clone()}</th><td class="num">{value.clone()}</td></tr> })
        .collect_view();
    view! {
        <section class="panel closed" id="benefit-risk">
            <h2>"Benefit-risk in one view"</h2>
            <p>{format!("{}: {}, outcomes in order of importance.", b.comparison, b.pairs)}</p>
            <Chart
                id="benefit-risk-chart".to_string()
                label="Wins, losses and ties at each level of the hierarchy, as shares of all pairs; the numbers are in the tables below.".to_string()
                figure=b.chart.clone()
            />
            <div class="table-scroll" tabindex="0" role="region" aria-label="Wins and losses by level">
                <table class="data" data-testid="benefit-risk-levels">
                    <thead>
                        <tr>
                            <th scope="col">"Outcome"</th>
                            <th scope="col" class="num">"Pairs reaching it"</th>
                            <th scope="col" class="num">"Wins"</th>
                            <th scope="col" class="num">"Losses"</th>
                        </tr>
                    </thead>
                    <tbody>{levels}</tbody>
                </table>
            </div>
            <table class="data" data-testid="benefit-risk">
                <thead>
                    <tr>
                        <th scope="col">"Statistic"</th>
                        <th scope="col" class="num">"Estimate (95% CI)"</th>
                    </tr>
                </thead>
                <tbody>{stats}</tbody>
            </table>
            <p class="caption">{format!("{}. {}", b.test, b.caption)}</p>
        </section>
    }
}
