//! `dsmb check`: validate a cut, naming every problem's file, row and
//! column.

use crate::server::config::TrialConfig;
use crate::server::data::load::Snapshot;
use crate::server::data::problem::Problems;
use crate::server::firewall::{load, Closed, LoadOptions, Open};
use std::path::PathBuf;
use std::process::ExitCode;

/// Which cut, for which trial.
#[derive(Debug, Clone, clap::Args)]
pub struct CutArgs {
    /// The folder holding adsl, adae and adtte (.csv, .parquet or .xpt).
    pub cut_dir: PathBuf,
    /// The trial's configuration.
    #[arg(long)]
    pub trial: PathBuf,
    /// Randomization list (USUBJID, ARMCD) for a blinded cut.
    #[arg(long)]
    pub randlist: Option<PathBuf>,
    /// Declare the cut blinded: any arm-identifying column is refused.
    #[arg(long)]
    pub blinded: bool,
    /// The cut date, when the folder is not named cut-YYYY-MM-DD and not registered.
    #[arg(long)]
    pub cut_date: Option<chrono::NaiveDate>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

pub(super) fn load_trial(args: &CutArgs) -> Result<TrialConfig, ExitCode> {
    TrialConfig::load(&args.trial).map_err(|e| {
        eprintln!("dsmb: {e}");
        ExitCode::from(2)
    })
}

/// The load options of `args` at level `level`.
pub(super) fn options<L>(args: &CutArgs, level: L) -> LoadOptions<L> {
    LoadOptions {
        level,
        blinded: args.blinded.then_some(true),
        cut_date: args.cut_date,
    }
}

/// The closed level of `args`: with its randomization list, if given.
pub(super) fn closed(args: &CutArgs) -> LoadOptions<Closed> {
    options(
        args,
        Closed {
            randlist: args.randlist.clone(),
        },
    )
}

pub(super) fn report_problems(dir: &std::path::Path, problems: &Problems, json: bool) -> ExitCode {
    if json {
        let out = serde_json::json!({ "ok": false, "cut": dir.display().to_string(), "problems": problems.0 });
        println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
    } else {
        eprintln!(
            "dsmb: the cut {} has {} problem(s):",
            dir.display(),
            problems.0.len()
        );
        for p in &problems.0 {
            eprintln!("  - {p}");
        }
    }
    ExitCode::FAILURE
}

/// `dsmb check`: validate at the closed level when arms are available (an
/// unblinded cut, or a randomization list), else at the open level.
pub fn check(args: &CutArgs) -> ExitCode {
    let trial = match load_trial(args) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let first = load(&args.cut_dir, &trial, &options(args, Open));
    match first {
        Err(p) => return report_problems(&args.cut_dir, &p, args.json),
        Ok(open) if open.blinded_source && args.randlist.is_none() => print_check(args, &open),
        Ok(_) => match load(&args.cut_dir, &trial, &closed(args)) {
            Ok(s) => print_check(args, &s),
            Err(p) => return report_problems(&args.cut_dir, &p, args.json),
        },
    };
    ExitCode::SUCCESS
}

fn print_check(args: &CutArgs, snap: &Snapshot) {
    if args.json {
        let out = serde_json::json!({
            "ok": true,
            "trial": snap.trial_id,
            "cut": args.cut_dir.display().to_string(),
            "cut_date": snap.cut_date.to_string(),
            "blinded": snap.blinded_source,
            "registered": snap.registered,
            "files": snap.files,
            "subjects": snap.adsl.height(),
            "adae_records": snap.adae.height(),
            "adtte_records": snap.adtte.height(),
        });
        println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
        return;
    }
    println!(
        "OK  {} ({}), cut {}",
        args.cut_dir.display(),
        snap.trial_id,
        snap.cut_date
    );
    println!(
        "    {}; {}",
        if snap.blinded_source {
            "blinded (no arm column)"
        } else {
            "unblinded"
        },
        if snap.registered {
            "registered: every file matches its SHA-256 in the manifest"
        } else {
            "not registered (no manifest)"
        }
    );
    for f in &snap.files {
        println!("    {:<16} sha256 {}", f.name, f.sha256);
    }
    println!(
        "    {} subjects, {} AE records, {} time-to-event records",
        snap.adsl.height(),
        snap.adae.height(),
        snap.adtte.height()
    );
}
