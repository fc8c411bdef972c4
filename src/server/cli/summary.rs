//! `dsmb summary`: every number of the open or closed report, as JSON.

use super::check::{closed, load_trial, options, report_problems, CutArgs};
use crate::server::data::layout;
use crate::server::firewall::{earlier_open_snapshots, load, Open};
use crate::server::report::{closed_report, open_report_after, pooled_counts, PooledCounts};
use std::process::ExitCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum View {
    Open,
    Closed,
}

#[derive(Debug, Clone, clap::Args)]
pub struct SummaryArgs {
    #[command(flatten)]
    pub cut: CutArgs,
    /// open: pooled numbers only (sponsor); closed: by arm (DSMB, statistician).
    #[arg(long, value_enum)]
    pub view: View,
    /// How many rows of each listing (the serious and fatal events, the
    /// deaths) to print, newest first: a number, or `all`. The totals are
    /// always there (`serious_events_total`, `deaths.listing_total`).
    #[arg(long, default_value = "100", value_parser = listing_rows)]
    pub listing_rows: ListingRows,
}

/// Listing rows to print: `None` for all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListingRows(pub Option<usize>);

pub(super) fn listing_rows(s: &str) -> Result<ListingRows, String> {
    if s == "all" {
        return Ok(ListingRows(None));
    }
    s.parse()
        .map(|n| ListingRows(Some(n)))
        .map_err(|_| format!("{s:?} is not a number of rows or `all`"))
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
            let snap = match load(&args.cut.cut_dir, &trial, &options(&args.cut, Open)) {
                Ok(s) => s,
                Err(p) => return report_problems(&args.cut.cut_dir, &p, false),
            };
            // Suppressed as the server suppresses it: against the pooled
            // counts of the trial's earlier good cuts, when the cut is one
            // of a trial folder's.
            let earlier: Vec<PooledCounts> = earlier_open_snapshots(&trial, &args.cut.cut_dir)
                .iter()
                .filter_map(|s| pooled_counts(s, &trial).ok())
                .collect();
            open_report_after(&snap, &trial, &earlier).map(|r| serde_json::to_string_pretty(&r))
        }
        View::Closed => {
            let snap = match load(&args.cut.cut_dir, &trial, &closed(&args.cut)) {
                Ok(s) => s,
                Err(p) => return report_problems(&args.cut.cut_dir, &p, false),
            };
            // The formal looks before this cut at their observed information,
            // read from the trial folder's cuts when the cut is in one.
            let trial = match layout::cut_folder_of(&args.cut.cut_dir)
                .and_then(|c| c.parent().map(std::path::Path::to_path_buf))
            {
                Some(dir) => crate::server::looks::with_observed_looks(
                    &trial,
                    &dir,
                    &snap.cut_date.to_string(),
                ),
                None => trial,
            };
            closed_report(&snap, &trial).map(|mut r| {
                if let ListingRows(Some(n)) = args.listing_rows {
                    r.keep_listing_rows(n);
                }
                serde_json::to_string_pretty(&r)
            })
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
