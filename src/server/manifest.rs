//! The manifest of a registered cut: which files it holds and their SHA-256.
//! A registered cut is immutable: every load verifies each file it reads
//! against the manifest and refuses a changed, added or missing file.
//!
//! One `manifest.json` per cut folder (`cut-YYYY-MM-DD/`), covering its data
//! folders (`blinded/`, `unblinded/`, or the cut folder itself) and the
//! randomization list.

use super::cut::FileDigest;
use super::cut::{self, Level, LoadOptions};
use super::ingest::sha256_hex;
use super::problem::{Problem, Problems};
use super::trial::TrialConfig;
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

/// Register the cut in `cut_dir` (named `cut-YYYY-MM-DD`): check every data
/// folder (`blinded/`, `unblinded/`, or the cut folder itself), then write
/// `manifest.json` with each file's SHA-256 and, if present, the
/// randomization list's. A registered cut is immutable: an existing manifest
/// is never overwritten. Returns the manifest's path.
pub fn register(cut_dir: &Path, trial: &TrialConfig) -> Result<PathBuf, Problems> {
    let shown = cut_dir.display().to_string();
    let manifest_path = cut_dir.join(MANIFEST);
    if manifest_path.exists() {
        return Err(Problem::file(
            &manifest_path.display().to_string(),
            "the cut is registered already, and a registered cut is immutable",
        )
        .into());
    }
    let cut_date = cut::cut_date_from_path(cut_dir).ok_or_else(|| {
        Problems::from(Problem::file(&shown, "name the cut folder cut-YYYY-MM-DD"))
    })?;
    let mut folders = BTreeMap::new();
    let parts: Vec<&str> = ["blinded", "unblinded"]
        .into_iter()
        .filter(|p| cut_dir.join(p).is_dir())
        .collect();
    let parts = if parts.is_empty() { vec!["."] } else { parts };
    for part in parts {
        let dir = if part == "." {
            cut_dir.to_path_buf()
        } else {
            cut_dir.join(part)
        };
        let opts = LoadOptions {
            level: Level::Open,
            randlist: None,
            blinded: (part == "blinded").then_some(true),
            cut_date: Some(cut_date),
        };
        let snap = cut::load(&dir, trial, &opts)?;
        folders.insert(
            part.to_string(),
            Folder {
                blinded: snap.blinded_source,
                files: snap.files.clone(),
            },
        );
    }
    let randlist_path = cut_dir.join("randlist.csv");
    let randlist = if randlist_path.is_file() {
        let bytes = std::fs::read(&randlist_path).map_err(|e| {
            Problems::from(Problem::file(
                &randlist_path.display().to_string(),
                &format!("cannot be read: {e}"),
            ))
        })?;
        Some(FileDigest {
            name: "randlist.csv".into(),
            sha256: sha256_hex(&bytes),
        })
    } else {
        None
    };
    let manifest = Manifest {
        trial: trial.id.clone(),
        cut_date,
        registered_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        folders,
        randlist,
    };
    let text = serde_json::to_string_pretty(&manifest)
        .map_err(|e| Problems::from(Problem::file(&shown, &e.to_string())))?;
    std::fs::write(&manifest_path, text + "\n").map_err(|e| {
        Problems::from(Problem::file(
            &manifest_path.display().to_string(),
            &format!("cannot be written: {e}"),
        ))
    })?;
    Ok(manifest_path)
}
