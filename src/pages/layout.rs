//! The frame of every page behind sign-in: the top bar with the user, the
//! audit link for the statistician, and sign-out.

use crate::dto::{Me, Role};
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
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    me.await.ok().and_then(|me| me.flash).map(|why| {
                        view! {
                            <div class="panel error flash" role="alert" data-testid="flash">
                                <strong>"Not done: "</strong>
                                {why}
                            </div>
                        }
                    })
                })}
            </Transition>
            <Outlet/>
        </main>
    }
}

#[component]
fn UserBar(me: Me) -> impl IntoView {
    let statistician = me.trials.iter().any(|t| t.role == Role::Statistician);
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
