//! The `dsmb` command line, one file per command, each owning its
//! arguments: `serve` (the default), `check`, `summary`, `diff`, `report`, `register`,
//! `design`, `user` and `audit`. The headless commands answer the same
//! questions as the web app, from the same reports.

pub mod audit;
pub mod check;
pub mod design;
pub mod diff;
pub mod register;
pub mod report;
pub mod serve;
pub mod summary;
pub mod user;

use crate::server::store::{AuditFiles, Store, StoreError};
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// DSMB interim-monitoring dashboard.
#[derive(Debug, Parser)]
#[command(name = "dsmb", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web app (the default when no command is given).
    Serve(serve::ServeArgs),
    /// Validate a data cut: exit 0 with a short report, or 1 with every problem found.
    Check(check::CutArgs),
    /// Every number the dashboard shows for a cut.
    Summary(summary::SummaryArgs),
    /// What changed between two cuts of a trial (since the last review).
    Diff(diff::DiffArgs),
    /// The open or closed report of a cut as a PDF or one self-contained HTML file.
    Report(report::ReportArgs),
    /// Register a cut: hash its files into cut-YYYY-MM-DD/manifest.json (immutable).
    Register(register::RegisterArgs),
    /// Boundaries of a group-sequential design.
    Design(design::DesignArgs),
    /// Users and their roles (add, passwd, list, disable, enable, grant).
    User(user::UserArgs),
    /// The audit trail: verify its hash chain.
    Audit(audit::AuditArgs),
}

/// Where the access database is.
#[derive(Debug, Clone, clap::Args)]
pub struct DbArgs {
    /// The SQLite database of users, sessions and the audit trail.
    #[arg(
        long,
        env = "DSMB_DB",
        default_value = "dsmb-state/dsmb.sqlite",
        global = true
    )]
    pub db: PathBuf,
    /// The audit trail's secret key, kept outside the database [default:
    /// beside it, `<db>.audit-key`]. Created (mode 0600) while the trail has
    /// no keyed entry; after that a missing key is an error.
    #[arg(long, env = "DSMB_AUDIT_KEY", global = true)]
    pub audit_key: Option<PathBuf>,
    /// The audit trail's signed checkpoint of its last entry [default:
    /// beside the database, `<db>.audit-checkpoint`].
    #[arg(long, env = "DSMB_AUDIT_CHECKPOINT", global = true)]
    pub audit_checkpoint: Option<PathBuf>,
}

impl DbArgs {
    /// The audit key and checkpoint files.
    pub fn audit_files(&self) -> AuditFiles {
        let beside = AuditFiles::beside(&self.db);
        AuditFiles {
            key: self.audit_key.clone().unwrap_or(beside.key),
            checkpoint: self.audit_checkpoint.clone().unwrap_or(beside.checkpoint),
        }
    }

    /// Open the store with its audit files.
    pub fn open(&self) -> Result<Store, StoreError> {
        Store::open_with(&self.db, &self.audit_files())
    }
}

/// Who runs a command on this machine, as the audit trail names them:
/// `cli:<operating-system user>`.
pub fn operator() -> String {
    let user = ["SUDO_USER", "USER", "LOGNAME", "USERNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|u| !u.is_empty()))
        .unwrap_or_else(|| "unknown".into());
    format!("cli:{user}")
}

/// Run the command line; the process exit code is returned.
pub async fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,tower_http=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    match cli
        .command
        .unwrap_or(Command::Serve(serve::ServeArgs::default()))
    {
        Command::Serve(args) => serve::serve(args).await,
        Command::Check(args) => blocking(move || check::check(&args)).await,
        Command::Summary(args) => blocking(move || summary::summary(&args)).await,
        Command::Diff(args) => blocking(move || diff::diff(&args)).await,
        Command::Report(args) => blocking(move || report::report(&args)).await,
        Command::Register(args) => blocking(move || register::register(&args)).await,
        Command::Design(args) => blocking(move || design::design(&args)).await,
        Command::User(args) => blocking(move || user::user(&args)).await,
        Command::Audit(args) => blocking(move || audit::audit(&args)).await,
    }
}

/// Run a CPU-bound command off the async runtime.
async fn blocking(f: impl FnOnce() -> ExitCode + Send + 'static) -> ExitCode {
    tokio::task::spawn_blocking(f)
        .await
        .unwrap_or(ExitCode::FAILURE)
}
