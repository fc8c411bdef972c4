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

/// Read one line (a password) from standard input.
fn read_password() -> Result<String, String> {
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| format!("cannot read the password from standard input: {e}"))?;
    let p = line.trim_end_matches(['\n', '\r']).to_string();
    if p.is_empty() {
        return Err("give the password on standard input".into());
    }
    Ok(p)
}

fn parse_role(spec: &str) -> Result<(String, super::store::Role), String> {
    let (trial, role) = spec
        .split_once('=')
        .ok_or_else(|| format!("{spec:?}: give a role as TRIAL=ROLE"))?;
    if trial.is_empty() {
        return Err(format!("{spec:?}: no trial"));
    }
    Ok((trial.to_string(), role.parse()?))
}

/// `dsmb user add|passwd|list|disable|enable|grant`.
pub fn user(args: &super::cli::UserArgs) -> ExitCode {
    use super::cli::UserAction;
    use super::store::Store;
    let run = || -> Result<(), String> {
        let store = Store::open(&args.db.db).map_err(|e| e.to_string())?;
        match &args.action {
            UserAction::Add { username, roles } => {
                let roles = roles
                    .iter()
                    .map(|r| parse_role(r))
                    .collect::<Result<Vec<_>, _>>()?;
                let password = read_password()?;
                store
                    .add_user(username, &password, &roles)
                    .map_err(|e| e.to_string())?;
                println!("added {username}");
            }
            UserAction::Passwd { username } => {
                let password = read_password()?;
                store
                    .set_password(username, &password)
                    .map_err(|e| e.to_string())?;
                println!("password of {username} set; their sessions ended");
            }
            UserAction::List => {
                for u in store.list_users().map_err(|e| e.to_string())? {
                    let roles: Vec<String> = u
                        .roles
                        .iter()
                        .map(|(t, r)| format!("{t}={}", r.as_str()))
                        .collect();
                    println!(
                        "{:<24} {:<9} {}",
                        u.username,
                        if u.disabled { "disabled" } else { "active" },
                        roles.join(" ")
                    );
                }
            }
            UserAction::Disable { username } => {
                store
                    .set_disabled(username, true)
                    .map_err(|e| e.to_string())?;
                println!("disabled {username}; their sessions ended");
            }
            UserAction::Enable { username } => {
                store
                    .set_disabled(username, false)
                    .map_err(|e| e.to_string())?;
                println!("enabled {username}");
            }
            UserAction::Grant { username, role } => {
                let (trial, role) = parse_role(role)?;
                store
                    .grant(username, &trial, role)
                    .map_err(|e| e.to_string())?;
                println!("{username} is {} on {trial}", role.as_str());
            }
        }
        Ok(())
    };
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("dsmb user: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `dsmb audit verify`: recompute the audit trail's hash chain.
pub fn audit(args: &super::cli::AuditArgs) -> ExitCode {
    use super::store::Store;
    let store = match Store::open(&args.db.db) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("dsmb audit: {e}");
            return ExitCode::FAILURE;
        }
    };
    match store.verify_audit() {
        Ok(Ok(n)) => {
            println!("audit trail intact: {n} entries, every hash and link verified");
            ExitCode::SUCCESS
        }
        Ok(Err((id, why))) => {
            println!("audit trail BROKEN at entry {id}: {why}");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("dsmb audit: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The demo's users, one per role on every trial, created when the
/// database has no user yet; returns their names and passwords (empty when
/// users exist already).
pub fn demo_users(
    store: &super::store::Store,
    trials: &[String],
) -> Result<Vec<(String, String)>, super::store::StoreError> {
    use super::store::Role;
    if store.user_count()? > 0 {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for role in [Role::Dsmb, Role::Statistician, Role::Sponsor] {
        let password = super::store::random_hex(10);
        let roles: Vec<(String, Role)> = trials.iter().map(|t| (t.clone(), role)).collect();
        store.add_user(role.as_str(), &password, &roles)?;
        out.push((role.as_str().to_string(), password));
    }
    Ok(out)
}
