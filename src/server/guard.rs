//! Role checks for server functions. Every server function starts here:
//! the session and the role come from the request the gate resolved, on the
//! server; nothing the browser sends can raise the view level.

use super::auth::Auth;
use super::http::AppState;
use super::store::Role;
use axum::http::StatusCode;
use leptos::prelude::*;

/// An error that also sets the response status (401 no session, 403 no
/// role).
pub fn deny(status: u16, message: &str) -> ServerFnError {
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        resp.set_status(StatusCode::from_u16(status).unwrap_or(StatusCode::FORBIDDEN));
    }
    ServerFnError::new(message)
}

/// The server's state and what the gate learned about this request.
pub async fn context() -> Result<(AppState, Auth), ServerFnError> {
    let state = use_context::<AppState>()
        .ok_or_else(|| ServerFnError::new("the server's state is not available"))?;
    let axum::Extension(auth) = leptos_axum::extract::<axum::Extension<Auth>>()
        .await
        .map_err(|_| deny(401, "sign in first"))?;
    if auth.user.is_none() {
        return Err(deny(401, "sign in first"));
    }
    Ok((state, auth))
}

/// The caller's role on `trial`, which must be one of `allowed` (any role
/// when `allowed` is empty). Unknown trials and trials without a role are
/// refused alike (403), so that a probe learns nothing about which exist.
pub async fn trial_role(
    trial: &str,
    allowed: &[Role],
) -> Result<(AppState, Auth, Role), ServerFnError> {
    let (state, auth) = context().await?;
    let role = auth
        .role_on(trial)
        .filter(|_| state.catalog.trial(trial).is_some())
        .ok_or_else(|| deny(403, "no access to this trial"))?;
    if !allowed.is_empty() && !allowed.contains(&role) {
        return Err(deny(403, "this view is not open to your role"));
    }
    Ok((state, auth, role))
}
