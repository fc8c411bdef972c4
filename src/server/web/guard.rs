//! The start of every server function: the session and the role come from
//! the request the gate resolved, on the server; nothing the browser sends
//! can raise the view level. Closed views resolve the cut and the viewer's
//! coding and write their audit entry here, before any data leave.

use super::page_view::PageView;
use super::refusal;
use super::session::Auth;
use super::state::AppState;
use crate::dto::{AppError, Role};
use crate::server::catalog::TrialEntry;
use crate::server::firewall::ArmNames;
use crate::server::ids::{CutDate, TrialId};
use crate::server::report::{ClosedReport, OpenReport};
use crate::server::store::{AuditAction, NewAudit};
use leptos::prelude::*;
use std::sync::Arc;

/// What a viewer is told when a cut's report cannot be computed (the reason
/// is in the server's log: it may name files and values).
pub const REPORT_UNAVAILABLE: &str =
    "the report of this data cut cannot be computed; the server's log says why";
/// What a viewer is told when a closed view could not be recorded.
pub const NOT_RECORDED: &str = "the view could not be recorded, so it is not shown";

/// Refuse the request: the refusal (who, what, why) is written to the audit
/// trail, then the error, its status set, is returned for the caller to
/// send.
pub async fn refuse(state: &AppState, auth: &Auth, trial: &str, e: AppError) -> AppError {
    let what = use_context::<axum::http::request::Parts>()
        .map(|p| format!("{} {}", p.method, p.uri.path()))
        .unwrap_or_else(|| "a server function".into());
    refusal::record(
        &state.access.store,
        auth.username(),
        &auth.address,
        trial,
        &what,
        e.status(),
        &e.to_string(),
    )
    .await;
    e.answered()
}

/// No role on the trial, or no such trial: alike, so that a probe learns
/// nothing about which trials exist.
pub fn no_access() -> AppError {
    AppError::Forbidden("no access to this trial".into())
}

/// A cut that is not one of the trial's good cuts.
pub fn no_such_cut() -> AppError {
    AppError::NotFound("no such data cut".into())
}

/// A report that cannot be made (the reason is in the server's log).
pub fn unavailable() -> AppError {
    AppError::Unavailable(REPORT_UNAVAILABLE.into()).answered()
}

/// The server's state and what the gate learned about this request.
pub async fn context() -> Result<(AppState, Auth), AppError> {
    let state = use_context::<AppState>().ok_or_else(|| {
        AppError::Unavailable("the server's state is not available".into()).answered()
    })?;
    let auth = match leptos_axum::extract::<axum::Extension<Auth>>().await {
        Ok(axum::Extension(auth)) => auth,
        Err(_) => {
            let nobody = Auth {
                user: None,
                token: None,
                address: String::new(),
            };
            return Err(refuse(&state, &nobody, "", AppError::Unauthorized).await);
        }
    };
    if auth.user.is_none() {
        return Err(refuse(&state, &auth, "", AppError::Unauthorized).await);
    }
    Ok((state, auth))
}

/// Who calls a server function on a trial, resolved once from the
/// request the gate let through: the server's state, the session, the
/// trial and the caller's role on it. A server function starts from one
/// of its constructors and asks it for everything else (the cut, the
/// reports, the closed view and its audit entry); its refusals are audited
/// by [`Caller::refuse`].
#[derive(Clone)]
pub struct Caller {
    pub state: AppState,
    pub auth: Auth,
    pub trial: TrialId,
    pub role: Role,
}

/// What a caller may see of a cut: the closed view (checked, audited) for
/// a closed role, the open report for the sponsor.
pub enum View {
    Closed(Box<ClosedView>),
    Open(Arc<OpenReport>),
}

