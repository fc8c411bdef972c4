//! The disclosure rule of the pooled views: why a count reads
//! "suppressed", and each of the reader's trials' threshold. Every
//! "suppressed" note of the sponsor's pages links here.

use crate::components::ErrorPanel;
use crate::serverfns::get_disclosure;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn DisclosurePage() -> impl IntoView {
    let trials = Resource::new(|| (), |_| get_disclosure());
    view! {
        <Title text="The disclosure rule · DSMB monitor"/>
        <section class="panel" data-testid="disclosure">
            <h1 id="suppression">"Why a pooled count reads “suppressed”"</h1>
            <p>
                "The open (pooled) view shows a count only when no small count, from 1 to the trial's threshold minus one, can be worked out from what it shows. A count is suppressed when"
            </p>
            <ul>
                <li>"it is itself small: fewer subjects in the cell than the threshold (zero is shown);"</li>
                <li>"its complement is small: the subjects without it, the total minus the count;"</li>
                <li>"its difference from the same count at another cut you can choose is small (you can pick any good cut, so two cuts could be subtracted);"</li>
                <li>"or the difference between it and a count it contains is small (a category within the primary endpoint's events, say)."</li>
            </ul>
            <p>
                "Which of these hid a given cell is not said: naming it would show which of several suppressed cells is the small one. Enrollment counts are not suppressed. Cuts are decided oldest first, and a count once shown stays shown."
            </p>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorPanel errors/> }>
                    {move || Suspend::new(async move {
                        trials.await.map(|ts| {
                            let rows = ts
                                .into_iter()
                                .map(|t| view! {
                                    <tr>
                                        <th scope="row"><a href=format!("/trial/{}", t.id)>{t.title}</a></th>
                                        <td class="num">{t.threshold}</td>
                                    </tr>
                                })
                                .collect_view();
                            view! {
                                <table class="data" data-testid="thresholds">
                                    <thead>
                                        <tr><th scope="col">"Your trials"</th><th scope="col" class="num">"Threshold"</th></tr>
                                    </thead>
                                    <tbody>{rows}</tbody>
                                </table>
                            }
                        })
                    })}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}

/// The note under a pooled table: small counts are suppressed, with the
/// link to the rule.
#[component]
pub fn SuppressedNote() -> impl IntoView {
    view! {
        <span class="suppressed-note">
            "Counts that are small, or from which a small count could be worked out, read “suppressed” ("
            <a href="/disclosure#suppression">"the rule"</a>
            ")."
        </span>
    }
}
