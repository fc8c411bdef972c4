//! Registering an upload that passed its checks (moved into the trial's
//! folder and served) or discarding it, and recording what became of an
//! arriving cut; the statistician's own uploads only, each step audited
//! before it is taken.

use super::cuts::{audit, not_recorded, ONLY_STATISTICIAN};
use super::refusal::{refused, role_form, WithCsrf};
use super::session::Auth;
use super::state::AppState;
use crate::dto::Role;
use crate::server::intake::arrive::{may_arrive, place, RegisterError};
use crate::server::intake::staging::{Outcome, Staged};
use crate::server::intake::Arrival;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use std::sync::Arc;

#[derive(Debug, serde::Deserialize)]
pub struct UploadForm {
    pub csrf: String,
}

impl WithCsrf for UploadForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

/// The caller's own upload `id` of `trial`, or its audited 404.
async fn own_upload(
    state: &AppState,
    auth: &Auth,
    trial: &str,
    id: &str,
    what: &str,
) -> Result<Arc<Staged>, Response> {
    match state
        .staging
        .get(id)
        .filter(|s| s.trial == trial && s.username == auth.username())
    {
        Some(s) => Ok(s),
        None => Err(refused(
            state,
            auth,
            trial,
            what,
            StatusCode::NOT_FOUND,
            "no such upload",
        )
        .await),
    }
}

/// POST /trial/{id}/cuts/uploads/{upload}/register: register an upload that
/// passed its checks, move it into the trial's folder and serve it.
pub async fn register(
    State(state): State<AppState>,
    Path((trial, id)): Path<(String, String)>,
    axum::Extension(auth): axum::Extension<Auth>,
    req: Request,
) -> Response {
    let what = format!("POST /trial/{trial}/cuts/uploads/{id}/register");
    let only = ONLY_STATISTICIAN;
    let form = role_form::<UploadForm>(&state, &auth, &trial, &what, Role::Statistician, only, req);
    if let Err(no) = form.await {
        return no;
    }
    let staged = match own_upload(&state, &auth, &trial, &id, &what).await {
        Ok(s) => s,
        Err(no) => return no,
    };
    let report = match staged.outcome() {
        Outcome::Passed(r) => r,
        Outcome::Checking => {
            return refused(
                &state,
                &auth,
                &trial,
                &what,
                StatusCode::CONFLICT,
                "the upload is still being checked",
            )
            .await
        }
        Outcome::Failed(_) => {
            return refused(
                &state,
                &auth,
                &trial,
                &what,
                StatusCode::CONFLICT,
                "the upload has problems; a cut that fails its checks is not registered",
            )
            .await
        }
    };
    // The registration runs as a task of its own: a client that goes away
    // cannot stop it half-way (with the lock released, the folder moved and
    // the catalog not swapped).
    let task = tokio::spawn(register_staged(
        state.clone(),
        auth.clone(),
        trial.clone(),
        staged,
        report,
    ));
    match task.await {
        Ok(r) => r,
        Err(e) => {
            tracing::error!("a registration stopped: {e}");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "the registration stopped; see the data cuts page for what became of the cut",
            )
                .into_response()
        }
    }
}

