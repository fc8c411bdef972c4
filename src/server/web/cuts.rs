//! New data cuts through the web, the statistician's alone: the upload
//! (streamed to staging as it arrives, each file under its limit) and its
//! check (off the request, with its progress on the upload's page); its
//! registration and discard are in `registration.rs`, the folder watch's
//! loop in `watch.rs`. Every step is audited; a step whose entry cannot be
//! written does not happen.

use super::bad_input::bad_form;
use super::ctx::Ctx;
use super::session::{csrf_ok, Auth, CsrfForm};
use super::state::AppState;
use crate::dto::{AppError, Role};
use crate::server::intake::arrive::may_arrive;
use crate::server::intake::staging::{
    BeginError, FileRole, Outcome, Pending, Staged, Staging, WriteError,
};
use crate::server::store::{AuditAction, NewAudit};
use axum::extract::multipart::{Field, Multipart, MultipartRejection};
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
    action: AuditAction,
    trial: &str,
    detail: String,
) -> bool {
    let store = state.access.store.clone();
    let (who, t, a) = (
        auth.username().to_string(),
        trial.to_string(),
        auth.address.clone(),
    );
    match tokio::task::spawn_blocking(move || {
        store.audit(NewAudit {
            username: &who,
            action,
            trial: &t,
            detail: &detail,
            address: &a,
        })
    })
    .await
    {
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

/// A step whose audit entry could not be written is not taken (503).
pub(super) fn not_recorded() -> AppError {
    AppError::Unavailable(
        "the step could not be recorded in the audit trail, so it was not taken".into(),
    )
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

/// An upload that broke off: audited as dropped (not as a refusal), a 400.
async fn dropped(ctx: &Ctx, detail: String, why: String) -> Response {
    audit(
        &ctx.state,
        &ctx.auth,
        AuditAction::UploadCutDropped,
        &ctx.trial,
        detail,
    )
    .await;
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
pub async fn upload(ctx: Ctx, multipart: Result<Multipart, MultipartRejection>) -> Response {
    ctx.answer(receive_upload(&ctx, multipart).await).await
}

/// The form's fields of an upload, checked.
struct UploadFields {
    date: chrono::NaiveDate,
    blinded: bool,
}

impl UploadFields {
    fn part(&self) -> &'static str {
        if self.blinded {
            "blinded"
        } else {
            "unblinded"
        }
    }
}

/// What the first fields gave: the form, or an upload that broke off (its
/// answer, audited as dropped).
enum Fields {
    Read(UploadFields),
    Dropped(Response),
}

async fn receive_upload(
    ctx: &Ctx,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    ctx.require(Role::Statistician, ONLY_STATISTICIAN)?;
    let entry = ctx
        .state
        .catalog()
        .entry(&ctx.trial)
        .ok_or_else(|| AppError::Forbidden(ONLY_STATISTICIAN.into()))?;
    let mut m = multipart.map_err(|e| AppError::BadInput(e.body_text()))?;
    let form = match read_fields(ctx, &mut m).await? {
        Fields::Read(f) => f,
        Fields::Dropped(answer) => return Ok(answer),
    };
    may_upload(ctx, &entry, form.date)?;
    let mut pending = begin(ctx, &form)?;
    if let Some(answer) = receive_into(ctx, &form, &mut m, &mut pending).await? {
        return Ok(answer);
    }
    keep(ctx, &entry, &form, pending).await
}

/// The form's fields, in order, and the CSRF token checked.
async fn read_fields(ctx: &Ctx, m: &mut Multipart) -> Result<Fields, AppError> {
    let mut fields = Vec::new();
    for want in ["csrf", "cut_date", "part"] {
        let broke = |e: String| {
            let why = format!("the upload broke off before its files: {want}: {e}");
            (why.clone(), why)
        };
        let field = match next_field(m).await {
            Ok(Some(f)) => f,
            Ok(None) => return Err(AppError::BadInput(format!("the field {want} is missing"))),
            Err(e) => {
                let (detail, why) = broke(e);
                return Ok(Fields::Dropped(dropped(ctx, detail, why).await));
            }
        };
        if field.name() != Some(want) {
            return Err(AppError::BadInput(format!(
                "the field {want} must come first (found {:?})",
                field.name().unwrap_or("")
            )));
        }
        match text(field).await {
            Ok(t) => fields.push(t),
            Err(Failed::Dropped(e)) => {
                let (detail, why) = broke(e);
                return Ok(Fields::Dropped(dropped(ctx, detail, why).await));
            }
            Err(Failed::Bad(e)) => return Err(AppError::BadInput(e)),
            Err(Failed::Write(e)) => return Err(AppError::BadInput(e.to_string())),
        }
    }
    let token = CsrfForm {
        csrf: fields[0].clone(),
        confirm: None,
        back: None,
    };
    if !csrf_ok(&ctx.auth, &token) {
        return Err(AppError::Forbidden("missing or wrong CSRF token".into()));
    }
    let date = chrono::NaiveDate::parse_from_str(&fields[1], "%Y-%m-%d").map_err(|_| {
        AppError::BadInput(format!(
            "the cut date {:?} is not a date (YYYY-MM-DD)",
            fields[1]
        ))
    })?;
    let blinded = match fields[2].as_str() {
        "blinded" => true,
        "unblinded" => false,
        other => {
            return Err(AppError::BadInput(format!(
                "part {other:?} is neither blinded nor unblinded"
            )))
        }
    };
    Ok(Fields::Read(UploadFields { date, blinded }))
}

/// A cut dated `date` may arrive, and no upload of it waits already.
fn may_upload(
    ctx: &Ctx,
    entry: &crate::server::catalog::TrialEntry,
    date: chrono::NaiveDate,
) -> Result<(), AppError> {
    may_arrive(entry, date).map_err(|e| AppError::Conflict(e.to_string()))?;
    if ctx.state.staging.holds(&ctx.trial, date) {
        return Err(AppError::Conflict(format!(
            "an upload of the cut dated {date} is waiting to be registered or discarded already"
        )));
    }
    Ok(())
}

/// A staging folder for the upload.
fn begin(ctx: &Ctx, form: &UploadFields) -> Result<Pending, AppError> {
    match ctx
        .state
        .staging
        .begin(&ctx.trial, ctx.username(), form.date, form.blinded)
    {
        Ok(p) => Ok(p),
        Err(e @ (BeginError::Held(_) | BeginError::TooMany)) => {
            Err(AppError::Conflict(e.to_string()))
        }
        Err(e) => {
            tracing::error!("staging cannot be written: {e}");
            Err(AppError::NoSpace(
                "the upload cannot be staged: the server cannot write its staging folder".into(),
            ))
        }
    }
}

/// The files streamed into `pending`; `Some` answer when the upload broke
/// off (audited as dropped, nothing kept).
async fn receive_into(
    ctx: &Ctx,
    form: &UploadFields,
    m: &mut Multipart,
    pending: &mut Pending,
) -> Result<Option<Response>, AppError> {
    match receive_files(m, pending).await {
        Ok(()) => Ok(None),
        Err(Failed::Bad(why)) => Err(AppError::BadInput(why)),
        Err(Failed::Write(WriteError::Bad { name, message })) => {
            Err(AppError::BadInput(format!("{name} {message}")))
        }
        Err(Failed::Write(e @ WriteError::TooLarge { .. })) => {
            Err(AppError::TooLarge(e.to_string()))
        }
        Err(Failed::Write(e @ WriteError::Full { .. })) => Err(AppError::NoSpace(e.to_string())),
        Err(Failed::Write(e @ WriteError::Io { .. })) => {
            tracing::error!("an upload could not be staged: {e}");
            Err(AppError::NoSpace(
                "the upload could not be written to staging; nothing was kept".into(),
            ))
        }
        Err(Failed::Dropped(why)) => {
            let detail = format!(
                "cut {} ({}): the upload broke off ({why}); nothing was kept",
                form.date,
                form.part()
            );
            Ok(Some(
                dropped(ctx, detail, format!("the upload broke off: {why}")).await,
            ))
        }
    }
}

/// Keep the received upload (audited first) and check it off the request;
/// its page follows.
async fn keep(
    ctx: &Ctx,
    entry: &crate::server::catalog::TrialEntry,
    form: &UploadFields,
    pending: Pending,
) -> Result<Response, AppError> {
    if !pending.files().iter().any(|f| f.role == FileRole::Dataset) {
        let why = "no dataset file was sent (ADSL, ADAE and ADTTE at least)";
        return Err(AppError::BadInput(why.into()));
    }
    let listed: Vec<String> = pending
        .files()
        .iter()
        .map(|f| format!("{} ({} bytes, sha256 {})", f.name, f.bytes, f.sha256))
        .collect();
    let detail = format!(
        "cut {} ({}), upload {}: {}",
        form.date,
        form.part(),
        pending.id(),
        listed.join(", ")
    );
    let (state, auth, trial) = (&ctx.state, &ctx.auth, &ctx.trial);
    if !audit(state, auth, AuditAction::UploadCut, trial, detail).await {
        return Err(not_recorded());
    }
    let staged = state.staging.keep(pending);
    tokio::spawn(check_and_record(
        state.clone(),
        auth.clone(),
        staged.clone(),
        entry.config.clone(),
    ));
    Ok(Redirect::to(&format!("/trial/{trial}/cuts/uploads/{}", staged.id)).into_response())
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
    if audit(&state, &auth, AuditAction::CheckCut, &staged.trial, detail).await {
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
