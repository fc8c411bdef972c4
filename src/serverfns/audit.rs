//! The audit page's server function (statistician only).

use crate::dto::{AppError, AuditPage, AuditQuery};
use leptos::prelude::*;

/// One page of the audit trail, newest first, filtered as `query` asks:
/// entries of the trials the caller is the statistician of, and their
/// users' sign-ins. Statistician only.
#[server(endpoint = "get_audit")]
pub async fn get_audit(#[server(default)] query: AuditQuery) -> Result<AuditPage, AppError> {
    use crate::server::web::{audit, guard};
    let (state, auth) = guard::context().await?;
    audit::page(&state, &auth, query).await
}
