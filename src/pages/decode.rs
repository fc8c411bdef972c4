//! The confirmation page before a DSMB member decodes the coded groups
//! (the decode itself is `server::web::decode`, recorded and audited).

use super::trial_nav::trial_param;
use crate::dto::Role;
use crate::serverfns::get_me;
use leptos::prelude::*;

/// Confirmation before a DSMB member decodes the groups.
#[component]
pub fn DecodePage() -> impl IntoView {
    let trial = trial_param();
    let me = Resource::new(|| (), |_| get_me());
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let me = me.await.ok();
                let id = trial.get();
                let csrf = me.as_ref().map(|m| m.csrf.clone()).unwrap_or_default();
                let may = me
                    .as_ref()
                    .is_some_and(|m| m.trials.iter().any(|t| t.id == id && t.role == Role::Dsmb));
                if may {
                    view! {
                        <section class="panel closed">
                            <h1>"Decode the groups?"</h1>
                            <p>
                                "You are about to see which coded group is which arm of this trial. "
                                "The decode is recorded, with your name and the time, in the audit trail the independent statistician reviews."
                            </p>
                            <form method="post" action=format!("/trial/{id}/decode") class="stack">
                                <input type="hidden" name="csrf" value=csrf/>
                                <input type="hidden" name="confirm" value="yes"/>
                                <button type="submit" data-testid="confirm-decode">"Decode and record it"</button>
                                <a href=format!("/trial/{id}")>"Cancel"</a>
                            </form>
                        </section>
                    }
                        .into_any()
                } else {
                    #[cfg(feature = "ssr")]
                    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
                        resp.set_status(axum::http::StatusCode::FORBIDDEN);
                    }
                    view! {
                        <section class="panel error" role="alert">
                            <h1>"Not available"</h1>
                            <p>"Only a DSMB member of this trial decodes its groups."</p>
                        </section>
                    }
                        .into_any()
                }
            })}
        </Transition>
    }
}
