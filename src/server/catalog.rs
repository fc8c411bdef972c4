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
use super::firewall::open_snapshot;
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
}

impl TrialEntry {
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
        self.cuts
            .iter()
            .take_while(|c| c.date.as_str() < date)
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
    pub trials: Vec<TrialEntry>,
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
                let served = open_snapshot(&config, cut_dir).and_then(|snap| {
                    let pooled = pooled_cut(&snap, &config).map(Arc::new).map_err(|e| {
                        Problems::from(Problem::file(
                            &cut_dir.display().to_string(),
                            &format!("the pooled counts cannot be computed: {e}"),
                        ))
                    })?;
                    let served = ServedCut {
                        date: snap.cut_date.format("%Y-%m-%d").to_string(),
                        dir: cut_dir.clone(),
                        enrollment: enrollment_summary(&config, &snap),
                        pooled,
                        open_fraction: open_fraction(&snap, &config).ok().flatten(),
                        changes_since_previous: None,
                        manifest_sha256: crate::server::data::manifest::manifest_sha256(cut_dir),
                    };
                    Ok((served, snap))
                });
                match served {
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
            trials.push(TrialEntry {
                config,
                dir,
                cuts: good,
                rejected,
            });
        }
        trials.sort_by(|a, b| a.config.id.cmp(&b.config.id));
        Ok(Catalog { trials })
    }

    /// The trial with identifier `id`.
    pub fn trial(&self, id: &str) -> Option<&TrialEntry> {
        self.trials.iter().find(|t| t.config.id == id)
    }
}
