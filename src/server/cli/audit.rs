//! `dsmb audit verify`: recompute the audit trail's hash chain.

use super::DbArgs;
use crate::server::store::ChainBreak;
use clap::Subcommand;
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
}

/// `dsmb audit verify`: recompute the audit trail's hash chain.
pub fn audit(args: &AuditArgs) -> ExitCode {
    let store = match args.db.open() {
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
