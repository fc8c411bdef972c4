//! Registering an upload that passed its checks (moved into the trial's
//! folder and served) or discarding it, and recording what became of an
//! arriving cut; the statistician's own uploads only, each step audited
//! before it is taken.

use super::ctx::{Ctx, WithCsrf};
use super::cuts::{audit, not_recorded, ONLY_STATISTICIAN};
use super::session::Auth;
use super::state::AppState;
use crate::dto::{AppError, Role};
use crate::server::intake::arrive::{may_arrive, place, RegisterError};
use crate::server::intake::staging::{Outcome, Staged};
use crate::server::intake::Arrival;
use crate::server::store::AuditAction;
use axum::extract::{Path, Request};
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

/// The caller's own upload `id` of the trial, or a 404.
fn own_upload(ctx: &Ctx, id: &str) -> Result<Arc<Staged>, AppError> {
    ctx.state
        .staging
        .get(id)
        .filter(|s| s.trial == ctx.trial && s.username == ctx.username())
        .ok_or_else(|| AppError::NotFound("no such upload".into()))
}

/// POST /trial/{id}/cuts/uploads/{upload}/register: register an upload that
/// passed its checks, move it into the trial's folder and serve it.
pub async fn register(ctx: Ctx, Path((_, id)): Path<(String, String)>, req: Request) -> Response {
    ctx.answer(register_upload(&ctx, &id, req).await).await
}

async fn register_upload(ctx: &Ctx, id: &str, req: Request) -> Result<Response, AppError> {
    let _: UploadForm = ctx.form(Role::Statistician, ONLY_STATISTICIAN, req).await?;
    let staged = own_upload(ctx, id)?;
    let report = match staged.outcome() {
        Outcome::Passed(r) => r,
        Outcome::Checking => {
            return Err(AppError::Conflict(
                "the upload is still being checked".into(),
            ))
        }
        Outcome::Failed(_) => {
            return Err(AppError::Conflict(
                "the upload has problems; a cut that fails its checks is not registered".into(),
            ))
        }
    };
    // The registration runs as a task of its own: a client that goes away
    // cannot stop it half-way (with the lock released, the folder moved and
    // the catalog not swapped).
    let task = tokio::spawn(register_staged(ctx.clone(), staged, report));
    match task.await {
        Ok(r) => r,
        Err(e) => {
            tracing::error!("a registration stopped: {e}");
            Err(AppError::Unavailable(
                "the registration stopped; see the data cuts page for what became of the cut"
                    .into(),
            ))
        }
    }
}

/// Register `staged` (passed as `report`): under the arrivals' lock, taken
/// out of staging (a discard meanwhile finds nothing), audited, moved into
/// the trial's folder, served or listed as rejected.
async fn register_staged(
    ctx: Ctx,
    staged: Arc<Staged>,
    report: crate::server::intake::check::CheckReport,
) -> Result<Response, AppError> {
    let (state, auth, trial) = (&ctx.state, &ctx.auth, &ctx.trial);
    // One arrival at a time, from the name's claim to the catalog's swap.
    let _writing = state.live.write_lock().await;
    let Some(staged) = state.staging.take(&staged.id) else {
        return Err(AppError::NotFound(
            "no such upload (discarded or registered meanwhile)".into(),
        ));
    };
    let Some(entry) = state.catalog().entry(trial) else {
        state.staging.put_back(staged);
        return Err(AppError::Forbidden(ONLY_STATISTICIAN.into()));
    };
    if let Err(e) = may_arrive(&entry, staged.cut_date) {
        state.staging.put_back(staged);
        return Err(AppError::Conflict(e.to_string()));
    }
    let detail = format!("cut {} upload {}", staged.cut_date, staged.id);
    if !audit(state, auth, AuditAction::RegisterCut, trial, detail.clone()).await {
        state.staging.put_back(staged);
        return Err(not_recorded());
    }
    let (e, s) = (entry.clone(), staged.clone());
    let placed = tokio::task::spawn_blocking(move || place(&e, &s, &report)).await;
    // A failed move puts the upload back, and the failure is audited.
    let failed = |why: String| {
        let (staged, detail) = (staged.clone(), format!("{detail}: {why}"));
        async move {
            state.staging.put_back(staged);
            audit(state, auth, AuditAction::RegisterCutFailed, trial, detail).await;
        }
    };
    let target = match placed {
        Ok(Ok(t)) => t,
        Ok(Err(RegisterError::Conflict(why))) => {
            failed(why.clone()).await;
            return Err(AppError::Conflict(why));
        }
        Ok(Err(RegisterError::Failed(why))) => {
            tracing::error!("an upload could not be registered: {why}");
            failed(why).await;
            return Err(AppError::Unavailable(
                "the cut could not be moved into the trial's folder; nothing was registered".into(),
            ));
        }
        Err(e) => {
            tracing::error!("an upload could not be registered: {e}");
            failed(e.to_string()).await;
            return Err(AppError::Unavailable(
                "the registration stopped; nothing was registered".into(),
            ));
        }
    };
    state.staging.forget(&staged);
    match record_arrival(state, auth, trial, &target).await {
        Some(Arrival::Served(_)) => Ok(Redirect::to(&format!("/trial/{trial}/cuts")).into_response()),
        // Not a refusal: the arrival is recorded as rejected.
        Some(Arrival::Rejected(p)) => Ok((
            StatusCode::CONFLICT,
            format!("the cut was registered but fails the catalog's checks, so the last good cut keeps serving; the data cuts page lists why:\n{p}"),
        )
            .into_response()),
        None => Err(AppError::Unavailable(
            "the cut is in the trial's folder but could not be served now (its arrival could not be checked or recorded); the folder watch tries again".into(),
        )),
    }
}

/// POST /trial/{id}/cuts/uploads/{upload}/discard: drop an upload.
pub async fn discard(ctx: Ctx, Path((_, id)): Path<(String, String)>, req: Request) -> Response {
    ctx.answer(discard_upload(&ctx, &id, req).await).await
}

async fn discard_upload(ctx: &Ctx, id: &str, req: Request) -> Result<Response, AppError> {
    let _: UploadForm = ctx.form(Role::Statistician, ONLY_STATISTICIAN, req).await?;
    let staged = own_upload(ctx, id)?;
    let (state, trial) = (&ctx.state, &ctx.trial);
    // Not while it is being registered: under the arrivals' lock, taken
    // out of staging first.
    let _writing = state.live.write_lock().await;
    let Some(staged) = state.staging.take(&staged.id) else {
        return Err(AppError::NotFound(
            "no such upload (registered or discarded meanwhile)".into(),
        ));
    };
    let detail = format!("cut {} upload {}", staged.cut_date, staged.id);
    if !audit(state, &ctx.auth, AuditAction::DiscardUpload, trial, detail).await {
        state.staging.put_back(staged);
        return Err(not_recorded());
    }
    state.staging.forget(&staged);
    Ok(Redirect::to(&format!("/trial/{trial}/cuts")).into_response())
}

/// Check the cut folder `dir`, now in `trial`'s folder, and serve it or list
/// it as rejected, recording what became of it (audited); `None` when its
/// arrival could not be checked or recorded (the folder watch tries again).
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
        Arrival::Served(date) => (
            AuditAction::ServeCut,
            format!("{name}: serving, cut {date}"),
        ),
        Arrival::Rejected(p) => (
            AuditAction::RejectCut,
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
