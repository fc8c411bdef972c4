//! The audit trail on the web, the statistician's: the filters read at the
//! edge (an action that does not exist, a trial not theirs or a day that is
//! not a date is bad input, 400), a page of it (the page's server
//! function), and its export as CSV or PDF (`GET /audit/export`), streamed
//! after the export's own entry is written.

use super::guard::{self, blocking};
use super::session::Auth;
use super::state::AppState;
use crate::dto::{AppError, AuditPage, AuditQuery, AuditRow, Role};
use crate::server::audit_export::{self, ExportFormat, Exporter};
use crate::server::document::audit::to_second;
use crate::server::ids::CutDate;
use crate::server::store::{AuditAction, AuditFilter};
use axum::body::Body;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::Extension;

/// Entries on one page of the audit trail.
pub const PER_PAGE: u64 = 100;

/// The trials whose trail `auth` may read: those they are the statistician
/// of.
pub fn scope(auth: &Auth) -> Vec<String> {
    auth.user
        .iter()
        .flat_map(|u| u.roles.iter())
        .filter(|(_, r)| *r == Role::Statistician)
        .map(|(t, _)| t.clone())
        .collect()
}

/// The statistician's trials, or the refusal (audited).
async fn statistician(state: &AppState, auth: &Auth) -> Result<Vec<String>, AppError> {
    let trials = scope(auth);
    if trials.is_empty() {
        return Err(guard::refuse(
            state,
            auth,
            "",
            AppError::Forbidden("the audit trail is the statistician's".into()),
        )
        .await);
    }
    Ok(trials)
}

/// The filter a query asks for, within `scope`; bad input names the field.
pub fn filter(q: &AuditQuery, scope: &[String]) -> Result<AuditFilter, AppError> {
    let bad = |field: &str, why: String| AppError::BadInput(format!("{field}: {why}"));
    let action = match given(&q.action) {
        Some(a) if AuditAction::ALL.iter().any(|x| x.as_str() == a) => Some(a.to_string()),
        Some(a) => {
            return Err(bad(
                "action",
                format!("{:?} is not an action the trail records", shown(a)),
            ))
        }
        None => None,
    };
    let trial = match given(&q.trial) {
        Some(t) if scope.iter().any(|s| s == t) => Some(t.to_string()),
        Some(t) => {
            return Err(bad(
                "trial",
                format!("{:?} is not one of your trials", shown(t)),
            ))
        }
        None => None,
    };
    let day = |field: &str, v: &Option<String>| {
        given(v)
            .map(|d| {
                CutDate::parse(d)
                    .map(|d| d.date())
                    .map_err(|why| bad(field, why))
            })
            .transpose()
    };
    let (from, to) = (day("from", &q.from)?, day("to", &q.to)?);
    if let (Some(f), Some(t)) = (from, to) {
        if f > t {
            return Err(bad("to", format!("{t} is before from ({f})")));
        }
    }
    let user = given(&q.user).map(|u| u.chars().take(128).collect());
    Ok(AuditFilter {
        user,
        action,
        trial,
        from,
        to,
        scope: Some(scope.to_vec()),
    })
}

/// A filter's value, if one was given.
fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// At most 40 characters of what a request sent, for a message.
fn shown(s: &str) -> String {
    s.chars().take(40).collect()
}

/// One page of the trail as `q` asks (statistician only).
pub async fn page(state: &AppState, auth: &Auth, q: AuditQuery) -> Result<AuditPage, AppError> {
    let trials = statistician(state, auth).await?;
    let f = filter(&q, &trials)?;
    let wanted = q.page.unwrap_or(1).max(1);
    let store = state.access.store.clone();
    let (total, rows, (users, trials), wanted) = blocking(move || {
        let total = store.audit_count(&f)?;
        let at = wanted.min(total.div_ceil(PER_PAGE).max(1));
        let rows = store.audit_page(&f, (at - 1) * PER_PAGE, PER_PAGE)?;
        let names = store.audit_names(f.scope.as_deref())?;
        Ok::<_, crate::server::store::StoreError>((total, rows, names, at))
    })
    .await?;
    Ok(AuditPage {
        rows: rows
            .into_iter()
            .map(|e| AuditRow {
                id: e.id,
                at: to_second(&e.at),
                username: e.username,
                action: e.action,
                trial: e.trial,
                detail: e.detail,
                address: e.address,
            })
            .collect(),
        total,
        page: wanted,
        pages: total.div_ceil(PER_PAGE).max(1),
        per_page: PER_PAGE,
        query: AuditQuery {
            page: Some(wanted),
            ..q
        },
        actions: AuditAction::ALL
            .iter()
            .map(|a| a.as_str().to_string())
            .collect(),
        users,
        trials,
    })
}

