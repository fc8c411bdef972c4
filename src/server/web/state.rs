//! The running server's state: the catalog, the access layer, and the
//! caches of reports (per trial and cut) and of page views (per
//! [`ViewKey`], which names whether the view is coded).

use super::access::Access;
use super::views_cache::Views;
use crate::server::catalog::{Catalog, ServedCut, TrialEntry};
use crate::server::data::problem::Problems;
use crate::server::firewall::{
    closed_snapshot, closed_snapshot_without_labs, ClosedSnapshot, ViewKey,
};
use crate::server::intake::staging::{Limits, Staging};
use crate::server::intake::LiveCatalog;
use crate::server::looks::with_observed_looks;
use crate::server::report::diff::{ClosedDiff, OpenDiff};
use crate::server::report::{
    closed_interim, closed_report, open_report_from, ClosedReport, Interim, OpenReport, ReportError,
};
use axum::extract::FromRef;
use leptos::prelude::*;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Shared state of the running server.
#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    /// The served catalog, swapped whole when a cut arrives.
    pub live: Arc<LiveCatalog>,
    /// Uploads of data cuts before they are registered.
    pub staging: Arc<Staging>,
    pub access: Access,
    /// Closed (by-arm) reports per (trial, cut date), computed once, on
    /// first use by a closed role (concurrent first requests wait for the
    /// same computation).
    pub closed: Arc<Cells<ClosedReport>>,
    /// Open (pooled) reports, likewise.
    pub open: Arc<Cells<OpenReport>>,
    /// The interim look alone of cuts whose closed report was not wanted
    /// (the efficacy page's path over earlier cuts), likewise.
    pub interims: Arc<Cells<Option<Interim>>>,
    /// Page data built from the reports (tables, figures), per view and
    /// type ([`Views`]).
    pub views: Arc<Views>,
    /// Rendered HTML of closed sections, per view (`components::fragment`);
    /// apart from `views`, so that no page data and fragment share a key.
    pub fragments: Arc<Mutex<HashMap<ViewKey, String>>>,
    /// "Since the last review" diffs per (trial, earlier..later cut),
    /// computed once: a page's sections may ask for one at the same time.
    pub closed_diffs: Arc<DiffCells<ClosedDiff>>,
    pub open_diffs: Arc<DiffCells<OpenDiff>>,
    /// Closed snapshots lent by the report that loaded them to the diff
    /// that comes next, for a few seconds.
    pub lent: Arc<Lent>,
}

/// The closed snapshot a cut's report was just made from, kept for a few
/// seconds for "since the last review": it compares the page's cut, whose
/// report is made first, with an earlier one, and would otherwise read the
/// whole cut again (a quarter of a second at 50,000 subjects). Taken by the
/// first diff that wants it; dropped unused after [`Lent::KEEP`]. A
/// snapshot is what `closed_snapshot` reads of an immutable cut, so a
/// lent one is the one a new read would give.
#[derive(Default)]
pub struct Lent(Mutex<HashMap<(String, String), LentSnapshot>>);

/// A lent snapshot and when it was lent.
type LentSnapshot = (Arc<ClosedSnapshot>, Instant);

impl Lent {
    pub const KEEP: Duration = Duration::from_secs(10);

    /// Lend `snap` for [`Lent::KEEP`]: dropped unused after that, whoever
    /// lent it (a report, or a lab profile that borrowed it).
    fn lend(self: &Arc<Self>, trial: &str, cut: &str, snap: Arc<ClosedSnapshot>) {
        let replaced = self
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert((trial.to_string(), cut.to_string()), (snap, Instant::now()));
        // Freed here, outside the lock (what is too old goes in `expire`).
        drop(replaced);
        if let Ok(rt) = tokio::runtime::Handle::try_current() {
            let lent = self.clone();
            rt.spawn(async move {
                tokio::time::sleep(Self::KEEP).await;
                lent.expire();
            });
        }
    }

    /// The snapshot of `trial`'s cut `cut`, if its report lent it lately
    /// (one kept too long is freed outside the lock).
    pub fn take(&self, trial: &str, cut: &str) -> Option<Arc<ClosedSnapshot>> {
        let (snap, at) = self
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&(trial.to_string(), cut.to_string()))?;
        (at.elapsed() < Self::KEEP).then_some(snap)
    }

    /// Drop what has been kept too long.
    pub fn expire(&self) {
        let dropped: Vec<_> = {
            let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
            let old: Vec<_> = map
                .iter()
                .filter(|(_, (_, at))| at.elapsed() >= Self::KEEP)
                .map(|(k, _)| k.clone())
                .collect();
            old.into_iter().filter_map(|k| map.remove(&k)).collect()
        };
        // Freed here, outside the lock.
        drop(dropped);
    }
}

/// Diffs per (trial, cut pair), each computed once (a failure is not kept:
/// the next request tries again).
pub type DiffCells<T> = Mutex<HashMap<(String, String), Arc<tokio::sync::OnceCell<Arc<T>>>>>;

