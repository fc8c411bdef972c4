//! The router driven without a socket: server-side rendered HTML must carry
//! the numbers (the page has to be right before, or without, hydration).

use crate::helpers::repo;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use dsmb::server::catalog::Catalog;
use dsmb::server::http::{app, AppState};
use leptos::prelude::LeptosOptions;
use std::sync::{Arc, OnceLock};
use tower::ServiceExt;

/// The demo catalog, loaded once, on a plain thread: polars must not block
/// inside the async runtime (the server loads it with `spawn_blocking`).
fn catalog() -> Arc<Catalog> {
    static CATALOG: OnceLock<Arc<Catalog>> = OnceLock::new();
    CATALOG
        .get_or_init(|| {
            std::thread::spawn(|| Arc::new(Catalog::load(&repo().join("demo")).unwrap()))
                .join()
                .unwrap()
        })
        .clone()
}

fn state() -> AppState {
    AppState {
        leptos_options: LeptosOptions::builder()
            .output_name("dsmb")
            .site_root("target/site")
            .build(),
        catalog: catalog(),
    }
}

async fn get(path: &str) -> (StatusCode, String) {
    let response = app(state())
        .oneshot(Request::get(path).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, String::from_utf8_lossy(&body).into_owned())
}

/// Text content of the HTML, without tags or Leptos' hydration markers.
fn text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

#[tokio::test]
async fn the_overview_is_rendered_complete_on_the_server() {
    let (status, html) = get("/").await;
    assert_eq!(status, StatusCode::OK);
    let text = text(&html);
    assert!(text.contains("101 enrolled of 200 planned"), "{text}");
    // Rendered in place, not streamed out of order behind a loading fallback
    // (which would need JavaScript to be put in place).
    assert!(!text.contains("Loading"), "{text}");
    // Site 01 has 30 of the 101 subjects at the final cut.
    assert!(
        html.contains("by-site"),
        "the per-site table is in the HTML"
    );
    assert!(
        text.contains("0130"),
        "site 01 row with 30 subjects: {text}"
    );
    assert!(
        html.contains("/js/plotly-basic.min.js"),
        "plotly.js from the app itself"
    );
    assert!(!html.contains("cdn."), "no CDN reference");
}

#[tokio::test]
async fn an_unknown_path_is_a_404_page() {
    let (status, html) = get("/no/such/page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(text(&html).contains("Page not found"));
}

/// No sign-in exists yet (issue 6), so the one server function must be safe
/// for anyone: pooled numbers only. Called as a browser would, for each demo
/// trial, no arm code, label or by-arm key may appear in its answer.
#[tokio::test]
async fn the_enrollment_server_function_returns_no_arm_data() {
    let forbidden = [
        "IABP",
        "SOC",
        "SoC",
        "Placebo",
        "Xanomeline",
        "PBO",
        "by_arm",
        "ARM",
    ];
    for body in ["trial=altshock2", "trial=cdisc-pilot01", ""] {
        let response = app(state())
            .oneshot(
                Request::post("/api/get_enrollment")
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(Body::from(body))
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{body}");
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("\"total\""), "{body}: {text}");
        for word in forbidden {
            assert!(
                !text.contains(word),
                "{body}: the answer contains {word:?}: {text}"
            );
        }
    }
}
