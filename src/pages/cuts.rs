//! The data cuts page (closed roles).

use super::trial_nav::{trial_param, Tab, TrialNav};
use crate::components::ErrorPanel;
use crate::serverfns::get_cuts;
use leptos::prelude::*;

/// The trial's data cuts with their hashes and check results (closed roles).
#[component]
pub fn CutsPage() -> impl IntoView {
    let trial = trial_param();
    let cuts = Resource::new(move || trial.get(), get_cuts);
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorPanel errors/> }>
                {move || Suspend::new(async move {
                    cuts.await.map(|cuts| {
                        let rows = cuts
                            .into_iter()
                            .map(|c| {
                                let files = c
                                    .files
                                    .iter()
                                    .map(|f| view! { <li><code>{format!("{}/{}", f.folder, f.name)}</code> " " <code class="small">{f.sha256.clone()}</code></li> })
                                    .collect_view();
                                let problems = c
                                    .problems
                                    .iter()
                                    .map(|p| view! { <li>{p.clone()}</li> })
                                    .collect_view();
                                view! {
                                    <tr>
                                        <th scope="row">{c.name.clone()}</th>
                                        <td data-testid="cut-status">{c.status.clone()}</td>
                                        <td>{c.registered_at.clone().unwrap_or_else(|| "not registered".into())}</td>
                                        <td><ul class="plain">{files}</ul><ul class="problems">{problems}</ul></td>
                                    </tr>
                                }
                            })
                            .collect_view();
                        view! {
                            <TrialNav trial=trial.get_untracked() closed=true tab=Tab::Cuts/>
                            <section class="panel">
                                <h1>"Data cuts"</h1>
                                <p class="caption">
                                    "The newest cut that passes every check serves; a newer cut that fails keeps the last good one serving. Registered files are verified against their SHA-256 on every load."
                                </p>
                                <table class="data" data-testid="cuts">
                                    <thead>
                                        <tr>
                                            <th scope="col">"Cut"</th>
                                            <th scope="col">"Status"</th>
                                            <th scope="col">"Registered"</th>
                                            <th scope="col">"Files (SHA-256) and problems"</th>
                                        </tr>
                                    </thead>
                                    <tbody>{rows}</tbody>
                                </table>
                            </section>
                        }
                    })
                })}
            </ErrorBoundary>
        </Transition>
    }
}
