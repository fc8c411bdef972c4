//! Registering an upload that passed its checks: its manifest written (as
//! `dsmb register` writes one, from the digests the check verified), then
//! the cut folder moved from staging into the trial's folder in one
//! rename, onto a folder name claimed first, so that a registered cut is
//! never replaced and nobody sees a cut half-moved.

use super::check::CheckReport;
use super::staging::Staged;
use crate::server::catalog::TrialEntry;
use crate::server::data::layout;
use crate::server::data::manifest::{Folder, Manifest};
use crate::server::data::register::write_manifest;
use crate::server::data::tree;
use crate::server::digest::file_sha256;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Why an upload cannot be registered.
#[derive(Debug, thiserror::Error)]
pub enum RegisterError {
    /// Another cut holds the date, or a newer cut is served.
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Failed(String),
}

/// Whether `entry` can take a cut dated `date`: none of its cut folders
/// (served, rejected, or on disk and still arriving) has that date, and
/// every served cut is older.
pub fn may_arrive(entry: &TrialEntry, date: chrono::NaiveDate) -> Result<(), RegisterError> {
    let name = layout::cut_folder_name(date);
    let day = date.format("%Y-%m-%d").to_string();
    if entry.dir.join(&name).exists() {
        return Err(RegisterError::Conflict(format!(
            "the trial has a cut dated {day} already ({name}); a registered cut is never replaced"
        )));
    }
    let newest = &entry.latest().date;
    if day <= *newest {
        return Err(RegisterError::Conflict(format!(
            "the cut date {day} is not after the newest served cut ({newest}): a cut added while the server runs must be the newest"
        )));
    }
    Ok(())
}

/// Every file the check read is still what it read: each with the digest
/// the check computed, the randomization list included, and no list added
/// that the check did not read.
fn verify_digests(staged: &Staged, report: &CheckReport) -> Result<(), RegisterError> {
    let part = staged.part_dir();
    let part_name = part
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let checked = report
        .files
        .iter()
        .map(|d| (part.join(&d.name), format!("{part_name}/{}", d.name), d))
        .chain(
            report
                .randlist
                .iter()
                .map(|d| (staged.cut_dir.join(&d.name), d.name.clone(), d)),
        );
    for (path, shown, digest) in checked {
        match file_sha256(&path) {
            Ok(sha) if sha == digest.sha256 => {}
            Ok(sha) => {
                return Err(changed(format!(
                    "{shown} has changed (SHA-256 {sha}, checked {})",
                    digest.sha256
                )))
            }
            Err(e) => return Err(changed(format!("{shown} cannot be read ({e})"))),
        }
    }
    let list = staged
        .cut_dir
        .join(crate::server::firewall::RANDOMIZATION_LIST);
    if report.randlist.is_none() && list.exists() {
        return Err(changed("a randomization list was added".to_string()));
    }
    Ok(())
}

/// The refusal of a staged cut that is no longer what its check read.
fn changed(what: String) -> RegisterError {
    RegisterError::Conflict(format!(
        "{what} since its check, so it is not registered: upload it again"
    ))
}

/// Move the checked upload `staged` into `entry`'s folder (blocking; the
/// caller holds the catalog's write lock). Returns the cut's folder there.
pub fn place(
    entry: &TrialEntry,
    staged: &Staged,
    report: &CheckReport,
) -> Result<PathBuf, RegisterError> {
    may_arrive(entry, staged.cut_date)?;
    verify_digests(staged, report)?;
    let failed =
        |what: &str, e: &dyn std::fmt::Display| RegisterError::Failed(format!("{what}: {e}"));
    let uploaded = staged.cut_dir.join(layout::MANIFEST);
    let uploaded_manifest = uploaded.is_file();
    if let Some(m) = Manifest::find(&staged.part_dir())
        .ok()
        .flatten()
        .map(|(m, _)| m)
    {
        // Data management's manifest: it must register this cut alone.
        let part = if staged.blinded {
            layout::BLINDED
        } else {
            layout::UNBLINDED
        };
        if m.trial != entry.config.id || m.cut_date != staged.cut_date {
            return Err(RegisterError::Conflict(format!(
                "the uploaded manifest registers cut {} of trial {}, not cut {} of {}",
                m.cut_date, m.trial, staged.cut_date, entry.config.id
            )));
        }
        if m.folders.keys().any(|k| k != part) {
            return Err(RegisterError::Conflict(format!(
                "the uploaded manifest lists the folders {:?}, but the upload is the {part} part alone",
                m.folders.keys().collect::<Vec<_>>()
            )));
        }
    } else if uploaded.is_file() {
        return Err(RegisterError::Conflict(
            "the uploaded manifest does not cover the uploaded part".to_string(),
        ));
    } else {
        let part = if staged.blinded {
            layout::BLINDED
        } else {
            layout::UNBLINDED
        };
        let mut folders = BTreeMap::new();
        folders.insert(
            part.to_string(),
            Folder {
                blinded: report.blinded,
                files: report.files.clone(),
            },
        );
        // The list as the check read it, never hashed again here: a list
        // changed after the check must not be registered under its new hash.
        write_manifest(
            &staged.cut_dir,
            &entry.config.id,
            staged.cut_date,
            folders,
            report.randlist.clone(),
        )
        .map_err(|p| failed("the manifest cannot be written", &p))?;
    }
    // Exactly what the manifest lists, and no link: else the manifest
    // written here is taken back and nothing is moved.
    if let Err(p) = tree::verify(&staged.cut_dir) {
        if !uploaded_manifest {
            let _ = std::fs::remove_file(&uploaded);
        }
        return Err(changed(format!(
            "the upload has changed ({})",
            p.within(&staged.cut_dir)
        )));
    }
    let target = entry.dir.join(layout::cut_folder_name(staged.cut_date));
    // Claim the name (fails if anyone has it), then rename onto the empty
    // claim: the rename replaces only an empty folder, so a cut that
    // appeared meanwhile is never replaced.
    std::fs::create_dir(&target).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            RegisterError::Conflict(format!(
                "{} exists already; a registered cut is never replaced",
                target.display()
            ))
        } else {
            failed("the cut folder cannot be made", &e)
        }
    })?;
    if let Err(e) = std::fs::rename(&staged.cut_dir, &target) {
        let _ = std::fs::remove_dir(&target);
        return Err(failed(
            "the cut cannot be moved into the trial's folder",
            &e,
        ));
    }
    let _ = std::fs::remove_dir_all(&staged.home);
    Ok(target)
}
