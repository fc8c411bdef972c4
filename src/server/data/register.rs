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
    let list_path = layout::randomization_list(cut_dir);
    let mut list = None;
    for part in layout::data_parts(cut_dir) {
        let dir = layout::part_dir(cut_dir, part);
        let opts = ReadOptions {
            blinded: (part == layout::BLINDED).then_some(true),
            cut_date: Some(cut_date),
            check_only: false,
            skip_labs: false,
        };
        // Checked as the open level reads it: no arm column is read.
        let snap = load(&dir, trial, &opts, &[], None)?;
        // The part the list goes with is checked with it, and the list's
        // digest is the one that check read (never hashed again after).
        if part != layout::UNBLINDED && list.is_none() && list_path.is_file() {
            let with_list = firewall::LoadOptions {
                blinded: opts.blinded,
                cut_date: Some(cut_date),
                ..firewall::LoadOptions::closed(Some(list_path.clone()))
            };
            list = firewall::load(&dir, trial, &with_list)?.randlist.clone();
        }
        folders.insert(
            part.to_string(),
            Folder {
                blinded: snap.blinded_source,
                files: snap.files.clone(),
            },
        );
    }
    if list.is_none() && list_path.is_file() {
        list = firewall::list_digest(cut_dir)?;
    }
    write_manifest(cut_dir, &trial.id, cut_date, folders, list)
}

/// Write the manifest of the cut in `cut_dir` from digests already
/// verified (a check that read every file just now): `folders` by their
/// manifest key, and the randomization list's digest. Never overwrites one.
pub fn write_manifest(
    cut_dir: &Path,
    trial: &str,
    cut_date: chrono::NaiveDate,
    folders: BTreeMap<String, Folder>,
    randlist: Option<crate::server::data::manifest::FileDigest>,
) -> Result<PathBuf, Problems> {
    let shown = cut_dir.display().to_string();
    let manifest_path = cut_dir.join(layout::MANIFEST);
    let manifest = Manifest {
        trial: trial.to_string(),
        cut_date,
        registered_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        folders,
        randlist,
    };
    let text = serde_json::to_string_pretty(&manifest)
        .map_err(|e| Problems::from(Problem::file(&shown, &e.to_string())))?;
    // Created, never replaced: a registered cut is immutable.
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&manifest_path)
        .and_then(|mut f| {
            use std::io::Write;
            f.write_all((text + "\n").as_bytes())?;
            f.sync_all()
        });
    written.map_err(|e| {
        Problems::from(Problem::file(
            &manifest_path.display().to_string(),
            &format!("cannot be written: {e}"),
        ))
    })?;
    Ok(manifest_path)
}
