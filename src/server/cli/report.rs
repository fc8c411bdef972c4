//! `dsmb report`: the open or closed report of a cut as a PDF or a
//! self-contained HTML file, from the same reports as the dashboard (and
//! the same "since the last review": the cut reviewed at the last signed
//! meeting in the access database when there is one, else the previous
//! good cut of the trial folder).

use super::check::{closed, load_trial, options, report_problems, CutArgs};
use super::DbArgs;
use crate::dto::{PathPoint, Role};
use crate::server::config::TrialConfig;
use crate::server::data::layout;
use crate::server::data::load::Snapshot;
use crate::server::data::manifest::manifest_sha256;
use crate::server::document::{self, ClosedParts, Format, Meta, Previous};
use crate::server::firewall::{
    closed_snapshot, earlier_open_snapshots, load, ArmNames, ClosedSnapshot, Open,
};
use crate::server::report::diff::{closed_diff, open_diff};
use crate::server::report::enrollment::enrollment_summary;
use crate::server::report::rules::safety_rules;
use crate::server::report::{
    closed_look, closed_report, open_report_after, pooled_counts, ClosedLook, PooledCounts,
};
use crate::server::store::meetings::Meeting;
use crate::server::views::diff::{closed_since, open_since, Basis};
use crate::server::views::standing;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum View {
    Open,
    Closed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FormatArg {
    Pdf,
    Html,
}

#[derive(Debug, Clone, clap::Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub cut: CutArgs,
    /// open: the sponsor's pooled report; closed: the DSMB's, by group.
    #[arg(long, value_enum)]
    pub view: View,
    /// The closed report with the DSMB's coded group letters (from the
    /// access database) instead of the arms.
    #[arg(long)]
    pub coded: bool,
    #[arg(long, value_enum, default_value = "pdf")]
    pub format: FormatArg,
    /// Where to write the report.
    #[arg(long)]
    pub out: PathBuf,
    /// The build time printed in the report and the PDF's date,
    /// `YYYY-MM-DDTHH:MM:SSZ` [default: now]. The same inputs and time give
    /// the same bytes.
    #[arg(long)]
    pub built_at: Option<String>,
    /// The report's version number.
    #[arg(long, default_value = "1")]
    pub report_version: u32,
    #[command(flatten)]
    pub db: DbArgs,
}

/// A build time as the reports print it, or why not.
pub fn check_built_at(s: &str) -> Result<String, String> {
    chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%SZ")
        .map(|_| s.to_string())
        .map_err(|_| format!("--built-at {s:?} is not YYYY-MM-DDTHH:MM:SSZ"))
}

/// The trial folder's other cuts (date, folder) before `dir`'s, oldest first.
fn earlier_cuts(dir: &Path) -> Vec<(String, PathBuf)> {
    let Some(cut) = layout::cut_folder_of(dir) else {
        return Vec::new();
    };
    let (Some(date), Some(trial_dir)) = (layout::cut_date_from_path(&cut), cut.parent()) else {
        return Vec::new();
    };
    let mut out: Vec<(String, PathBuf)> = layout::cut_dirs(trial_dir)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|d| {
            let day = layout::cut_date_from_path(&d)?;
            (day < date).then(|| (day.to_string(), d))
        })
        .collect();
    out.sort();
    out
}

/// The last signed meeting before the cut, from the access database when
/// it exists.
fn previous_meeting(db: &DbArgs, trial: &str, cut: &str) -> Option<Meeting> {
    if !db.db.is_file() {
        return None;
    }
    db.open()
        .ok()?
        .last_signed_meeting(trial, cut)
        .ok()
        .flatten()
}

/// `trial` with the formal looks declared in the app (the access database,
/// when there is one) joined to its trial.toml's, as the server serves it;
/// a declared look that contradicts the trial.toml stops the report.
fn with_declared_looks(db: &DbArgs, trial: TrialConfig) -> Result<TrialConfig, ExitCode> {
    if !db.db.is_file() {
        return Ok(trial);
    }
    let store = db
        .open()
        .map_err(|e| fail("the declared looks need the access database", &e))?;
    let declared = store
        .declared_looks(&trial.id)
        .map_err(|e| fail("the declared looks", &e))?;
    crate::server::looks::join_declared(trial, &declared).map_err(|e| {
        eprintln!("dsmb: {e}");
        ExitCode::from(2)
    })
}

/// The earlier cut "since the last review" compares with, from `good`
/// (the earlier good cuts' dates, oldest first).
fn basis(previous: Option<&Meeting>, good: &[String]) -> Option<(String, Basis)> {
    let choices: Vec<String> = good.iter().rev().cloned().collect();
    let reviewed = previous
        .map(|m| m.fields.cut_date.to_string())
        .filter(|c| good.contains(c));
    let (from, why) = match reviewed {
        Some(r) => (r, "the cut reviewed at the last signed meeting"),
        None => (
            good.last()?.clone(),
            "the previous cut (no signed meeting reviewed an earlier one)",
        ),
    };
    Some((
        from,
        Basis {
            basis: why.into(),
            choices,
        },
    ))
}

