//! Charts. The figures are built on the server (`server::views::figures`) and come
//! with each page's data as plotly JSON; plotly.js draws them in the browser
//! from an `Effect` (effects never run during server-side rendering). With
//! JavaScript off, the same figure drawn as SVG on the server by the drawer
//! the documents use (`server::document::svg`) stands in its place, inside
//! `<noscript>`: no blank boxes. Every number in a chart is also in a table
//! on the same page.

use crate::dto::Figure;
use leptos::prelude::*;

/// A chart's element, drawn into once the page runs in the browser. `id` is
/// the element's id and its test id; `label` says what the chart shows and
/// where its numbers are (screen readers read it instead of the drawing).
/// Nothing is rendered when the figure is empty.
///
/// An island: the only part of a page that hydrates. Its props travel to the
/// browser in the page, so the figure is sent once.
#[island]
pub fn ChartIsland(id: String, label: String, figure: Figure) -> impl IntoView {
    if figure.0.is_empty() {
        return None;
    }
    let target = id.clone();
    Effect::new(move |_| plotly_js::draw(&target, &figure.0));
    Some(view! {
        <div id=id.clone() class="chart" data-testid=id role="img" aria-label=label></div>
    })
}

/// The width the server-drawn SVG is laid out at (it scales to its box).
#[cfg(feature = "ssr")]
pub const SVG_WIDTH: f64 = 900.0;

/// A chart: the island plotly.js draws into, and, for a browser without
/// JavaScript, the same figure as SVG drawn on the server.
#[component]
pub fn Chart(id: String, label: String, figure: Figure) -> impl IntoView {
    #[cfg(feature = "ssr")]
    let drawn = crate::server::document::svg::svg(&figure, SVG_WIDTH);
    #[cfg(not(feature = "ssr"))]
    let drawn: Option<String> = None;
    let fallback = drawn.map(|svg| {
        let testid = format!("{id}-svg");
        view! {
            <noscript>
                <div class="chart chart-svg" data-testid=testid role="img" aria-label=label.clone() inner_html=svg></div>
            </noscript>
        }
    });
    view! {
        <ChartIsland id label figure/>
        {fallback}
    }
}

/// The binding to plotly.js (browser build).
#[cfg(feature = "hydrate")]
mod plotly_js {
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;

    #[wasm_bindgen]
    extern "C" {
        #[wasm_bindgen(catch, js_namespace = Plotly, js_name = react)]
        fn plotly_react(id: &str, figure: &JsValue) -> Result<JsValue, JsValue>;
    }

    /// Draw (or redraw) the figure `json` into the element `id`. Failures
    /// are logged to the console, never panics.
    pub fn draw(id: &str, json: &str) {
        let loaded =
            js_sys::Reflect::has(&js_sys::global(), &JsValue::from_str("Plotly")).unwrap_or(false);
        if !loaded {
            leptos::logging::error!("plotly.js is not loaded: chart {id} cannot be drawn");
            return;
        }
        let figure = match js_sys::JSON::parse(json) {
            Ok(f) => f,
            Err(e) => {
                leptos::logging::error!("chart {id}: bad figure JSON: {e:?}");
                return;
            }
        };
        match plotly_react(id, &figure) {
            Ok(promise) => {
                if let Ok(promise) = promise.dyn_into::<js_sys::Promise>() {
                    let id = id.to_string();
                    wasm_bindgen_futures::spawn_local(async move {
                        if let Err(e) = wasm_bindgen_futures::JsFuture::from(promise).await {
                            leptos::logging::error!("chart {id}: plotly.js failed: {e:?}");
                        }
                    });
                }
            }
            Err(e) => leptos::logging::error!("chart {id}: plotly.js failed: {e:?}"),
        }
    }
}

/// The server build's twin: charts are drawn only in the browser.
#[cfg(not(feature = "hydrate"))]
mod plotly_js {
    pub fn draw(_id: &str, _json: &str) {}
}
