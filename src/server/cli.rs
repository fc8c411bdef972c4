//! The `dsmb` command line: `serve` (the default) and, in later work, the
//! headless commands that answer the same questions as the web app.

use super::catalog::Catalog;
use super::http::{app, AppState};
use clap::{Parser, Subcommand};
use leptos::prelude::*;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

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
    Serve(ServeArgs),
    /// Validate a data cut: exit 0 with a short report, or 1 with every problem found.
    Check(CutArgs),
    /// Every number the dashboard shows for a cut.
    Summary(SummaryArgs),
    /// Register a cut: hash its files into cut-YYYY-MM-DD/manifest.json (immutable).
    Register(RegisterArgs),
    /// Boundaries of a group-sequential design.
    Design(DesignArgs),
    /// Users and their roles (add, passwd, list, disable, enable, grant).
    User(UserArgs),
    /// The audit trail: verify its hash chain.
    Audit(AuditArgs),
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
}

#[derive(Debug, Clone, clap::Args)]
pub struct UserArgs {
    #[command(flatten)]
    pub db: DbArgs,
    #[command(subcommand)]
    pub action: UserAction,
}

#[derive(Debug, Clone, Subcommand)]
pub enum UserAction {
    /// Add a user; the password is read from standard input (one line).
    Add {
        username: String,
        /// A role on a trial, as TRIAL=ROLE (role: dsmb, statistician or sponsor); repeat for more trials.
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
    },
    /// Set a user's password (read from standard input); ends their sessions.
    Passwd { username: String },
    /// List users and their roles.
    List,
    /// Disable a user; ends their sessions.
    Disable { username: String },
    /// Enable a disabled user.
    Enable { username: String },
    /// Give a user a role on a trial (TRIAL=ROLE), replacing the one they had there.
    Grant { username: String, role: String },
}

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

#[derive(Debug, Clone, clap::Args)]
pub struct DesignArgs {
    /// Information fractions of the looks, increasing, ending at 1 (e.g. 0.3,0.55,0.8,1).
    #[arg(long, value_delimiter = ',', required = true)]
    pub looks: Vec<f64>,
    /// Type I error: one-sided, or with --sided 2 the two-sided total.
    #[arg(long, default_value_t = 0.025)]
    pub alpha: f64,
    /// 1 (one-sided) or 2 (two-sided, symmetric boundaries).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u8).range(1..=2))]
    pub sided: u8,
    /// obf, pocock, kd:<gamma>, hsd:<gamma>, obf-classic, pocock-classic, haybittle-peto.
    #[arg(long, default_value = "obf")]
    pub spending: String,
    /// Type II error for the futility boundary (with --futility).
    #[arg(long, default_value_t = 0.1)]
    pub beta: f64,
    /// Beta-spending function for a futility boundary (obf, pocock, kd:<gamma>, hsd:<gamma>).
    #[arg(long)]
    pub futility: Option<String>,
    /// The futility boundary binds (efficacy bounds computed with it).
    #[arg(long, conflicts_with = "nonbinding")]
    pub binding: bool,
    /// The futility boundary does not bind (the default).
    #[arg(long)]
    pub nonbinding: bool,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

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
}

#[derive(Debug, Clone, clap::Args)]
pub struct RegisterArgs {
    /// The cut folder (cut-YYYY-MM-DD), holding blinded/ and/or unblinded/ or the files themselves.
    pub cut_dir: PathBuf,
    #[arg(long)]
    pub trial: PathBuf,
}

#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on [default: $LEPTOS_SITE_ADDR, else 127.0.0.1:3000].
    #[arg(long)]
    pub addr: Option<SocketAddr>,
    /// Folder of trials, one sub-folder each with a trial.toml and its cuts.
    #[arg(long, env = "DSMB_DATA", default_value = "demo")]
    pub data: PathBuf,
    #[command(flatten)]
    pub db: DbArgs,
    /// The bundled demo: on the first start (no users yet) create one user
    /// per role on every trial and print their passwords once.
    #[arg(long, env = "DSMB_DEMO")]
    pub demo: bool,
    /// Mark the session cookie Secure (serve over TLS, or behind a proxy that terminates it).
    #[arg(long, env = "DSMB_SECURE_COOKIES")]
    pub secure_cookies: bool,
}