fn fail(what: &str, e: &dyn std::fmt::Display) -> ExitCode {
    eprintln!("dsmb: {what}: {e}");
    ExitCode::FAILURE
}

fn meta(args: &ReportArgs, snap: &Snapshot, built_at: String) -> Meta {
    Meta {
        version: args.report_version,
        built_at,
        files: snap.files.clone(),
        manifest_sha256: manifest_sha256(&args.cut.cut_dir),
    }
}

/// The open report document of the cut.
fn open_doc(
    args: &ReportArgs,
    trial: &TrialConfig,
    built_at: String,
) -> Result<document::Document, ExitCode> {
    let snap = load(&args.cut.cut_dir, trial, &options(&args.cut, Open))
        .map_err(|p| report_problems(&args.cut.cut_dir, &p, false))?;
    // The earlier good cuts with their pooled counts, paired: a cut whose
    // counts cannot be made is left out of both.
    let earlier: Vec<_> = earlier_open_snapshots(trial, &args.cut.cut_dir)
        .into_iter()
        .filter_map(|s| pooled_counts(&s, trial).ok().map(|c| (s, c)))
        .collect();
    let counts: Vec<PooledCounts> = earlier.iter().map(|(_, c)| c.clone()).collect();
    let open = open_report_after(&snap, trial, &counts).map_err(|e| fail("the report", &e))?;
    let enrollment = enrollment_summary(trial, &snap);
    let cut = snap.cut_date.to_string();
    let meeting = previous_meeting(&args.db, &trial.id, &cut);
    let good: Vec<String> = earlier
        .iter()
        .map(|(s, _)| s.cut_date.to_string())
        .collect();
    let since = match basis(meeting.as_ref(), &good) {
        Some((from, words)) => {
            let i = earlier
                .iter()
                .position(|(s, _)| s.cut_date.to_string() == from);
            match i {
                Some(i) => {
                    let old = &earlier[i].0;
                    let before: Vec<PooledCounts> = counts[..i].to_vec();
                    let then = open_report_after(old, trial, &before)
                        .map_err(|e| fail("the earlier cut's report", &e))?;
                    let d = open_diff((old, &then), (&snap, &open), trial)
                        .map_err(|e| fail("since the last review", &e))?;
                    Some(open_since(&d, words))
                }
                None => None,
            }
        }
        None => None,
    };
    let previous = meeting.as_ref().map(|m| Previous::of(m, false));
    let enrollment = standing::enrollment_as_of(&enrollment, meeting.as_ref());
    let standing = standing::pooled(trial, &enrollment, meeting.as_ref(), since.as_ref());
    let m = meta(args, &snap, built_at);
    Ok(document::open_document(
        trial,
        &open,
        &enrollment,
        previous.as_ref(),
        since.as_ref(),
        &standing,
        &m,
    ))
}

