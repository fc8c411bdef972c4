//! The decode of a trial's coded groups by a DSMB member: confirmed,
//! recorded and audited.

use super::bad_input::bad_form;
use super::refusal;
use super::session::{csrf_ok, Auth, CsrfForm};
use super::state::AppState;
use crate::dto::Role;
use axum::extract::rejection::FormRejection;
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
    form: Result<Form<CsrfForm>, FormRejection>,
) -> Response {
    let form = match form {
        Ok(Form(f)) => f,
        Err(e) => return bad_form(e.body_text()),
    };
    let who = auth.username().to_string();
    let what = format!("POST /trial/{trial}/decode");
    let refuse = |status: StatusCode, why: &'static str| {
        let (store, who, address, trial, what) = (
            state.access.store.clone(),
            who.clone(),
            auth.address.clone(),
            trial.clone(),
            what.clone(),
        );
        async move {
            refusal::record(&store, &who, &address, &trial, &what, status.as_u16(), why).await;
            (status, why).into_response()
        }
    };
    if !csrf_ok(&auth, &form) {
        return refuse(StatusCode::FORBIDDEN, "missing or wrong CSRF token").await;
    }
    let Some(user) = auth.user.clone() else {
        return refuse(StatusCode::UNAUTHORIZED, "sign in first").await;
    };
    if state.catalog().trial(&trial).is_none() || auth.role_on(&trial) != Some(Role::Dsmb) {
        return refuse(
            StatusCode::FORBIDDEN,
            "only a DSMB member of this trial decodes it",
        )
        .await;
    }
    if form.confirm.as_deref() != Some("yes") {
        return Redirect::to(&format!("/trial/{trial}/decode")).into_response();
    }
    let store = state.access.store.clone();
    let address = auth.address.clone();
    let t = trial.clone();
    // The decode and its audit entry are one transaction: no decode is in
    // force that the audit trail does not show.
    let done = tokio::task::spawn_blocking(move || {
        store.record_decode(user.id, &user.username, &t, &address)
    })
    .await;
    match done {
        Ok(Ok(())) => Redirect::to(&format!("/trial/{trial}")).into_response(),
        _ => (
            StatusCode::SERVICE_UNAVAILABLE,
            "the decode could not be recorded, so it was not made",
        )
            .into_response(),
    }
}
