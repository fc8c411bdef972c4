//! The HTTP application: one function builds the whole router so that tests
//! can drive it without a socket (`app(state).oneshot(request)`).

use super::catalog::Catalog;
use crate::app::{shell, App};
use axum::extract::FromRef;
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::sync::Arc;
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;

/// Shared, read-only state of the running server.
#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub catalog: Arc<Catalog>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// The full router: pages, server functions, static files and the 404 page.
pub fn app(state: AppState) -> Router {
    let routes = generate_route_list(App);
    Router::new()
        // The router state (AppState) reaches pages and server functions as
        // Leptos context: leptos_axum provides it for both.
        .leptos_routes_with_context(&state, routes, || (), {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
