//! The trials the server knows, found in a data folder: one sub-folder per
//! trial holding its `trial.toml` and its data cuts (`cut-YYYY-MM-DD/`).
//!
//! A cut that fails its checks never replaces a good one: the catalog serves
//! the newest cut that loads, and keeps the problems of the others to show.
//! Each good cut is checked at the open level, and its pooled enrollment is
//! kept (the overview's data and the start-up log read it).
//!
//! May not: load a cut at the closed level, or build page data.

use super::config::{TrialConfig, TrialConfigError};
use super::data::layout::{self, ListError};
use super::data::problem::{Problem, Problems};
use super::firewall::{open_snapshot, OpenSnapshot};
use super::report::diff::{open_changes, open_fraction, KindCount};
use super::report::enrollment::enrollment_summary;
use super::report::{pooled_cut, PooledCounts, PooledCut};
use crate::dto::EnrollmentSummary;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A cut that could not be loaded, and why.
#[derive(Clone, Debug)]
pub struct RejectedCut {
    pub dir: PathBuf,
    pub problems: Problems,
}

/// A cut that passed its checks and can be shown, with its pooled
/// enrollment (without its chart, which `server::views` draws).
#[derive(Clone, Debug)]
pub struct ServedCut {
    /// The cut date, `YYYY-MM-DD` (what the pages' cut picker names).
    pub date: String,
    pub dir: PathBuf,
    pub enrollment: EnrollmentSummary,
    /// The pooled numbers before suppression (never shown as they are):
    /// the open report of this cut is made from them, and the later cuts'
    /// are checked against their counts.
    pub pooled: Arc<PooledCut>,
    /// The pooled information fraction of the cut (see
    /// `report::diff::open_fraction`), for "since the last review".
    pub open_fraction: Option<f64>,
    /// The changed records against the previous good cut, counted by kind
    /// at the open level (`report::diff::open_changes`): the sponsor's
    /// default "since the last review" without reading two cuts again.
    /// `None` for the first good cut, or when they could not be counted.
    pub changes_since_previous: Option<Arc<Vec<KindCount>>>,
    /// The SHA-256 of the cut's manifest, when it is registered (the
    /// report documents record it).
    pub manifest_sha256: Option<String>,
}

/// One trial: its cuts that pass their checks (oldest first, never empty;
/// the newest is shown unless the viewer picks another) and those that
/// do not.
#[derive(Clone, Debug)]
pub struct TrialEntry {
    pub config: TrialConfig,
    pub dir: PathBuf,
    pub cuts: Vec<ServedCut>,
    pub rejected: Vec<RejectedCut>,
    /// Cuts served once and withdrawn while the server ran (their folder
    /// no longer is what was registered): never shown again, but their
    /// pooled counts stay in the series the sponsor's numbers are
    /// suppressed against, as the sponsor saw them.
    pub withdrawn: Vec<ServedCut>,
}

impl TrialEntry {
    /// This entry under the configuration `config` (the same trial with
    /// looks declared in the app): the served cuts' next look projected
    /// again, nothing else read.
    pub fn with_config(&self, config: TrialConfig) -> TrialEntry {
        let reproject = |c: &ServedCut| {
            let mut c = c.clone();
            if let Ok(date) = chrono::NaiveDate::parse_from_str(&c.date, "%Y-%m-%d") {
                c.enrollment = c.enrollment.clone().with_projection(&config, date);
            }
            c
        };
        TrialEntry {
            cuts: self.cuts.iter().map(reproject).collect(),
            withdrawn: self.withdrawn.clone(),
            rejected: self.rejected.clone(),
            dir: self.dir.clone(),
            config,
        }
    }

    /// The newest good cut: the one served by default.
    pub fn latest(&self) -> &ServedCut {
        self.cuts
            .last()
            .expect("a catalog entry has at least one good cut")
    }

    /// The good cut dated `date`, or the newest when `date` is `None`.
    pub fn cut(&self, date: Option<&str>) -> Option<&ServedCut> {
        match date {
            None => Some(self.latest()),
            Some(d) => self.cuts.iter().find(|c| c.date == d),
        }
    }

