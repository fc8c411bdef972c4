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

/// A form that carries the session's CSRF token.
pub trait WithCsrf {
    fn csrf(&self) -> &str;
}

impl WithCsrf for CsrfForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

/// A request refused as bad input (400, the reason naming the field),
/// audited like every refusal.
pub async fn bad(
    state: &AppState,
    auth: &Auth,
    trial: &str,
    what: &str,
    why: impl std::fmt::Display,
) -> Response {
    let why = why.to_string();
    refused(state, auth, trial, what, StatusCode::BAD_REQUEST, &why).await
}

/// The one way a POST form is read: the caller's role on the trial is
/// checked before the body is read (a caller without `role` gets an audited
/// 403 whatever the body holds), then the body is decoded (an audited 400
/// naming what is wrong), then its CSRF token checked (an audited 403).
pub async fn role_form<F>(
    state: &AppState,
    auth: &Auth,
    trial: &str,
    what: &str,
    role: Role,
    why: &str,
    req: axum::extract::Request,
) -> Result<F, Response>
where
    F: WithCsrf + serde::de::DeserializeOwned,
{
    use axum::extract::FromRequest;
    if state.catalog().trial(trial).is_none() || auth.role_on(trial) != Some(role) {
        return Err(refused(state, auth, trial, what, StatusCode::FORBIDDEN, why).await);
    }
    let form = match Form::<F>::from_request(req, &()).await {
        Ok(Form(f)) => f,
        Err(e) => return Err(bad(state, auth, trial, what, form_error(&e)).await),
    };
    let token = CsrfForm {
        csrf: form.csrf().to_string(),
        confirm: None,
        back: None,
    };
    if !csrf_ok(auth, &token) {
        let missing = "missing or wrong CSRF token";
        return Err(refused(state, auth, trial, what, StatusCode::FORBIDDEN, missing).await);
    }
    Ok(form)
}

/// A form's rejection in words (at most 300 characters: the body is the
/// requester's to choose).
fn form_error(e: &FormRejection) -> String {
    let why: String = e.body_text().chars().take(300).collect();
    format!("the form is not valid: {why}")
}

/// A number from the path (a meeting's or a report's), or an audited 400.
pub async fn path_id(
    state: &AppState,
    auth: &Auth,
    trial: &str,
    what: &str,
    raw: &str,
) -> Result<i64, Response> {
    match raw.parse::<i64>() {
        Ok(n) => Ok(n),
        Err(_) => {
            let shown: String = raw.chars().take(40).collect();
            Err(bad(
                state,
                auth,
                trial,
                what,
                format!("{shown:?} is not a number"),
            )
            .await)
        }
    }
}
