//! Every refused request leaves an audit entry: who (the signed-in user, or
//! nobody), what (method and path), and why (status and reason). The
//! request is refused whether or not the entry could be written; a failed
//! write is logged. Three callers write it: `ctx.rs` (the form handlers),
//! `guard.rs` (the server functions) and `session.rs` (the gate and
//! sign-in).

use crate::server::store::{AuditAction, NewAudit, Store};

/// Record the refusal of `what` (e.g. `POST /api/get_efficacy`) for
/// `username` (empty when nobody is signed in) from `address`, on `trial`
/// (empty when none), with `status` and `why`.
pub async fn record(
    store: &Store,
    username: &str,
    address: &str,
    trial: &str,
    what: &str,
    status: u16,
    why: &str,
) {
    let (s, u, a, t) = (
        store.clone(),
        username.to_string(),
        address.to_string(),
        trial.to_string(),
    );
    // A path is the requester's to choose: at most 200 characters of it.
    let what: String = what.chars().take(200).collect();
    let detail = format!("{status} {what}: {why}");
    match tokio::task::spawn_blocking(move || {
        s.audit(NewAudit {
            username: &u,
            action: AuditAction::Refused,
            trial: &t,
            detail: &detail,
            address: &a,
        })
    })
    .await
    {
        Ok(Ok(_)) => {}
        Ok(Err(e)) => tracing::error!("a refusal was not audited: {e}"),
        Err(e) => tracing::error!("a refusal was not audited: {e}"),
    }
}
