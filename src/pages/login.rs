use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The sign-in page: a plain form that posts to the server (works without
/// JavaScript); the server sets an HttpOnly session cookie and redirects.
#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let error = move || {
        query.with(|q| match q.get("error").as_deref() {
            Some("failed") => Some("Wrong username or password."),
            Some("throttled") => {
                Some("Too many failed sign-ins. Wait 15 minutes before trying again.")
            }
            _ => None,
        })
    };
    let next = move || query.with(|q| q.get("next").unwrap_or_else(|| "/".into()));
    view! {
        <section class="panel login">
            <h1>"Sign in"</h1>
            <p class="subtitle">
                "Closed-session data are shown only to the roles that may see them."
            </p>
            {move || {
                error().map(|e| view! { <p class="form-error" role="alert" data-testid="login-error">{e}</p> })
            }}
            <form method="post" action="/auth/login" class="stack">
                <input type="hidden" name="next" value=next/>
                <label>
                    "Username"
                    <input name="username" autocomplete="username" required autofocus/>
                </label>
                <label>
                    "Password"
                    <input name="password" type="password" autocomplete="current-password" required/>
                </label>
                <button type="submit">"Sign in"</button>
            </form>
        </section>
    }
}
