//! `dsmb audit verify`: recompute the audit trail's hash chain.
//! `dsmb audit export`: the trail (or the entries a filter selects) as CSV
//! or PDF, with the chain's verification at export time; audited.

use super::{operator, DbArgs};
use crate::server::audit_export::{self, ExportFormat, Exporter};
use crate::server::ids::CutDate;
use crate::server::store::{AuditFilter, ChainBreak};
use clap::Subcommand;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Clone, clap::Args)]
pub struct AuditArgs {
    #[command(flatten)]
    pub db: DbArgs,
    #[command(subcommand)]
    pub action: AuditAction,
}

#[derive(Debug, Clone, Subcommand)]
pub enum AuditAction {
    /// Recompute the hash chain; exit 1 naming the first broken entry.
    Verify,
    /// Export the entries (all, or those the filters select) as CSV or
    /// PDF, stating the chain's verification at export time.
    Export {
        #[arg(long, value_enum, default_value = "csv")]
        format: ExportFormat,
        /// Where to write it.
        #[arg(long)]
        out: PathBuf,
        #[arg(long)]
        user: Option<String>,
        #[arg(long)]
        action: Option<String>,
        #[arg(long)]
        trial: Option<String>,
        /// The first UTC day (YYYY-MM-DD), inclusive.
        #[arg(long, value_parser = day)]
        from: Option<chrono::NaiveDate>,
        /// The last UTC day (YYYY-MM-DD), inclusive.
        #[arg(long, value_parser = day)]
        to: Option<chrono::NaiveDate>,
    },
}

fn day(s: &str) -> Result<chrono::NaiveDate, String> {
    CutDate::parse(s)
        .map(|d| d.date())
        .map_err(|e| e.to_string())
}

/// `dsmb audit verify` and `dsmb audit export`.
pub fn audit(args: &AuditArgs) -> ExitCode {
    let store = match args.db.open() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("dsmb audit: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let AuditAction::Export {
        format,
        out,
        user,
        action,
        trial,
        from,
        to,
    } = &args.action
    {
        let filter = AuditFilter {
            user: user.clone(),
            action: action.clone(),
            trial: trial.clone(),
            from: *from,
            to: *to,
            scope: None,
        };
        return export(&store, &filter, *format, out);
    }
    match store.verify_audit() {
        Ok(Ok(n)) => {
            println!("audit trail intact: {n} entries, every hash and link verified");
            ExitCode::SUCCESS
        }
        Ok(Err(ChainBreak { id, why })) => {
            println!("audit trail BROKEN at entry {id}: {why}");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("dsmb audit: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Write the export to a temporary file beside `out`, then move it there:
/// no half-written export is left under its name.
fn export(
    store: &crate::server::store::Store,
    filter: &AuditFilter,
    format: ExportFormat,
    out: &std::path::Path,
) -> ExitCode {
    let tmp = out.with_extension(format!("{}.part", format.extension()));
    let who = operator();
    let written = std::fs::File::create(&tmp)
        .map_err(audit_export::ExportError::from)
        .and_then(|f| {
            audit_export::export(
                store,
                &Exporter {
                    username: &who,
                    address: "",
                },
                filter,
                format,
                std::io::BufWriter::new(f),
            )
        })
        .and_then(|n| std::fs::rename(&tmp, out).map(|()| n).map_err(Into::into));
    match written {
        Ok(n) => {
            eprintln!("dsmb audit: wrote {} ({n} entries)", out.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            eprintln!("dsmb audit: {}: {e}", out.display());
            ExitCode::FAILURE
        }
    }
}
