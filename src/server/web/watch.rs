//! The folder watch's loop (`intake::watch` decides what is due): every
//! interval the trials' folders are scanned, and each cut folder that is
//! due is picked up, registered as found when it has no manifest, checked,
//! and served or listed as rejected, each step audited before it is taken;
//! a served cut whose folder is no longer what was registered is withdrawn.

use super::cuts::audit;
use super::registration::{record_arrival, record_prepared};
use super::session::Auth;
use super::state::AppState;
use crate::server::intake::Arrival;
use crate::server::store::AuditAction;
use std::sync::Arc;
use std::time::Duration;

/// A folder the watch found without a manifest is registered as it is
/// found (every part checked, each file's SHA-256 written), so that the
/// files served are the files checked: a copy that goes on after the pick-up
/// makes every later load of the cut refuse it. Its problems when it cannot
/// be registered.
async fn register_found(
    state: &AppState,
    auth: &Auth,
    trial: &str,
    dir: &std::path::Path,
) -> Found {
    use crate::server::data::problem::{Problem, Problems};
    if dir.join(crate::server::data::layout::MANIFEST).is_file() {
        return Found::Ready;
    }
    let Some(entry) = state.catalog().entry(trial) else {
        return Found::Broken(Problems::from(Problem::file(
            ".",
            "the trial is not served",
        )));
    };
    let detail = format!("{}: registered as found by the folder watch", dir.display());
    if !audit(state, auth, AuditAction::RegisterCut, trial, detail).await {
        return Found::Later;
    }
    let (config, d) = (entry.config.clone(), dir.to_path_buf());
    let registered =
        tokio::task::spawn_blocking(move || crate::server::data::register::register(&d, &config))
            .await
            .unwrap_or_else(|e| {
                Err(Problems::from(Problem::file(
                    ".",
                    &format!("the registration stopped: {e}"),
                )))
            });
    match registered {
        Ok(_) => Found::Ready,
        Err(p) => Found::Broken(p),
    }
}

/// What became of a found folder's registration.
enum Found {
    /// Registered (or it was): check it and serve it.
    Ready,
    /// Could not be recorded: the next scan tries again.
    Later,
    /// Fails its checks: listed as rejected with these problems.
    Broken(crate::server::data::problem::Problems),
}

/// The served cuts whose folders are no longer exactly what was
/// registered (a part or a file added, a file gone, a link) are withdrawn:
/// each audited (`withdraw-cut`, naming what is wrong, within the cut)
/// before it is listed as rejected, so that the last good cut serves. A
/// trial's only served cut cannot be withdrawn; every load of it refuses it
/// all the same (`data::tree`), and the refusal is logged at each scan.
pub async fn withdraw_tampered(state: &AppState, watcher: &Auth) {
    let catalog = state.catalog();
    let found = tokio::task::spawn_blocking(move || {
        catalog
            .trials
            .iter()
            .flat_map(|t| {
                t.tampered()
                    .into_iter()
                    .map(|(dir, p)| (t.config.id.clone(), dir, p))
                    .collect::<Vec<_>>()
            })
            .collect::<Vec<_>>()
    })
    .await
    .unwrap_or_default();
    for (trial, dir, problems) in found {
        let problems = problems.within(&dir);
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let prepared = match state.live.withdraw(&trial, &dir, problems.clone()) {
            Ok(p) => p,
            Err(why) => {
                tracing::error!("{name} of {trial} is not as registered ({problems}) and {why}: every load of it is refused");
                continue;
            }
        };
        let first = problems
            .0
            .first()
            .map(|p| p.to_string())
            .unwrap_or_default();
        let detail = format!(
            "{name}: withdrawn, no longer as registered ({} problem(s); {first})",
            problems.0.len()
        );
        // Recorded before it is withdrawn; unrecorded, the next scan tries again
        // (meanwhile every load of the cut refuses it).
        if audit(state, watcher, AuditAction::WithdrawCut, &trial, detail).await {
            state.live.commit(prepared);
        }
    }
}

/// The folder watch (`intake::watch`): every `interval`, the trials'
/// folders are scanned and each cut folder that is due is picked up,
/// audited (a pick-up that cannot be recorded waits for the next scan),
/// checked and served or rejected.
pub async fn watch(state: AppState, interval: Duration, quiet: Duration) {
    let watcher = Auth {
        user: None,
        token: None,
        address: "folder watch".to_string(),
    };
    let watch = Arc::new(std::sync::Mutex::new(
        crate::server::intake::watch::Watch::new(quiet),
    ));
    loop {
        tokio::time::sleep(interval).await;
        let _writing = state.live.write_lock().await;
        withdraw_tampered(&state, &watcher).await;
        let (w, catalog) = (watch.clone(), state.catalog());
        let due = tokio::task::spawn_blocking(move || {
            w.lock()
                .unwrap_or_else(|e| e.into_inner())
                .due(&catalog, std::time::Instant::now())
        })
        .await
        .unwrap_or_default();
        for (trial, dir) in due {
            let detail = format!("{}: found in the trial's folder", dir.display());
            if !audit(&state, &watcher, AuditAction::PickUpCut, &trial, detail).await {
                continue;
            }
            let arrival = match register_found(&state, &watcher, &trial, &dir).await {
                Found::Later => continue,
                Found::Ready => record_arrival(&state, &watcher, &trial, &dir).await,
                Found::Broken(problems) => {
                    let name = dir
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    match state.live.reject(&trial, &dir, problems) {
                        Ok(p) => record_prepared(&state, &watcher, &trial, &name, p).await,
                        Err(_) => None,
                    }
                }
            };
            // Not recorded: left as it is for the next scan.
            if let Some(arrival) = arrival {
                let rejected = !matches!(arrival, Arrival::Served(_));
                watch
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .taken(&dir, rejected);
            }
        }
    }
}
