//! The headless commands: `check`, `summary` and `register`.

use super::cli::{CutArgs, DesignArgs, RegisterArgs, SummaryArgs, View};
use super::cut::{self, Level, LoadOptions, Snapshot};
use super::problem::Problems;
use super::report::{closed_report, open_report};
use super::trial::TrialConfig;
use std::process::ExitCode;

fn load_trial(args: &CutArgs) -> Result<TrialConfig, ExitCode> {
    TrialConfig::load(&args.trial).map_err(|e| {
        eprintln!("dsmb: {e}");
        ExitCode::from(2)
    })
}

fn options(args: &CutArgs, level: Level) -> LoadOptions {
    LoadOptions {
        level,
        randlist: args.randlist.clone(),
        blinded: args.blinded.then_some(true),
        cut_date: args.cut_date,
    }
}

fn report_problems(dir: &std::path::Path, problems: &Problems, json: bool) -> ExitCode {
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
    let first = cut::load(&args.cut_dir, &trial, &options(args, Level::Open));
    let snap = match first {
        Err(p) => return report_problems(&args.cut_dir, &p, args.json),
        Ok(open) if open.blinded_source && args.randlist.is_none() => open,
        Ok(_) => match cut::load(&args.cut_dir, &trial, &options(args, Level::Closed)) {
            Ok(s) => s,
            Err(p) => return report_problems(&args.cut_dir, &p, args.json),
        },
    };
    print_check(args, &snap);
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

/// `dsmb summary`: every number of the open or closed report, as JSON.
pub fn summary(args: &SummaryArgs) -> ExitCode {
    let trial = match load_trial(&args.cut) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let json = match args.view {
        View::Open => {
            if args.cut.randlist.is_some() {
                eprintln!("dsmb: the open view never uses a randomization list; drop --randlist");
                return ExitCode::from(2);
            }
            let snap = match cut::load(&args.cut.cut_dir, &trial, &options(&args.cut, Level::Open))
            {
                Ok(s) => s,
                Err(p) => return report_problems(&args.cut.cut_dir, &p, false),
            };
            open_report(&snap, &trial).map(|r| serde_json::to_string_pretty(&r))
        }
        View::Closed => {
            let snap = match cut::load(
                &args.cut.cut_dir,
                &trial,
                &options(&args.cut, Level::Closed),
            ) {
                Ok(s) => s,
                Err(p) => return report_problems(&args.cut.cut_dir, &p, false),
            };
            closed_report(&snap, &trial).map(|r| serde_json::to_string_pretty(&r))
        }
    };
    match json {
        Ok(Ok(text)) => {
            println!("{text}");
            ExitCode::SUCCESS
        }
        Ok(Err(e)) => {
            eprintln!("dsmb: {e}");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("dsmb: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `dsmb register`: check every data folder of the cut, then write its
/// manifest (see [`super::manifest::register`]).
pub fn register(args: &RegisterArgs) -> ExitCode {
    let trial = match TrialConfig::load(&args.trial) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("dsmb: {e}");
            return ExitCode::from(2);
        }
    };
    match super::manifest::register(&args.cut_dir, &trial) {
        Ok(path) => {
            println!("registered {} ({})", path.display(), trial.id);
            ExitCode::SUCCESS
        }
        Err(p) => report_problems(&args.cut_dir, &p, false),
    }
}

/// `dsmb design`: boundaries of a group-sequential design.
pub fn design(args: &DesignArgs) -> ExitCode {
    use crate::stats::gsd::{efficacy_boundaries, EfficacyRule};
    let t = &args.looks;
    let valid = !t.is_empty()
        && t.len() <= 20
        && t[0] > 0.0
        && t.windows(2).all(|w| w[0] < w[1])
        && (t[t.len() - 1] - 1.0).abs() < 1e-12;
    if !valid {
        eprintln!(
            "dsmb: --looks must be 1 to 20 increasing information fractions in (0, 1], ending at 1"
        );
        return ExitCode::from(2);
    }
    if !(args.alpha > 0.0 && args.alpha < 0.5) {
        eprintln!("dsmb: --alpha must be in (0, 0.5)");
        return ExitCode::from(2);
    }
    let rule: EfficacyRule = match args.spending.parse() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("dsmb: --spending {e}");
            return ExitCode::from(2);
        }
    };
    let (efficacy, futility, cumulative_alpha, drift) = match &args.futility {
        None => {
            let b = efficacy_boundaries(t, args.alpha, args.sided == 2, rule);
            (b.efficacy, None, b.cumulative_alpha, None)
        }
        Some(f) => {
            let (EfficacyRule::Spending(alpha_spending), Ok(EfficacyRule::Spending(beta_spending))) =
                (rule, f.parse::<EfficacyRule>())
            else {
                eprintln!("dsmb: a futility boundary needs alpha spending (--spending obf, pocock, kd:, hsd:) and a beta-spending function (--futility obf, pocock, kd:, hsd:)");
                return ExitCode::from(2);
            };
            if args.sided != 1 {
                eprintln!("dsmb: futility boundaries are for one-sided designs (--sided 1)");
                return ExitCode::from(2);
            }
            if !(args.beta > 0.0 && args.beta < 0.5) {
                eprintln!("dsmb: --beta must be in (0, 0.5)");
                return ExitCode::from(2);
            }
            let d = crate::stats::gsd::futility_design(
                t,
                args.alpha,
                args.beta,
                alpha_spending,
                beta_spending,
                args.binding,
            );
            (
                d.efficacy,
                Some(d.futility),
                d.cumulative_alpha,
                Some(d.drift),
            )
        }
    };
    if args.json {
        let out = serde_json::json!({
            "looks": t,
            "alpha": args.alpha,
            "sided": args.sided,
            "spending": args.spending,
            "futility": args.futility,
            "binding": args.futility.is_some().then_some(args.binding),
            "beta": args.futility.is_some().then_some(args.beta),
            "efficacy_z": efficacy,
            "futility_z": futility,
            "cumulative_alpha": cumulative_alpha,
            "drift": drift,
        });
        println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
    } else {
        println!("look  fraction  efficacy z  futility z  cumulative alpha");
        for (k, ((tk, z), a)) in t.iter().zip(&efficacy).zip(&cumulative_alpha).enumerate() {
            let f = futility
                .as_ref()
                .and_then(|f| f.get(k))
                .map_or("-".to_string(), |f| format!("{f:.4}"));
            println!("{:>4}  {tk:>8.4}  {z:>10.4}  {f:>10}  {a:>16.6}", k + 1);
        }
    }
    ExitCode::SUCCESS
}
