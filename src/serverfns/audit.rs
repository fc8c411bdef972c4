//! The audit page's server function (statistician only).

use crate::dto::AppError;
use crate::dto::AuditRow;
use leptos::prelude::*;

/// The audit trail, newest first, filtered by user and action: entries of
/// the trials the caller is the statistician of, and sign-ins. Statistician
/// only.
#[server(endpoint = "get_audit")]
pub async fn get_audit(
    user: Option<String>,
    action: Option<String>,
) -> Result<Vec<AuditRow>, AppError> {
    use crate::dto::Role;
    use crate::server::web::guard;
    let (state, auth) = guard::context().await?;
    let trials: Vec<String> = auth
        .user
        .iter()
        .flat_map(|u| u.roles.iter())
        .filter(|(_, r)| *r == Role::Statistician)
        .map(|(t, _)| t.clone())
        .collect();
    if trials.is_empty() {
        return Err(guard::refuse(
            &state,
            &auth,
            "",
            AppError::Forbidden("the audit trail is the statistician's".into()),
        )
        .await);
    }
    let store = state.access.store.clone();
    let filter = |s: Option<String>| s.filter(|s| !s.is_empty());
    let (user, action) = (filter(user), filter(action));
    let rows = guard::blocking(move || {
        store.audit_entries(user.as_deref(), action.as_deref(), Some(&trials), 500)
    })
    .await?;
    Ok(rows
        .into_iter()
        .map(|e| AuditRow {
            id: e.id,
            at: e.at,
            username: e.username,
            action: e.action,
            trial: e.trial,
            detail: e.detail,
            address: e.address,
        })
        .collect())
}