impl Caller {
    /// Any role on `trial`. Unknown trials and trials without a role are
    /// refused alike (403), so that a probe learns nothing about which
    /// exist.
    pub async fn on(trial: &str) -> Result<Caller, AppError> {
        let (state, auth) = context().await?;
        // A malformed identifier is refused as an unknown trial is.
        let id = TrialId::parse(trial).ok();
        let role = id.as_ref().and_then(|id| {
            auth.role_on(id)
                .filter(|_| state.catalog().trial(id).is_some())
                .map(|role| (id.clone(), role))
        });
        match role {
            Some((trial, role)) => Ok(Caller {
                state,
                auth,
                trial,
                role,
            }),
            None => {
                let shown: String = trial.chars().take(64).collect();
                Err(refuse(&state, &auth, &shown, no_access()).await)
            }
        }
    }

    /// A closed role (DSMB or statistician) on `trial`.
    pub async fn closed_on(trial: &str) -> Result<Caller, AppError> {
        Caller::on(trial).await?.must(Role::is_closed).await
    }

    /// Exactly role `want` on `trial`.
    pub async fn exactly(trial: &str, want: Role) -> Result<Caller, AppError> {
        Caller::on(trial).await?.must(|r| r == want).await
    }

    /// This caller, if `allowed` accepts its role; refused (and audited)
    /// otherwise.
    async fn must(self, allowed: impl Fn(Role) -> bool) -> Result<Caller, AppError> {
        if allowed(self.role) {
            return Ok(self);
        }
        Err(self
            .refuse(AppError::Forbidden(what_you_may_see(self.role)))
            .await)
    }

    /// Refuse this caller with `e`, written to the audit trail.
    pub async fn refuse(&self, e: AppError) -> AppError {
        refuse(&self.state, &self.auth, &self.trial, e).await
    }

    /// The trial's catalog entry.
    pub fn entry(&self) -> Result<Arc<TrialEntry>, AppError> {
        entry(&self.state, &self.trial)
    }

    /// The dates of the trial's good cuts, newest first.
    pub fn cut_dates(&self) -> Vec<String> {
        cut_dates(&self.state, &self.trial)
    }

    /// The date of the cut asked for (see [`cut_date`]); text that is not
    /// a date is bad input (400).
    pub async fn cut_date(&self, cut: Option<&str>) -> Result<String, AppError> {
        let cut = self.parsed_cut(cut)?;
        cut_date(&self.state, &self.auth, &self.trial, cut.as_deref()).await
    }

    /// The open report of the cut asked for (see [`open_report`]).
    pub async fn open_report(&self, cut: Option<&str>) -> Result<Arc<OpenReport>, AppError> {
        let cut = self.parsed_cut(cut)?;
        open_report(&self.state, &self.auth, &self.trial, cut.as_deref()).await
    }

    /// The cut a request names, read as a date at the edge (written back
    /// the one way the catalog keeps it); bad input (400, as any argument a
    /// server function cannot decode) if it is not one.
    fn parsed_cut(&self, cut: Option<&str>) -> Result<Option<String>, AppError> {
        match cut.map(CutDate::parse) {
            None => Ok(None),
            Some(Ok(d)) => Ok(Some(d.to_string())),
            Some(Err(why)) => Err(AppError::BadInput(format!("cut: {why}")).answered()),
        }
    }

    /// Write `action` to the audit trail before the data leave (see
    /// [`audited`]).
    pub async fn audited(&self, action: AuditAction, detail: &str) -> Result<(), AppError> {
        audited(&self.state, &self.auth, action, &self.trial, detail).await
    }

    /// The session's CSRF token (for the forms a view offers).
    pub fn csrf(&self) -> String {
        self.auth
            .user
            .as_ref()
            .map(|u| u.csrf.clone())
            .unwrap_or_default()
    }

