//! Loading a data folder: read ADSL, ADAE and ADTTE (CSV, Parquet or XPT),
//! verify the registered manifest, refuse a declared-blinded folder that
//! carries arm columns, validate every row, and build a [`Snapshot`] of
//! small typed frames.
//!
//! No arm is attached here: the loader reads only the columns the reports
//! use. The firewall's closed level asks for the arm column and passes the
//! step that turns it, or a randomization list, into each subject's arm
//! ([`crate::server::firewall`]); that is the only way an `ARM` column
//! reaches a snapshot.

use super::adlb;
use super::layout;
use super::manifest::{FileDigest, Manifest};
use super::problem::{Collector, Problem, Problems};
use super::read::{read_frame, Frame};
use super::screening;
use super::stream;
use super::validate::{category_columns, validate_adae, validate_adsl, validate_adtte, AdslIndex};
use crate::server::config::{ColumnRole, Encoding, TrialConfig};
use crate::server::firewall::identifies_arm;
use chrono::NaiveDate;
use polars::prelude::*;
use std::path::{Path, PathBuf};

/// How to read a data folder, whatever the level.
#[derive(Clone, Debug, Default)]
pub struct ReadOptions {
    /// The folder is declared blinded (it must then carry no arm column).
    /// When `None`, the manifest decides, else a folder named `blinded`.
    pub blinded: Option<bool>,
    /// The cut date, when neither the manifest nor the folder name gives it.
    pub cut_date: Option<NaiveDate>,
    /// Only check the folder (`dsmb check`, an upload): a CSV ADAE is
    /// checked block by block as it streams and not kept (the snapshot's
    /// ADAE is empty; `adae_rows` counts it).
    pub check_only: bool,
    /// Leave the laboratory dataset unparsed: its file is hashed against the
    /// manifest and its header read (the blinding check), but the snapshot
    /// carries no ADLB and `labs_skipped` says so. For what reads no
    /// laboratory value (the efficacy page's path over earlier cuts).
    pub skip_labs: bool,
}

/// What the firewall's arm step is given: the folder, its ADSL as read
/// (with the columns it asked for), the subjects' index, and the manifest.
pub struct ArmInput<'a> {
    pub dir: &'a Path,
    pub adsl: &'a Frame,
    pub subjects: &'a AdslIndex,
    pub adsl_height: usize,
    pub manifest: Option<&'a (Manifest, String)>,
    /// The folder's files carry no arm column.
    pub blinded_source: bool,
}