/// Register `staged` (passed as `report`): under the arrivals' lock, taken
/// out of staging (a discard meanwhile finds nothing), audited, moved into
/// the trial's folder, served or listed as rejected.
async fn register_staged(
    state: AppState,
    auth: Auth,
    trial: String,
    staged: Arc<Staged>,
    report: crate::server::intake::check::CheckReport,
) -> Response {
    let what = format!("POST /trial/{trial}/cuts/uploads/{}/register", staged.id);
    // One arrival at a time, from the name's claim to the catalog's swap.
    let _writing = state.live.write_lock().await;
    let Some(staged) = state.staging.take(&staged.id) else {
        return refused(
            &state,
            &auth,
            &trial,
            &what,
            StatusCode::NOT_FOUND,
            "no such upload (discarded or registered meanwhile)",
        )
        .await;
    };
    let Some(entry) = state.catalog().entry(&trial) else {
        state.staging.put_back(staged);
        return refused(
            &state,
            &auth,
            &trial,
            &what,
            StatusCode::FORBIDDEN,
            ONLY_STATISTICIAN,
        )
        .await;
    };
    if let Err(e) = may_arrive(&entry, staged.cut_date) {
        state.staging.put_back(staged);
        return refused(
            &state,
            &auth,
            &trial,
            &what,
            StatusCode::CONFLICT,
            &e.to_string(),
        )
        .await;
    }
    let detail = format!("cut {} upload {}", staged.cut_date, staged.id);
    if !audit(&state, &auth, "register-cut", &trial, detail.clone()).await {
        state.staging.put_back(staged);
        return not_recorded();
    }
    let (e, s) = (entry.clone(), staged.clone());
    let placed = tokio::task::spawn_blocking(move || place(&e, &s, &report)).await;
    let failed = |why: String| (staged.clone(), why);
    let target = match placed {
        Ok(Ok(t)) => t,
        Ok(Err(RegisterError::Conflict(why))) => {
            let (staged, why) = failed(why);
            state.staging.put_back(staged);
            audit(
                &state,
                &auth,
                "register-cut-failed",
                &trial,
                format!("{detail}: {why}"),
            )
            .await;
            return refused(&state, &auth, &trial, &what, StatusCode::CONFLICT, &why).await;
        }
        Ok(Err(RegisterError::Failed(why))) => {
            tracing::error!("an upload could not be registered: {why}");
            let (staged, why) = failed(why);
            state.staging.put_back(staged);
            audit(
                &state,
                &auth,
                "register-cut-failed",
                &trial,
                format!("{detail}: {why}"),
            )
            .await;
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                "the cut could not be moved into the trial's folder; nothing was registered",
            )
                .into_response();
        }
        Err(e) => {
            tracing::error!("an upload could not be registered: {e}");
            let (staged, why) = failed(e.to_string());
            state.staging.put_back(staged);
            audit(
                &state,
                &auth,
                "register-cut-failed",
                &trial,
                format!("{detail}: {why}"),
            )
            .await;
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                "the registration stopped; nothing was registered",
            )
                .into_response();
        }
    };
    state.staging.forget(&staged);
    match record_arrival(&state, &auth, &trial, &target).await {
        Some(Arrival::Served(_)) => Redirect::to(&format!("/trial/{trial}/cuts")).into_response(),
        Some(Arrival::Rejected(p)) => (
            StatusCode::CONFLICT,
            format!("the cut was registered but fails the catalog's checks, so the last good cut keeps serving; the data cuts page lists why:\n{p}"),
        )
            .into_response(),
        None => (
            StatusCode::SERVICE_UNAVAILABLE,
            "the cut is in the trial's folder but could not be served now (its arrival could not be checked or recorded); the folder watch tries again",
        )
            .into_response(),
    }
}

/// POST /trial/{id}/cuts/uploads/{upload}/discard: drop an upload.
pub async fn discard(
    State(state): State<AppState>,
    Path((trial, id)): Path<(String, String)>,
    axum::Extension(auth): axum::Extension<Auth>,
    req: Request,
) -> Response {
    let what = format!("POST /trial/{trial}/cuts/uploads/{id}/discard");
    let only = ONLY_STATISTICIAN;
    let form = role_form::<UploadForm>(&state, &auth, &trial, &what, Role::Statistician, only, req);
    if let Err(no) = form.await {
        return no;
    }
    let staged = match own_upload(&state, &auth, &trial, &id, &what).await {
        Ok(s) => s,
        Err(no) => return no,
    };
    // Not while it is being registered: under the arrivals' lock, taken
    // out of staging first.
    let _writing = state.live.write_lock().await;
    let Some(staged) = state.staging.take(&staged.id) else {
        return refused(
            &state,
            &auth,
            &trial,
            &what,
            StatusCode::NOT_FOUND,
            "no such upload (registered or discarded meanwhile)",
        )
        .await;
    };
    let detail = format!("cut {} upload {}", staged.cut_date, staged.id);
    if !audit(&state, &auth, "discard-upload", &trial, detail).await {
        state.staging.put_back(staged);
        return not_recorded();
    }
    state.staging.forget(&staged);
    Redirect::to(&format!("/trial/{trial}/cuts")).into_response()
}

pub async fn record_arrival(
    state: &AppState,
    auth: &Auth,
    trial: &str,
    dir: &std::path::Path,
) -> Option<Arrival> {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let prepared = match state.live.arrive(trial, dir).await {
        Ok(p) => p,
        Err(e) => {
            tracing::error!("{name} of {trial} could not be checked: {e}");
            return None;
        }
    };
    record_prepared(state, auth, trial, &name, prepared).await
}

/// Record what became of an arriving cut, then make it so (served, or
/// listed as rejected); `None` when it could not be recorded.
pub(super) async fn record_prepared(
    state: &AppState,
    auth: &Auth,
    trial: &str,
    name: &str,
    prepared: crate::server::intake::Prepared,
) -> Option<Arrival> {
    let (action, detail) = match &prepared.arrival {
        Arrival::Served(date) => ("serve-cut", format!("{name}: serving, cut {date}")),
        Arrival::Rejected(p) => (
            "reject-cut",
            format!("{name}: rejected with {} problem(s)", p.0.len()),
        ),
    };
    // Recorded before it is served (or listed): a change that cannot be
    // recorded is not made, and the folder watch tries again later.
    if !audit(state, auth, action, trial, detail).await {
        return None;
    }
    let arrival = prepared.arrival.clone();
    state.live.commit(prepared);
    Some(arrival)
}