impl Default for ServeArgs {
    fn default() -> Self {
        // `dsmb` with no command: the same defaults and environment as
        // `dsmb serve`.
        match Cli::try_parse_from(["dsmb", "serve"]) {
            Ok(Cli {
                command: Some(Command::Serve(args)),
            }) => args,
            _ => unreachable!("`dsmb serve` parses"),
        }
    }
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
    match cli.command.unwrap_or(Command::Serve(ServeArgs::default())) {
        Command::Serve(args) => serve(args).await,
        Command::Check(args) => blocking(move || super::commands::check(&args)).await,
        Command::Summary(args) => blocking(move || super::commands::summary(&args)).await,
        Command::Register(args) => blocking(move || super::commands::register(&args)).await,
        Command::Design(args) => blocking(move || super::commands::design(&args)).await,
        Command::User(args) => blocking(move || super::commands::user(&args)).await,
        Command::Audit(args) => blocking(move || super::commands::audit(&args)).await,
    }
}

/// Run a CPU-bound command off the async runtime.
async fn blocking(f: impl FnOnce() -> ExitCode + Send + 'static) -> ExitCode {
    tokio::task::spawn_blocking(f)
        .await
        .unwrap_or(ExitCode::FAILURE)
}

async fn serve(args: ServeArgs) -> ExitCode {
    let conf = match get_configuration(None) {
        Ok(conf) => conf,
        Err(e) => {
            eprintln!("dsmb: bad Leptos configuration: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut leptos_options = conf.leptos_options;
    if let Some(addr) = args.addr {
        leptos_options.site_addr = addr;
    }
    let addr = leptos_options.site_addr;

    let data = args.data.clone();
    let catalog = match tokio::task::spawn_blocking(move || Catalog::load(&data)).await {
        Ok(Ok(catalog)) => catalog,
        Ok(Err(e)) => {
            eprintln!(
                "dsmb: cannot load the trials in {}: {e}",
                args.data.display()
            );
            return ExitCode::FAILURE;
        }
        Err(e) => {
            eprintln!("dsmb: loading the trials failed: {e}");
            return ExitCode::FAILURE;
        }
    };
    for t in &catalog.trials {
        tracing::info!(
            trial = %t.config.id,
            cut = %t.latest().enrollment.cut_date,
            enrolled = t.latest().enrollment.total,
            "loaded trial"
        );
    }
    let db = args.db.db.clone();
    let store = match tokio::task::spawn_blocking(move || super::store::Store::open(&db)).await {
        Ok(Ok(store)) => store,
        Ok(Err(e)) => {
            eprintln!("dsmb: cannot open {}: {e}", args.db.db.display());
            return ExitCode::FAILURE;
        }
        Err(e) => {
            eprintln!("dsmb: opening the database failed: {e}");
            return ExitCode::FAILURE;
        }
    };
    if args.demo {
        let trials: Vec<String> = catalog.trials.iter().map(|t| t.config.id.clone()).collect();
        let s = store.clone();
        match tokio::task::spawn_blocking(move || super::commands::demo_users(&s, &trials)).await {
            Ok(Ok(created)) => {
                for (user, password) in created {
                    println!(
                        "dsmb: demo user {user:<13} password {password}   (shown once; `dsmb user passwd {user}` sets another)"
                    );
                }
            }
            Ok(Err(e)) => {
                eprintln!("dsmb: cannot create the demo users: {e}");
                return ExitCode::FAILURE;
            }
            Err(e) => {
                eprintln!("dsmb: creating the demo users failed: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    let access = super::auth::Access::new(store, args.secure_cookies);
    let state = AppState::new(leptos_options, Arc::new(catalog), access);
    let listener = match tokio::net::TcpListener::bind(addr).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("dsmb: cannot listen on {addr}: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("dsmb: serving on http://{addr}");
    let served = axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await;
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("dsmb: server error: {e}");
            ExitCode::FAILURE
        }
    }
}
