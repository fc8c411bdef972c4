//! New data cuts through the web, the statistician's alone: the upload
//! (streamed to staging as it arrives, each file under its limit), its
//! check (off the request, with its progress on the upload's page), the
//! registration that moves it into the trial's folder and serves it, and
//! the discard. Every step is audited; a step whose entry cannot be
//! written does not happen.

use super::bad_input::bad_form;
use super::refusal::{checked_form, refused, WithCsrf};
use super::session::{csrf_ok, Auth, CsrfForm};
use super::state::AppState;
use crate::dto::Role;
use crate::server::intake::arrive::{may_arrive, place, RegisterError};
use crate::server::intake::staging::{
    BeginError, FileRole, Outcome, Pending, Staged, Staging, WriteError,
};
use crate::server::intake::Arrival;
use axum::extract::multipart::{Field, Multipart, MultipartRejection};
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use std::sync::Arc;
use std::time::Duration;

/// An upload that sends nothing for this long is dropped (and cleaned).
pub const IDLE: Duration = Duration::from_secs(60);

const ONLY_STATISTICIAN: &str = "only the trial's statistician uploads and registers its data cuts";

/// Write an audit entry; `false` when it could not be written.
async fn audit(
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

fn not_recorded() -> Response {
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
        Err(e) => return bad_form(e.body_text()),
    };
    // The form's fields, in order.
    let mut fields = Vec::new();
    for want in ["csrf", "cut_date", "part"] {
        let field = match next_field(&mut m).await {
            Ok(Some(f)) => f,
            Ok(None) => return bad_form(format!("the field {want} is missing")),
            Err(e) => return dropped_early(&state, &auth, &trial, format!("{want}: {e}")).await,
        };
        if field.name() != Some(want) {
            return bad_form(format!(
                "the field {want} must come first (found {:?})",
                field.name().unwrap_or("")
            ));
        }
        match text(field).await {
            Ok(t) => fields.push(t),
            Err(Failed::Dropped(e)) => {
                return dropped_early(&state, &auth, &trial, format!("{want}: {e}")).await
            }
            Err(Failed::Bad(e)) => return bad_form(e),
            Err(Failed::Write(e)) => return bad_form(e),
        }
    }
    let token = CsrfForm {
        csrf: fields[0].clone(),
        confirm: None,
    };
    if !csrf_ok(&auth, &token) {
        let why = "missing or wrong CSRF token";
        return refused(&state, &auth, &trial, &what, StatusCode::FORBIDDEN, why).await;
    }
    let Ok(date) = chrono::NaiveDate::parse_from_str(&fields[1], "%Y-%m-%d") else {
        return bad_form(format!(
            "the cut date {:?} is not a date (YYYY-MM-DD)",
            fields[1]
        ));
    };
    let blinded = match fields[2].as_str() {
        "blinded" => true,
        "unblinded" => false,
        other => return bad_form(format!("part {other:?} is neither blinded nor unblinded")),
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
        Err(Failed::Bad(why)) => return bad_form(why),
        Err(Failed::Write(WriteError::Bad { name, message })) => {
            return bad_form(format!("{name} {message}"))
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
        return bad_form("no dataset file was sent (ADSL, ADAE and ADTTE at least)");
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
    form: Result<Form<UploadForm>, FormRejection>,
) -> Response {
    let what = format!("POST /trial/{trial}/cuts/uploads/{id}/register");
    if let Err(no) = checked_form(
        &state,
        &auth,
        &trial,
        &what,
        form,
        Role::Statistician,
        ONLY_STATISTICIAN,
    )
    .await
    {
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

/// Serve the cut in `dir` (in the trial's folder now) and record what
/// became of it. The caller holds the catalog's write lock.
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
async fn record_prepared(
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

/// A folder the watch found without a manifest is registered as it is
/// found (every part checked, each file's SHA-256 written), so that the
/// files served are the files checked: a copy that goes on after the pick-up
/// makes every later load of the cut refuse it. Its problems when it cannot
/// be registered.
async fn register_found(
    state: &AppState,
    auth: &Auth,
    trial: &str,
    dir: &std::path::Path,
) -> Found {
    use crate::server::data::problem::{Problem, Problems};
    if dir.join(crate::server::data::layout::MANIFEST).is_file() {
        return Found::Ready;
    }
    let Some(entry) = state.catalog().entry(trial) else {
        return Found::Broken(Problems::from(Problem::file(
            ".",
            "the trial is not served",
        )));
    };
    let detail = format!("{}: registered as found by the folder watch", dir.display());
    if !audit(state, auth, "register-cut", trial, detail).await {
        return Found::Later;
    }
    let (config, d) = (entry.config.clone(), dir.to_path_buf());
    let registered =
        tokio::task::spawn_blocking(move || crate::server::data::register::register(&d, &config))
            .await
            .unwrap_or_else(|e| {
                Err(Problems::from(Problem::file(
                    ".",
                    &format!("the registration stopped: {e}"),
                )))
            });
    match registered {
        Ok(_) => Found::Ready,
        Err(p) => Found::Broken(p),
    }
}

/// What became of a found folder's registration.
enum Found {
    /// Registered (or it was): check it and serve it.
    Ready,
    /// Could not be recorded: the next scan tries again.
    Later,
    /// Fails its checks: listed as rejected with these problems.
    Broken(crate::server::data::problem::Problems),
}

/// The folder watch (`intake::watch`): every `interval`, the trials'
/// folders are scanned and each cut folder that is due is picked up,
/// audited (a pick-up that cannot be recorded waits for the next scan),
/// checked and served or rejected.
pub async fn watch(state: AppState, interval: Duration, quiet: Duration) {
    let watcher = Auth {
        user: None,
        token: None,
        address: "folder watch".to_string(),
    };
    let watch = Arc::new(std::sync::Mutex::new(
        crate::server::intake::watch::Watch::new(quiet),
    ));
    loop {
        tokio::time::sleep(interval).await;
        let _writing = state.live.write_lock().await;
        let (w, catalog) = (watch.clone(), state.catalog());
        let due = tokio::task::spawn_blocking(move || {
            w.lock()
                .unwrap_or_else(|e| e.into_inner())
                .due(&catalog, std::time::Instant::now())
        })
        .await
        .unwrap_or_default();
        for (trial, dir) in due {
            let detail = format!("{}: found in the trial's folder", dir.display());
            if !audit(&state, &watcher, "pick-up-cut", &trial, detail).await {
                continue;
            }
            let arrival = match register_found(&state, &watcher, &trial, &dir).await {
                Found::Later => continue,
                Found::Ready => record_arrival(&state, &watcher, &trial, &dir).await,
                Found::Broken(problems) => {
                    let name = dir
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    match state.live.reject(&trial, &dir, problems) {
                        Ok(p) => record_prepared(&state, &watcher, &trial, &name, p).await,
                        Err(_) => None,
                    }
                }
            };
            // Not recorded: left as it is for the next scan.
            if let Some(arrival) = arrival {
                let rejected = !matches!(arrival, Arrival::Served(_));
                watch
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .taken(&dir, rejected);
            }
        }
    }
}

/// POST /trial/{id}/cuts/uploads/{upload}/discard: drop an upload.
pub async fn discard(
    State(state): State<AppState>,
    Path((trial, id)): Path<(String, String)>,
    axum::Extension(auth): axum::Extension<Auth>,
    form: Result<Form<UploadForm>, FormRejection>,
) -> Response {
    let what = format!("POST /trial/{trial}/cuts/uploads/{id}/discard");
    if let Err(no) = checked_form(
        &state,
        &auth,
        &trial,
        &what,
        form,
        Role::Statistician,
        ONLY_STATISTICIAN,
    )
    .await
    {
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
