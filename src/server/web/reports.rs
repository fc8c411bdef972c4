//! The report documents on the server: the statistician builds a cut's
//! open, coded closed or decoded closed report (stored immutably as a new
//! version, audited; a decoded one as a decode) and releases it; readers
//! download released reports as they may see them, each download
//! personalised (the reader's name and the time on every page) and audited
//! before the file leaves.

use super::ctx::{path_id, Ctx, WithCsrf};
use super::guard::{self, Caller};
use super::session::Auth;
use super::since::{closed_diff_of, open_diff_of, since_basis};
use super::state::AppState;
use crate::dto::AppError;
use crate::dto::{ReportLine, ReportsView, Role};
use crate::server::catalog::{Catalog, ServedCut};
use crate::server::config::TrialConfig;
use crate::server::document::{self, ClosedParts, Document, Format, Meta, Previous};
use crate::server::firewall::ArmNames;
use crate::server::store::reports::{NewReport, ReportKind, StoredReport};
use crate::server::store::{AuditAction, NewAudit};
use crate::server::views;
use crate::server::views::diff::{closed_since, open_since};
use crate::server::views::standing;
use axum::extract::{Path, Query, Request};
use axum::response::{IntoResponse, Redirect, Response};

/// The answer for a report that does not exist, or that the role may not
/// know of (the same words, so that neither can be told from the other).
const NO_SUCH_REPORT: &str = "no such report";

/// Why a decoded report waits for a member's decode.
const DECODE_FIRST: &str =
    "this report shows the arms decoded: decode the groups first (Overview), as the audit trail records";

/// What `role` (whose decode, for a DSMB member, is `decoded`) may do with
/// report `r`: `Ok` to download, `Err((status, why))` otherwise.
fn may_download(role: Role, decoded: bool, r: &StoredReport) -> Result<(), AppError> {
    let none = || AppError::NotFound(NO_SUCH_REPORT.into());
    match role {
        Role::Statistician => Ok(()),
        // A report the role may not know of is answered as one that does
        // not exist: the sponsor cannot count closed builds by their ids.
        Role::Sponsor if r.kind.is_closed() => Err(none()),
        _ if !r.released() => Err(none()),
        Role::Dsmb if r.kind == ReportKind::Closed && !decoded => {
            Err(AppError::Forbidden(DECODE_FIRST.into()))
        }
        _ => Ok(()),
    }
}

/// Whether `role` sees report `r` in the list at all.
fn listed(role: Role, r: &StoredReport) -> bool {
    match role {
        Role::Statistician => true,
        Role::Dsmb => r.released(),
        Role::Sponsor => r.released() && !r.kind.is_closed(),
    }
}

async fn decoded(state: &AppState, auth: &Auth, trial: &str) -> Result<bool, AppError> {
    let Some(user) = auth.user.as_ref() else {
        return Ok(false);
    };
    let (store, id, t) = (state.access.store.clone(), user.id, trial.to_string());
    Ok(guard::blocking(move || store.decoded_at(id, &t))
        .await?
        .is_some())
}

/// The Reports tab's data for `role`.
pub async fn list(c: &Caller) -> Result<ReportsView, AppError> {
    let (state, auth, role, trial) = (&c.state, &c.auth, c.role, c.trial.as_str());
    let (store, t) = (state.access.store.clone(), trial.to_string());
    let all = guard::blocking(move || store.reports(&t)).await?;
    let decoded = role == Role::Dsmb && decoded(state, auth, trial).await?;
    let reports = all
        .into_iter()
        .filter(|r| listed(role, r))
        .map(|r| ReportLine {
            locked: may_download(role, decoded, &r).err().map(|e| e.to_string()),
            can_release: role == Role::Statistician && !r.released(),
            id: r.id,
            cut_date: r.cut_date,
            kind: r.kind.as_str().to_string(),
            kind_label: r.kind.label().to_string(),
            version: r.version,
            built_by: r.built_by,
            built_at: r.built_at,
            software: r.software,
            manifest_sha256: r.manifest_sha256,
            pdf_sha256: r.pdf_sha256,
            html_sha256: r.html_sha256,
            pdf_kb: r.pdf_bytes.div_ceil(1024),
            html_kb: r.html_bytes.div_ceil(1024),
            released_by: r.released_by,
            released_at: r.released_at,
        })
        .collect();
    Ok(ReportsView {
        trial_id: trial.to_string(),
        can_build: role == Role::Statistician,
        csrf: c.csrf(),
        cuts: c.cut_dates(),
        kinds: ReportKind::ALL
            .iter()
            .filter(|_| role == Role::Statistician)
            .map(|k| (k.as_str().to_string(), k.label().to_string()))
            .collect(),
        reports,
    })
}

