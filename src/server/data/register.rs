//! Registering a cut: check every data folder, then write its manifest of
//! hashes. A registered cut is immutable.

use super::layout;
use super::load::{load, ReadOptions};
use super::manifest::{Folder, Manifest};
use super::problem::{Problem, Problems};
use crate::server::config::TrialConfig;
use crate::server::firewall;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Register the cut in `cut_dir` (named `cut-YYYY-MM-DD`): check every data
/// folder (`blinded/`, `unblinded/`, or the cut folder itself), then write
/// `manifest.json` with each file's SHA-256 and, if present, the
/// randomization list's. A registered cut is immutable: an existing manifest
/// is never overwritten. Returns the manifest's path.
pub fn register(cut_dir: &Path, trial: &TrialConfig) -> Result<PathBuf, Problems> {
    let shown = cut_dir.display().to_string();
    let manifest_path = cut_dir.join(layout::MANIFEST);
    if manifest_path.exists() {
        return Err(Problem::file(
            &manifest_path.display().to_string(),
            "the cut is registered already, and a registered cut is immutable",
        )
        .into());
    }
    let cut_date = layout::cut_date_from_path(cut_dir).ok_or_else(|| {
        Problems::from(Problem::file(&shown, "name the cut folder cut-YYYY-MM-DD"))
    })?;
    let mut folders = BTreeMap::new();
    for part in layout::data_parts(cut_dir) {
        let dir = layout::part_dir(cut_dir, part);
        let opts = ReadOptions {
            blinded: (part == layout::BLINDED).then_some(true),
            cut_date: Some(cut_date),
        };
        // Checked as the open level reads it: no arm column is read.
        let snap = load(&dir, trial, &opts, &[], None)?;
        folders.insert(
            part.to_string(),
            Folder {
                blinded: snap.blinded_source,
                files: snap.files.clone(),
            },
        );
    }
    let list = firewall::list_digest(cut_dir)?;
    let manifest = Manifest {
        trial: trial.id.clone(),
        cut_date,
        registered_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        folders,
        randlist: list,
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
