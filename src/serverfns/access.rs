//! Server functions of the access layer: who is signed in, and the audit
//! trail (statistician only).

use crate::dto::{AuditRow, Me};
use leptos::prelude::*;

/// The signed-in user and the trials they hold a role on.
#[server(endpoint = "get_me")]
pub async fn get_me() -> Result<Me, ServerFnError> {
    use crate::dto::TrialAccess;
    use crate::server::guard;
    let (state, auth) = guard::context().await?;
    let user = auth.user.ok_or_else(|| guard::deny(401, "sign in first"))?;
    let trials = user
        .roles
        .iter()
        .filter_map(|(id, role)| {
            state.catalog.trial(id).map(|t| TrialAccess {
                id: id.clone(),
                title: t.config.title.clone(),
                role: role.as_str().to_string(),
            })
        })
        .collect();
    Ok(Me {
        username: user.username,
        csrf: user.csrf,
        trials,
    })
}

/// The audit trail, newest first, filtered by user and action: entries of
/// the trials the caller is the statistician of, and sign-ins. Statistician
/// only.
#[server(endpoint = "get_audit")]
pub async fn get_audit(
    user: Option<String>,
    action: Option<String>,
) -> Result<Vec<AuditRow>, ServerFnError> {
    use crate::server::guard;
    use crate::server::store::Role;
    let (state, auth) = guard::context().await?;
    let me = auth
        .user
        .clone()
        .ok_or_else(|| guard::deny(401, "sign in first"))?;
    let trials: Vec<String> = me
        .roles
        .iter()
        .filter(|(_, r)| *r == Role::Statistician)
        .map(|(t, _)| t.clone())
        .collect();
    if trials.is_empty() {
        return Err(guard::deny(403, "the audit trail is the statistician's"));
    }
    let store = state.access.store.clone();
    let filter = |s: Option<String>| s.filter(|s| !s.is_empty());
    let (user, action) = (filter(user), filter(action));
    let rows = tokio::task::spawn_blocking(move || {
        store.audit_entries(user.as_deref(), action.as_deref(), Some(&trials), 500)
    })
    .await
    .map_err(|e| ServerFnError::new(e.to_string()))?
    .map_err(|e| ServerFnError::new(e.to_string()))?;
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
