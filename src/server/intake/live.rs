//! The catalog the running server serves, swapped whole when a cut
//! arrives: a request takes the catalog once (`current`) and sees that one
//! to its end, so a swap in flight shows it the old catalog or the new one,
//! never half of either. Arrivals (an upload's registration, a folder the
//! watch picked up) are written one at a time.

use crate::server::catalog::{Catalog, TrialEntry};
use crate::server::data::problem::Problems;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

/// The served catalog and the data folder it was read from.
pub struct LiveCatalog {
    root: PathBuf,
    current: RwLock<Arc<Catalog>>,
    /// Held while a cut arrives: one arrival at a time reads the catalog,
    /// checks the cut and swaps.
    writer: tokio::sync::Mutex<()>,
}

/// The catalog with a cut arrived, not yet served.
pub struct Prepared {
    catalog: Catalog,
    pub arrival: Arrival,
}

/// What became of an arriving cut.
#[derive(Clone, Debug)]
pub enum Arrival {
    /// Served from now on, dated so.
    Served(String),
    /// Listed as rejected, with its problems.
    Rejected(Problems),
}

impl LiveCatalog {
    pub fn new(root: &Path, catalog: Arc<Catalog>) -> Self {
        LiveCatalog {
            root: root.to_path_buf(),
            current: RwLock::new(catalog),
            writer: tokio::sync::Mutex::new(()),
        }
    }

    /// The data folder of the trials.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The catalog as it is now (kept by the caller for the whole request).
    pub fn current(&self) -> Arc<Catalog> {
        self.current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The arrivals' lock: whoever holds it may move a cut into a trial
    /// folder and then call [`LiveCatalog::arrive`].
    pub async fn write_lock(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.writer.lock().await
    }

    /// Check the cut folder `cut_dir` of `trial` (already in the trial's
    /// folder) as the catalog does at start and make the catalog that
    /// serves it, or lists it as rejected, for [`LiveCatalog::commit`]. The
    /// caller holds the [`write_lock`](LiveCatalog::write_lock) until it
    /// commits. The check runs off the async runtime.
    pub async fn arrive(&self, trial: &str, cut_dir: &Path) -> Result<Prepared, String> {
        let catalog = self.current();
        let entry = catalog
            .entry(trial)
            .ok_or_else(|| format!("no trial {trial}"))?;
        let dir = cut_dir.to_path_buf();
        let (next, problems) = tokio::task::spawn_blocking(move || entry.with_arrival(&dir))
            .await
            .map_err(|e| format!("the check of the arriving cut stopped: {e}"))?;
        let arrival = match problems {
            Some(p) => Arrival::Rejected(p),
            None => Arrival::Served(next.latest().date.clone()),
        };
        Ok(Prepared {
            catalog: catalog.with_entry(next),
            arrival,
        })
    }

    /// The catalog now and `trial`'s entry in it.
    fn now(&self, trial: &str) -> Result<(Arc<Catalog>, Arc<TrialEntry>), String> {
        let catalog = self.current();
        let entry = catalog
            .entry(trial)
            .ok_or_else(|| format!("no trial {trial}"))?;
        Ok((catalog, entry))
    }

    /// The catalog with the cut folder `cut_dir` of `trial` listed as
    /// rejected with `problems`, for [`LiveCatalog::commit`].
    pub fn reject(
        &self,
        trial: &str,
        cut_dir: &Path,
        problems: Problems,
    ) -> Result<Prepared, String> {
        let (catalog, entry) = self.now(trial)?;
        Ok(Prepared {
            catalog: catalog.with_entry(entry.with_rejected(cut_dir, problems.clone())),
            arrival: Arrival::Rejected(problems),
        })
    }

    /// The catalog with the served cut `cut_dir` of `trial` withdrawn and
    /// listed as rejected with `problems`, for [`LiveCatalog::commit`];
    /// `Err` when it cannot be (no such trial, or its only served cut).
    pub fn withdraw(
        &self,
        trial: &str,
        cut_dir: &Path,
        problems: Problems,
    ) -> Result<Prepared, String> {
        let (catalog, entry) = self.now(trial)?;
        let next = entry
            .with_withdrawn(cut_dir, problems.clone())
            .ok_or_else(|| format!("{} is the trial's only served cut", cut_dir.display()))?;
        Ok(Prepared {
            catalog: catalog.with_entry(next),
            arrival: Arrival::Rejected(problems),
        })
    }

    /// Serve the catalog `prepared` made from now on (once its arrival is
    /// recorded).
    pub fn commit(&self, prepared: Prepared) {
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(prepared.catalog);
    }

    /// Serve `trial` under the configuration `config` from now on (looks
    /// declared in the app); its cuts are not read again. The caller holds
    /// the [`write_lock`](LiveCatalog::write_lock), so that no arrival
    /// swaps in a catalog made from the old configuration meanwhile.
    pub fn reconfigure(
        &self,
        trial: &str,
        config: crate::server::config::TrialConfig,
    ) -> Result<(), String> {
        let (catalog, entry) = self.now(trial)?;
        let next = catalog.with_entry(entry.with_config(config));
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(next);
        Ok(())
    }

    /// The trial entry of `trial` now.
    pub fn entry(&self, trial: &str) -> Option<Arc<TrialEntry>> {
        self.current().entry(trial)
    }
}
