//! The HTTP application: one function builds the whole router so that tests
//! can drive it without a socket (`app(state).oneshot(request)`).

use super::auth::{self, Access};
use super::catalog::Catalog;
use super::report::{ClosedReport, OpenReport};
use crate::app::{shell, App};
use axum::extract::FromRef;
use axum::routing::post;
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// Shared state of the running server.
#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub catalog: Arc<Catalog>,
    pub access: Access,
    /// Closed (by-arm) reports per (trial, cut date), computed once, on
    /// first use by a closed role (concurrent first requests wait for the
    /// same computation).
    pub closed: Arc<Cells<ClosedReport>>,
    /// Open (pooled) reports, likewise.
    pub open: Arc<Cells<OpenReport>>,
    /// Page data built from the reports (tables, figures), per view: cuts
    /// are immutable, so a page's data is built once per (what, trial, cut,
    /// arms coded or not) and cloned for every later request. The role
    /// check and the audit entry still run on every request.
    pub views: Arc<Mutex<HashMap<ViewKey, Arc<dyn std::any::Any + Send + Sync>>>>,
}

/// What a cached page view is: (server function, trial, cut date, coded).
pub type ViewKey = (&'static str, String, String, bool);

impl AppState {
    pub fn new(leptos_options: LeptosOptions, catalog: Arc<Catalog>, access: Access) -> Self {
        AppState {
            leptos_options,
            catalog,
            access,
            closed: Arc::new(Mutex::new(HashMap::new())),
            open: Arc::new(Mutex::new(HashMap::new())),
            views: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    /// The page data `key` names, built by `build` the first time and
    /// cloned from the cache after. Two first requests at once may both
    /// build it; the data are the same, one is kept.
    pub fn view<T: Clone + Send + Sync + 'static, E>(
        &self,
        key: ViewKey,
        build: impl FnOnce() -> Result<T, E>,
    ) -> Result<T, E> {
        if let Some(v) = self.cached_view(&key) {
            return Ok(v);
        }
        let v = build()?;
        self.keep_view(key, v.clone());
        Ok(v)
    }

    /// The cached page data `key` names, if built already.
    pub fn cached_view<T: Clone + Send + Sync + 'static>(&self, key: &ViewKey) -> Option<T> {
        let cached = self
            .views
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(key)
            .cloned();
        cached
            .and_then(|v| v.downcast::<T>().ok())
            .map(|v| (*v).clone())
    }

    /// Keep page data for later requests.
    pub fn keep_view<T: Send + Sync + 'static>(&self, key: ViewKey, v: T) {
        self.views
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, Arc::new(v));
    }

    /// The open (pooled) report of `trial`'s cut dated `cut` (the newest
    /// when `None`), cached, computed from the open snapshot: no arm
    /// column, no randomization list.
    pub async fn open_report(
        &self,
        trial: &str,
        cut: Option<&str>,
    ) -> Result<Arc<OpenReport>, String> {
        once_per_cut(
            &self.open,
            &self.catalog,
            trial,
            cut,
            super::catalog::open_report,
        )
        .await
    }

    /// The closed report of `trial`'s cut dated `cut` (the newest when
    /// `None`), cached. Only closed roles' server functions call this.
    pub async fn closed_report(
        &self,
        trial: &str,
        cut: Option<&str>,
    ) -> Result<Arc<ClosedReport>, String> {
        once_per_cut(
            &self.closed,
            &self.catalog,
            trial,
            cut,
            super::catalog::closed_report,
        )
        .await
    }
}

pub type Cells<R> =
    Mutex<HashMap<(String, String), Arc<tokio::sync::OnceCell<Result<Arc<R>, String>>>>>;

/// `compute` for a cut of `trial`, once: concurrent first callers wait for
/// the same computation, which runs off the async runtime. Cuts are
/// immutable, so a failure is kept too.
async fn once_per_cut<R: Send + Sync + 'static>(
    cells: &Cells<R>,
    catalog: &Catalog,
    trial: &str,
    cut: Option<&str>,
    compute: fn(&super::trial::TrialConfig, &std::path::Path) -> Result<R, String>,
) -> Result<Arc<R>, String> {
    let entry = catalog
        .trial(trial)
        .ok_or_else(|| format!("no trial {trial}"))?;
    let served = entry
        .cut(cut)
        .ok_or_else(|| format!("no data cut {} of {trial}", cut.unwrap_or("?")))?;
    let cell = cells
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .entry((trial.to_string(), served.date.clone()))
        .or_default()
        .clone();
    let (config, dir) = (entry.config.clone(), served.dir.clone());
    cell.get_or_init(|| async move {
        tokio::task::spawn_blocking(move || compute(&config, &dir))
            .await
            .map_err(|e| e.to_string())
            .and_then(|r| r)
            .map(Arc::new)
    })
    .await
    .clone()
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// Request bodies larger than this are refused (sign-in forms and server
/// function arguments are small).
pub const BODY_LIMIT: usize = 64 * 1024;
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
    Router::new()
        .route("/auth/login", post(auth::login))
        .route("/auth/logout", post(auth::logout))
        .route("/trial/{id}/decode", post(auth::decode))
        // The router state (AppState) reaches pages and server functions as
        // Leptos context: leptos_axum provides it for both.
        .leptos_routes_with_context(&state, routes, || (), {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::gate,
        ))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        .layer(axum::middleware::from_fn(auth::security_headers))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