/// The trial's configuration and its served cut `cut`, from the catalog.
fn served_of<'a>(
    catalog: &'a Catalog,
    trial: &str,
    cut: &str,
) -> Result<(&'a TrialConfig, &'a ServedCut), &'static str> {
    let entry = catalog
        .trial(trial)
        .ok_or("the trial is no longer served")?;
    let served = entry.cut(Some(cut)).ok_or("the cut is no longer served")?;
    Ok((&entry.config, served))
}

/// The document of `trial`'s `kind` report on cut `cut`, version
/// `version`, from the reports the pages show (cached per cut); the
/// document itself is assembled off the async runtime (it sorts the
/// listings and draws the charts).
async fn document_of(
    state: &AppState,
    auth: &Auth,
    trial: &str,
    cut: &str,
    kind: ReportKind,
    version: u32,
    built_at: String,
) -> Result<Document, AppError> {
    let entry = guard::entry(state, trial)?;
    if entry.cut(Some(cut)).is_none() {
        return Err(guard::no_such_cut().answered());
    }
    let (store, t, c) = (
        state.access.store.clone(),
        trial.to_string(),
        cut.to_string(),
    );
    let meeting = guard::blocking(move || store.last_signed_meeting(&t, &c)).await?;
    let basis = since_basis(state, trial, cut, None).await?;
    let (catalog, t, c) = (state.catalog(), trial.to_string(), cut.to_string());
    if kind == ReportKind::Open {
        let open = guard::open_report(state, auth, trial, Some(cut)).await?;
        let since = match basis {
            Some(b) => Some(open_since(
                &*open_diff_of(state, auth, trial, &b.from, cut).await?,
                b.words,
            )),
            None => None,
        };
        return guard::blocking(move || {
            let (config, served) = served_of(&catalog, &t, &c)?;
            let meta = Meta {
                version,
                built_at,
                files: open.files.clone(),
                manifest_sha256: served.manifest_sha256.clone(),
            };
            let previous = meeting.as_ref().map(|m| Previous::of(m, false));
            let enrollment = standing::enrollment_as_of(&served.enrollment, meeting.as_ref());
            let standing = standing::pooled(config, &enrollment, meeting.as_ref(), since.as_ref());
            Ok::<_, &'static str>(document::open_document(
                config,
                &open,
                &enrollment,
                previous.as_ref(),
                since.as_ref(),
                &standing,
                &meta,
            ))
        })
        .await;
    }
    let closed = state.closed_report(trial, Some(cut)).await.map_err(|e| {
        tracing::error!(trial, cut, "the closed report cannot be computed: {e}");
        guard::unavailable()
    })?;
    let arms = entry.config.arm_labels();
    let names = if kind == ReportKind::ClosedCoded {
        let codes: Vec<String> = arms.iter().map(|a| a.0.clone()).collect();
        let (store, t) = (state.access.store.clone(), trial.to_string());
        let letters = guard::blocking(move || store.arm_codes(&t, &codes)).await?;
        ArmNames::for_viewer(Role::Dsmb, arms, &letters, None)
    } else {
        ArmNames::for_viewer(Role::Statistician, arms, &[], None)
    };
    let since = match basis {
        Some(b) => Some(closed_since(
            &*closed_diff_of(state, trial, &b.from, cut).await?,
            &names,
            b.words,
        )),
        None => None,
    };
    let dates = entry.cut_dates();
    let path = views::efficacy::z_path(state, trial, cut, &closed, &dates).await;
    let history =
        crate::server::web::standing::signal_history(state, trial, cut, &closed.safety_rules).await;
    guard::blocking(move || {
        let (config, served) = served_of(&catalog, &t, &c)?;
        let meta = Meta {
            version,
            built_at,
            files: closed.files.clone(),
            manifest_sha256: served.manifest_sha256.clone(),
        };
        let previous = meeting.as_ref().map(|m| Previous::of(m, true));
        let enrollment = standing::enrollment_as_of(&served.enrollment, meeting.as_ref());
        let mut standing = standing::pooled(config, &enrollment, meeting.as_ref(), since.as_ref());
        standing.closed = Some(standing::closed_part(
            config, &closed, &names, &history, None,
        ));
        Ok::<_, &'static str>(document::closed_document(
            ClosedParts {
                trial: config,
                closed: &closed,
                names: &names,
                enrollment: &enrollment,
                path,
                cuts: dates,
                previous: previous.as_ref(),
                since: since.as_ref(),
                standing: &standing,
            },
            &meta,
        ))
    })
    .await
}

#[derive(Debug, serde::Deserialize)]
pub struct BuildForm {
    pub csrf: String,
    pub cut: String,
    pub kind: String,
}

