//! `dsmb diff`: what changed between two cuts of a trial, at the open
//! (pooled) or the closed (by-arm) level, as the overview's "since the last
//! review" shows it.

use super::check::report_problems;
use super::summary::{listing_rows, ListingRows, View};
use crate::server::config::TrialConfig;
use crate::server::data::layout;
use crate::server::data::problem::Problems;
use crate::server::firewall::{
    closed_snapshot, earlier_open_snapshots, load, open_snapshot, ClosedSnapshot, LoadOptions,
    OpenSnapshot,
};
use crate::server::report::diff::{closed_diff, open_diff, Change};
use crate::server::report::{closed_report, open_report_after, pooled_counts, PooledCounts};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, Clone, clap::Args)]
pub struct DiffArgs {
    /// The earlier cut: a cut folder (cut-YYYY-MM-DD, with its blinded or
    /// unblinded part) or a data folder holding adsl, adae and adtte.
    pub old_cut: PathBuf,
    /// The later cut, likewise.
    pub new_cut: PathBuf,
    /// The trial's configuration.
    #[arg(long)]
    pub trial: PathBuf,
    /// open: pooled numbers only (sponsor); closed: by arm (DSMB, statistician).
    #[arg(long, value_enum)]
    pub view: View,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// How many rows of each listing (new serious events, changed records)
    /// to print: a number, or `all`. The totals are always there.
    #[arg(long, default_value = "100", value_parser = listing_rows)]
    pub listing_rows: ListingRows,
}

/// A data folder holds the datasets itself; a cut folder has parts.
fn is_data_folder(dir: &Path) -> bool {
    layout::has_dataset(dir, "adsl")
}

fn open_of(trial: &TrialConfig, dir: &Path) -> Result<OpenSnapshot, Problems> {
    if is_data_folder(dir) {
        load(dir, trial, &LoadOptions::open())
    } else {
        open_snapshot(trial, dir)
    }
}

fn closed_of(trial: &TrialConfig, dir: &Path) -> Result<ClosedSnapshot, Problems> {
    if is_data_folder(dir) {
        load(dir, trial, &LoadOptions::closed(None))
    } else {
        closed_snapshot(trial, dir)
    }
}

/// The numbers of a change as `then -> now (+new)`.
fn shown(c: &Change) -> String {
    let n = |v: Option<u32>| v.map_or("suppressed".to_string(), |v| v.to_string());
    match c.new {
        Some(d) => format!("{} -> {} ({d:+})", n(c.then), n(c.now)),
        None => format!("{} -> {}", n(c.then), n(c.now)),
    }
}

pub fn diff(args: &DiffArgs) -> ExitCode {
    let trial = match TrialConfig::load(&args.trial) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("dsmb: {e}");
            return ExitCode::from(2);
        }
    };
    let refused = |e: &dyn std::fmt::Display| {
        eprintln!("dsmb: {e}");
        ExitCode::from(2)
    };
    let text = match args.view {
        View::Open => {
            let (old, new) = match (
                open_of(&trial, &args.old_cut),
                open_of(&trial, &args.new_cut),
            ) {
                (Ok(a), Ok(b)) => (a, b),
                (Err(p), _) => return report_problems(&args.old_cut, &p, args.json),
                (_, Err(p)) => return report_problems(&args.new_cut, &p, args.json),
            };
            // Suppressed as the server suppresses each cut: against the
            // pooled counts of the trial's earlier good cuts.
            let report = |snap: &OpenSnapshot, dir: &Path| {
                let earlier: Vec<PooledCounts> = earlier_open_snapshots(&trial, dir)
                    .iter()
                    .filter_map(|s| pooled_counts(s, &trial).ok())
                    .collect();
                open_report_after(snap, &trial, &earlier)
            };
            let (then, now) = match (report(&old, &args.old_cut), report(&new, &args.new_cut)) {
                (Ok(a), Ok(b)) => (a, b),
                (Err(e), _) | (_, Err(e)) => return refused(&e),
            };
            let d = match open_diff((&old, &then), (&new, &now), &trial) {
                Ok(d) => d,
                Err(e) => return refused(&e),
            };
            if args.json {
                serde_json::to_string_pretty(&d).unwrap_or_default()
            } else {
                let mut lines = vec![
                    format!("{} since {} (pooled)", d.to_cut, d.from_cut),
                    format!("subjects: {}", shown(&d.subjects)),
                    format!("deaths: {}", shown(&d.deaths)),
                ];
                lines.extend(
                    d.safety
                        .iter()
                        .map(|s| format!("{}: {}", s.category, shown(&s.subjects))),
                );
                lines.extend(
                    d.changed_records
                        .iter()
                        .map(|k| format!("changed records, {}: {}", k.label, k.records)),
                );
                lines.join("\n")
            }
        }
        View::Closed => {
            let (old, new) = match (
                closed_of(&trial, &args.old_cut),
                closed_of(&trial, &args.new_cut),
            ) {
                (Ok(a), Ok(b)) => (a, b),
                (Err(p), _) => return report_problems(&args.old_cut, &p, args.json),
                (_, Err(p)) => return report_problems(&args.new_cut, &p, args.json),
            };
            let now = match closed_report(&new, &trial) {
                Ok(r) => r,
                Err(e) => return refused(&e),
            };
            let mut d = match closed_diff((&old, None), (&new, &now), &trial) {
                Ok(d) => d,
                Err(e) => return refused(&e),
            };
            if let ListingRows(Some(n)) = args.listing_rows {
                d.keep_listing_rows(n);
            }
            if args.json {
                serde_json::to_string_pretty(&d).unwrap_or_default()
            } else {
                let mut lines = vec![
                    format!("{} since {} (by arm)", d.to_cut, d.from_cut),
                    format!("subjects: {}", shown(&d.subjects)),
                ];
                lines.extend(d.by_arm.iter().map(|(a, c)| format!("  {a}: {}", shown(c))));
                lines.push(format!("deaths: {}", shown(&d.deaths)));
                for s in &d.safety {
                    lines.push(format!(
                        "{}: subjects {}, events {}",
                        s.category,
                        shown(&s.subjects),
                        shown(&s.events)
                    ));
                }
                lines.push(format!(
                    "new serious or fatal events: {}",
                    d.new_serious_events_total
                ));
                lines.push(format!("changed records: {}", d.changed_records_total));
                for r in &d.changed_records {
                    lines.push(format!(
                        "  {} {} {} {}: {} -> {} ({})",
                        r.usubjid,
                        r.dataset,
                        r.record,
                        r.field,
                        r.old.as_deref().unwrap_or("(none)"),
                        r.new.as_deref().unwrap_or("(none)"),
                        r.kind.label()
                    ));
                }
                lines.join("\n")
            }
        }
    };
    println!("{text}");
    ExitCode::SUCCESS
}
