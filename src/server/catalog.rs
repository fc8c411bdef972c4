//! The trials the server knows, found in a data folder: one sub-folder per
//! trial holding its `trial.toml` and its data cuts (`cut-YYYY-MM-DD/`).
//!
//! A cut that fails its checks never replaces a good one: the catalog serves
//! the newest cut that loads, and keeps the problems of the others to show.

use super::cut::{self, LoadOptions, Snapshot};
use super::problem::Problems;
use super::report;
use super::trial::{TrialConfig, TrialConfigError};
use crate::dto::{CumulativePoint, EnrollmentSummary, Projection, SiteCount};
use std::path::{Path, PathBuf};

/// A cut that could not be loaded, and why.
#[derive(Clone, Debug)]
pub struct RejectedCut {
    pub dir: PathBuf,
    pub problems: Problems,
}

/// A cut that passed its checks and can be shown, with its pooled
/// enrollment.
#[derive(Clone, Debug)]
pub struct ServedCut {
    /// The cut date, `YYYY-MM-DD` (what the pages' cut picker names).
    pub date: String,
    pub dir: PathBuf,
    pub enrollment: EnrollmentSummary,
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
    #[error("{0}: cannot list the folder: {1}")]
    Io(String, std::io::Error),
    #[error(transparent)]
    Config(#[from] TrialConfigError),
    #[error("{0}: the trial has no data cut (expected a folder named cut-YYYY-MM-DD)")]
    NoCut(String),
    #[error("{dir}: no cut of the trial passes its checks; the newest fails with:\n{problems}")]
    NoGoodCut { dir: String, problems: Problems },
}

fn list_dirs(dir: &Path) -> Result<Vec<PathBuf>, CatalogError> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| CatalogError::Io(dir.display().to_string(), e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    Ok(dirs)
}

/// The cut folders of a trial, oldest first (their names sort by date).
pub fn cut_dirs(trial_dir: &Path) -> Result<Vec<PathBuf>, CatalogError> {
    Ok(list_dirs(trial_dir)?
        .into_iter()
        .filter(|p| {
            cut::cut_date_from_path(p).is_some()
                && p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("cut-"))
        })
        .collect())
}

/// The folder the pooled (open) view is computed from: the cut's `blinded/`
/// part when present, else `unblinded/` (read with arm columns dropped), else
/// the cut folder itself.
pub fn open_data_dir(cut: &Path) -> PathBuf {
    ["blinded", "unblinded"]
        .iter()
        .map(|d| cut.join(d))
        .find(|p| p.is_dir())
        .unwrap_or_else(|| cut.to_path_buf())
}

/// Pooled enrollment of a snapshot, for the overview page.
pub fn enrollment_summary(config: &TrialConfig, snap: &Snapshot) -> EnrollmentSummary {
    let (by_site, cumulative) = report::enrollment_by_site_and_day(snap);
    let mut summary = EnrollmentSummary {
        trial_id: config.id.clone(),
        trial_title: config.title.clone(),
        cut_date: snap.cut_date.to_string(),
        total: u32::try_from(snap.adsl.height()).unwrap_or(u32::MAX),
        target: config.enrollment.target,
        by_site: by_site
            .into_iter()
            .map(|(site, enrolled)| SiteCount { site, enrolled })
            .collect(),
        cumulative: cumulative
            .into_iter()
            .map(|(d, enrolled)| CumulativePoint {
                date: d.format("%Y-%m-%d").to_string(),
                enrolled,
            })
            .collect(),
        projection: None,
        viewer_role: String::new(),
        chart: Default::default(),
        cuts: Vec::new(),
        follow_up: super::completeness::follow_up(snap, config).ok().flatten(),
        timeliness: super::completeness::timeliness(snap, registered_at(&snap.dir)).ok(),
    }
    .with_projection(config, snap.cut_date);
    summary.chart = super::figures::enrollment(&summary);
    summary
}

/// When the cut holding `dir` was registered, from its manifest.
fn registered_at(dir: &Path) -> Option<String> {
    super::manifest::Manifest::find(dir)
        .ok()
        .flatten()
        .map(|(m, _)| m.registered_at)
}

/// Days over which the recent accrual rate is measured.
pub const ACCRUAL_WINDOW_DAYS: i64 = 180;

