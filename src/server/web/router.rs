//! The HTTP application: one function builds the whole router so that tests
//! can drive it without a socket (`app(state).oneshot(request)`).

use super::audit;
use super::bad_input::arguments_are_400;
use super::cuts;
use super::decode::decode;
use super::headers::security_headers;
use super::looks;
use super::page_view;
use super::registration;
use super::reports;
use super::reviews;
use super::session::{gate, login, logout};
use super::state::AppState;
use crate::app::{shell, App};
use axum::routing::{get, post};
use axum::Router;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::time::Duration;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// Request bodies larger than this are refused with 413 (server function
/// arguments and forms are small).
pub const BODY_LIMIT: usize = 64 * 1024;
/// The sign-in form may be larger, so that an oversized username or
/// password gets its own clear 400 (checked before any other work).
pub const SIGN_IN_BODY_LIMIT: usize = 2 * 1024 * 1024;
/// Requests that take longer than this are cut off.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The full router: pages, server functions, the sign-in, sign-out and
/// decode forms, static files and the 404 page; behind the gate (sessions,
/// CSRF, sign-in required) and the security headers.
pub fn app(state: AppState) -> Router {
    app_with_routes(state, generate_route_list(App))
}

/// [`app`] with the page routes already listed. Listing them renders the
/// route tree in a special mode; tests list them once and build many routers,
/// so that no listing runs while pages render.
pub fn app_with_routes(state: AppState, routes: Vec<leptos_axum::AxumRouteListing>) -> Router {
    let sign_in = Router::new()
        .route("/auth/login", post(login))
        .layer(RequestBodyLimitLayer::new(SIGN_IN_BODY_LIMIT));
    // Uploads of data cuts stream for as long as they send (each file under
    // its own limit, a quiet connection dropped after `cuts::IDLE`): no
    // overall body limit or time limit.
    let uploads = Router::new()
        .route("/trial/{id}/cuts", post(cuts::upload))
        .layer(axum::extract::DefaultBodyLimit::disable());
    let timed = Router::new()
        .route("/auth/logout", post(logout))
        .route("/trial/{id}/decode", post(decode))
        .route("/audit/export", get(audit::export))
        .route("/trial/{id}/looks", post(looks::declare))
        .route("/trial/{id}/reviews", post(reviews::create))
        .route("/trial/{id}/reviews/{n}/sign", post(reviews::sign))
        .route("/trial/{id}/reports", post(reports::build))
        .route("/trial/{id}/reports/{n}/release", post(reports::release))
        .route("/trial/{id}/reports/{n}/download", get(reports::download))
        .route(
            "/trial/{id}/cuts/uploads/{upload}/register",
            post(registration::register),
        )
        .route(
            "/trial/{id}/cuts/uploads/{upload}/discard",
            post(registration::discard),
        )
        // The router state (AppState) reaches pages and server functions as
        // Leptos context: leptos_axum provides it for both.
        .leptos_routes_with_context(&state, routes, || (), {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        .merge(sign_in)
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ));
    timed
        .merge(uploads)
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(axum::middleware::from_fn(arguments_are_400))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            page_view::record,
        ))
        .layer(axum::middleware::from_fn_with_state(state.clone(), gate))
        .layer(axum::middleware::from_fn(security_headers))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