    /// The closed view `what` of the cut asked for: refused unless the
    /// role is a closed one, then the cut resolved, its closed report
    /// computed and the arm names for this viewer, audited.
    pub async fn closed_view(&self, cut: Option<&str>, what: &str) -> Result<ClosedView, AppError> {
        let me = self.clone().must(Role::is_closed).await?;
        let date = me.cut_date(cut).await?;
        let report = me
            .state
            .closed_report(&me.trial, Some(&date))
            .await
            .map_err(|e| {
                // The reason names files, rows and values of the
                // randomization: the server's log has it, the viewer a
                // fixed message.
                tracing::error!(trial = %me.trial, cut = %date, "the closed report cannot be computed: {e}");
                unavailable()
            })?;
        let detail = format!("{what}, cut {date}");
        let names = arm_names(&me.state, &me.auth, me.role, &me.trial, &detail).await?;
        Ok(ClosedView {
            state: me.state,
            auth: me.auth,
            role: me.role,
            date,
            report,
            names,
        })
    }

    /// What this caller may see of the cut asked for: the closed view
    /// `what` for a closed role, the open report for any other.
    pub async fn view(&self, cut: Option<&str>, what: &str) -> Result<View, AppError> {
        if self.role.is_closed() {
            Ok(View::Closed(Box::new(self.closed_view(cut, what).await?)))
        } else {
            Ok(View::Open(self.open_report(cut).await?))
        }
    }
}

/// The catalog entry of `trial`, once the caller's role on it is checked
/// (the check already refused unknown trials).
pub fn entry(state: &AppState, trial: &str) -> Result<Arc<TrialEntry>, AppError> {
    state
        .catalog()
        .entry(trial)
        .ok_or_else(|| no_access().answered())
}

/// Write `action` on `trial` to the audit trail before the data leave;
/// when the entry cannot be written, the view is refused (503).
pub async fn audited(
    state: &AppState,
    auth: &Auth,
    action: AuditAction,
    trial: &str,
    detail: &str,
) -> Result<(), AppError> {
    let store = state.access.store.clone();
    let who = auth.username().to_string();
    let (t, d, a) = (trial.to_string(), detail.to_string(), auth.address.clone());
    blocking(move || {
        store.audit(NewAudit {
            username: &who,
            action,
            trial: &t,
            detail: &d,
            address: &a,
        })
    })
    .await
    .map(|_| ())
    .map_err(|_| AppError::Unavailable(NOT_RECORDED.into()).answered())
}

/// Run blocking work (the store, polars) off the async runtime; its error,
/// or the task's, becomes the server function's.
pub async fn blocking<T, E>(
    f: impl FnOnce() -> Result<T, E> + Send + 'static,
) -> Result<T, AppError>
where
    T: Send + 'static,
    E: std::fmt::Display + Send + 'static,
{
    let failed = |e: &dyn std::fmt::Display| {
        tracing::error!("blocking work failed: {e}");
        AppError::Unavailable("the server could not do this now; its log says why".into())
            .answered()
    };
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| failed(&e))?
        .map_err(|e| failed(&e))
}

/// A refusal of a view in words: it is not for this role, and what the
/// role may see instead.
pub fn what_you_may_see(role: Role) -> String {
    match role {
        Role::Sponsor => "this view is for the closed session (the DSMB and the independent statistician). As the sponsor you see data pooled over all groups: the overview, enrollment, safety, the open minutes of the reviews and the open report".into(),
        Role::Dsmb => "this view is the independent statistician's. As a DSMB member you see every closed view of the trial (coded until you decode), its meetings and its reports".into(),
        Role::Statistician => "this view is the DSMB members'. As the independent statistician you see every closed view of the trial with the arms named, the audit trail, the data cuts and the reports".into(),
    }
}

/// The date of the cut a page asked for, `cut` (`YYYY-MM-DD`), or of the
/// newest good cut when `None`. A cut that is not one of the trial's good
/// cuts is refused (404), so no rejected cut is ever shown.
pub async fn cut_date(
    state: &AppState,
    auth: &Auth,
    trial: &str,
    cut: Option<&str>,
) -> Result<String, AppError> {
    let found = state
        .catalog()
        .trial(trial)
        .and_then(|t| t.cut(cut))
        .map(|c| c.date.clone());
    match found {
        Some(d) => Ok(d),
        None => Err(refuse(state, auth, trial, no_such_cut()).await),
    }
}

