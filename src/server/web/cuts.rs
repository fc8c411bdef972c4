//! New data cuts through the web, the statistician's alone: the upload
//! (streamed to staging as it arrives, each file under its limit) and its
//! check (off the request, with its progress on the upload's page); its
//! registration and discard are in `registration.rs`, the folder watch's
//! loop in `watch.rs`. Every step is audited; a step whose entry cannot be
//! written does not happen.

use super::bad_input::bad_form;
use super::refusal::{bad, refused};
use super::session::{csrf_ok, Auth, CsrfForm};
use super::state::AppState;
use crate::dto::Role;
use crate::server::intake::arrive::may_arrive;
use crate::server::intake::staging::{
    BeginError, FileRole, Outcome, Pending, Staged, Staging, WriteError,
};
use axum::extract::multipart::{Field, Multipart, MultipartRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use std::sync::Arc;
use std::time::Duration;

/// An upload that sends nothing for this long is dropped (and cleaned).
pub const IDLE: Duration = Duration::from_secs(60);

pub(super) const ONLY_STATISTICIAN: &str =
    "only the trial's statistician uploads and registers its data cuts";

/// Write an audit entry; `false` when it could not be written.
pub(super) async fn audit(
    state: &AppState,
    auth: &Auth,
    action: &'static str,
    trial: &str,
    detail: String,
) -> bool {
    let store = state.access.store.clone();
    let (who, t, a) = (
        auth.username().to_string(),
        trial.to_string(),
        auth.address.clone(),
    );
    match tokio::task::spawn_blocking(move || store.audit(&who, action, &t, &detail, &a)).await {
        Ok(Ok(_)) => true,
        Ok(Err(e)) => {
            tracing::error!("{action} on {trial} was not audited: {e}");
            false
        }
        Err(e) => {
            tracing::error!("{action} on {trial} was not audited: {e}");
            false
        }
    }
}

pub(super) fn not_recorded() -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        "the step could not be recorded in the audit trail, so it was not taken",
    )
        .into_response()
}

/// The next part of the upload, or why there is none.
async fn next_field<'a>(m: &'a mut Multipart) -> Result<Option<Field<'a>>, String> {
    match tokio::time::timeout(IDLE, m.next_field()).await {
        Err(_) => Err(format!("nothing arrived for {} s", IDLE.as_secs())),
        Ok(Err(e)) => Err(e.body_text()),
        Ok(Ok(f)) => Ok(f),
    }
}

/// The text of a small form field.
async fn text(mut field: Field<'_>) -> Result<String, Failed> {
    let name = field.name().unwrap_or("").to_string();
    // Read in pieces and stopped at the limit: never buffered whole.
    let mut bytes = Vec::new();
    loop {
        match tokio::time::timeout(IDLE, field.chunk()).await {
            Err(_) => {
                return Err(Failed::Dropped(format!(
                    "field {name}: nothing arrived for {} s",
                    IDLE.as_secs()
                )))
            }
            Ok(Err(e)) => return Err(Failed::Dropped(e.body_text())),
            Ok(Ok(None)) => break,
            Ok(Ok(Some(chunk))) => {
                bytes.extend_from_slice(&chunk);
                if bytes.len() > 200 {
                    return Err(Failed::Bad(format!(
                        "field {name} is longer than 200 characters"
                    )));
                }
            }
        }
    }
    String::from_utf8(bytes)
        .map(|t| t.trim().to_string())
        .map_err(|_| Failed::Bad(format!("field {name} is not UTF-8 text")))
}

/// An upload that broke off in its first fields: audited, a 400.
async fn dropped_early(state: &AppState, auth: &Auth, trial: &str, e: String) -> Response {
    let why = format!("the upload broke off before its files: {e}");
    audit(state, auth, "upload-cut-dropped", trial, why.clone()).await;
    bad_form(why)
}

/// How an upload ended before it was kept.
enum Failed {
    /// The request is at fault (400), or gone.
    Bad(String),
    Write(WriteError),
    /// The connection broke or went quiet half-way.
    Dropped(String),
}

