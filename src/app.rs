//! The application shell and router.

use crate::pages::{
    AuditPage, CutsPage, DecodePage, DisclosurePage, EfficacyPage, LabProfilePage, LoginPage,
    NotFound, OverviewPage, ReportsPage, ReviewPage, ReviewsPage, SafetyPage, SignedIn, TrialsPage,
    UploadPage,
};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{ParamSegment, SsrMode, StaticSegment};

/// The HTML document around the app. plotly.js is served by this app from
/// `public/js/` (copied there from the npm package by the set-up), never
/// from a CDN: closed sessions may be offline. The page's
/// Content-Security-Policy names the nonce Leptos puts on its inline scripts
/// (set by `server::web::headers::security_headers`).
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
                <HydrationScripts options islands=true/>
                <MetaTags/>
                // Without JavaScript the charts' empty drawing boxes take no
                // room: the server-drawn SVG (in <noscript>) stands instead.
                <noscript><style>".chart:empty { display: none; }"</style></noscript>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The app: the sign-in page, and the pages behind sign-in under the layout
/// with the top bar. Pages render with `SsrMode::Async`: the server waits
/// for the page's data and sends complete HTML, so every table is right with
/// JavaScript off (out-of-order streaming would need scripts to move the
/// resolved fragments into place).
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Stylesheet id="leptos" href="/pkg/dsmb.css"/>
        <Title text="DSMB monitor"/>
        <Router>
            <Routes fallback=|| view! { <NotFound/> }>
                <Route path=StaticSegment("login") view=LoginShell ssr=SsrMode::Async/>
                <ParentRoute path=StaticSegment("") view=SignedIn ssr=SsrMode::Async>
                    <Route path=StaticSegment("") view=TrialsPage ssr=SsrMode::Async/>
                    <Route
                        path=(StaticSegment("trial"), ParamSegment("id"))
                        view=OverviewPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("trial"), ParamSegment("id"), StaticSegment("safety"))
                        view=SafetyPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("trial"), ParamSegment("id"), StaticSegment("lab-profile"))
                        view=LabProfilePage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("trial"), ParamSegment("id"), StaticSegment("efficacy"))
                        view=EfficacyPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("trial"), ParamSegment("id"), StaticSegment("cuts"))
                        view=CutsPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(
                            StaticSegment("trial"),
                            ParamSegment("id"),
                            StaticSegment("cuts"),
                            StaticSegment("uploads"),
                            ParamSegment("upload"),
                        )
                        view=UploadPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("trial"), ParamSegment("id"), StaticSegment("reviews"))
                        view=ReviewsPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("trial"), ParamSegment("id"), StaticSegment("reports"))
                        view=ReportsPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(
                            StaticSegment("trial"),
                            ParamSegment("id"),
                            StaticSegment("reviews"),
                            ParamSegment("n"),
                        )
                        view=ReviewPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("trial"), ParamSegment("id"), StaticSegment("decode"))
                        view=DecodePage
                        ssr=SsrMode::Async
                    />
                    <Route path=StaticSegment("audit") view=AuditPage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("disclosure") view=DisclosurePage ssr=SsrMode::Async/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// The sign-in page with a plain top bar (no user yet).
#[component]
fn LoginShell() -> impl IntoView {
    view! {
        <header class="topbar">
            <span class="brand">"DSMB monitor"</span>
        </header>
        <main id="main">
            <LoginPage/>
        </main>
    }
}
