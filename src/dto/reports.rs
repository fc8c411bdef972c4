//! The Reports tab: the report documents built for a trial, as each role
//! may see them, and the statistician's build form.

use serde::{Deserialize, Serialize};

/// One stored version of a report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportLine {
    pub id: i64,
    pub cut_date: String,
    /// `open`, `closed-coded` or `closed`.
    pub kind: String,
    pub kind_label: String,
    pub version: u32,
    pub built_by: String,
    pub built_at: String,
    pub software: String,
    pub manifest_sha256: Option<String>,
    pub pdf_sha256: String,
    pub html_sha256: String,
    pub pdf_kb: u64,
    pub html_kb: u64,
    pub released_by: Option<String>,
    pub released_at: Option<String>,
    /// The statistician may release it (built, not released yet).
    pub can_release: bool,
    /// Why this viewer may not download it yet, if so (a decoded report
    /// before the member's own decode).
    pub locked: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportsView {
    pub trial_id: String,
    /// The statistician builds and releases.
    pub can_build: bool,
    pub csrf: String,
    /// The trial's good cuts, newest first.
    pub cuts: Vec<String>,
    /// The kinds a build may make: (code, words).
    pub kinds: Vec<(String, String)>,
    pub reports: Vec<ReportLine>,
}
