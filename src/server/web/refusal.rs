//! Every refused request leaves an audit entry: who (the signed-in user, or
//! nobody), what (method and path), and why (status and reason). The
//! request is refused whether or not the entry could be written; a failed
//! write is logged.

use super::session::{csrf_ok, Auth, CsrfForm};
use super::state::AppState;
use crate::dto::Role;
use crate::server::store::Store;
use axum::extract::rejection::FormRejection;
use axum::extract::Form;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// Record the refusal of `what` (e.g. `POST /api/get_efficacy`) for
/// `username` (empty when nobody is signed in) from `address`, on `trial`
/// (empty when none), with `status` and `why`.
pub async fn record(
    store: &Store,
    username: &str,
    address: &str,
    trial: &str,
    what: &str,
    status: u16,
    why: &str,
) {
    let (s, u, a, t) = (
        store.clone(),
        username.to_string(),
        address.to_string(),
        trial.to_string(),
    );
    // A path is the requester's to choose: at most 200 characters of it.
    let what: String = what.chars().take(200).collect();
    let detail = format!("{status} {what}: {why}");
    match tokio::task::spawn_blocking(move || s.audit(&u, "refused", &t, &detail, &a)).await {
        Ok(Ok(_)) => {}
        Ok(Err(e)) => tracing::error!("a refusal was not audited: {e}"),
        Err(e) => tracing::error!("a refusal was not audited: {e}"),
    }
}

/// Refuse a request with `status` and `why`, audited.
pub async fn refused(
    state: &AppState,
    auth: &Auth,
    trial: &str,
    what: &str,
    status: StatusCode,
    why: &str,
) -> Response {
    record(
        &state.access.store,
        auth.username(),
        &auth.address,
        trial,
        what,
        status.as_u16(),
        why,
    )
    .await;
    (status, why.to_string()).into_response()
}

/// The refusal (audited) of a form without the session's CSRF
/// token, or from a caller without role `role` on the trial; `None` when
/// the form may go on.
pub async fn form_refused(
    state: &AppState,
    auth: &Auth,
    trial: &str,
    what: &str,
    csrf: &str,
    role: Role,
    why: &str,
) -> Option<Response> {
    let token = CsrfForm {
        csrf: csrf.to_string(),
        confirm: None,
    };
    if !csrf_ok(auth, &token) {
        let missing = "missing or wrong CSRF token";
        return Some(refused(state, auth, trial, what, StatusCode::FORBIDDEN, missing).await);
    }
    if state.catalog().trial(trial).is_none() || auth.role_on(trial) != Some(role) {
        return Some(refused(state, auth, trial, what, StatusCode::FORBIDDEN, why).await);
    }
    None
}

/// A form that carries the session's CSRF token.
pub trait WithCsrf {
    fn csrf(&self) -> &str;
}

/// The form of a POST as its handler may use it: a malformed form is a
/// 400; one without the session's CSRF token, or from a caller without
/// `role` on the trial, an audited 403 ([`form_refused`]).
pub async fn checked_form<F: WithCsrf>(
    state: &AppState,
    auth: &Auth,
    trial: &str,
    what: &str,
    form: Result<Form<F>, FormRejection>,
    role: Role,
    why: &str,
) -> Result<F, Response> {
    let form = match form {
        Ok(Form(f)) => f,
        Err(e) => return Err(super::bad_input::bad_form(e.body_text())),
    };
    match form_refused(state, auth, trial, what, form.csrf(), role, why).await {
        Some(no) => Err(no),
        None => Ok(form),
    }
}
