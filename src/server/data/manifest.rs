//! The manifest of a registered cut: which files it holds and their SHA-256.
//! A registered cut is immutable: every load verifies each file it reads
//! against the manifest and refuses a changed, added or missing file.
//!
//! One `manifest.json` per cut folder (`cut-YYYY-MM-DD/`), covering its data
//! folders (`blinded/`, `unblinded/`, or the cut folder itself) and the
//! randomization list's hash. Written by [`super::register`].

use super::layout;
use super::problem::Problem;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// A file of the cut and its SHA-256.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FileDigest {
    pub name: String,
    pub sha256: String,
}

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
    /// The randomization list's hash, if registered with the cut (the key
    /// every registered manifest uses; the list itself is read only by the
    /// firewall).
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
        for (path, key) in layout::manifest_candidates(dir) {
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

    /// The manifest of the cut folder `cut`, read through any of its data
    /// folders; `None` when the cut is not registered or it cannot be read.
    pub fn of_cut(cut: &Path) -> Option<Manifest> {
        layout::manifest_probes(cut)
            .iter()
            .find_map(|f| Manifest::find(f).ok().flatten())
            .map(|(m, _)| m)
    }

    /// When the cut holding data folder `dir` was registered.
    pub fn registered_at(dir: &Path) -> Option<String> {
        Manifest::find(dir)
            .ok()
            .flatten()
            .map(|(m, _)| m.registered_at)
    }

    /// Every registered file with its folder, the randomization list last
    /// (folder `.`).
    pub fn digests(&self) -> Vec<(String, &FileDigest)> {
        let mut out: Vec<(String, &FileDigest)> = self
            .folders
            .iter()
            .flat_map(|(folder, f)| f.files.iter().map(move |d| (folder.clone(), d)))
            .collect();
        out.extend(self.randlist.iter().map(|r| (".".to_string(), r)));
        out
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

/// The SHA-256 of the manifest that registers the cut of data folder `dir`
/// (the cut folder or one of its parts), if it is registered.
pub fn manifest_sha256(dir: &Path) -> Option<String> {
    let cut = layout::cut_folder_of(dir).unwrap_or_else(|| dir.to_path_buf());
    layout::manifest_probes(&cut)
        .iter()
        .flat_map(|p| layout::manifest_candidates(p))
        .map(|(m, _)| m)
        .find(|m| m.is_file())
        .and_then(|m| std::fs::read(m).ok())
        .map(|b| crate::server::digest::sha256_hex(&b))
}