/// `GET /audit/export?format=csv|pdf&user=…`: the entries the filters
/// select, with the chain's verification at export time; the export is
/// written to the trail before a byte of it leaves.
#[derive(Debug, serde::Deserialize)]
pub struct ExportQuery {
    format: Option<ExportFormat>,
    #[serde(flatten)]
    filters: AuditQuery,
}

pub async fn export(
    State(state): State<AppState>,
    Extension(auth): Extension<Auth>,
    query: Result<Query<ExportQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    match export_response(&state, &auth, query).await {
        Ok(r) => r,
        Err(e) => {
            let e = match e {
                AppError::BadInput(_) => guard::refuse(&state, &auth, "", e).await,
                e => e,
            };
            e.into_response()
        }
    }
}

async fn export_response(
    state: &AppState,
    auth: &Auth,
    query: Result<Query<ExportQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, AppError> {
    let trials = statistician(state, auth).await?;
    let Query(q) = query.map_err(|e| AppError::BadInput(e.body_text()))?;
    let format = q.format.unwrap_or(ExportFormat::Csv);
    let f = filter(&q.filters, &trials)?;
    let username = auth.username().to_string();
    let address = auth.address.clone();
    let store = state.access.store.clone();
    let (ready_tx, ready_rx) = tokio::sync::oneshot::channel();
    let (chunks_tx, chunks_rx) = tokio::sync::mpsc::channel::<std::io::Result<Vec<u8>>>(8);
    tokio::task::spawn_blocking(move || {
        let who = Exporter {
            username: &username,
            address: &address,
        };
        let prepared = match audit_export::prepare(&store, &who, &f, format) {
            Ok(p) => {
                let _ = ready_tx.send(Ok(()));
                p
            }
            Err(e) => {
                let _ = ready_tx.send(Err(e));
                return;
            }
        };
        let out = ChannelWriter {
            tx: chunks_tx.clone(),
            buf: Vec::with_capacity(CHUNK),
        };
        if let Err(e) = audit_export::write(&store, &who, &f, format, &prepared, out) {
            tracing::error!("the audit export stopped: {e}");
            let _ = chunks_tx.blocking_send(Err(std::io::Error::other(e.to_string())));
        }
    });
    match ready_rx.await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => {
            tracing::error!("the audit export was not made: {e}");
            return Err(AppError::Unavailable(
                "the export could not be recorded in the audit trail, so it is not made".into(),
            ));
        }
        Err(_) => return Err(AppError::Unavailable("the export could not be made".into())),
    }
    let body = Body::from_stream(futures_util::stream::unfold(chunks_rx, |mut rx| async {
        rx.recv().await.map(|chunk| (chunk, rx))
    }));
    let name = format!(
        "audit-trail-{}.{}",
        chrono::Utc::now().format("%Y%m%dT%H%M%SZ"),
        format.extension()
    );
    Ok(super::headers::attachment(
        format.content_type(),
        &name,
        body,
    ))
}

const CHUNK: usize = 64 * 1024;

/// A writer that hands its bytes to the response body in chunks.
struct ChannelWriter {
    tx: tokio::sync::mpsc::Sender<std::io::Result<Vec<u8>>>,
    buf: Vec<u8>,
}

impl ChannelWriter {
    fn send(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK));
        self.tx
            .blocking_send(Ok(chunk))
            .map_err(|_| std::io::Error::other("the reader went away"))
    }
}

impl std::io::Write for ChannelWriter {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(b);
        if self.buf.len() >= CHUNK {
            self.send()?;
        }
        Ok(b.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.send()
    }
}

impl Drop for ChannelWriter {
    fn drop(&mut self) {
        let _ = self.send();
    }
}
