//! The trials the server knows, found in a data folder: one sub-folder per
//! trial holding its `trial.toml` and its data cuts (`cut-YYYY-MM-DD/`).

use super::ingest::{self, IngestError};
use super::trial::{TrialConfig, TrialConfigError};
use crate::dto::{CumulativePoint, EnrollmentSummary, SiteCount};
use std::path::{Path, PathBuf};

/// One trial and the pooled enrollment of its latest cut.
#[derive(Clone, Debug)]
pub struct TrialEntry {
    pub config: TrialConfig,
    pub dir: PathBuf,
    pub latest_cut: PathBuf,
    pub enrollment: EnrollmentSummary,
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
    #[error(transparent)]
    Ingest(#[from] IngestError),
    #[error("{0}: the trial has no data cut (expected a folder named cut-YYYY-MM-DD)")]
    NoCut(String),
    #[error("{0}: the cut has neither an unblinded/ nor a blinded/ folder")]
    EmptyCut(String),
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
            p.file_name()
                .and_then(|s| s.to_str())
                .and_then(|s| s.strip_prefix("cut-"))
                .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                .is_some()
        })
        .collect())
}

/// The folder holding a cut's datasets: its `unblinded/` part when present
/// (the statistician's copy), else `blinded/`.
pub fn cut_data_dir(cut: &Path) -> Result<PathBuf, CatalogError> {
    ["unblinded", "blinded"]
        .iter()
        .map(|d| cut.join(d))
        .find(|p| p.is_dir())
        .ok_or_else(|| CatalogError::EmptyCut(cut.display().to_string()))
}

/// Pooled enrollment of the cut in `data_dir` for `config`.
pub fn enrollment_summary(
    config: &TrialConfig,
    cut_date: &str,
    data_dir: &Path,
) -> Result<EnrollmentSummary, IngestError> {
    let adsl = ingest::read_dataset(data_dir, "adsl")?;
    let counts = ingest::enrollment(&adsl, "RANDDT")?;
    Ok(EnrollmentSummary {
        trial_id: config.id.clone(),
        trial_title: config.title.clone(),
        cut_date: cut_date.to_string(),
        total: counts.total,
        target: config.enrollment.target,
        by_site: counts
            .by_site
            .into_iter()
            .map(|(site, enrolled)| SiteCount { site, enrolled })
            .collect(),
        cumulative: counts
            .cumulative
            .into_iter()
            .map(|(d, enrolled)| CumulativePoint {
                date: d.format("%Y-%m-%d").to_string(),
                enrolled,
            })
            .collect(),
    })
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
            let latest_cut = cuts
                .last()
                .cloned()
                .ok_or_else(|| CatalogError::NoCut(dir.display().to_string()))?;
            let cut_date = latest_cut
                .file_name()
                .and_then(|s| s.to_str())
                .and_then(|s| s.strip_prefix("cut-"))
                .unwrap_or_default()
                .to_string();
            let data_dir = cut_data_dir(&latest_cut)?;
            let enrollment = enrollment_summary(&config, &cut_date, &data_dir)?;
            trials.push(TrialEntry {
                config,
                dir,
                latest_cut,
                enrollment,
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
