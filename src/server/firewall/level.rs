//! The two load levels, as types. An [`OpenSnapshot`] is read without any
//! arm column and never opens a randomization list; a [`ClosedSnapshot`]
//! carries each subject's arm. Both are made only here, so a function that
//! takes an `OpenSnapshot` (the pooled report) cannot be handed arms: the
//! level check is the compiler's.

use super::arms::{actual_arms_from_adsl, arm_column, arms_from_adsl, arms_from_randlist};
use crate::server::config::TrialConfig;
use crate::server::data::layout::{self, ClosedSource};
use crate::server::data::load::{self as data_load, ArmInput, ReadOptions, Snapshot};
use crate::server::data::problem::{Collector, Problem, Problems};
use chrono::NaiveDate;
use polars::prelude::Column;
use std::path::{Path, PathBuf};

/// The open (pooled) level: nothing to add.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Open;

/// The closed (by-arm) level: arms from the ADSL arm column of an
/// unblinded folder, or from a randomization list (USUBJID -> ARMCD) for a
/// blinded one.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Closed {
    pub randlist: Option<PathBuf>,
}

/// How to load a cut at level `L`.
#[derive(Clone, Debug)]
pub struct LoadOptions<L> {
    pub level: L,
    /// The cut is declared blinded (it must then carry no arm column). When
    /// `None`, the manifest decides, else a folder named `blinded`.
    pub blinded: Option<bool>,
    /// The cut date, when neither the manifest nor the folder name gives it.
    pub cut_date: Option<NaiveDate>,
    /// Only check the cut (see `data::load::ReadOptions::check_only`).
    pub check_only: bool,
    /// Leave ADLB unparsed (see `data::load::ReadOptions::skip_labs`).
    pub skip_labs: bool,
}

impl LoadOptions<Open> {
    pub fn open() -> Self {
        LoadOptions {
            level: Open,
            blinded: None,
            cut_date: None,
            check_only: false,
            skip_labs: false,
        }
    }
}

impl LoadOptions<Closed> {
    pub fn closed(randlist: Option<PathBuf>) -> Self {
        LoadOptions {
            level: Closed { randlist },
            blinded: None,
            cut_date: None,
            check_only: false,
            skip_labs: false,
        }
    }
}

impl<L> LoadOptions<L> {
    fn read(&self) -> ReadOptions {
        ReadOptions {
            blinded: self.blinded,
            cut_date: self.cut_date,
            check_only: self.check_only,
            skip_labs: self.skip_labs,
        }
    }
}

/// A cut loaded at the open level: no arm column was read, no
/// randomization list opened.
#[derive(Clone, Debug)]
pub struct OpenSnapshot(Snapshot);

/// A cut loaded at the closed level: ADSL's `ARM` holds each subject's arm
/// code.
#[derive(Clone, Debug)]
pub struct ClosedSnapshot(Snapshot);

impl std::ops::Deref for OpenSnapshot {
    type Target = Snapshot;
    fn deref(&self) -> &Snapshot {
        &self.0
    }
}

impl std::ops::Deref for ClosedSnapshot {
    type Target = Snapshot;
    fn deref(&self) -> &Snapshot {
        &self.0
    }
}

/// A load level: what it reads and the snapshot type it makes.
pub trait Level: Sized {
    type Snapshot;
    fn load(
        dir: &Path,
        trial: &TrialConfig,
        opts: &LoadOptions<Self>,
    ) -> Result<Self::Snapshot, Problems>;
}

impl Level for Open {
    type Snapshot = OpenSnapshot;
    fn load(
        dir: &Path,
        trial: &TrialConfig,
        opts: &LoadOptions<Open>,
    ) -> Result<OpenSnapshot, Problems> {
        data_load::load(dir, trial, &opts.read(), &[], None).map(OpenSnapshot)
    }
}

