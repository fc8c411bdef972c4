use crate::components::ErrorPanel;
use crate::dto::Me;
use crate::serverfns::get_me;
use leptos::prelude::*;
use leptos_router::components::Outlet;

/// Pages behind sign-in: the top bar with the user and sign-out, then the
/// page.
#[component]
pub fn SignedIn() -> impl IntoView {
    let me = Resource::new(|| (), |_| get_me());
    view! {
        <a class="skip" href="#main">"Skip to content"</a>
        <header class="topbar">
            <a class="brand" href="/">"DSMB monitor"</a>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    me.await.ok().map(|me| view! { <UserBar me/> })
                })}
            </Transition>
        </header>
        <main id="main">
            <Outlet/>
        </main>
    }
}

#[component]
fn UserBar(me: Me) -> impl IntoView {
    let statistician = me.trials.iter().any(|t| t.role == "statistician");
    view! {
        <nav class="userbar" aria-label="Account">
            {statistician.then(|| view! { <a href="/audit">"Audit trail"</a> })}
            <span class="user" data-testid="username">{me.username.clone()}</span>
            <form method="post" action="/auth/logout" class="inline">
                <input type="hidden" name="csrf" value=me.csrf.clone()/>
                <button type="submit" class="link">"Sign out"</button>
            </form>
        </nav>
    }
}

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
                                        <td>{role_name(&t.role)}</td>
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
pub fn role_name(role: &str) -> &'static str {
    match role {
        "dsmb" => "DSMB member (closed session, coded groups)",
        "statistician" => "Independent statistician (unblinded)",
        "sponsor" => "Sponsor (open session, pooled only)",
        _ => "Unknown",
    }
}
