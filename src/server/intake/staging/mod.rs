//! Uploads before they are registered: each in a folder of its own under
//! the data folder's `.staging/` (two uploads never share a file), written
//! as the request streams in, under a size limit per file and an optional
//! quota for all of staging, and removed when the upload fails, is
//! dropped half-way, discarded or registered. The server cleans staging at
//! start: an upload does not outlive the process that received it.
//!
//! Here: the uploads held and their quota (`Staging`), an upload kept and
//! its check (`Staged`); in `pending.rs` an upload being written, in
//! `sink.rs` one of its files.

mod pending;
mod sink;

pub use pending::Pending;
pub use sink::FileSink;

use super::check::{check_cut, CheckReport, CheckRequest};
use crate::server::config::TrialConfig;
use crate::server::data::layout::{self, STAGING};
use crate::server::data::problem::{Problem, Problems};
use crate::server::data::progress::Progress;
use crate::server::firewall::RANDOMIZATION_LIST;
use chrono::NaiveDate;
use pending::release;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// The default limit of one uploaded file.
pub const MAX_FILE_BYTES: u64 = 1 << 30;

/// How much an upload may write.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Per file (413 beyond it).
    pub max_file_bytes: u64,
    /// All of staging at once, when set (507 beyond it, as a full disk).
    pub quota_bytes: Option<u64>,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: MAX_FILE_BYTES,
            quota_bytes: None,
        }
    }
}

/// What a file of an upload is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum FileRole {
    /// ADSL, ADAE, ADTTE or the screening log, in the data part.
    Dataset,
    /// The randomization list of a blinded cut (`randlist.csv`).
    RandomizationList,
    /// Data management's own registration of the cut (`manifest.json`).
    Manifest,
}

/// A file written to staging.
#[derive(Clone, Debug, serde::Serialize)]
pub struct StagedFile {
    pub role: FileRole,
    /// The name it is kept under in the cut.
    pub name: String,
    pub bytes: u64,
    pub sha256: String,
}

/// Where an upload's check stands.
#[derive(Clone, Debug)]
pub enum Outcome {
    Checking,
    Passed(CheckReport),
    Failed(Problems),
}

/// An upload written whole to staging, being checked or checked.
#[derive(Debug)]
pub struct Staged {
    pub id: String,
    pub trial: String,
    pub username: String,
    pub cut_date: NaiveDate,
    pub blinded: bool,
    /// Its folder in staging (`.staging/<id>`).
    pub home: PathBuf,
    /// The cut folder inside it (`cut-YYYY-MM-DD`).
    pub cut_dir: PathBuf,
    pub files: Vec<StagedFile>,
    pub progress: Progress,
    pub outcome: Mutex<Outcome>,
    /// When it was received (UTC, RFC 3339).
    pub received_at: String,
}

impl Staged {
    pub fn outcome(&self) -> Outcome {
        self.outcome
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The data part's folder in the cut (`blinded` or `unblinded`).
    pub fn part_dir(&self) -> PathBuf {
        self.cut_dir.join(part_of(self.blinded))
    }

    /// A problem's file named within the cut (`blinded/adsl.csv`), not by
    /// its place in staging.
    pub fn shown(&self, p: &Problem) -> Problem {
        p.within(&self.cut_dir)
    }
}

fn part_of(blinded: bool) -> &'static str {
    if blinded {
        layout::BLINDED
    } else {
        layout::UNBLINDED
    }
}

/// Why a file could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{name} is larger than the limit of {limit} bytes per file")]
    TooLarge { name: String, limit: u64 },
    #[error("{name}: no space left to stage the upload (nothing was kept)")]
    Full { name: String },
    #[error("{name}: {message}")]
    Bad { name: String, message: String },
    #[error("{name} cannot be written: {source}")]
    Io {
        name: String,
        #[source]
        source: std::io::Error,
    },
}

/// Staging: the folder, the limits and the uploads held.
pub struct Staging {
    root: PathBuf,
    pub limits: Limits,
    uploads: Mutex<HashMap<String, Arc<Staged>>>,
    /// Uploads being written: (trial, cut date, user), so that two uploads
    /// of one cut cannot be written at once.
    writing: Reserved,
    /// Bytes held in staging now (for the quota).
    used: Arc<AtomicU64>,
}