impl Level for Closed {
    type Snapshot = ClosedSnapshot;
    fn load(
        dir: &Path,
        trial: &TrialConfig,
        opts: &LoadOptions<Closed>,
    ) -> Result<ClosedSnapshot, Problems> {
        let enc = trial.data.encoding;
        // The digest of the randomization list as the step read it.
        let list_read = std::cell::RefCell::new(None);
        let step = |input: &ArmInput<'_>, c: &mut Collector| -> Option<Vec<Column>> {
            if let Some(list) = &opts.level.randlist {
                // The registered randomization list, when this list is the cut's own.
                let registered = input.manifest.and_then(|(m, key)| {
                    let manifest_dir = if key == "." {
                        Some(input.dir)
                    } else {
                        input.dir.parent()
                    };
                    let same_dir = match (manifest_dir, list.parent()) {
                        (Some(a), Some(b)) => a.canonicalize().ok() == b.canonicalize().ok(),
                        _ => false,
                    };
                    let name = list.file_name().and_then(|s| s.to_str());
                    m.randlist
                        .as_ref()
                        .filter(|r| same_dir && Some(r.name.as_str()) == name)
                });
                arms_from_randlist(
                    list,
                    registered,
                    trial,
                    input.subjects,
                    input.adsl_height,
                    enc,
                    c,
                )
                .map(|(arm, digest)| {
                    *list_read.borrow_mut() = Some(digest);
                    vec![arm]
                })
            } else if input.blinded_source {
                c.push(
                    "arms",
                    Problem::file(
                        &input.dir.display().to_string(),
                        "the closed view needs arms: this cut is blinded, so give its randomization list (--randlist)",
                    ),
                );
                None
            } else {
                let arm = arms_from_adsl(input.adsl, trial, c)?;
                let actual = actual_arms_from_adsl(input.adsl, trial, &arm);
                Some([Some(arm), actual].into_iter().flatten().collect())
            }
        };
        let mut columns = vec![arm_column(trial)];
        for (actual, planned) in trial.columns.actual_arm_pairs(&trial.data.arm_column) {
            columns.extend([actual, planned]);
        }
        data_load::load(dir, trial, &opts.read(), &columns, Some(&step)).map(|mut snap| {
            snap.randlist = list_read.take();
            ClosedSnapshot(snap)
        })
    }
}

/// Read, verify and validate the cut in `dir` for `trial` at the level of
/// `opts`.
pub fn load<L: Level>(
    dir: &Path,
    trial: &TrialConfig,
    opts: &LoadOptions<L>,
) -> Result<L::Snapshot, Problems> {
    L::load(dir, trial, opts)
}

/// The good cuts of the trial before the cut holding data folder `dir`, at
/// the open level, oldest first: the cuts whose pooled counts the sponsor
/// can see beside this one. Empty when `dir` is not a cut of a trial folder;
/// cuts that fail their checks are left out, as the server leaves them out.
pub fn earlier_open_snapshots(config: &TrialConfig, dir: &Path) -> Vec<OpenSnapshot> {
    let Some(cut) = layout::cut_folder_of(dir) else {
        return Vec::new();
    };
    let (Some(date), Some(trial_dir)) = (layout::cut_date_from_path(&cut), cut.parent()) else {
        return Vec::new();
    };
    layout::cut_dirs(trial_dir)
        .unwrap_or_default()
        .into_iter()
        .filter(|d| layout::cut_date_from_path(d).is_some_and(|d| d < date))
        .filter_map(|d| open_snapshot(config, &d).ok())
        .collect()
}

/// A served cut at the open level, from its open data folder.
pub fn open_snapshot(config: &TrialConfig, cut_dir: &Path) -> Result<OpenSnapshot, Problems> {
    load(
        &layout::open_data_dir(cut_dir),
        config,
        &LoadOptions::open(),
    )
}

/// A served cut at the closed level: its `unblinded/` part when present,
/// else `blinded/` with the cut's randomization list.
pub fn closed_snapshot(config: &TrialConfig, cut_dir: &Path) -> Result<ClosedSnapshot, Problems> {
    closed_snapshot_with(config, cut_dir, false)
}

/// [`closed_snapshot`] with its ADLB left unparsed (hashed and its header
/// checked): for what reads no laboratory value.
pub fn closed_snapshot_without_labs(
    config: &TrialConfig,
    cut_dir: &Path,
) -> Result<ClosedSnapshot, Problems> {
    closed_snapshot_with(config, cut_dir, true)
}

fn closed_snapshot_with(
    config: &TrialConfig,
    cut_dir: &Path,
    skip_labs: bool,
) -> Result<ClosedSnapshot, Problems> {
    let (dir, list) = match layout::closed_source(cut_dir) {
        ClosedSource::Unblinded(dir) => (dir, None),
        ClosedSource::WithList { data, list } => (data, Some(list)),
    };
    let opts = LoadOptions {
        skip_labs,
        ..LoadOptions::closed(list)
    };
    load(&dir, config, &opts)
}
