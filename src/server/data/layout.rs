//! The folder layout of trials and their data cuts: the one place that
//! knows it (see `docs/DATA.md`).
//!
//! ```text
//! <data>/<trial>/trial.toml
//! <data>/<trial>/cut-YYYY-MM-DD/manifest.json         (once registered)
//! <data>/<trial>/cut-YYYY-MM-DD/{blinded,unblinded}/  (adsl, adae, adtte)
//! <data>/<trial>/cut-YYYY-MM-DD/<randomization list>  (for a blinded part)
//! ```
//! A cut may also hold its datasets directly, without the two parts. The
//! randomization list's file name is the firewall's
//! ([`crate::server::firewall::RANDOMIZATION_LIST`]).

use crate::server::firewall::RANDOMIZATION_LIST;
use chrono::NaiveDate;
use std::path::{Path, PathBuf};

/// The trial's configuration file in its folder.
pub const TRIAL_CONFIG: &str = "trial.toml";
/// The part of a cut without arm columns.
pub const BLINDED: &str = "blinded";
/// The part of a cut with arm columns.
pub const UNBLINDED: &str = "unblinded";
/// A registered cut's manifest, in the cut folder.
pub const MANIFEST: &str = "manifest.json";
/// The datasets a data folder may hold (each as .csv, .parquet or .xpt):
/// the three every cut has, the optional screening log and laboratory
/// data.
pub const DATASETS: [&str; 5] = ["adsl", "adae", "adtte", "screening", "adlb"];
/// Where uploads are written before they are registered: a folder of the
/// data folder (so that registering is a rename on one file system) that
/// the catalog never reads (its name is not a trial's).
pub const STAGING: &str = ".staging";
/// The folder name of the cut dated `date`.
pub fn cut_folder_name(date: NaiveDate) -> String {
    format!("{CUT_PREFIX}{}", date.format("%Y-%m-%d"))
}
/// A cut folder's name starts with this, then the cut date.
const CUT_PREFIX: &str = "cut-";

#[derive(Debug, thiserror::Error)]
#[error("{dir}: cannot list the folder: {source}")]
pub struct ListError {
    pub dir: String,
    #[source]
    pub source: std::io::Error,
}

/// The sub-folders of `dir`, sorted by name.
fn list_dirs(dir: &Path) -> Result<Vec<PathBuf>, ListError> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|source| ListError {
            dir: dir.display().to_string(),
            source,
        })?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    Ok(dirs)
}

/// The trial folders under the data folder `root` (those holding a
/// `trial.toml`), sorted by name.
pub fn trial_dirs(root: &Path) -> Result<Vec<PathBuf>, ListError> {
    Ok(list_dirs(root)?
        .into_iter()
        .filter(|d| d.join(TRIAL_CONFIG).is_file())
        .collect())
}

/// The cut date from a folder name `cut-YYYY-MM-DD` (the folder or its parent).
pub fn cut_date_from_path(dir: &Path) -> Option<NaiveDate> {
    let try_name = |p: &Path| {
        p.file_name()
            .and_then(|s| s.to_str())
            .and_then(|s| s.strip_prefix(CUT_PREFIX))
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
    };
    try_name(dir).or_else(|| dir.parent().and_then(try_name))
}

/// The cut folders of a trial, oldest first (their names sort by date).
pub fn cut_dirs(trial_dir: &Path) -> Result<Vec<PathBuf>, ListError> {
    Ok(list_dirs(trial_dir)?
        .into_iter()
        .filter(|p| {
            cut_date_from_path(p).is_some()
                && p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with(CUT_PREFIX))
        })
        .collect())
}

/// The cut folder holding data folder `dir` (the folder itself, or its
/// parent), when it is named `cut-YYYY-MM-DD`.
pub fn cut_folder_of(dir: &Path) -> Option<PathBuf> {
    let named = |p: &Path| {
        p.file_name()
            .and_then(|s| s.to_str())
            .is_some_and(|s| s.starts_with(CUT_PREFIX))
            && cut_date_from_path(p).is_some()
    };
    if named(dir) {
        Some(dir.to_path_buf())
    } else {
        dir.parent().filter(|p| named(p)).map(Path::to_path_buf)
    }
}

