//! One audit entry per page view. A page of closed data gathers several
//! sections (the overview: enrollment, baseline, disposition, exposure,
//! the standing, what changed since the last review), each from its own
//! server function. Rendered on the server, they share the page's request:
//! each section notes what it shows here instead of writing its own entry,
//! and the page's one entry, naming the page and every section seen, is
//! written after the page is rendered and before any of it leaves. If that
//! write fails the page is not sent (503): the view fails closed.
//!
//! A section asked for on its own (a server function called from the
//! browser) is its own view and writes its own entry, as before.

use super::guard::NOT_RECORDED;
use super::session::Auth;
use super::state::AppState;
use crate::server::store::{AuditAction, NewAudit};
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// The closed sections a page request has shown so far, by trial, in the
/// order they were shown.
#[derive(Clone, Debug, Default)]
pub struct PageView(Arc<Mutex<Seen>>);

#[derive(Debug, Default)]
struct Seen {
    /// False once the page's entries are written: a section shown later
    /// (there is none in a page rendered whole) writes its own.
    closed: bool,
    by_trial: BTreeMap<String, Vec<String>>,
}

impl PageView {
    /// Note that the page shows `what` (a section and its cut) of `trial`;
    /// false when the page's entries are already written, so the caller
    /// writes its own.
    pub fn note(&self, trial: &str, what: &str) -> bool {
        let Ok(mut seen) = self.0.lock() else {
            return false;
        };
        if seen.closed {
            return false;
        }
        let sections = seen.by_trial.entry(trial.to_string()).or_default();
        if !sections.iter().any(|s| s == what) {
            sections.push(what.to_string());
        }
        true
    }

    /// What the page showed, by trial, and no more noting.
    fn close(&self) -> BTreeMap<String, Vec<String>> {
        match self.0.lock() {
            Ok(mut seen) => {
                seen.closed = true;
                std::mem::take(&mut seen.by_trial)
            }
            // A poisoned lock: nothing can be said of what was noted, so
            // nothing of the page leaves.
            Err(_) => BTreeMap::from([(String::new(), vec![String::new()])]),
        }
    }
}

/// The detail of a page view's entry: the page (its path and query) and
/// each section seen, with its cut.
pub fn detail(page: &str, sections: &[String]) -> String {
    format!("page {page}: {}", sections.join("; "))
}

/// Whether a request is a page (rendered on the server) rather than a
/// server function, a form post or a static file.
fn is_page(req: &Request) -> bool {
    let path = req.uri().path();
    matches!(*req.method(), Method::GET | Method::HEAD)
        && !path.starts_with("/api/")
        && !path.starts_with("/pkg/")
        && !path.starts_with("/assets/")
}

/// The middleware: a page request carries a [`PageView`]; once the page is
/// rendered, one entry per trial it showed closed data of is written, or
/// the page is refused (503) if the trail cannot take it.
pub async fn record(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    if !is_page(&req) {
        return next.run(req).await;
    }
    let page = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    let auth = req.extensions().get::<Auth>().cloned();
    let view = PageView::default();
    req.extensions_mut().insert(view.clone());
    let response = next.run(req).await;
    let seen = view.close();
    if seen.is_empty() {
        return response;
    }
    let Some(user) = auth.as_ref().and_then(|a| a.user.clone()) else {
        // Closed sections are shown only to a signed-in user: nothing to
        // name the view by, so nothing leaves.
        return not_recorded();
    };
    let address = auth.map(|a| a.address).unwrap_or_default();
    let store = state.access.store.clone();
    let written = tokio::task::spawn_blocking(move || {
        for (trial, sections) in &seen {
            store.audit(NewAudit {
                username: &user.username,
                action: AuditAction::ViewClosed,
                trial,
                detail: &detail(&page, sections),
                address: &address,
            })?;
        }
        Ok::<_, crate::server::store::StoreError>(())
    })
    .await;
    match written {
        Ok(Ok(())) => response,
        Ok(Err(e)) => {
            tracing::error!("a page view was not recorded: {e}");
            not_recorded()
        }
        Err(e) => {
            tracing::error!("a page view was not recorded: {e}");
            not_recorded()
        }
    }
}

fn not_recorded() -> Response {
    (StatusCode::SERVICE_UNAVAILABLE, NOT_RECORDED).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_notes_each_section_once_by_trial_until_it_is_written() {
        let v = PageView::default();
        assert!(v.note("a", "enrollment by arm, cut 2024-12-31"));
        assert!(v.note("a", "disposition, cut 2024-12-31"));
        assert!(v.note("a", "enrollment by arm, cut 2024-12-31"));
        assert!(v.note("b", "where the trial stands, cut 2015-03-05"));
        let seen = v.close();
        assert_eq!(seen["a"].len(), 2);
        assert_eq!(seen["b"].len(), 1);
        assert!(
            !v.note("a", "late"),
            "after the entry is written, a section writes its own"
        );
        assert_eq!(
            detail("/trial/a?cut=2024-12-31", &seen["a"]),
            "page /trial/a?cut=2024-12-31: enrollment by arm, cut 2024-12-31; disposition, cut 2024-12-31"
        );
    }
}
