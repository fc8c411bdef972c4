//! The data cuts page's data: every cut folder of a trial with its status
//! (serving, older, rejected and why), registration and file hashes.

use crate::dto::{CutFile, CutInfo};
use crate::server::catalog::TrialEntry;
use crate::server::data::layout::{cut_dirs, ListError};
use crate::server::data::manifest::Manifest;
use std::path::PathBuf;

/// What a trial's cuts page lists, read from the cut folders and their
/// manifests (blocking: call it off the async runtime).
pub struct CutListing {
    dir: PathBuf,
    latest: PathBuf,
    good: Vec<PathBuf>,
    rejected: Vec<(PathBuf, Vec<String>)>,
}

impl CutListing {
    /// What the catalog knows of the trial's cuts.
    pub fn of(entry: &TrialEntry) -> CutListing {
        CutListing {
            dir: entry.dir.clone(),
            latest: entry.latest().dir.clone(),
            good: entry.cuts.iter().map(|c| c.dir.clone()).collect(),
            rejected: entry
                .rejected
                .iter()
                .map(|r| {
                    (
                        r.dir.clone(),
                        r.problems.to_string().lines().map(str::to_string).collect(),
                    )
                })
                .collect(),
        }
    }

    /// Every cut folder, newest first.
    pub fn list(self) -> Result<Vec<CutInfo>, ListError> {
        let CutListing {
            dir,
            latest,
            good,
            rejected,
        } = self;

        let cuts = cut_dirs(&dir)?;
        let mut out = Vec::new();
        for cut in cuts.iter().rev() {
            let name = cut
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let problems = rejected
                .iter()
                .find(|(d, _)| d == cut)
                .map(|(_, p)| p.clone())
                .unwrap_or_default();
            let status = if *cut == latest {
                "serving"
            } else if !problems.is_empty() || !good.contains(cut) {
                "rejected"
            } else {
                "older"
            };
            // The manifest covers the cut's folders; read it through any one.
            let manifest = Manifest::of_cut(cut);
            let files = manifest
                .as_ref()
                .map(|m| {
                    m.digests()
                        .into_iter()
                        .map(|(folder, d)| CutFile {
                            folder,
                            name: d.name.clone(),
                            sha256: d.sha256.clone(),
                        })
                        .collect()
                })
                .unwrap_or_default();
            out.push(CutInfo {
                name,
                status: status.into(),
                registered_at: manifest.map(|m| m.registered_at),
                files,
                problems,
            });
        }
        Ok(out)
    }
}
