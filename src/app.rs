//! The application shell and router.

use crate::pages::{NotFound, OverviewPage};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{SsrMode, StaticSegment};

/// The HTML document around the app. plotly.js is served by this app from
/// `public/js/` (copied there from the npm package by the set-up), never
/// from a CDN: closed sessions may be offline.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" href="/favicon.ico"/>
                <script src="/js/plotly-basic.min.js" defer></script>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The app: top bar and routes. Pages render with `SsrMode::Async`: the
/// server waits for the page's data and sends complete HTML, so every table
/// is right with JavaScript off (out-of-order streaming would need scripts to
/// move the resolved fragments into place).
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Stylesheet id="leptos" href="/pkg/dsmb.css"/>
        <Title text="DSMB monitor"/>
        <Router>
            <header class="topbar">
                <a class="brand" href="/">"DSMB monitor"</a>
            </header>
            <main id="main">
                <Routes fallback=|| view! { <NotFound/> }>
                    <Route path=StaticSegment("") view=OverviewPage ssr=SsrMode::Async/>
                </Routes>
            </main>
        </Router>
    }
}
