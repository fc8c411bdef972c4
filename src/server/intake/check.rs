//! The checks of a cut, as `dsmb check` runs them and as an upload is
//! checked before it may be registered: the open level (every file read,
//! hashed against a manifest when there is one, arm columns refused in a
//! blinded part, every row checked), then the closed level when arms are
//! available (an unblinded part, or a randomization list). What it returns
//! counts the whole cut, never by arm.

use crate::server::config::TrialConfig;
use crate::server::data::layout;
use crate::server::data::load::Snapshot;
use crate::server::data::manifest::FileDigest;
use crate::server::data::problem::Problems;
use crate::server::data::progress::Progress;
use crate::server::data::stream;
use crate::server::firewall::{identifies_arm, load, Closed, LoadOptions, Open};
use chrono::NaiveDate;
use std::path::{Path, PathBuf};

/// What to check.
#[derive(Clone, Debug)]
pub struct CheckRequest {
    /// The data folder (adsl, adae, adtte and the optional ones).
    pub dir: PathBuf,
    /// Declared blinded: any arm-identifying column is refused.
    pub blinded: bool,
    /// The cut date, when neither the manifest nor the folder name gives it.
    pub cut_date: Option<NaiveDate>,
    /// The randomization list of a blinded cut.
    pub randlist: Option<PathBuf>,
}

/// A cut that passed its checks: what `dsmb check` prints.
#[derive(Clone, Debug, serde::Serialize)]
pub struct CheckReport {
    pub trial: String,
    pub cut_date: String,
    pub blinded: bool,
    pub registered: bool,
    /// Whether the closed level was checked too (arms were available).
    pub closed_level: bool,
    pub files: Vec<FileDigest>,
    /// The randomization list's digest as the check read it: registration
    /// records this one, and verifies the list still has it when it moves
    /// the cut.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub randlist: Option<FileDigest>,
    pub subjects: usize,
    pub adae_records: usize,
    pub adtte_records: usize,
    /// ADLB's records, when the cut has ADLB.
    pub lab_records: Option<usize>,
}

impl CheckReport {
    fn of(snap: &Snapshot, closed_level: bool) -> Self {
        CheckReport {
            trial: snap.trial_id.clone(),
            cut_date: snap.cut_date.to_string(),
            blinded: snap.blinded_source,
            registered: snap.registered,
            closed_level,
            files: snap.files.clone(),
            randlist: snap.randlist.clone(),
            subjects: snap.adsl.height(),
            adae_records: snap.adae_rows,
            adtte_records: snap.adtte.height(),
            lab_records: snap.adlb.as_ref().map(|f| f.height()),
        }
    }
}

/// The bytes a check of `req` reads: the data folder's files (each read
/// `levels` times) and the randomization list.
fn bytes_to_read(req: &CheckRequest, levels: u64) -> u64 {
    let size = |p: &Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
    let data: u64 = std::fs::read_dir(&req.dir)
        .map(|it| {
            it.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_file() && p.file_name() != Some(layout::MANIFEST.as_ref()))
                .map(|p| size(&p))
                .sum()
        })
        .unwrap_or(0);
    data * levels + req.randlist.as_deref().map(size).unwrap_or(0)
}

/// Check `req` for `trial` with exactly the checks of `dsmb check`,
/// counting the bytes read into `progress`.
pub fn check_cut(
    trial: &TrialConfig,
    req: &CheckRequest,
    progress: &Progress,
) -> Result<CheckReport, Problems> {
    fn opts<L>(req: &CheckRequest, level: L) -> LoadOptions<L> {
        LoadOptions {
            level,
            blinded: req.blinded.then_some(true),
            cut_date: req.cut_date,
            check_only: true,
            skip_labs: false,
        }
    }
    // One pass: the closed level runs every check of the open level, then
    // attaches the arms. A folder without arm columns (read from the
    // datasets' headers) and without a list is checked at the open level.
    let enc = trial.data.encoding;
    let arm_free = ["adsl", "adae", "adtte"].iter().all(|d| {
        stream::column_names(&req.dir, d, enc)
            .is_none_or(|cols| !cols.iter().any(|c| identifies_arm(c)))
    });
    progress.expect(bytes_to_read(req, 1));
    if (req.blinded || arm_free) && req.randlist.is_none() {
        progress.step("open level: files, hashes, rows");
        let open = progress.run(|| load(&req.dir, trial, &opts(req, Open)))?;
        progress.step("done");
        return Ok(CheckReport::of(&open, false));
    }
    progress.step("files, hashes, rows and arms");
    let closed = opts(
        req,
        Closed {
            randlist: req.randlist.clone(),
        },
    );
    let snap = progress.run(|| load(&req.dir, trial, &closed))?;
    progress.step("done");
    Ok(CheckReport::of(&snap, true))
}