    /// The pooled counts of the good cuts before the one dated `date`,
    /// oldest first (what the sponsor can see before it).
    pub fn pooled_before(&self, date: &str) -> Vec<PooledCounts> {
        let mut before: Vec<&ServedCut> = self
            .cuts
            .iter()
            .chain(&self.withdrawn)
            .filter(|c| c.date.as_str() < date)
            .collect();
        before.sort_by(|a, b| a.date.cmp(&b.date));
        before
            .into_iter()
            .map(|c| c.pooled.counts.clone())
            .collect()
    }

    /// The good cuts' dates, newest first.
    pub fn cut_dates(&self) -> Vec<String> {
        self.cuts.iter().rev().map(|c| c.date.clone()).collect()
    }
}

/// All trials found under the data folder, sorted by id.
#[derive(Clone, Debug, Default)]
pub struct Catalog {
    /// Shared, so that a catalog with one more cut shares every other
    /// trial with the one it replaces.
    pub trials: Vec<Arc<TrialEntry>>,
}

#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error(transparent)]
    List(#[from] ListError),
    #[error(transparent)]
    Config(#[from] TrialConfigError),
    #[error("{0}: the trial has no data cut (expected a folder named cut-YYYY-MM-DD)")]
    NoCut(String),
    #[error("{dir}: no cut of the trial passes its checks; the newest fails with:\n{problems}")]
    NoGoodCut { dir: String, problems: Problems },
}

impl Catalog {
    /// Load every trial under `root` (folders with a `trial.toml`).
    pub fn load(root: &Path) -> Result<Self, CatalogError> {
        let mut trials = Vec::new();
        for dir in layout::trial_dirs(root)? {
            let config = TrialConfig::load(&dir.join(layout::TRIAL_CONFIG))?;
            let cuts = layout::cut_dirs(&dir)?;
            if cuts.is_empty() {
                return Err(CatalogError::NoCut(dir.display().to_string()));
            }
            // Every cut is checked; those that pass can be shown (newest by
            // default), those that fail are listed with their problems.
            let mut rejected = Vec::new();
            let mut good: Vec<ServedCut> = Vec::new();
            // The newer good cut's open snapshot, kept until the next good
            // (older) cut is read, to count the records changed between them.
            let mut newer = None;
            for cut_dir in cuts.iter().rev() {
                match serve_cut(&config, cut_dir) {
                    Ok((s, snap)) => {
                        if let (Some(later), Some(n)) = (newer.take(), good.last_mut()) {
                            n.changes_since_previous =
                                open_changes(&snap, &later, &config).ok().map(Arc::new);
                        }
                        newer = Some(snap);
                        good.push(s);
                    }
                    Err(problems) => rejected.push(RejectedCut {
                        dir: cut_dir.clone(),
                        problems,
                    }),
                }
            }
            drop(newer);
            if good.is_empty() {
                let first = rejected.remove(0);
                return Err(CatalogError::NoGoodCut {
                    dir: first.dir.display().to_string(),
                    problems: first.problems,
                });
            }
            good.reverse();
            trials.push(Arc::new(TrialEntry {
                config,
                dir,
                cuts: good,
                rejected,
                withdrawn: Vec::new(),
            }));
        }
        trials.sort_by(|a, b| a.config.id.cmp(&b.config.id));
        Ok(Catalog { trials })
    }

    /// The trial with identifier `id`.
    pub fn trial(&self, id: &str) -> Option<&TrialEntry> {
        self.trials.iter().find(|t| t.config.id == id).map(|t| &**t)
    }

    /// The trial with identifier `id`, shared (it outlives the catalog).
    pub fn entry(&self, id: &str) -> Option<Arc<TrialEntry>> {
        self.trials.iter().find(|t| t.config.id == id).cloned()
    }

    /// This catalog with `trial`'s entry replaced by `entry` (the other
    /// trials shared, not copied).
    pub fn with_entry(&self, entry: TrialEntry) -> Catalog {
        let id = entry.config.id.clone();
        let entry = Arc::new(entry);
        Catalog {
            trials: self
                .trials
                .iter()
                .map(|t| {
                    if t.config.id == id {
                        entry.clone()
                    } else {
                        t.clone()
                    }
                })
                .collect(),
        }
    }
}

/// Check the cut in `cut_dir` at the open level, as the catalog serves it:
/// its pooled numbers and enrollment, and the open snapshot (to count the
/// records changed against a neighbouring cut).
pub fn serve_cut(
    config: &TrialConfig,
    cut_dir: &Path,
) -> Result<(ServedCut, OpenSnapshot), Problems> {
    let snap = open_snapshot(config, cut_dir)?;
    let pooled = pooled_cut(&snap, config).map(Arc::new).map_err(|e| {
        Problems::from(Problem::file(
            &cut_dir.display().to_string(),
            &format!("the pooled counts cannot be computed: {e}"),
        ))
    })?;
    let served = ServedCut {
        date: snap.cut_date.format("%Y-%m-%d").to_string(),
        dir: cut_dir.to_path_buf(),
        enrollment: enrollment_summary(config, &snap),
        pooled,
        open_fraction: open_fraction(&snap, config).ok().flatten(),
        changes_since_previous: None,
        manifest_sha256: crate::server::data::manifest::manifest_sha256(cut_dir),
    };
    Ok((served, snap))
}

impl TrialEntry {
    /// Whether the cut folder `dir` is known to the entry, served or rejected.
    pub fn knows(&self, dir: &Path) -> bool {
        self.cuts.iter().any(|c| c.dir == dir) || self.rejected.iter().any(|r| r.dir == dir)
    }

    /// The entry with the cut in `cut_dir` listed as rejected with
    /// `problems` (found before it could be served).
    pub fn with_rejected(&self, cut_dir: &Path, problems: Problems) -> TrialEntry {
        let mut next = self.clone();
        next.rejected.retain(|r| r.dir != cut_dir);
        next.rejected.push(RejectedCut {
            dir: cut_dir.to_path_buf(),
            problems,
        });
        next
    }

    /// The entry with the served cut in `cut_dir` withdrawn (its folder is
    /// no longer what was registered) and listed as rejected with
    /// `problems`; `None` when it is the entry's only served cut (an entry
    /// always has one; every load of it refuses it all the same).
    pub fn with_withdrawn(&self, cut_dir: &Path, problems: Problems) -> Option<TrialEntry> {
        if self.cuts.len() < 2 {
            return None;
        }
        let at = self.cuts.iter().position(|c| c.dir == cut_dir)?;
        let mut next = self.clone();
        let cut = next.cuts.remove(at);
        next.withdrawn.push(cut);
        next.rejected.retain(|r| r.dir != cut_dir);
        next.rejected.push(RejectedCut {
            dir: cut_dir.to_path_buf(),
            problems,
        });
        Some(next)
    }

    /// The served cuts whose folders are no longer exactly what was
    /// registered (blocking: it lists their folders), with the problems.
    pub fn tampered(&self) -> Vec<(PathBuf, Problems)> {
        self.cuts
            .iter()
            .filter_map(|c| {
                crate::server::data::tree::verify(&c.dir)
                    .err()
                    .map(|p| (c.dir.clone(), p))
            })
            .collect()
    }

    /// The entry with the cut in `cut_dir` added: served when it passes its
    /// checks and is dated after every served cut (the open reports of the
    /// served cuts are suppressed against the cuts before them, so an
    /// arrival may not slip in between), rejected with its problems
    /// otherwise. Returns the new entry and the cut's problems, if any.
    pub fn with_arrival(&self, cut_dir: &Path) -> (TrialEntry, Option<Problems>) {
        let mut next = self.clone();
        next.rejected.retain(|r| r.dir != cut_dir);
        let newest = self.latest().date.clone();
        let outcome = serve_cut(&self.config, cut_dir).and_then(|(served, snap)| {
            if served.date <= newest {
                return Err(Problems::from(Problem::file(
                    &cut_dir.display().to_string(),
                    &format!(
                        "the cut is dated {}, not after the newest served cut ({newest}): \
                         a cut arriving while the server runs must be the newest \
                         (an older one is served after a restart)",
                        served.date
                    ),
                )));
            }
            Ok((served, snap))
        });
        match outcome {
            Ok((mut served, snap)) => {
                // The changed records against the newest served cut, as at
                // start-up (read again: the catalog keeps no snapshot).
                let latest = self.latest();
                served.changes_since_previous = open_snapshot(&self.config, &latest.dir)
                    .ok()
                    .and_then(|old| open_changes(&old, &snap, &self.config).ok())
                    .map(Arc::new);
                next.cuts.push(served);
                (next, None)
            }
            Err(problems) => {
                next.rejected.push(RejectedCut {
                    dir: cut_dir.to_path_buf(),
                    problems: problems.clone(),
                });
                (next, Some(problems))
            }
        }
    }
}
