//! The list of trials the signed-in user holds a role on.

use crate::components::ErrorPanel;
use crate::dto::Role;
use crate::serverfns::get_me;
use leptos::prelude::*;

/// The trials the user holds a role on.
#[component]
pub fn TrialsPage() -> impl IntoView {
    let me = Resource::new(|| (), |_| get_me());
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorPanel errors/> }>
                {move || Suspend::new(async move {
                    me.await.map(|me| {
                        let rows = me
                            .trials
                            .iter()
                            .map(|t| {
                                view! {
                                    <tr>
                                        <th scope="row">
                                            <a href=format!("/trial/{}", t.id)>{t.title.clone()}</a>
                                        </th>
                                        <td>{role_name(t.role)}</td>
                                        <td data-testid="trial-status">{t.status.clone().unwrap_or_else(|| "no signed recommendation yet".into())}</td>
                                        <td data-testid="trial-newest-cut">{t.newest_cut.clone().unwrap_or_else(|| "–".into())}</td>
                                    </tr>
                                }
                            })
                            .collect_view();
                        view! {
                            <section class="panel">
                                <h1>"Trials"</h1>
                                {me
                                    .trials
                                    .is_empty()
                                    .then(|| view! { <p>"You hold no role on any trial."</p> })}
                                <table class="data" data-testid="trials">
                                    <thead>
                                        <tr>
                                            <th scope="col">"Trial"</th>
                                            <th scope="col">"Your role"</th>
                                            <th scope="col">"Status"</th>
                                            <th scope="col">"Newest data cut"</th>
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

/// A role as people say it.
pub fn role_name(role: Role) -> &'static str {
    match role {
        Role::Dsmb => "DSMB member (closed session, coded groups)",
        Role::Statistician => "Independent statistician (unblinded)",
        Role::Sponsor => "Sponsor (open session, pooled only)",
    }
}
