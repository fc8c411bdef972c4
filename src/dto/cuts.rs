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
