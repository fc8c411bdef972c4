//! The manifest of a registered cut: which files it holds and their SHA-256.
//! A registered cut is immutable: every load verifies each file it reads
//! against the manifest and refuses a changed, added or missing file.
//!
//! One `manifest.json` per cut folder (`cut-YYYY-MM-DD/`), covering its data
//! folders (`blinded/`, `unblinded/`, or the cut folder itself) and the
//! randomization list.

use super::cut::FileDigest;
use super::problem::Problem;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const MANIFEST: &str = "manifest.json";

/// A registered cut.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub trial: String,
    pub cut_date: NaiveDate,
    /// When the cut was registered (UTC, RFC 3339).
    pub registered_at: String,
    /// Data folders, relative to the manifest (`.` for the cut folder itself).
    pub folders: BTreeMap<String, Folder>,
    /// The randomization list, if registered with the cut.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub randlist: Option<FileDigest>,
}

/// One data folder of a cut.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Folder {
    pub blinded: bool,
    pub files: Vec<FileDigest>,
}

impl Manifest {
    /// The manifest covering data folder `dir`: `dir/manifest.json` (folder
    /// `.`), or `dir/../manifest.json` (folder = the name of `dir`). Returns
    /// the manifest and the folder's key in it.
    pub fn find(dir: &Path) -> Result<Option<(Manifest, String)>, Problem> {
        let candidates: [(PathBuf, Option<String>); 2] = [
            (dir.join(MANIFEST), Some(".".to_string())),
            (
                dir.parent().map(|p| p.join(MANIFEST)).unwrap_or_default(),
                dir.file_name().and_then(|s| s.to_str()).map(str::to_string),
            ),
        ];
        for (path, key) in candidates {
            let Some(key) = key else { continue };
            if !path.is_file() {
                continue;
            }
            let text = std::fs::read_to_string(&path).map_err(|e| {
                Problem::file(&path.display().to_string(), &format!("cannot be read: {e}"))
            })?;
            let m: Manifest = serde_json::from_str(&text).map_err(|e| {
                Problem::file(
                    &path.display().to_string(),
                    &format!("is not a valid cut manifest: {e}"),
                )
            })?;
            if m.folders.contains_key(&key) {
                return Ok(Some((m, key)));
            }
        }
        Ok(None)
    }

    /// Whether folder `key` was registered as blinded.
    pub fn blinded_for(&self, key: &str) -> Option<bool> {
        self.folders.get(key).map(|f| f.blinded)
    }

    /// Check one file read from folder `key` against the manifest.
    pub fn verify(&self, key: &str, file: &str, sha256: &str) -> Result<(), Problem> {
        let folder = self.folders.get(key).ok_or_else(|| {
            Problem::file(
                file,
                &format!("folder {key:?} is not in the cut's manifest"),
            )
        })?;
        match folder.files.iter().find(|f| f.name == file) {
            None => Err(Problem::file(
                file,
                "REFUSED: this file is not part of the registered cut (a registered cut is immutable)",
            )),
            Some(f) if f.sha256 != sha256 => Err(Problem::file(
                file,
                &format!(
                    "REFUSED: the file has changed since the cut was registered (SHA-256 {sha256}, registered {})",
                    f.sha256
                ),
            )),
            Some(_) => Ok(()),
        }
    }

    /// Every file registered for folder `key` was read.
    pub fn verify_complete(&self, key: &str, read: &[FileDigest]) -> Result<(), Problem> {
        if let Some(folder) = self.folders.get(key) {
            for f in &folder.files {
                if !read.iter().any(|r| r.name == f.name) {
                    return Err(Problem::file(
                        &f.name,
                        "REFUSED: a file of the registered cut is missing or was replaced",
                    ));
                }
            }
        }
        Ok(())
    }
}