/// The cell of `trial`'s diff `pair` in `cells`.
pub fn diff_cell<T>(
    cells: &DiffCells<T>,
    trial: &str,
    pair: &str,
) -> Arc<tokio::sync::OnceCell<Arc<T>>> {
    cells
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .entry((trial.to_string(), pair.to_string()))
        .or_default()
        .clone()
}

/// Why a cut's report is not available.
#[derive(Clone, Debug, thiserror::Error)]
pub enum CutReportError {
    #[error("no trial {0}")]
    NoTrial(String),
    #[error("no data cut {cut} of {trial}")]
    NoCut { trial: String, cut: String },
    #[error("{0}")]
    Problems(Problems),
    #[error("{0}")]
    Report(Arc<ReportError>),
    #[error("{0}")]
    Stopped(String),
}

impl AppState {
    pub fn new(leptos_options: LeptosOptions, live: Arc<LiveCatalog>, access: Access) -> Self {
        AppState {
            leptos_options,
            staging: Arc::new(Staging::new(live.root(), Limits::default())),
            live,
            access,
            closed: Arc::new(Mutex::new(HashMap::new())),
            open: Arc::new(Mutex::new(HashMap::new())),
            interims: Arc::new(Mutex::new(HashMap::new())),
            views: Arc::new(Views::default()),
            fragments: Arc::new(Mutex::new(HashMap::new())),
            closed_diffs: Arc::new(Mutex::new(HashMap::new())),
            open_diffs: Arc::new(Mutex::new(HashMap::new())),
            lent: Arc::new(Lent::default()),
        }
    }

    /// The state with uploads staged under `limits`.
    pub fn with_upload_limits(mut self, limits: Limits) -> Self {
        self.staging = Arc::new(Staging::new(self.live.root(), limits));
        self
    }

    /// The catalog as it is now: a request takes it once and keeps it, so
    /// that a cut arriving meanwhile cannot show it half of two catalogs.
    pub fn catalog(&self) -> Arc<Catalog> {
        self.live.current()
    }

    /// The HTML `key` names, rendered by `render` the first time.
    pub fn fragment(&self, key: ViewKey, render: impl FnOnce() -> String) -> String {
        let cached = self
            .fragments
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
            .cloned();
        if let Some(html) = cached {
            return html;
        }
        let html = render();
        self.fragments
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, html.clone());
        html
    }

    /// The open (pooled) report of `trial`'s cut dated `cut` (the newest
    /// when `None`), cached, computed from the open snapshot (no arm
    /// column, no randomization list) and suppressed against the pooled
    /// counts of the trial's earlier good cuts.
    pub async fn open_report(
        &self,
        trial: &str,
        cut: Option<&str>,
    ) -> Result<Arc<OpenReport>, CutReportError> {
        once_per_cut(&self.open, &self.catalog(), trial, cut, open_report_of).await
    }

    /// The closed report of `trial`'s cut dated `cut` (the newest when
    /// `None`), cached; the snapshot it is made from is lent for a while
    /// ([`Lent`]). Only closed roles' server functions call this.
    pub async fn closed_report(
        &self,
        trial: &str,
        cut: Option<&str>,
    ) -> Result<Arc<ClosedReport>, CutReportError> {
        let lent = self.lent.clone();
        let trial_id = trial.to_string();
        once_per_cut(
            &self.closed,
            &self.catalog(),
            trial,
            cut,
            move |entry: &TrialEntry, served: &ServedCut| {
                let snap = closed_snapshot(&entry.config, &served.dir)
                    .map_err(CutReportError::Problems)?;
                let config = with_observed_looks(&entry.config, &entry.dir, &served.date);
                let report = closed_report(&snap, &config)
                    .map_err(|e| CutReportError::Report(Arc::new(e)))?;
                lent.lend(&trial_id, &served.date, Arc::new(snap));
                Ok(report)
            },
        )
        .await
    }
}