/// The firewall's step that attaches arms: the columns to add to ADSL
/// (each row's arm code as `ARM`, and its actual treatment when the source
/// carries one), or `None` with its problems pushed.
pub type ArmStep<'a> = &'a dyn Fn(&ArmInput<'_>, &mut Collector) -> Option<Vec<Column>>;

/// A validated data cut: typed frames and what is known about them.
///
/// Frames (only the columns the reports use):
/// - `adsl`: USUBJID, SITEID, RANDDT (Date), DTHDT (Date, null = alive),
///   ARM (arm code; only when the firewall attached arms, see
///   [`crate::server::firewall`]), one column per subgroup variable
///   (Float64 for cut points, String for levels), PRIMFL (String) when the
///   primary endpoint is an ADSL flag, EXPDAYS (Float64) when the exposure
///   time is an ADSL column.
///   The report tables' columns ([`ColumnRole`]) under their `@` keys
///   when the file has them (text; `@EXDAYS` Float64), and each deviation
///   flag as `@DV:<name>`.
/// - `adae`: USUBJID, ASTDT (Date; the date part of ASTDTM when ASTDT is
///   missing), the columns the safety categories filter on (String),
///   AESER, AEOUT, AEDECOD, AETERM (String), AESEQ (text, when the file
///   has it: the record's key across cuts), and the report tables' ADAE
///   columns under their `@` keys when the file has them.
/// - `adtte`: USUBJID, PARAMCD, AVAL (Float64), CNSR (Int32).
#[derive(Clone, Debug)]
pub struct Snapshot {
    pub trial_id: String,
    pub cut_date: NaiveDate,
    pub dir: PathBuf,
    /// The folder's files carry no arm column.
    pub blinded_source: bool,
    /// A manifest covers the files and their hashes were verified.
    pub registered: bool,
    pub files: Vec<FileDigest>,
    /// The randomization list's digest as the closed level read it (`None`
    /// when arms came from an arm column, or at the open level).
    pub randlist: Option<FileDigest>,
    pub adsl: DataFrame,
    pub adae: DataFrame,
    pub adtte: DataFrame,
    /// The ADSL row of each ADAE row's subject, in ADAE order: the reports
    /// count events per subject by number instead of matching identifiers.
    pub adae_subject: std::sync::Arc<[u32]>,
    /// ADAE's rows (its frame's height, unless only checked as it
    /// streamed: then the frame is empty).
    pub adae_rows: usize,
    /// The laboratory records (see `data::adlb` for the columns), when the
    /// folder has ADLB.
    pub adlb: Option<adlb::LabRecords>,
    /// The folder has ADLB but it was left unparsed (`skip_labs`): the
    /// laboratory section refuses such a snapshot.
    pub labs_skipped: bool,
    /// The screening log's counts, when the folder has one.
    pub screening: Option<screening::Screening>,
}

/// The columns each dataset is read with: the reports' own, plus
/// `extra_adsl` (what the firewall's closed level asks for). Nothing else is
/// read, so an arm column reaches a frame only when the firewall asks.
///
/// The reports' own columns are read at every level, the open one too, so
/// none of them may identify an arm: a trial.toml that names one (a
/// baseline variable `ARM`, a column override `TRT01P`) is refused here.
fn wanted_columns(
    trial: &TrialConfig,
    extra_adsl: &[String],
) -> Result<PlHashMap<&'static str, Vec<String>>, Problem> {
    let mut adsl: Vec<String> = vec![
        "USUBJID".into(),
        "SITEID".into(),
        trial.data.randomization_date.clone(),
    ];
    adsl.extend(trial.data.death_date.clone());
    adsl.extend(trial.subgroups.iter().map(|s| s.variable.clone()));
    adsl.extend(trial.baseline.iter().map(|b| b.variable.clone()));
    adsl.extend(trial.primary.adsl_flag.clone());
    adsl.extend(trial.secondary.iter().filter_map(|s| s.variable.clone()));
    adsl.extend(
        trial
            .benefit_risk
            .levels
            .iter()
            .filter_map(|l| l.variable.clone()),
    );
    adsl.extend(
        trial
            .analysis
            .exposure
            .as_ref()
            .and_then(|e| e.adsl_days.clone()),
    );
    for role in ColumnRole::ADSL {
        adsl.extend(trial.columns.candidates(role));
    }
    adsl.extend(trial.columns.deviation_flags.iter().cloned());
    let mut adae: Vec<String> = [
        "USUBJID", "ASTDT", "ASTDTM", "TRTEMFL", "AESER", "AEOUT", "AEDECOD", "AETERM", "AESEQ",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    adae.extend(category_columns(trial));
    for role in ColumnRole::ADAE {
        adae.extend(trial.columns.candidates(role));
    }
    let adtte: Vec<String> = ["USUBJID", "PARAMCD", "AVAL", "CNSR"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let named = [&adsl, &adae, &adtte]
        .into_iter()
        .flatten()
        .find(|n| identifies_arm(n));
    if let Some(name) = named {
        return Err(Problem::file(
            "trial.toml",
            &format!(
                "REFUSED: {name} identifies the arm, and the reports read it at the open level too; only data.arm_column and columns.actual_arm may name an arm column"
            ),
        ));
    }
    adsl.extend(extra_adsl.iter().cloned());
    for list in [&mut adsl, &mut adae] {
        let mut seen = std::collections::HashSet::new();
        list.retain(|n| seen.insert(n.clone()));
    }
    Ok([
        ("adsl", adsl),
        ("adae", adae),
        ("adtte", adtte),
        (screening::SCREENING, screening::wanted()),
        (adlb::ADLB, adlb::wanted()),
    ]
    .into_iter()
    .collect())
}

/// Read, verify and validate the data folder `dir` for `trial`. The
/// firewall's load levels call this: without `arms` (the open level) no arm
/// is attached; with `arms` (the closed level) the step's column becomes
/// ADSL's `ARM`. The steps: what the cut is ([`identify`]), its files read
/// and verified against the manifest ([`read_files`]), no arm column in a
/// blinded cut ([`arm_columns`]), then every dataset validated, ADAE
/// streamed when only checking, and the arms attached.
pub fn load(
    dir: &Path,
    trial: &TrialConfig,
    opts: &ReadOptions,
    extra_adsl: &[String],
    arms: Option<ArmStep<'_>>,
) -> Result<Snapshot, Problems> {
    let cut = identify(dir, trial, opts)?;
    let enc = trial.data.encoding;
    let wanted = wanted_columns(trial, extra_adsl).map_err(Problems::from)?;
    let wanted_of = |name: &str| wanted.get(name).map(Vec::as_slice);
    // Checking only, a CSV ADAE is read as its header now and streamed
    // through its row checks below.
    let streamed = opts
        .check_only
        .then(|| stream::streamable(dir, "adae", enc))
        .flatten();
    let read = read_files(dir, opts, &cut, enc, &wanted, streamed.as_deref())?;
    let ReadFiles {
        adsl,
        adae,
        adtte,
        screening_log,
        adlb,
        mut files,
    } = read;
    let blinded_source = arm_columns(
        dir,
        cut.declared_blinded,
        [&adsl, &adae, &adtte]
            .into_iter()
            .chain(screening_log.as_ref())
            .chain(adlb.as_ref()),
    )?;
    let cut_date = cut.date;

    let mut c = Collector::default();
    let adsl_t = validate_adsl(&adsl, trial, cut_date, &mut c);
    let (mut adsl_df, subjects) = match adsl_t {
        Some(x) => x,
        None => return Err(c.finish()),
    };
    let screening = screening_log
        .as_ref()
        .and_then(|f| screening::summarize(f, adsl_df.height(), &mut c));
    let adae_df = validate_adae(&adae, trial, cut_date, &subjects, &mut c);
    let mut adae_rows = adae.frame.height();
    if streamed.is_some() {
        // Every block through the same checks, rows numbered in the file,
        // as long as the header passed them.
        let columns_ok = adae_df.is_some();
        let (sha256, rows) = stream::stream_frames(&adae, wanted_of("adae"), |block| {
            columns_ok && validate_adae(block, trial, cut_date, &subjects, &mut c).is_some()
        })?;
        adae_rows = rows;
        if let Some((m, rel)) = &cut.manifest {
            m.verify(rel, &adae.file_name, &sha256)
                .map_err(Problems::from)?;
        }
        if let Some(d) = files.iter_mut().find(|d| d.name == adae.file_name) {
            d.sha256 = sha256;
        }
    }
    let adtte_df = validate_adtte(&adtte, trial, &subjects, &mut c);
    let labs_skipped = opts.skip_labs && adlb.is_some();
    let adlb_df = adlb
        .as_ref()
        .filter(|_| !labs_skipped)
        .and_then(|f| adlb::validate_adlb(f, trial, cut_date, &subjects, &mut c));
    // The file's columns as read are not needed once typed.
    drop(adlb);

    // Arms: only when the firewall's closed level asks.
    if let Some(step) = arms {
        let input = ArmInput {
            dir,
            adsl: &adsl,
            subjects: &subjects,
            adsl_height: adsl_df.height(),
            manifest: cut.manifest.as_ref(),
            blinded_source,
        };
        for column in step(&input, &mut c).unwrap_or_default() {
            if let Err(e) = adsl_df.with_column(column) {
                c.push("internal", Problem::file(&adsl.shown(), &e.to_string()));
            }
        }
    }
    let problems = c.finish();
    if !problems.0.is_empty() {
        return Err(problems);
    }
    let (adae_df, adae_subject) = adae_df.unwrap_or_default();
    Ok(Snapshot {
        trial_id: trial.id.clone(),
        cut_date,
        dir: dir.to_path_buf(),
        blinded_source,
        registered: cut.manifest.is_some(),
        files,
        randlist: None,
        adsl: adsl_df,
        adae: adae_df,
        adae_subject: adae_subject.into(),
        adtte: adtte_df.unwrap_or_default(),
        adae_rows,
        adlb: adlb_df,
        labs_skipped,
        screening,
    })
}

/// The columns read of each dataset, by dataset.
type Wanted = PlHashMap<&'static str, Vec<String>>;

/// What a cut folder is: its manifest (a registered cut), its date, and
/// whether it is declared blinded.
struct CutIdentity {
    manifest: Option<(Manifest, String)>,
    date: NaiveDate,
    declared_blinded: bool,
}

/// Plain files only, and a registered cut exactly as its manifest lists it
/// (an added part or file is refused before anything is read); registered
/// for this trial; its date from the manifest, the caller or the folder's
/// name.
fn identify(dir: &Path, trial: &TrialConfig, opts: &ReadOptions) -> Result<CutIdentity, Problems> {
    let dir_name = dir.display().to_string();
    super::tree::verify_for(dir)?;
    let manifest = Manifest::find(dir).map_err(Problems::from)?;
    if let Some((m, _)) = &manifest {
        if m.trial != trial.id {
            return Err(Problem::file(
                &dir_name,
                &format!(
                    "the cut is registered for trial {:?}, not {:?}",
                    m.trial, trial.id
                ),
            )
            .into());
        }
    }
    let date = manifest
        .as_ref()
        .map(|(m, _)| m.cut_date)
        .or(opts.cut_date)
        .or_else(|| layout::cut_date_from_path(dir))
        .ok_or_else(|| {
            Problems::from(Problem::file(
                &dir_name,
                "cannot tell the cut date: name the folder cut-YYYY-MM-DD, register the cut, or pass --cut-date",
            ))
        })?;
    // Blinded when anything says so: the caller, the manifest or the
    // folder's name. A manifest never weakens the check (a `blinded/`
    // folder registered as unblinded is still checked as blinded).
    let declared_blinded = opts.blinded == Some(true)
        || manifest.as_ref().and_then(|(m, rel)| m.blinded_for(rel)) == Some(true)
        || layout::named_blinded(dir);
    Ok(CutIdentity {
        manifest,
        date,
        declared_blinded,
    })
}

/// The files of a cut as read, each verified against the manifest.
struct ReadFiles {
    adsl: Frame,
    adae: Frame,
    adtte: Frame,
    screening_log: Option<Frame>,
    adlb: Option<Frame>,
    files: Vec<FileDigest>,
}

/// Read ADSL, ADAE and ADTTE (and the screening log and ADLB when there are
/// any), ADAE on a second thread meanwhile, each verified against the
/// manifest; every unreadable one is reported. ADLB is hashed unparsed when
/// the caller skips the laboratory data; a `streamed` ADAE is read as its
/// header only.
fn read_files(
    dir: &Path,
    opts: &ReadOptions,
    cut: &CutIdentity,
    enc: Encoding,
    wanted: &Wanted,
    streamed: Option<&Path>,
) -> Result<ReadFiles, Problems> {
    let wanted_of = |name: &str| wanted.get(name).map(Vec::as_slice);
    let read = |name: &str| match streamed {
        Some(path) if name == "adae" => stream::header_frame(path, wanted_of(name)),
        _ => read_frame(dir, name, enc, wanted_of(name)),
    };
    let mut files = Vec::new();
    let mut verified = |read: Result<Frame, Problems>| -> Result<Frame, Problems> {
        let frame = read?;
        // A streamed file's hash is verified once it has streamed.
        if let (Some((m, rel)), false) = (&cut.manifest, frame.sha256.is_empty()) {
            m.verify(rel, &frame.file_name, &frame.sha256)
                .map_err(Problems::from)?;
        }
        files.push(FileDigest {
            name: frame.file_name.clone(),
            sha256: frame.sha256.clone(),
        });
        Ok(frame)
    };
    let progress = super::progress::current().unwrap_or_default();
    let (adsl, adae, adtte, screening_log, adlb) = std::thread::scope(|s| {
        let adae = s.spawn(|| progress.run(|| read("adae")));
        let adsl = read("adsl");
        let adtte = read("adtte");
        let screening_log = screening::present(dir).then(|| read(screening::SCREENING));
        let adlb = adlb::present(dir).then(|| {
            if opts.skip_labs {
                stream::hashed_unparsed(dir, adlb::ADLB, enc)
            } else {
                read(adlb::ADLB)
            }
        });
        let adae = adae
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (adsl, adae, adtte, screening_log, adlb)
    });
    let (adsl, adae, adtte) = (verified(adsl), verified(adae), verified(adtte));
    let screening_log = screening_log.map(&mut verified);
    let adlb = adlb.map(&mut verified);
    let mut unreadable = Vec::new();
    for r in [&adsl, &adae, &adtte]
        .into_iter()
        .chain(screening_log.as_ref())
        .chain(adlb.as_ref())
    {
        if let Err(p) = r {
            unreadable.extend(p.0.iter().cloned());
        }
    }
    if !unreadable.is_empty() {
        return Err(Problems(unreadable));
    }
    let (Ok(adsl), Ok(adae), Ok(adtte)) = (adsl, adae, adtte) else {
        unreachable!("every unreadable file was returned above")
    };
    if let Some((m, rel)) = &cut.manifest {
        m.verify_complete(rel, &files).map_err(Problems::from)?;
    }
    Ok(ReadFiles {
        adsl,
        adae,
        adtte,
        screening_log: screening_log.and_then(Result::ok),
        adlb: adlb.and_then(Result::ok),
        files,
    })
}

/// Whether the source is blinded (no arm-identifying column in any file);
/// a cut declared blinded that carries one is refused, naming them.
fn arm_columns<'a>(
    dir: &Path,
    declared_blinded: bool,
    frames: impl Iterator<Item = &'a Frame>,
) -> Result<bool, Problems> {
    let identifying: Vec<String> = frames
        .flat_map(|f| {
            f.columns
                .iter()
                .filter(|n| identifies_arm(n))
                .map(|n| format!("{}:{n}", f.file_name))
                .collect::<Vec<_>>()
        })
        .collect();
    if declared_blinded && !identifying.is_empty() {
        return Err(Problem::file(
            &dir.display().to_string(),
            &format!(
                "REFUSED: this cut is declared blinded but carries arm-identifying columns ({}). Remove them, or register the folder as unblinded.",
                identifying.join(", ")
            ),
        )
        .into());
    }
    Ok(identifying.is_empty())
}