/// Stream the file parts of `m` into `pending`.
async fn receive_files(m: &mut Multipart, pending: &mut Pending) -> Result<(), Failed> {
    loop {
        let mut field = match next_field(m).await {
            Ok(Some(f)) => f,
            Ok(None) => return Ok(()),
            Err(e) => return Err(Failed::Dropped(e)),
        };
        let role = match field.name().unwrap_or("") {
            "datasets" => FileRole::Dataset,
            "randlist" => FileRole::RandomizationList,
            "manifest" => FileRole::Manifest,
            other => return Err(Failed::Bad(format!("unexpected field {other:?}"))),
        };
        let name = field.file_name().unwrap_or("").to_string();
        if name.is_empty() {
            // A file input left empty.
            continue;
        }
        let mut sink = pending.open(role, &name).await.map_err(Failed::Write)?;
        loop {
            match tokio::time::timeout(IDLE, field.chunk()).await {
                Err(_) => {
                    return Err(Failed::Dropped(format!(
                        "{}: nothing arrived for {} s",
                        sink.name(),
                        IDLE.as_secs()
                    )))
                }
                Ok(Err(e)) => {
                    return Err(Failed::Dropped(format!(
                        "{}: {}",
                        sink.name(),
                        e.body_text()
                    )))
                }
                Ok(Ok(None)) => break,
                Ok(Ok(Some(chunk))) => sink.write(&chunk).await.map_err(Failed::Write)?,
            }
        }
        pending.close(sink).await.map_err(Failed::Write)?;
    }
}

