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
    /// Why the form this session just sent was refused, shown once on the
    /// page it went back to.
    #[serde(default)]
    pub flash: Option<String>,
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

/// What the audit page asks for: filters (any left empty matches all) and
/// the page, as the page's GET form sends them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditQuery {
    pub user: Option<String>,
    pub action: Option<String>,
    pub trial: Option<String>,
    /// The first UTC day, `YYYY-MM-DD`, inclusive.
    pub from: Option<String>,
    /// The last UTC day, `YYYY-MM-DD`, inclusive.
    pub to: Option<String>,
    /// The page, from 1.
    pub page: Option<u64>,
}

impl AuditQuery {
    /// The query string of these filters (and `page`, if given), for the
    /// pages' and exports' links.
    pub fn query_string(&self, page: Option<u64>) -> String {
        let mut parts: Vec<String> = [
            ("user", &self.user),
            ("action", &self.action),
            ("trial", &self.trial),
            ("from", &self.from),
            ("to", &self.to),
        ]
        .into_iter()
        .filter_map(|(k, v)| {
            v.as_deref()
                .filter(|v| !v.is_empty())
                .map(|v| format!("{k}={}", url_encode(v)))
        })
        .collect();
        if let Some(p) = page {
            parts.push(format!("page={p}"));
        }
        parts.join("&")
    }
}

fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// One page of the audit trail and what its filter can choose from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub rows: Vec<AuditRow>,
    /// Entries matching the filters.
    pub total: u64,
    /// This page (from 1) and how many there are.
    pub page: u64,
    pub pages: u64,
    pub per_page: u64,
    /// The filters as read (dates checked).
    pub query: AuditQuery,
    /// The filter's choices: every action that exists, the users holding
    /// a role on the reader's trials, and those trials.
    pub actions: Vec<String>,
    pub users: Vec<String>,
    pub trials: Vec<String>,
}

/// A trial's small-cell threshold, for the disclosure rule's page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrialThreshold {
    pub id: String,
    pub title: String,
    pub threshold: u32,
}