type Reserved = Arc<Mutex<Vec<(String, NaiveDate, String)>>>;

/// The most uploads one statistician may hold for a trial at once
/// (written or being written, not yet registered or discarded).
pub const MAX_PENDING: usize = 4;

/// Why an upload cannot begin.
#[derive(Debug, thiserror::Error)]
pub enum BeginError {
    #[error("an upload of the cut dated {0} is being sent or waits to be registered or discarded already")]
    Held(NaiveDate),
    #[error("you hold {MAX_PENDING} uploads of this trial already; register or discard one first")]
    TooMany,
    #[error("the staging folder cannot be written: {0}")]
    Io(#[from] std::io::Error),
}

impl Staging {
    /// Staging under the data folder `data`.
    pub fn new(data: &Path, limits: Limits) -> Self {
        let root = data.join(STAGING);
        Staging {
            root,
            limits,
            uploads: Mutex::new(HashMap::new()),
            writing: Arc::new(Mutex::new(Vec::new())),
            used: Arc::new(AtomicU64::new(0)),
        }
    }

    /// Remove what an earlier process left in staging (at start).
    pub fn clear(&self) -> std::io::Result<()> {
        match std::fs::remove_dir_all(&self.root) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Start an upload of `trial`'s cut `cut_date` by `username`.
    pub fn begin(
        &self,
        trial: &str,
        username: &str,
        cut_date: NaiveDate,
        blinded: bool,
    ) -> Result<Pending, BeginError> {
        let key = (trial.to_string(), cut_date, username.to_string());
        {
            // One upload per cut at a time, a few per statistician.
            let mut writing = self.writing.lock().unwrap_or_else(|e| e.into_inner());
            let uploads = self.uploads.lock().unwrap_or_else(|e| e.into_inner());
            if writing.iter().any(|(t, d, _)| t == trial && *d == cut_date)
                || uploads
                    .values()
                    .any(|s| s.trial == trial && s.cut_date == cut_date)
            {
                return Err(BeginError::Held(cut_date));
            }
            let mine = writing
                .iter()
                .filter(|(t, _, u)| t == trial && u == username)
                .count()
                + uploads
                    .values()
                    .filter(|s| s.trial == trial && s.username == username)
                    .count();
            if mine >= MAX_PENDING {
                return Err(BeginError::TooMany);
            }
            writing.push(key.clone());
        }
        let id = crate::server::store::random_hex(12);
        let home = self.root.join(&id);
        let cut_dir = home.join(layout::cut_folder_name(cut_date));
        if let Err(e) = std::fs::create_dir_all(cut_dir.join(part_of(blinded))) {
            release(&self.writing, &key);
            let _ = std::fs::remove_dir_all(&home);
            return Err(e.into());
        }
        Ok(Pending {
            writing: self.writing.clone(),
            key,
            staged: Some(Staged {
                id,
                trial: trial.to_string(),
                username: username.to_string(),
                cut_date,
                blinded,
                home,
                cut_dir,
                files: Vec::new(),
                progress: Progress::new(),
                outcome: Mutex::new(Outcome::Checking),
                received_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            }),
            limits: self.limits.clone(),
            used: self.used.clone(),
            written: 0,
        })
    }

    /// Keep a written upload (it can now be checked, listed, registered).
    pub fn keep(&self, mut pending: Pending) -> Arc<Staged> {
        let staged = Arc::new(pending.staged.take().expect("an upload not kept yet"));
        self.uploads
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(staged.id.clone(), staged.clone());
        release(&self.writing, &pending.key);
        // Its bytes stay counted until it is removed.
        drop(pending);
        staged
    }

    /// The upload `id`.
    pub fn get(&self, id: &str) -> Option<Arc<Staged>> {
        self.uploads
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(id)
            .cloned()
    }

    /// The uploads of `trial` by `username`, oldest first.
    pub fn of(&self, trial: &str, username: &str) -> Vec<Arc<Staged>> {
        let mut out: Vec<Arc<Staged>> = self
            .uploads
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .values()
            .filter(|s| s.trial == trial && s.username == username)
            .cloned()
            .collect();
        out.sort_by(|a, b| a.received_at.cmp(&b.received_at).then(a.id.cmp(&b.id)));
        out
    }

    /// Whether an upload of `trial`'s cut `date` is held or being written
    /// (by anyone).
    pub fn holds(&self, trial: &str, date: NaiveDate) -> bool {
        let writing = self.writing.lock().unwrap_or_else(|e| e.into_inner());
        writing.iter().any(|(t, d, _)| t == trial && *d == date)
            || self
                .uploads
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .values()
                .any(|s| s.trial == trial && s.cut_date == date)
    }

    /// Take the upload `id` out of staging's list (a second caller finds
    /// nothing): to register or discard it, then [`Staging::forget`] it, or
    /// [`Staging::put_back`] when that fails.
    pub fn take(&self, id: &str) -> Option<Arc<Staged>> {
        self.uploads
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(id)
    }

    /// List a taken upload again.
    pub fn put_back(&self, staged: Arc<Staged>) {
        self.uploads
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(staged.id.clone(), staged);
    }

    /// A taken upload is done with: what is left of its folder is removed
    /// and its bytes no longer count against the quota.
    pub fn forget(&self, staged: &Staged) {
        let bytes: u64 = staged.files.iter().map(|f| f.bytes).sum();
        let _ = self
            .used
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |u| {
                Some(u.saturating_sub(bytes))
            });
        let _ = std::fs::remove_dir_all(&staged.home);
    }

