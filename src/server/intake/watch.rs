//! The folder watch: a cut folder that data management drops into a
//! trial's folder (sftp, a shared drive) is picked up without a restart.
//! The trials' folders are scanned on an interval; a new `cut-YYYY-MM-DD`
//! folder is taken only once it has been quiet (no file added, removed,
//! grown or touched) for the quiet period, or for one short period when it
//! holds a manifest (`dsmb register` writes the manifest last). A rejected
//! folder that changes afterwards (data management fixing it in place) is
//! taken again once quiet. See docs/DATA.md.

use crate::server::catalog::Catalog;
use crate::server::data::layout;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

/// How long a folder with a manifest must stay unchanged.
pub const MANIFEST_QUIET: Duration = Duration::from_secs(2);

/// What the files of a folder are now: path, size and modification time
/// of each, sorted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fingerprint(Vec<(PathBuf, u64, Option<SystemTime>)>);

/// The fingerprint of the folder `dir` and everything under it.
pub fn fingerprint(dir: &Path) -> Fingerprint {
    fn walk(dir: &Path, out: &mut Vec<(PathBuf, u64, Option<SystemTime>)>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.filter_map(Result::ok) {
            let p = e.path();
            match e.metadata() {
                Ok(m) if m.is_dir() => {
                    out.push((p.clone(), 0, m.modified().ok()));
                    walk(&p, out);
                }
                Ok(m) => out.push((p, m.len(), m.modified().ok())),
                Err(_) => out.push((p, u64::MAX, None)),
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, &mut out);
    out.sort();
    Fingerprint(out)
}

/// What the watch has seen between scans.
#[derive(Debug)]
pub struct Watch {
    quiet: Duration,
    /// New folders: how they looked, and since when.
    seen: HashMap<PathBuf, (Fingerprint, Instant)>,
    /// Rejected folders: how they looked when rejected (or first seen).
    rejected: HashMap<PathBuf, Fingerprint>,
}

impl Watch {
    pub fn new(quiet: Duration) -> Self {
        Watch {
            quiet,
            seen: HashMap::new(),
            rejected: HashMap::new(),
        }
    }

    /// The cut folders of `catalog`'s trials that are due to be checked
    /// at `now` (blocking: it lists folders): `(trial, folder)`.
    pub fn due(&mut self, catalog: &Catalog, now: Instant) -> Vec<(String, PathBuf)> {
        let mut due = Vec::new();
        for entry in &catalog.trials {
            let Ok(dirs) = layout::cut_dirs(&entry.dir) else {
                continue;
            };
            for dir in dirs {
                if entry.cuts.iter().any(|c| c.dir == dir) {
                    continue;
                }
                let now_fp = fingerprint(&dir);
                if entry.rejected.iter().any(|r| r.dir == dir) {
                    let base = self.rejected.entry(dir.clone()).or_insert(now_fp.clone());
                    if *base == now_fp {
                        continue;
                    }
                }
                let quiet = if dir.join(layout::MANIFEST).is_file() {
                    MANIFEST_QUIET.min(self.quiet)
                } else {
                    self.quiet
                };
                match self.seen.get(&dir) {
                    Some((fp, since)) if *fp == now_fp => {
                        if now.duration_since(*since) >= quiet {
                            due.push((entry.config.id.clone(), dir.clone()));
                        }
                    }
                    _ => {
                        self.seen.insert(dir.clone(), (now_fp, now));
                    }
                }
            }
        }
        due
    }

    /// `dir` was checked: served, or rejected as it is now.
    pub fn taken(&mut self, dir: &Path, rejected: bool) {
        if let Some((fp, _)) = self.seen.remove(dir) {
            if rejected {
                self.rejected.insert(dir.to_path_buf(), fp);
            } else {
                self.rejected.remove(dir);
            }
        }
    }
}
