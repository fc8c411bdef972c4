//! `dsmb check`: validate a cut, naming every problem's file, row and
//! column.

use crate::server::config::TrialConfig;
use crate::server::data::problem::Problems;
use crate::server::data::progress::Progress;
use crate::server::firewall::{Closed, LoadOptions};
use crate::server::intake::check::{check_cut, CheckReport, CheckRequest};
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
        check_only: false,
        skip_labs: false,
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
/// unblinded cut, or a randomization list), else at the open level; on a
/// terminal, the bytes read so far are shown on standard error.
pub fn check(args: &CutArgs) -> ExitCode {
    let trial = match load_trial(args) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let req = CheckRequest {
        dir: args.cut_dir.clone(),
        blinded: args.blinded,
        cut_date: args.cut_date,
        randlist: args.randlist.clone(),
    };
    let progress = Progress::new();
    let checked = with_terminal_progress(&progress, || check_cut(&trial, &req, &progress));
    match checked {
        Err(p) => report_problems(&args.cut_dir, &p, args.json),
        Ok(report) => {
            print_check(args, &report);
            ExitCode::SUCCESS
        }
    }
}

/// Run `f`, showing `progress` on standard error meanwhile when it is a
/// terminal (a line redrawn twice a second, cleared at the end).
fn with_terminal_progress<T>(progress: &Progress, f: impl FnOnce() -> T) -> T {
    use std::io::{IsTerminal, Write};
    if !std::io::stderr().is_terminal() {
        return f();
    }
    let done = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|s| {
        s.spawn(|| {
            let mut err = std::io::stderr();
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                let r = progress.reading();
                if r.total > 0 {
                    let _ = write!(
                        err,
                        "\r\x1b[2Kchecking: {} of {} MB read ({}%), {}",
                        r.done >> 20,
                        r.total >> 20,
                        r.done * 100 / r.total.max(1),
                        r.step
                    );
                    let _ = err.flush();
                }
                std::thread::sleep(std::time::Duration::from_millis(500));
            }
            let _ = write!(err, "\r\x1b[2K");
        });
        let out = f();
        done.store(true, std::sync::atomic::Ordering::Relaxed);
        out
    })
}

fn print_check(args: &CutArgs, report: &CheckReport) {
    if args.json {
        let out = serde_json::json!({
            "ok": true,
            "trial": report.trial,
            "cut": args.cut_dir.display().to_string(),
            "cut_date": report.cut_date,
            "blinded": report.blinded,
            "registered": report.registered,
            "files": report.files,
            "subjects": report.subjects,
            "adae_records": report.adae_records,
            "adtte_records": report.adtte_records,
            "lab_records": report.lab_records,
        });
        println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
        return;
    }
    println!(
        "OK  {} ({}), cut {}",
        args.cut_dir.display(),
        report.trial,
        report.cut_date
    );
    println!(
        "    {}; {}",
        if report.blinded {
            "blinded (no arm column)"
        } else {
            "unblinded"
        },
        if report.registered {
            "registered: every file matches its SHA-256 in the manifest"
        } else {
            "not registered (no manifest)"
        }
    );
    for f in &report.files {
        println!("    {:<16} sha256 {}", f.name, f.sha256);
    }
    println!(
        "    {} subjects, {} AE records, {} time-to-event records, {}",
        report.subjects,
        report.adae_records,
        report.adtte_records,
        match report.lab_records {
            Some(n) => format!("{n} laboratory records"),
            None => "no laboratory data (no ADLB)".to_string(),
        }
    );
}