impl AppState {
    /// `read` over the closed snapshot of `trial`'s cut dated `cut`, off
    /// the async runtime: the one its report lent lately, else read again;
    /// lent again afterwards, so that a board reading one subject after
    /// another reads the cut once. Only closed roles' server functions call
    /// this.
    pub async fn with_closed_snapshot<R: Send + 'static>(
        &self,
        trial: &str,
        cut: &str,
        read: impl FnOnce(&ClosedSnapshot, &crate::server::config::TrialConfig) -> R + Send + 'static,
    ) -> Result<R, CutReportError> {
        let catalog = self.catalog();
        let entry = catalog
            .trial(trial)
            .ok_or_else(|| CutReportError::NoTrial(trial.to_string()))?
            .clone();
        let served = entry
            .cut(Some(cut))
            .ok_or_else(|| CutReportError::NoCut {
                trial: trial.to_string(),
                cut: cut.to_string(),
            })?
            .clone();
        let lent = self.lent.clone();
        let trial = trial.to_string();
        tokio::task::spawn_blocking(move || {
            let snap = match lent.take(&trial, &served.date) {
                Some(s) => s,
                None => Arc::new(
                    closed_snapshot(&entry.config, &served.dir)
                        .map_err(CutReportError::Problems)?,
                ),
            };
            let out = read(&snap, &entry.config);
            lent.lend(&trial, &served.date, snap);
            Ok(out)
        })
        .await
        .map_err(|e| CutReportError::Stopped(e.to_string()))?
    }

    /// The interim look of `trial`'s cut dated `cut`: its closed report's,
    /// when that is cached, else computed alone (ADLB left unparsed) and
    /// cached. Only closed roles' server functions call this.
    pub async fn closed_interim(
        &self,
        trial: &str,
        cut: &str,
    ) -> Result<Option<Interim>, CutReportError> {
        if let Some(r) = self.cached_closed_report(trial, cut) {
            return Ok(r.interim.clone());
        }
        let look = once_per_cut(
            &self.interims,
            &self.catalog(),
            trial,
            Some(cut),
            |entry: &TrialEntry, served: &ServedCut| {
                let snap = closed_snapshot_without_labs(&entry.config, &served.dir)
                    .map_err(CutReportError::Problems)?;
                let config = with_observed_looks(&entry.config, &entry.dir, &served.date);
                closed_interim(&snap, &config).map_err(|e| CutReportError::Report(Arc::new(e)))
            },
        )
        .await?;
        Ok(look.as_ref().clone())
    }

    /// Forget everything computed for `trial` (reports, looks, page data,
    /// diffs, lent snapshots): what a cut's analysis is changed when a look
    /// is declared, though no cut did.
    pub fn forget(&self, trial: &str) {
        fn drop_trial<V>(cells: &Mutex<HashMap<(String, String), V>>, trial: &str) {
            cells
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .retain(|(t, _), _| t != trial);
        }
        drop_trial(&self.closed, trial);
        drop_trial(&self.open, trial);
        drop_trial(&self.interims, trial);
        drop_trial(&self.closed_diffs, trial);
        drop_trial(&self.open_diffs, trial);
        drop_trial(&self.lent.0, trial);
        self.views.forget(trial);
        self.forget_fragments(trial);
    }

    /// Forget `trial`'s rendered sections: a signed meeting changes what
    /// they mark (the efficacy path's reviewed cut), though no report.
    pub fn forget_fragments(&self, trial: &str) {
        self.fragments
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|k, _| k.trial != trial);
    }

    /// The closed report of `trial`'s cut `cut` if it was computed already.
    pub fn cached_closed_report(&self, trial: &str, cut: &str) -> Option<Arc<ClosedReport>> {
        let cell = self
            .closed
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&(trial.to_string(), cut.to_string()))
            .cloned()?;
        cell.get().and_then(|r| r.as_ref().ok().cloned())
    }
}

/// The open report of a served cut, from the pooled numbers the catalog
/// made from its open snapshot at start-up (arm columns never read, the
/// randomization list never opened), suppressed against the earlier cuts.
fn open_report_of(entry: &TrialEntry, cut: &ServedCut) -> Result<OpenReport, CutReportError> {
    Ok(open_report_from(
        &cut.pooled,
        &entry.config,
        &entry.pooled_before(&cut.date),
    ))
}

/// Reports per (trial, cut date), each computed once.
pub type Cells<R> =
    Mutex<HashMap<(String, String), Arc<tokio::sync::OnceCell<Result<Arc<R>, CutReportError>>>>>;

/// `compute` for a cut of `trial`, once: concurrent first callers wait for
/// the same computation, which runs off the async runtime. Cuts are
/// immutable, so a failure is kept too.
async fn once_per_cut<R: Send + Sync + 'static>(
    cells: &Cells<R>,
    catalog: &Catalog,
    trial: &str,
    cut: Option<&str>,
    compute: impl FnOnce(&TrialEntry, &ServedCut) -> Result<R, CutReportError> + Send + 'static,
) -> Result<Arc<R>, CutReportError> {
    let entry = catalog
        .trial(trial)
        .ok_or_else(|| CutReportError::NoTrial(trial.to_string()))?;
    let served = entry.cut(cut).ok_or_else(|| CutReportError::NoCut {
        trial: trial.to_string(),
        cut: cut.unwrap_or("?").to_string(),
    })?;
    let cell = cells
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .entry((trial.to_string(), served.date.clone()))
        .or_default()
        .clone();
    let (entry, served) = (entry.clone(), served.clone());
    cell.get_or_init(|| async move {
        tokio::task::spawn_blocking(move || compute(&entry, &served))
            .await
            .map_err(|e| CutReportError::Stopped(e.to_string()))
            .and_then(|r| r)
            .map(Arc::new)
    })
    .await
    .clone()
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
