//! The confirmation page before a DSMB member decodes the coded groups
//! (the decode itself is `server::web::decode`, recorded and audited).

use super::trial_nav::trial_param;
use crate::serverfns::get_decode;
use leptos::prelude::*;

/// Confirmation before a DSMB member decodes the groups.
#[component]
pub fn DecodePage() -> impl IntoView {
    let trial = trial_param();
    let form = Resource::new(move || trial.get(), get_decode);
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                // The server refuses (403, audited) anyone but a DSMB member
                // of the trial, and sets the page's status.
                match form.await {
                    Ok(f) => {
                        let id = f.trial.clone();
                        view! {
                            <section class="panel closed">
                                <h1>"Decode the groups?"</h1>
                                <p>
                                    "You are about to see which coded group is which arm of this trial. "
                                    "The decode is recorded, with your name and the time, in the audit trail the independent statistician reviews."
                                </p>
                                <form method="post" action=format!("/trial/{id}/decode") class="stack">
                                    <input type="hidden" name="csrf" value=f.csrf/>
                                    <input type="hidden" name="confirm" value="yes"/>
                                    <button type="submit" data-testid="confirm-decode">"Decode and record it"</button>
                                    <a href=format!("/trial/{id}")>"Cancel"</a>
                                </form>
                            </section>
                        }
                            .into_any()
                    }
                    Err(_) => {
                        view! {
                            <section class="panel error" role="alert">
                                <h1>"Not available"</h1>
                                <p>"Only a DSMB member of this trial decodes its groups."</p>
                            </section>
                        }
                            .into_any()
                    }
                }
            })}
        </Transition>
    }
}
