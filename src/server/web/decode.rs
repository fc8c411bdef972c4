//! The decode of a trial's coded groups by a DSMB member: confirmed,
//! recorded and audited.

use super::session::{csrf_ok, Auth, CsrfForm};
use super::state::AppState;
use crate::dto::Role;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

/// POST /trial/{id}/decode: a DSMB member's confirmed decode of the coded
/// groups, recorded and audited; the statistician sees it in the audit
/// trail.
pub async fn decode(
    State(state): State<AppState>,
    Path(trial): Path<String>,
    axum::Extension(auth): axum::Extension<Auth>,
    Form(form): Form<CsrfForm>,
) -> Response {
    if !csrf_ok(&auth, &form) {
        return (StatusCode::FORBIDDEN, "missing or wrong CSRF token").into_response();
    }
    let Some(user) = auth.user.clone() else {
        return (StatusCode::UNAUTHORIZED, "sign in first").into_response();
    };
    if state.catalog.trial(&trial).is_none() || auth.role_on(&trial) != Some(Role::Dsmb) {
        return (
            StatusCode::FORBIDDEN,
            "only a DSMB member of this trial decodes it",
        )
            .into_response();
    }
    if form.confirm.as_deref() != Some("yes") {
        return Redirect::to(&format!("/trial/{trial}/decode")).into_response();
    }
    let store = state.access.store.clone();
    let address = auth.address.clone();
    let t = trial.clone();
    let done = tokio::task::spawn_blocking(move || {
        store.record_decode(user.id, &t)?;
        store.audit(
            &user.username,
            "decode",
            &t,
            "decoded the arm groups",
            &address,
        )
    })
    .await;
    match done {
        Ok(Ok(_)) => Redirect::to(&format!("/trial/{trial}")).into_response(),
        _ => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "the decode was not recorded",
        )
            .into_response(),
    }
}
