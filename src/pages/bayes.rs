//! The efficacy page's Bayesian summaries of the primary endpoint (decoded
//! closed roles), beside the group-sequential look: one row per prior.

use crate::dto::BayesView;
use leptos::prelude::*;

#[component]
pub fn BayesSection(b: BayesView) -> impl IntoView {
    let mcid = b.mcid_header.clone();
    let rows = b
        .rows
        .into_iter()
        .map(|r| {
            let with_mcid = mcid.is_some();
            view! {
                <tr>
                    <th scope="row">{r.prior} <span class="muted">{format!(" ({})", r.prior_text)}</span></th>
                    <td class="num">{r.estimate}</td>
                    <td class="num">{r.p_benefit}</td>
                    <td class="num">{r.p_harm}</td>
                    {with_mcid.then(|| view! { <td class="num">{r.p_mcid.unwrap_or_else(|| "–".into())}</td> })}
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="panel closed" id="bayes">
            <h2>"Bayesian summaries of the primary endpoint"</h2>
            <p>{format!("{} — data: {}.", b.measure, b.data)}</p>
            <div class="table-scroll" tabindex="0" role="region" aria-label="Posterior summaries by prior">
                <table class="data" data-testid="bayes">
                    <thead>
                        <tr>
                            <th scope="col">"Prior"</th>
                            <th scope="col" class="num">"Posterior estimate (95% CrI)"</th>
                            <th scope="col" class="num">"P(benefit)"</th>
                            <th scope="col" class="num">"P(harm)"</th>
                            {mcid.map(|h| view! { <th scope="col" class="num">{h}</th> })}
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <p class="caption">{b.caption}</p>
        </section>
    }
}
