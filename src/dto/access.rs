//! The signed-in user and the audit trail.

use super::Role;
use serde::{Deserialize, Serialize};

/// A trial the signed-in user holds a role on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrialAccess {
    pub id: String,
    pub title: String,
    /// `dsmb`, `statistician` or `sponsor`.
    pub role: Role,
    /// Where the trial stands by its DSMB's last signed recommendation
    /// ("ongoing", "stopped for futility", ...) and the meeting's date; none
    /// before the first signed meeting. Open to every role.
    #[serde(default)]
    pub status: Option<String>,
    /// The newest good cut and its pooled enrollment against target
    /// ("cut of 2024-12-31: 100 of 200 randomized"); pooled, every role's.
    #[serde(default)]
    pub newest_cut: Option<String>,
}

/// The signed-in user, for the top bar and the forms that change state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub username: String,
    /// The session's CSRF token, sent back with every form that changes state.
    pub csrf: String,
    pub trials: Vec<TrialAccess>,
}

/// One audit-trail entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRow {
    pub id: i64,
    pub at: String,
    pub username: String,
    pub action: String,
    pub trial: String,
    pub detail: String,
    pub address: String,
}

/// What the decode confirmation page needs: the form's CSRF token (DSMB
/// members of the trial only).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecodeForm {
    pub trial: String,
    pub csrf: String,
}