/// POST /trial/{id}/reports: the statistician builds a report; it is
/// stored as the next version only when both renderings are made (a
/// failure half-way stores nothing), audited with it.
pub async fn build(ctx: Ctx, req: Request) -> Response {
    ctx.answer(build_report(&ctx, req).await).await
}

async fn build_report(ctx: &Ctx, req: Request) -> Result<Response, AppError> {
    let only = "only the trial's statistician builds its reports";
    let form: BuildForm = ctx.form(Role::Statistician, only, req).await?;
    let (state, auth, trial) = (&ctx.state, &ctx.auth, &ctx.trial);
    let Some(kind) = ReportKind::parse(&form.kind) else {
        let why = format!(
            "kind {:?} is not a report: open, closed-coded or closed",
            form.kind
        );
        return Err(AppError::BadInput(why));
    };
    if !guard::cut_dates(state, trial).contains(&form.cut) {
        let why = format!(
            "the cut {:?} is not a good cut of this trial (a cut that fails its checks has no report)",
            form.cut
        );
        return Err(AppError::BadInput(why));
    }
    let store = state.access.store.clone();
    let (t, c) = (trial.clone(), form.cut.clone());
    let version =
        match tokio::task::spawn_blocking(move || store.next_report_version(&t, &c, kind)).await {
            Ok(Ok(v)) => v,
            _ => {
                return Err(AppError::Unavailable(
                    "the report could not be numbered, so it was not built".into(),
                ))
            }
        };
    let built_at = document::build::now();
    let doc = match document_of(
        state,
        auth,
        trial,
        &form.cut,
        kind,
        version,
        built_at.clone(),
    )
    .await
    {
        Ok(d) => d,
        Err(e) => {
            tracing::error!(trial = %trial, cut = form.cut, "a report could not be built: {e}");
            return Err(AppError::Unavailable(
                "the report could not be built; nothing was stored".into(),
            ));
        }
    };
    let rendered = tokio::task::spawn_blocking(move || {
        let pdf = document::render(&doc, Format::Pdf).map_err(|e| e.to_string())?;
        let html = document::render(&doc, Format::Html).map_err(|e| e.to_string())?;
        let json = serde_json::to_string(&doc).map_err(|e| e.to_string())?;
        Ok::<_, String>((pdf, html, json))
    })
    .await;
    let (pdf, html, json) = match rendered {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => {
            tracing::error!(trial = %trial, cut = form.cut, "a report could not be typeset: {e}");
            return Err(AppError::Unavailable(
                "the report could not be typeset; nothing was stored".into(),
            ));
        }
        Err(_) => {
            return Err(AppError::Unavailable(
                "the report could not be typeset; nothing was stored".into(),
            ))
        }
    };
    let new = NewReport {
        trial: trial.to_string(),
        cut_date: form.cut.clone(),
        kind,
        manifest_sha256: guard::entry(state, trial).ok().and_then(|e| {
            e.cut(Some(&form.cut))
                .and_then(|c| c.manifest_sha256.clone())
        }),
        software: document::build::software(),
        built_at,
        document: json,
        pdf,
        html,
    };
    let (store, who, address) = (
        state.access.store.clone(),
        auth.username().to_string(),
        auth.address.clone(),
    );
    match tokio::task::spawn_blocking(move || store.add_report_as(&who, &address, new, version))
        .await
    {
        Ok(Ok(_)) => Ok(Redirect::to(&format!("/trial/{trial}/reports")).into_response()),
        Ok(Err(crate::server::store::StoreError::Invalid(why))) => Err(AppError::Conflict(why)),
        _ => Err(AppError::Unavailable(
            "the report could not be stored, so it was not".into(),
        )),
    }
}

#[derive(Debug, serde::Deserialize)]
pub struct ReleaseForm {
    pub csrf: String,
}

/// POST /trial/{id}/reports/{n}/release: the statistician releases a built
/// report to its readers (once), audited.
pub async fn release(ctx: Ctx, Path((_, n)): Path<(String, String)>, req: Request) -> Response {
    ctx.answer(release_report(&ctx, &n, req).await).await
}

async fn release_report(ctx: &Ctx, n: &str, req: Request) -> Result<Response, AppError> {
    let only = "only the trial's statistician releases its reports";
    // The form carries only the CSRF token, checked here.
    let _: ReleaseForm = ctx.form(Role::Statistician, only, req).await?;
    let id = path_id(n)?;
    let (state, auth, trial) = (&ctx.state, &ctx.auth, &ctx.trial);
    let (store, who, address, t) = (
        state.access.store.clone(),
        auth.username().to_string(),
        auth.address.clone(),
        trial.clone(),
    );
    match tokio::task::spawn_blocking(move || store.release_report(&who, &address, &t, id)).await {
        Ok(Ok(true)) => Ok(Redirect::to(&format!("/trial/{trial}/reports")).into_response()),
        Ok(Ok(false)) => Err(AppError::Conflict("the report is released already".into())),
        Ok(Err(crate::server::store::StoreError::Invalid(_))) => {
            Err(AppError::NotFound(NO_SUCH_REPORT.into()))
        }
        _ => Err(AppError::Unavailable(
            "the release could not be recorded, so it was not".into(),
        )),
    }
}

