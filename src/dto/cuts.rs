//! The data cuts page (closed roles).

use serde::{Deserialize, Serialize};

/// A file of a cut with its SHA-256.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CutFile {
    pub folder: String,
    pub name: String,
    pub sha256: String,
}

/// A data cut of a trial and what became of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CutInfo {
    pub name: String,
    /// `serving` (the newest cut that passed its checks), `rejected` (a
    /// newer cut that failed them; the one before keeps serving) or `older`.
    pub status: String,
    pub registered_at: Option<String>,
    pub files: Vec<CutFile>,
    pub problems: Vec<String>,
}

/// A problem of an uploaded cut, as `dsmb check` names it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProblemLine {
    pub file: String,
    pub row: Option<usize>,
    pub column: Option<String>,
    pub message: String,
}

/// A file of an upload.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadFile {
    /// `dataset`, `randomization list` or `manifest`.
    pub role: String,
    pub name: String,
    pub bytes: u64,
    pub sha256: String,
}

/// An upload held in staging, with its check (the statistician who sent it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadView {
    pub trial_id: String,
    pub id: String,
    pub cut_date: String,
    /// `blinded` or `unblinded`.
    pub part: String,
    pub received_at: String,
    pub files: Vec<UploadFile>,
    /// `checking`, `passed` or `failed`.
    pub state: String,
    /// Bytes the check has read, of the bytes it reads.
    pub checked_bytes: u64,
    pub check_bytes: u64,
    pub check_step: String,
    /// When passed: what the check counted (the whole cut, never by arm).
    pub summary: Vec<(String, String)>,
    pub problems: Vec<ProblemLine>,
    pub csrf: String,
}

/// The statistician's uploads of a trial, and the upload form's settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadsView {
    pub trial_id: String,
    /// The caller is the trial's statistician.
    pub can_upload: bool,
    pub uploads: Vec<UploadView>,
    pub max_file_bytes: u64,
    pub csrf: String,
}