/// The closed report document of the cut.
fn closed_doc(
    args: &ReportArgs,
    trial: &TrialConfig,
    built_at: String,
) -> Result<document::Document, ExitCode> {
    let snap = load(&args.cut.cut_dir, trial, &closed(&args.cut))
        .map_err(|p| report_problems(&args.cut.cut_dir, &p, false))?;
    let report = closed_report(&snap, trial).map_err(|e| fail("the report", &e))?;
    let arms = trial.arm_labels();
    let names = if args.coded {
        // The DSMB's letters as the app assigned them: read, never made
        // here (a new database or new letters would not be the board's).
        if !args.db.db.is_file() {
            eprintln!(
                "dsmb: --coded reads the DSMB's letters from the access database, and {} does not exist",
                args.db.db.display()
            );
            return Err(ExitCode::from(2));
        }
        let letters = args
            .db
            .open()
            .and_then(|s| s.assigned_arm_codes(&trial.id))
            .map_err(|e| fail("the coded groups need the access database", &e))?;
        let all = arms
            .iter()
            .all(|(a, _)| letters.iter().any(|(x, _)| x == a));
        if !all || letters.len() != arms.len() {
            eprintln!(
                "dsmb: the access database has no coded letters for every arm of {} (the app assigns them when a DSMB member first opens a closed page)",
                trial.id
            );
            return Err(ExitCode::from(2));
        }
        ArmNames::for_viewer(Role::Dsmb, arms, &letters, None)
    } else {
        ArmNames::for_viewer(Role::Statistician, arms, &[], None)
    };
    let cut = snap.cut_date.to_string();
    let meeting = previous_meeting(&args.db, &trial.id, &cut);
    let reviewed = meeting.as_ref().map(|m| m.fields.cut_date.to_string());
    // The earlier good cuts: their interim statistic (the z path); of them
    // only the cuts "since the last review" may compare with are kept (the
    // reviewed one and the newest), each read once.
    let mut path = Vec::new();
    let mut good = Vec::new();
    let mut kept: Vec<(String, ClosedSnapshot, ClosedLook)> = Vec::new();
    // What signals at each earlier cut, oldest first.
    let mut signals: Vec<(String, Vec<standing::SignalKey>)> = Vec::new();
    for (date, dir) in earlier_cuts(&args.cut.cut_dir) {
        let Ok(s) = closed_snapshot(trial, &dir) else {
            continue;
        };
        let Ok(look) = closed_look(&s, trial) else {
            continue;
        };
        if let Some(i) = &look.interim {
            path.push(PathPoint {
                cut_date: date.clone(),
                information_fraction: i.information_fraction,
                z: i.z,
                b_value: i.b_value,
            });
        }
        signals.push((
            date.clone(),
            standing::signalling(&safety_rules(trial, &look.safety)),
        ));
        good.push(date.clone());
        kept.retain(|(d, _, _)| Some(d) == reviewed.as_ref());
        kept.push((date, s, look));
    }
    if let Some(i) = &report.interim {
        path.push(PathPoint {
            cut_date: cut.clone(),
            information_fraction: i.information_fraction,
            z: i.z,
            b_value: i.b_value,
        });
    }
    let since = match basis(meeting.as_ref(), &good) {
        Some((from, words)) => match kept.iter().find(|(d, _, _)| *d == from) {
            Some((_, old, look)) => {
                let d = closed_diff((old, Some(look.look())), (&snap, &report), trial)
                    .map_err(|e| fail("since the last review", &e))?;
                Some(closed_since(&d, &names, words))
            }
            None => None,
        },
        None => None,
    };
    let enrollment = enrollment_summary(trial, &snap);
    let previous = meeting.as_ref().map(|m| Previous::of(m, true));
    let enrollment = standing::enrollment_as_of(&enrollment, meeting.as_ref());
    let mut holding = standing::signalling(&report.safety_rules);
    let mut history: BTreeMap<standing::SignalKey, String> =
        holding.iter().map(|k| (k.clone(), cut.clone())).collect();
    for (date, at) in signals.iter().rev() {
        if holding.is_empty() {
            break;
        }
        standing::step_back(&mut holding, &mut history, date, at);
    }
    let mut standing = standing::pooled(trial, &enrollment, meeting.as_ref(), since.as_ref());
    standing.closed = Some(standing::closed_part(
        trial, &report, &names, &history, None,
    ));
    let mut cuts: Vec<String> = good.clone();
    cuts.push(cut);
    cuts.reverse();
    let m = meta(args, &snap, built_at);
    Ok(document::closed_document(
        ClosedParts {
            trial,
            closed: &report,
            names: &names,
            enrollment: &enrollment,
            path,
            cuts,
            previous: previous.as_ref(),
            since: since.as_ref(),
            standing: &standing,
        },
        &m,
    ))
}

pub fn report(args: &ReportArgs) -> ExitCode {
    let trial = match load_trial(&args.cut).and_then(|t| with_declared_looks(&args.db, t)) {
        Ok(t) => t,
        Err(code) => return code,
    };
    if args.view == View::Open && (args.coded || args.cut.randlist.is_some()) {
        eprintln!("dsmb: the open report has no groups: drop --coded and --randlist");
        return ExitCode::from(2);
    }
    let built_at = match args.built_at.as_deref().map(check_built_at) {
        Some(Ok(t)) => t,
        Some(Err(why)) => {
            eprintln!("dsmb: {why}");
            return ExitCode::from(2);
        }
        None => document::build::now(),
    };
    let doc = match args.view {
        View::Open => open_doc(args, &trial, built_at),
        View::Closed => closed_doc(args, &trial, built_at),
    };
    let doc = match doc {
        Ok(d) => d,
        Err(code) => return code,
    };
    let format = match args.format {
        FormatArg::Pdf => Format::Pdf,
        FormatArg::Html => Format::Html,
    };
    let bytes = match document::render(&doc, format) {
        Ok(b) => b,
        Err(e) => return fail("the report", &e),
    };
    // Written beside the target and renamed: never a half-written report.
    let tmp = args
        .out
        .with_extension(format!("{}.partial", format.extension()));
    if let Err(e) = std::fs::write(&tmp, &bytes).and_then(|()| std::fs::rename(&tmp, &args.out)) {
        let _ = std::fs::remove_file(&tmp);
        return fail(&format!("writing {}", args.out.display()), &e);
    }
    eprintln!(
        "dsmb: wrote {} ({} bytes, {} report, data cut {}, version {})",
        args.out.display(),
        bytes.len(),
        match doc.audience {
            document::Audience::Open => "open",
            document::Audience::Closed { coded: true } => "closed, coded",
            document::Audience::Closed { coded: false } => "closed",
            document::Audience::AuditTrail => "audit trail",
        },
        doc.cut_date,
        doc.version
    );
    ExitCode::SUCCESS
}
