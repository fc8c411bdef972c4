//! The data cuts page's data: every cut folder of a trial with its status
//! (serving, older, rejected and why), registration and file hashes.

use crate::dto::{CutFile, CutInfo, ProblemLine, UploadFile, UploadView};
use crate::server::catalog::TrialEntry;
use crate::server::data::layout::{cut_dirs, ListError};
use crate::server::data::manifest::Manifest;
use crate::server::intake::staging::{FileRole, Outcome, Staged};
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
                    // Named within the cut, never by the server's paths;
                    // a path elsewhere in the data folder by the trial's.
                    let trial_root = entry.dir.parent().unwrap_or(&entry.dir);
                    let shown = r.problems.within(&r.dir).within(trial_root);
                    (
                        r.dir.clone(),
                        shown.to_string().lines().map(str::to_string).collect(),
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
            let known = good.contains(cut) || rejected.iter().any(|(d, _)| d == cut);
            let status = if *cut == latest {
                "serving"
            } else if !known {
                // On disk, not yet checked: being written, or waiting for
                // the folder watch.
                "arriving"
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

/// An upload as its page shows it, problems named within the cut.
pub fn upload_view(staged: &Staged, csrf: &str) -> UploadView {
    let reading = staged.progress.reading();
    let (state, summary, problems) = match staged.outcome() {
        Outcome::Checking => ("checking", Vec::new(), Vec::new()),
        Outcome::Passed(r) => (
            "passed",
            vec![
                ("Cut date".to_string(), r.cut_date.clone()),
                (
                    "Arm columns".to_string(),
                    if r.blinded {
                        "none (blinded)".to_string()
                    } else {
                        "present (unblinded)".to_string()
                    },
                ),
                (
                    "Checked".to_string(),
                    if r.closed_level {
                        "open and closed level (arms assigned to every subject)".to_string()
                    } else {
                        "open level".to_string()
                    },
                ),
                (
                    "Manifest".to_string(),
                    if r.registered {
                        "data management's: every file matches its SHA-256".to_string()
                    } else {
                        "written on registration".to_string()
                    },
                ),
                ("Subjects".to_string(), r.subjects.to_string()),
                ("AE records".to_string(), r.adae_records.to_string()),
                (
                    "Time-to-event records".to_string(),
                    r.adtte_records.to_string(),
                ),
                (
                    "Laboratory records".to_string(),
                    r.lab_records
                        .map(|n| n.to_string())
                        .unwrap_or_else(|| "not collected (no ADLB)".to_string()),
                ),
            ],
            Vec::new(),
        ),
        Outcome::Failed(p) => (
            "failed",
            Vec::new(),
            p.0.into_iter()
                .map(|p| ProblemLine {
                    file: p.file,
                    row: p.row,
                    column: p.column,
                    message: p.message,
                })
                .collect(),
        ),
    };
    UploadView {
        trial_id: staged.trial.clone(),
        id: staged.id.clone(),
        cut_date: staged.cut_date.to_string(),
        part: if staged.blinded {
            "blinded"
        } else {
            "unblinded"
        }
        .to_string(),
        received_at: staged.received_at.clone(),
        files: staged
            .files
            .iter()
            .map(|f| UploadFile {
                role: match f.role {
                    FileRole::Dataset => "dataset",
                    FileRole::RandomizationList => "randomization list",
                    FileRole::Manifest => "manifest",
                }
                .to_string(),
                name: f.name.clone(),
                bytes: f.bytes,
                sha256: f.sha256.clone(),
            })
            .collect(),
        state: state.to_string(),
        checked_bytes: reading.done,
        check_bytes: reading.total,
        check_step: reading.step,
        summary,
        problems,
        csrf: csrf.to_string(),
    }
}
