//! The decode of a trial's coded groups by a DSMB member: confirmed,
//! recorded and audited.

use super::refusal;
use super::session::{Auth, CsrfForm};
use super::state::AppState;
use crate::dto::Role;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

/// POST /trial/{id}/decode: a DSMB member's confirmed decode of the coded
/// groups, recorded and audited; the statistician sees it in the audit
/// trail.
pub async fn decode(
    State(state): State<AppState>,
    Path(trial): Path<String>,
    axum::Extension(auth): axum::Extension<Auth>,
    req: Request,
) -> Response {
    let what = format!("POST /trial/{trial}/decode");
    let only = "only a DSMB member of this trial decodes it";
    let form: CsrfForm =
        match refusal::role_form(&state, &auth, &trial, &what, Role::Dsmb, only, req).await {
            Ok(f) => f,
            Err(no) => return no,
        };
    let Some(user) = auth.user.clone() else {
        let why = "sign in first";
        return refusal::refused(&state, &auth, &trial, &what, StatusCode::UNAUTHORIZED, why).await;
    };
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
