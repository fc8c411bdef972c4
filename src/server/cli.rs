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
}

impl Default for ServeArgs {
    fn default() -> Self {
        ServeArgs {
            addr: None,
            data: std::env::var_os("DSMB_DATA")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from("demo")),
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
            cut = %t.enrollment.cut_date,
            enrolled = t.enrollment.total,
            "loaded trial"
        );
    }
    let state = AppState {
        leptos_options,
        catalog: Arc::new(catalog),
    };
    let listener = match tokio::net::TcpListener::bind(addr).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("dsmb: cannot listen on {addr}: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("dsmb: serving on http://{addr}");
    let served = axum::serve(listener, app(state).into_make_service())
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
