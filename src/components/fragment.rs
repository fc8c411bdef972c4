//! A server-side fragment cache. The closed sections of a page depend only
//! on the trial, the cut and whether arms are coded, and cuts never change:
//! their HTML is rendered once and reused, so a busy closed session does
//! not render the same thousand table cells again for every request. The
//! role check and the audit entry happen in the server function before a
//! fragment is ever looked up, and the key always carries the coding, so a
//! DSMB member who has not decoded can only ever get coded HTML.

use leptos::prelude::*;

/// The HTML of `render()`, rendered the first time (`what`, trial, cut,
/// coded) is seen on this server and reused after (server build), in a
/// cache of its own (`AppState::fragment`).
#[cfg(feature = "ssr")]
pub fn cached<V: IntoView + 'static>(
    what: &'static str,
    trial: &str,
    cut: &str,
    coded: bool,
    render: impl FnOnce() -> V,
) -> impl IntoView {
    use crate::server::firewall::ViewKey;
    use crate::server::web::AppState;
    let html = match use_context::<AppState>() {
        Some(state) => state.fragment(ViewKey::new(what, trial, cut, coded), || render().to_html()),
        None => render().to_html(),
    };
    view! { <div class="fragment" inner_html=html></div> }
}

/// The browser build renders as usual (pages are not hydrated in islands
/// mode, so this only has to compile).
#[cfg(not(feature = "ssr"))]
pub fn cached<V: IntoView + 'static>(
    _what: &'static str,
    _trial: &str,
    _cut: &str,
    _coded: bool,
    render: impl FnOnce() -> V,
) -> impl IntoView {
    render()
}