impl EnrollmentSummary {
    /// Add the projected date of the next planned look: the first look whose
    /// subjects (fraction x target) are not all randomized by the cut, at a
    /// constant accrual rate equal to the mean over the last 180 days before
    /// the cut (or since the first randomization, if later), plus the primary
    /// endpoint's follow-up horizon. Time-to-event looks are counted in
    /// events and need an event model: none is projected for them.
    fn with_projection(mut self, config: &TrialConfig, cut: chrono::NaiveDate) -> Self {
        use super::trial::EndpointKind;
        if config.design.endpoint == EndpointKind::TimeToEvent {
            return self;
        }
        let parse = |d: &str| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok();
        let Some(first) = self.cumulative.first().and_then(|p| parse(&p.date)) else {
            return self;
        };
        let window_start = std::cmp::max(first, cut - chrono::Duration::days(ACCRUAL_WINDOW_DAYS));
        let days = (cut - window_start).num_days().max(1);
        let before: u32 = self
            .cumulative
            .iter()
            .rev()
            .find(|p| parse(&p.date).is_some_and(|d| d < window_start))
            .map_or(0, |p| p.enrolled);
        let in_window = self.total.saturating_sub(before);
        if in_window == 0 {
            return self;
        }
        let per_day = f64::from(in_window) / days as f64;
        let horizon = config.primary.horizon.unwrap_or(0.0).ceil() as i64;
        let next = config
            .design
            .looks
            .iter()
            .enumerate()
            .find(|(_, f)| (*f * f64::from(self.target)).ceil() as u32 > self.total);
        let Some((i, &fraction)) = next else {
            return self;
        };
        let needed = (fraction * f64::from(self.target)).ceil() as u32;
        let to_go = f64::from(needed - self.total);
        let randomized_by = cut + chrono::Duration::days((to_go / per_day).ceil() as i64);
        let look_date = randomized_by + chrono::Duration::days(horizon);
        self.projection = Some(Projection {
            look: i + 1,
            fraction,
            subjects_needed: needed,
            rate_per_month: per_day * 30.0,
            randomized_by: randomized_by.format("%Y-%m-%d").to_string(),
            look_date: look_date.format("%Y-%m-%d").to_string(),
            model: format!(
                "constant accrual at the mean rate of the {days} days before the cut ({in_window} randomized){}",
                if horizon > 0 {
                    format!(", plus the {horizon}-day follow-up of the primary endpoint")
                } else {
                    String::new()
                }
            ),
        });
        self
    }
}

/// The closed (by-arm) report of a cut: from its `unblinded/` part when
/// present, else from `blinded/` with the cut's randomization list. Only
/// closed roles' server functions reach this.
pub fn closed_report(config: &TrialConfig, cut_dir: &Path) -> Result<report::ClosedReport, String> {
    let unblinded = cut_dir.join("unblinded");
    let snap = if unblinded.is_dir() {
        cut::load(&unblinded, config, &LoadOptions::closed(None))
    } else {
        let randlist = cut_dir.join("randlist.csv");
        cut::load(
            &cut_dir.join("blinded"),
            config,
            &LoadOptions::closed(Some(randlist)),
        )
    }
    .map_err(|p| p.to_string())?;
    report::closed_report(&snap, config).map_err(|e| e.to_string())
}

/// The open (pooled) report of a cut, from its open data folder at the
/// open level: arm columns are never read, the randomization list never
/// opened.
pub fn open_report(config: &TrialConfig, cut_dir: &Path) -> Result<report::OpenReport, String> {
    let snap = cut::load(&open_data_dir(cut_dir), config, &LoadOptions::open())
        .map_err(|p| p.to_string())?;
    report::open_report(&snap, config).map_err(|e| e.to_string())
}

impl Catalog {
    /// Load every trial under `root` (folders with a `trial.toml`).
    pub fn load(root: &Path) -> Result<Self, CatalogError> {
        let mut trials = Vec::new();
        for dir in list_dirs(root)? {
            let toml = dir.join("trial.toml");
            if !toml.is_file() {
                continue;
            }
            let config = TrialConfig::load(&toml)?;
            let cuts = cut_dirs(&dir)?;
            if cuts.is_empty() {
                return Err(CatalogError::NoCut(dir.display().to_string()));
            }
            // Every cut is checked; those that pass can be shown (newest by
            // default), those that fail are listed with their problems.
            let mut rejected = Vec::new();
            let mut good = Vec::new();
            for cut_dir in cuts.iter().rev() {
                match cut::load(&open_data_dir(cut_dir), &config, &LoadOptions::open()) {
                    Ok(snap) => good.push(ServedCut {
                        date: snap.cut_date.format("%Y-%m-%d").to_string(),
                        dir: cut_dir.clone(),
                        enrollment: enrollment_summary(&config, &snap),
                    }),
                    Err(problems) => rejected.push(RejectedCut {
                        dir: cut_dir.clone(),
                        problems,
                    }),
                }
            }
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