/// Whether a data folder is declared blinded by its name.
/// Whether `dir` holds the dataset `stem` in any format (`stem.csv`,
/// `.parquet`, `.xpt`, any case).
pub fn has_dataset(dir: &Path, stem: &str) -> bool {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries.filter_map(Result::ok).any(|e| {
                let p = e.path();
                let s = p.file_stem().and_then(|s| s.to_str()).unwrap_or("");
                let x = p.extension().and_then(|s| s.to_str()).unwrap_or("");
                s.eq_ignore_ascii_case(stem)
                    && super::read::FORMATS
                        .iter()
                        .any(|f| x.eq_ignore_ascii_case(f))
            })
        })
        .unwrap_or(false)
}

pub fn named_blinded(dir: &Path) -> bool {
    dir.file_name().and_then(|s| s.to_str()) == Some(BLINDED)
}

/// The folder the pooled (open) view is computed from: the cut's `blinded/`
/// part when present, else `unblinded/` (read with arm columns dropped), else
/// the cut folder itself.
pub fn open_data_dir(cut: &Path) -> PathBuf {
    [BLINDED, UNBLINDED]
        .iter()
        .map(|d| cut.join(d))
        .find(|p| p.is_dir())
        .unwrap_or_else(|| cut.to_path_buf())
}

/// Where the closed (by-arm) view of a cut comes from.
pub enum ClosedSource {
    /// A data folder whose ADSL carries the arm column.
    Unblinded(PathBuf),
    /// A blinded data folder and the cut's randomization list.
    WithList { data: PathBuf, list: PathBuf },
}

/// The closed view's source: the cut's `unblinded/` part when present, else
/// its `blinded/` part with the cut's randomization list.
pub fn closed_source(cut: &Path) -> ClosedSource {
    let unblinded = cut.join(UNBLINDED);
    if unblinded.is_dir() {
        ClosedSource::Unblinded(unblinded)
    } else {
        ClosedSource::WithList {
            data: cut.join(BLINDED),
            list: randomization_list(cut),
        }
    }
}

/// The cut's randomization list (it may not exist).
pub fn randomization_list(cut: &Path) -> PathBuf {
    cut.join(RANDOMIZATION_LIST)
}

/// The data parts of a cut folder as the manifest names them: `blinded`
/// and/or `unblinded`, else `.` (the datasets sit in the cut folder).
pub fn data_parts(cut: &Path) -> Vec<&'static str> {
    let parts: Vec<&str> = [BLINDED, UNBLINDED]
        .into_iter()
        .filter(|p| cut.join(p).is_dir())
        .collect();
    if parts.is_empty() {
        vec!["."]
    } else {
        parts
    }
}

/// The folder of a cut's data part named as [`data_parts`] names it.
pub fn part_dir(cut: &Path, part: &str) -> PathBuf {
    if part == "." {
        cut.to_path_buf()
    } else {
        cut.join(part)
    }
}

/// The manifests that may cover data folder `dir`, with the folder's key in
/// each: `dir/manifest.json` (key `.`), then `dir/../manifest.json` (key =
/// the folder's name).
pub fn manifest_candidates(dir: &Path) -> [(PathBuf, Option<String>); 2] {
    [
        (dir.join(MANIFEST), Some(".".to_string())),
        (
            dir.parent().map(|p| p.join(MANIFEST)).unwrap_or_default(),
            dir.file_name().and_then(|s| s.to_str()).map(str::to_string),
        ),
    ]
}

/// The data folders through which a cut's manifest can be found.
pub fn manifest_probes(cut: &Path) -> [PathBuf; 3] {
    [cut.join(UNBLINDED), cut.join(BLINDED), cut.join(".")]
}

/// Where a generated cut's parts go (benchmarks and tests): the unblinded
/// and blinded folders and the randomization list.
pub fn parts_of(cut: &Path) -> (PathBuf, PathBuf, PathBuf) {
    (
        cut.join(UNBLINDED),
        cut.join(BLINDED),
        randomization_list(cut),
    )
}
