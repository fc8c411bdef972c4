//! `dsmb serve`: the web app on the trials of a data folder; with
//! `--demo`, the demo users on first start.

use super::{operator, Cli, Command, DbArgs};
use crate::dto::Role;
use crate::server::catalog::Catalog;
use crate::server::intake::staging::Limits;
use crate::server::intake::LiveCatalog;
use crate::server::store::users::UserChange;
use crate::server::store::ChainBreak;
use crate::server::store::{random_hex, Store, StoreError};
use crate::server::web::{app, Access, AppState};
use clap::Parser;
use leptos::prelude::*;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

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
    /// The largest file an upload of a data cut may carry, in bytes (413 beyond it).
    #[arg(long, env = "DSMB_MAX_UPLOAD_BYTES", default_value_t = crate::server::intake::staging::MAX_FILE_BYTES)]
    pub max_upload_bytes: u64,
    /// The most all uploads waiting in staging may hold at once, in bytes
    /// (507 beyond it, as for a full disk) [default: no limit but the disk's].
    #[arg(long, env = "DSMB_STAGING_QUOTA_BYTES")]
    pub staging_quota_bytes: Option<u64>,
    /// Scan the trials' folders for new cut folders every this many seconds (0: never).
    #[arg(long, env = "DSMB_WATCH_SECS", default_value_t = 5)]
    pub watch_secs: u64,
    /// A new cut folder is picked up once unchanged for this many seconds
    /// (2 when it holds a manifest; see docs/DATA.md).
    #[arg(long, env = "DSMB_QUIET_SECS", default_value_t = 30)]
    pub quiet_secs: u64,
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

/// Serve the web app until Ctrl-C.
pub async fn serve(args: ServeArgs) -> ExitCode {
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
    let db = args.db.clone();
    let store = match tokio::task::spawn_blocking(move || db.open()).await {
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
    // A trail that was rewritten or cut short is not served on: the server
    // would extend a chain nobody can trust (`dsmb audit verify` says why).
    let s = store.clone();
    match tokio::task::spawn_blocking(move || s.verify_audit()).await {
        Ok(Ok(Ok(_))) => {}
        Ok(Ok(Err(ChainBreak { id, why }))) => {
            eprintln!("dsmb: the audit trail is BROKEN at entry {id}: {why}; not serving (see `dsmb audit verify`)");
            return ExitCode::FAILURE;
        }
        Ok(Err(e)) => {
            eprintln!("dsmb: cannot verify the audit trail: {e}");
            return ExitCode::FAILURE;
        }
        Err(e) => {
            eprintln!("dsmb: verifying the audit trail failed: {e}");
            return ExitCode::FAILURE;
        }
    }
    // The formal looks declared in the app join trial.toml's.
    let catalog = match crate::server::looks::with_declared_looks(&catalog, &store) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("dsmb: {e}");
            return ExitCode::FAILURE;
        }
    };
    if args.demo {
        // Demo users only on trials marked as demonstrations: `--demo` on a
        // folder of real trials must not create an unblinded statistician.
        let trials: Vec<String> = catalog
            .trials
            .iter()
            .filter(|t| t.config.demo)
            .map(|t| t.config.id.clone())
            .collect();
        if trials.is_empty() {
            eprintln!(
                "dsmb: --demo creates users only on trials whose trial.toml says `demo = true`, and {} has none",
                args.data.display()
            );
            return ExitCode::FAILURE;
        }
        let s = store.clone();
        match tokio::task::spawn_blocking(move || demo_users(&s, &trials)).await {
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
    let access = Access::new(store, args.secure_cookies);
    let state = AppState::new(
        leptos_options,
        Arc::new(LiveCatalog::new(&args.data, Arc::new(catalog))),
        access,
    )
    .with_upload_limits(Limits {
        max_file_bytes: args.max_upload_bytes,
        quota_bytes: args.staging_quota_bytes,
    });
    // An upload does not outlive the process that received it.
    if let Err(e) = state.staging.clear() {
        eprintln!(
            "dsmb: cannot clean the staging folder {}: {e}",
            state.staging.root().display()
        );
        return ExitCode::FAILURE;
    }
    if args.watch_secs > 0 {
        tokio::spawn(crate::server::web::watch::watch(
            state.clone(),
            std::time::Duration::from_secs(args.watch_secs),
            std::time::Duration::from_secs(args.quiet_secs),
        ));
    }
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

/// The demo's users, one per role on every trial, created when the
/// database has no user yet; returns their names and passwords (empty when
/// users exist already).
pub fn demo_users(store: &Store, trials: &[String]) -> Result<Vec<(String, String)>, StoreError> {
    let by = format!("{} (serve --demo)", operator());
    if store.user_count()? > 0 {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for role in [Role::Dsmb, Role::Statistician, Role::Sponsor] {
        let password = random_hex(10);
        let roles: Vec<(String, Role)> = trials.iter().map(|t| (t.clone(), role)).collect();
        store.administer(
            &by,
            "cli",
            UserChange::add(role.as_str(), &password, &roles)?,
        )?;
        out.push((role.as_str().to_string(), password));
    }
    // The demo's DSMB member chairs every trial's DSMB (signs its meetings).
    for t in trials {
        store.set_chair(&by, "cli", Role::Dsmb.as_str(), t)?;
    }
    Ok(out)
}
