use crate::dto::AppError;
use leptos::prelude::*;

/// Shows the errors caught by an `ErrorBoundary`: an error of the app
/// (`AppError`, typed on both sides) with its own heading and message, any
/// other with a plain one.
#[component]
pub fn ErrorPanel(errors: ArcRwSignal<Errors>) -> impl IntoView {
    view! {
        {move || {
            errors
                .get()
                .into_iter()
                .map(|(_, e)| {
                    let (title, kind) = match e.downcast_ref::<AppError>() {
                        Some(a) => (a.title(), a.status()),
                        None => ("Something went wrong", 500),
                    };
                    view! {
                        <section class="panel error" role="alert" data-status=kind>
                            <h2>{title}</h2>
                            <p>{e.to_string()}</p>
                            <p><a href="/">"Your trials"</a></p>
                        </section>
                    }
                })
                .collect_view()
        }}
    }
}