/// POST /trial/{id}/cuts (multipart: `csrf`, `cut_date`, `part` =
/// blinded|unblinded, then the files: `datasets` (any number), `randlist`,
/// `manifest`). The form's fields come first, so that a refused upload is
/// refused before its files are sent on.
pub async fn upload(
    State(state): State<AppState>,
    Path(trial): Path<String>,
    axum::Extension(auth): axum::Extension<Auth>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let what = format!("POST /trial/{trial}/cuts");
    let catalog = state.catalog();
    let Some(entry) = catalog.entry(&trial) else {
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
    if auth.role_on(&trial) != Some(Role::Statistician) {
        return refused(
            &state,
            &auth,
            &trial,
            &what,
            StatusCode::FORBIDDEN,
            ONLY_STATISTICIAN,
        )
        .await;
    }
    let mut m = match multipart {
        Ok(m) => m,
        Err(e) => return bad(&state, &auth, &trial, &what, e.body_text()).await,
    };
    // The form's fields, in order.
    let mut fields = Vec::new();
    for want in ["csrf", "cut_date", "part"] {
        let field = match next_field(&mut m).await {
            Ok(Some(f)) => f,
            Ok(None) => {
                return bad(
                    &state,
                    &auth,
                    &trial,
                    &what,
                    format!("the field {want} is missing"),
                )
                .await
            }
            Err(e) => return dropped_early(&state, &auth, &trial, format!("{want}: {e}")).await,
        };
        if field.name() != Some(want) {
            let why = format!(
                "the field {want} must come first (found {:?})",
                field.name().unwrap_or("")
            );
            return bad(&state, &auth, &trial, &what, why).await;
        }
        match text(field).await {
            Ok(t) => fields.push(t),
            Err(Failed::Dropped(e)) => {
                return dropped_early(&state, &auth, &trial, format!("{want}: {e}")).await
            }
            Err(Failed::Bad(e)) => return bad(&state, &auth, &trial, &what, e).await,
            Err(Failed::Write(e)) => return bad(&state, &auth, &trial, &what, e).await,
        }
    }
    let token = CsrfForm {
        csrf: fields[0].clone(),
        confirm: None,
        back: None,
    };
    if !csrf_ok(&auth, &token) {
        let why = "missing or wrong CSRF token";
        return refused(&state, &auth, &trial, &what, StatusCode::FORBIDDEN, why).await;
    }
    let Ok(date) = chrono::NaiveDate::parse_from_str(&fields[1], "%Y-%m-%d") else {
        let why = format!("the cut date {:?} is not a date (YYYY-MM-DD)", fields[1]);
        return bad(&state, &auth, &trial, &what, why).await;
    };
    let blinded = match fields[2].as_str() {
        "blinded" => true,
        "unblinded" => false,
        other => {
            let why = format!("part {other:?} is neither blinded nor unblinded");
            return bad(&state, &auth, &trial, &what, why).await;
        }
    };
    let conflict = match may_arrive(&entry, date) {
        Err(e) => Some(e.to_string()),
        Ok(()) if state.staging.holds(&trial, date) => Some(format!(
            "an upload of the cut dated {date} is waiting to be registered or discarded already"
        )),
        Ok(()) => None,
    };
    if let Some(why) = conflict {
        return refused(&state, &auth, &trial, &what, StatusCode::CONFLICT, &why).await;
    }
    let mut pending = match state.staging.begin(&trial, auth.username(), date, blinded) {
        Ok(p) => p,
        Err(e @ (BeginError::Held(_) | BeginError::TooMany)) => {
            return refused(
                &state,
                &auth,
                &trial,
                &what,
                StatusCode::CONFLICT,
                &e.to_string(),
            )
            .await
        }
        Err(e) => {
            tracing::error!("staging cannot be written: {e}");
            let why = "the upload cannot be staged: the server cannot write its staging folder";
            return refused(
                &state,
                &auth,
                &trial,
                &what,
                StatusCode::INSUFFICIENT_STORAGE,
                why,
            )
            .await;
        }
    };
    let received = receive_files(&mut m, &mut pending).await;
    let part = if blinded { "blinded" } else { "unblinded" };
    match received {
        Ok(()) => {}
        Err(Failed::Bad(why)) => return bad(&state, &auth, &trial, &what, why).await,
        Err(Failed::Write(WriteError::Bad { name, message })) => {
            return bad(&state, &auth, &trial, &what, format!("{name} {message}")).await
        }
        Err(Failed::Write(e @ WriteError::TooLarge { .. })) => {
            return refused(
                &state,
                &auth,
                &trial,
                &what,
                StatusCode::PAYLOAD_TOO_LARGE,
                &e.to_string(),
            )
            .await
        }
        Err(Failed::Write(e @ WriteError::Full { .. })) => {
            return refused(
                &state,
                &auth,
                &trial,
                &what,
                StatusCode::INSUFFICIENT_STORAGE,
                &e.to_string(),
            )
            .await
        }
        Err(Failed::Write(e @ WriteError::Io { .. })) => {
            tracing::error!("an upload could not be staged: {e}");
            return refused(
                &state,
                &auth,
                &trial,
                &what,
                StatusCode::INSUFFICIENT_STORAGE,
                "the upload could not be written to staging; nothing was kept",
            )
            .await;
        }
        Err(Failed::Dropped(why)) => {
            drop(pending);
            audit(
                &state,
                &auth,
                "upload-cut-dropped",
                &trial,
                format!("cut {date} ({part}): the upload broke off ({why}); nothing was kept"),
            )
            .await;
            return bad_form(format!("the upload broke off: {why}"));
        }
    }
    if !pending.files().iter().any(|f| f.role == FileRole::Dataset) {
        let why = "no dataset file was sent (ADSL, ADAE and ADTTE at least)";
        return bad(&state, &auth, &trial, &what, why).await;
    }
    let listed: Vec<String> = pending
        .files()
        .iter()
        .map(|f| format!("{} ({} bytes, sha256 {})", f.name, f.bytes, f.sha256))
        .collect();
    let detail = format!(
        "cut {date} ({part}), upload {}: {}",
        pending.id(),
        listed.join(", ")
    );
    if !audit(&state, &auth, "upload-cut", &trial, detail).await {
        return not_recorded();
    }
    let staged = state.staging.keep(pending);
    tokio::spawn(check_and_record(
        state.clone(),
        auth.clone(),
        staged.clone(),
        entry.config.clone(),
    ));
    Redirect::to(&format!("/trial/{trial}/cuts/uploads/{}", staged.id)).into_response()
}

/// Check an upload and record the outcome; an outcome that cannot be
/// recorded is not one the upload may be registered on.
async fn check_and_record(
    state: AppState,
    auth: Auth,
    staged: Arc<Staged>,
    config: crate::server::config::TrialConfig,
) {
    let outcome = Staging::check(staged.clone(), config).await;
    let detail = match &outcome {
        Outcome::Passed(r) => format!(
            "cut {} upload {}: passed ({} subjects, {} AE records, {} time-to-event records)",
            staged.cut_date, staged.id, r.subjects, r.adae_records, r.adtte_records
        ),
        Outcome::Failed(p) => format!(
            "cut {} upload {}: {} problem(s)",
            staged.cut_date,
            staged.id,
            p.0.len()
        ),
        Outcome::Checking => return,
    };
    if audit(&state, &auth, "check-cut", &staged.trial, detail).await {
        Staging::set_outcome(&staged, outcome);
    } else {
        Staging::set_outcome(
            &staged,
            Outcome::Failed(
                crate::server::data::problem::Problem::file(
                    ".",
                    "the check could not be recorded in the audit trail; discard the upload and send it again",
                )
                .into(),
            ),
        );
    }
}
