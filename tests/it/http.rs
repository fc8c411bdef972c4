//! The router driven without a socket: server-side rendered HTML must carry
//! the numbers (the page has to be right before, or without, hydration).

use crate::helpers::{get, send, sign_in, state};
use axum::http::StatusCode;

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

#[test]
fn the_overview_is_rendered_complete_on_the_server() {
    crate::helpers::block_on(the_overview_is_rendered_complete_on_the_server_body());
}

async fn the_overview_is_rendered_complete_on_the_server_body() {
    let state = state();
    let t = sign_in(&state, "sponsor").await;
    let r = send(&state, get("/trial/altshock2", Some(&t))).await;
    assert_eq!(r.status, StatusCode::OK);
    let html = r.body;
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

#[test]
fn the_trial_list_shows_only_the_users_trials() {
    crate::helpers::block_on(the_trial_list_shows_only_the_users_trials_body());
}

async fn the_trial_list_shows_only_the_users_trials_body() {
    let state = state();
    let t = sign_in(&state, "outsider").await;
    let r = send(&state, get("/", Some(&t))).await;
    assert_eq!(r.status, StatusCode::OK);
    let text = text(&r.body);
    assert!(text.contains("CDISC pilot"), "{text}");
    assert!(!text.contains("Altshock"), "{text}");
}

#[test]
fn an_unknown_path_is_a_404_page() {
    crate::helpers::block_on(an_unknown_path_is_a_404_page_body());
}

async fn an_unknown_path_is_a_404_page_body() {
    let state = state();
    let t = sign_in(&state, "sponsor").await;
    let r = send(&state, get("/no/such/page", Some(&t))).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(text(&r.body).contains("Page not found"));
}

/// Bad input to a server function or a form is a 400 that says what is
/// wrong, never a 500.
#[test]
fn bad_input_to_server_functions_and_forms_is_a_400() {
    crate::helpers::block_on(async {
        let state = crate::helpers::state();
        let t = crate::helpers::sign_in(&state, "stat").await;
        for (path, body, says) in [
            ("/api/get_enrollment", "", "missing field `trial`"),
            (
                "/api/get_efficacy",
                "cut=2024-12-31",
                "missing field `trial`",
            ),
            ("/api/get_safety", "trial[]=x&trial[]=y", "invalid type"),
            (
                "/api/get_arm_enrollment",
                "trial=altshock2&cut[]=1",
                "invalid type",
            ),
            ("/auth/login", "username=x", "missing field `password`"),
        ] {
            let r = crate::helpers::send(&state, crate::helpers::post(path, Some(&t), body)).await;
            assert_eq!(r.status, 400, "{path} {body:?}: {}", r.body);
            assert!(r.body.contains(says), "{path}: {}", r.body);
        }
        // A server error that is not the request's fault keeps its 500 (none
        // here); a good request is untouched.
        let r = crate::helpers::send(
            &state,
            crate::helpers::post("/api/get_enrollment", Some(&t), "trial=altshock2"),
        )
        .await;
        assert_eq!(r.status, 200);
    });
}