    /// Forget the upload `id` and remove what is left of its folder.
    pub fn remove(&self, id: &str) {
        if let Some(s) = self.take(id) {
            self.forget(&s);
        }
    }

    /// Check the upload with exactly the checks of `dsmb check` (plus what
    /// registering it needs: a blinded cut's randomization list), off the
    /// async runtime; problems name files within the cut. The outcome is
    /// returned, not kept: see [`Staging::set_outcome`].
    pub async fn check(staged: Arc<Staged>, config: TrialConfig) -> Outcome {
        let s = staged.clone();
        let outcome = tokio::task::spawn_blocking(move || {
            let list = s.cut_dir.join(RANDOMIZATION_LIST);
            let req = CheckRequest {
                dir: s.part_dir(),
                blinded: s.blinded,
                cut_date: Some(s.cut_date),
                randlist: list.is_file().then_some(list),
            };
            let mut problems = upload_problems(&s, &config);
            match check_cut(&config, &req, &s.progress) {
                Ok(report) if problems.is_empty() => Outcome::Passed(report),
                Ok(_) => Outcome::Failed(Problems(problems)),
                Err(p) => {
                    let mut all: Vec<Problem> = p.0.iter().map(|p| s.shown(p)).collect();
                    all.append(&mut problems);
                    Outcome::Failed(Problems(all))
                }
            }
        })
        .await
        .unwrap_or_else(|e| {
            Outcome::Failed(Problems::from(Problem::file(
                ".",
                &format!("the check stopped: {e}"),
            )))
        });
        outcome
    }

    /// Set the upload's outcome (once it is recorded: an outcome nobody
    /// recorded is not one to register on).
    pub fn set_outcome(staged: &Staged, outcome: Outcome) {
        *staged.outcome.lock().unwrap_or_else(|e| e.into_inner()) = outcome;
    }
}

/// What an upload needs beyond `dsmb check` to be registered (the
/// manifest's own rules are registration's: `arrive::place`).
fn upload_problems(s: &Staged, _config: &TrialConfig) -> Vec<Problem> {
    let mut out = Vec::new();
    if s.blinded && !s.cut_dir.join(RANDOMIZATION_LIST).is_file() {
        out.push(Problem::file(
            RANDOMIZATION_LIST,
            "a blinded cut needs its randomization list (USUBJID, ARMCD) as a separate upload: without it the DSMB's views of the cut have no arms",
        ));
    }
    out
}