/// The open (pooled) report of the cut a page asked for (see `cut_date`),
/// for any role on the trial; a report that cannot be computed is logged
/// and answered with `REPORT_UNAVAILABLE`.
pub async fn open_report(
    state: &AppState,
    auth: &Auth,
    trial: &str,
    cut: Option<&str>,
) -> Result<std::sync::Arc<OpenReport>, AppError> {
    let date = cut_date(state, auth, trial, cut).await?;
    state.open_report(trial, Some(&date)).await.map_err(|e| {
        tracing::error!(trial, cut = %date, "the open report cannot be computed: {e}");
        unavailable()
    })
}

/// The dates of the trial's good cuts, newest first (for the cut picker).
pub fn cut_dates(state: &AppState, trial: &str) -> Vec<String> {
    state
        .catalog()
        .trial(trial)
        .map(|t| t.cut_dates())
        .unwrap_or_default()
}

/// The arm names a closed-role viewer may see on `trial` (coded for a DSMB
/// member until they decode), and an audit entry for the closed view
/// `what` (its page's one entry when it is a section of a page rendered on
/// the server: see [`super::page_view`]).
pub async fn arm_names(
    state: &AppState,
    auth: &Auth,
    role: Role,
    trial: &str,
    what: &str,
) -> Result<ArmNames, AppError> {
    let user = auth
        .user
        .clone()
        .ok_or_else(|| AppError::Unauthorized.answered())?;
    let entry = state
        .catalog()
        .entry(trial)
        .ok_or_else(|| no_access().answered())?;
    let arms = entry.config.arm_labels();
    let codes_in: Vec<String> = arms.iter().map(|a| a.0.clone()).collect();
    let store = state.access.store.clone();
    let (t, address, what) = (trial.to_string(), auth.address.clone(), what.to_string());
    // A section of a page rendered on the server is noted for the page's
    // one entry (written before the page leaves); one asked for on its own
    // writes its own.
    let noted = match leptos_axum::extract::<axum::Extension<PageView>>().await {
        Ok(axum::Extension(page)) => page.note(trial, &what),
        Err(_) => false,
    };
    let (codes, decoded_at) = blocking(move || {
        let codes = store.arm_codes(&t, &codes_in)?;
        let decoded = store.decoded_at(user.id, &t)?;
        if !noted {
            store.audit(NewAudit {
                username: &user.username,
                action: AuditAction::ViewClosed,
                trial: &t,
                detail: &what,
                address: &address,
            })?;
        }
        Ok::<_, crate::server::store::StoreError>((codes, decoded))
    })
    .await
    .map_err(|e| {
        tracing::error!("a closed view was not recorded: {e}");
        AppError::Unavailable(NOT_RECORDED.into()).answered()
    })?;
    Ok(ArmNames::for_viewer(role, arms, &codes, decoded_at))
}

/// A closed view of a cut: the role checked (DSMB or statistician), the
/// cut resolved (404 if it is not a good cut), the closed report of that
/// cut, and the arm names for this viewer, with the view (`what`, and the
/// cut) written to the audit trail.
pub struct ClosedView {
    pub state: AppState,
    pub auth: Auth,
    pub role: Role,
    pub date: String,
    pub report: std::sync::Arc<ClosedReport>,
    pub names: ArmNames,
}

/// The closed view `what` of `trial` at the cut asked for, for a closed
/// role (see [`Caller::closed_view`]).
pub async fn closed_view(
    trial: &str,
    cut: Option<&str>,
    what: &str,
) -> Result<ClosedView, AppError> {
    Caller::on(trial).await?.closed_view(cut, what).await
}