#[derive(Debug, serde::Deserialize)]
pub struct DownloadQuery {
    #[serde(default)]
    pub format: Option<String>,
}

/// GET /trial/{id}/reports/{n}/download?format=pdf|html: the report as
/// this reader may see it, with their name and the time of the download
/// on every page, audited (who, which report, version, the stored and the
/// personalised hash) before it leaves.
pub async fn download(
    ctx: Ctx,
    Path((_, n)): Path<(String, String)>,
    query: Result<Query<DownloadQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    ctx.answer(download_report(&ctx, &n, query).await).await
}

async fn download_report(
    ctx: &Ctx,
    n: &str,
    query: Result<Query<DownloadQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, AppError> {
    let (state, auth, trial) = (&ctx.state, &ctx.auth, &ctx.trial);
    // The role first: whatever the request holds, a caller without a role
    // on the trial learns nothing but the refusal.
    let role = auth
        .role_on(trial)
        .filter(|_| state.catalog().trial(trial).is_some())
        .ok_or_else(guard::no_access)?;
    let format = match query.map(|Query(q)| q.format) {
        Ok(None) => Format::Pdf,
        Ok(Some(f)) if f == "pdf" => Format::Pdf,
        Ok(Some(f)) if f == "html" => Format::Html,
        Ok(Some(f)) => {
            let shown: String = f.chars().take(40).collect();
            let why = format!("format {shown:?} is not pdf or html");
            return Err(AppError::BadInput(why));
        }
        Err(e) => return Err(AppError::BadInput(e.body_text())),
    };
    let id = path_id(n)?;
    let (store, t) = (state.access.store.clone(), trial.clone());
    let found = tokio::task::spawn_blocking(move || {
        let r = store.report(&t, id)?;
        let doc = store.report_document(&t, id)?;
        Ok::<_, crate::server::store::StoreError>(r.zip(doc))
    })
    .await;
    let (report, json) = match found {
        Ok(Ok(Some(x))) => x,
        Ok(Ok(None)) => return Err(AppError::NotFound(NO_SUCH_REPORT.into())),
        _ => {
            return Err(AppError::Unavailable(
                "the report cannot be read now".into(),
            ))
        }
    };
    let decoded = role == Role::Dsmb && decoded(state, auth, trial).await.unwrap_or(false);
    may_download(role, decoded, &report)?;
    let reader = auth.username().to_string();
    let at = document::build::now();
    let stamped = tokio::task::spawn_blocking(move || {
        let mut doc: Document = serde_json::from_str(&json).map_err(|e| e.to_string())?;
        doc.watermark = Some(format!("CONFIDENTIAL · {reader} · downloaded {at}"));
        document::render(&doc, format).map_err(|e| e.to_string())
    })
    .await;
    let bytes = match stamped {
        Ok(Ok(b)) => b,
        _ => {
            return Err(AppError::Unavailable(
                "the report could not be prepared for download".into(),
            ))
        }
    };
    let stored_hash = match format {
        Format::Pdf => &report.pdf_sha256,
        Format::Html => &report.html_sha256,
    };
    let detail = format!(
        "report {id}: {} version {} of the cut of {}, {} (stored sha256 {stored_hash}, this copy {})",
        report.kind.label(),
        report.version,
        report.cut_date,
        format.extension(),
        crate::server::digest::sha256_hex(&bytes)
    );
    let (store, who, address, t) = (
        state.access.store.clone(),
        auth.username().to_string(),
        auth.address.clone(),
        trial.clone(),
    );
    // The entry first: when it cannot be written, the file does not leave.
    match tokio::task::spawn_blocking(move || {
        store.audit(NewAudit {
            username: &who,
            action: AuditAction::DownloadReport,
            trial: &t,
            detail: &detail,
            address: &address,
        })
    })
    .await
    {
        Ok(Ok(_)) => {}
        _ => {
            return Err(AppError::Unavailable(
                "the download could not be recorded, so it was refused".into(),
            ))
        }
    }
    let name = format!(
        "{trial}-{}-{}-v{}.{}",
        report.cut_date,
        report.kind.as_str(),
        report.version,
        format.extension()
    );
    Ok(super::headers::attachment(
        format.content_type(),
        &name,
        bytes,
    ))
}

impl WithCsrf for BuildForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

impl WithCsrf for ReleaseForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}
