//! The page data built from the reports, kept per view: cuts are immutable,
//! so a page's data are built once per (what, trial, cut, arms coded or
//! not) and cloned for every later request. One cache per type of data, so
//! that nothing is read back by downcast; the role check and the audit
//! entry still run on every request.

use crate::dto::{AeView, ClosedSafety, Efficacy, Figure, LabsView};
use crate::server::firewall::ViewKey;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Page data of one type, per view.
pub struct ViewCache<T>(Mutex<HashMap<ViewKey, T>>);

impl<T> Default for ViewCache<T> {
    fn default() -> Self {
        ViewCache(Mutex::new(HashMap::new()))
    }
}

impl<T: Clone> ViewCache<T> {
    /// The data `key` names, built by `build` the first time and cloned
    /// from the cache after. Two first requests at once may both build
    /// them; the data are the same, one is kept.
    pub fn get_or_build<E>(
        &self,
        key: ViewKey,
        build: impl FnOnce() -> Result<T, E>,
    ) -> Result<T, E> {
        if let Some(v) = self.get(&key) {
            return Ok(v);
        }
        let v = build()?;
        self.keep(key, v.clone());
        Ok(v)
    }

    /// The data `key` names, if built already.
    pub fn get(&self, key: &ViewKey) -> Option<T> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(key)
            .cloned()
    }

    /// Keep data for later requests.
    pub fn keep(&self, key: ViewKey, v: T) {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, v);
    }

    /// Forget everything kept for `trial`.
    fn forget(&self, trial: &str) {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|k, _| k.trial != trial);
    }
}

/// The safety page's closed tables with the serious-event listing's order.
pub type SafetyTables = Arc<(ClosedSafety, Vec<u32>)>;

/// Every view's cache, by type of data.
#[derive(Default)]
pub struct Views {
    /// Charts (the enrollment charts).
    pub figures: ViewCache<Figure>,
    pub efficacy: ViewCache<Efficacy>,
    pub safety: ViewCache<SafetyTables>,
    pub labs: ViewCache<Arc<LabsView>>,
    pub adverse: ViewCache<AeView>,
}

impl Views {
    /// Forget everything kept for `trial` (a declared look changes it).
    pub fn forget(&self, trial: &str) {
        self.figures.forget(trial);
        self.efficacy.forget(trial);
        self.safety.forget(trial);
        self.labs.forget(trial);
        self.adverse.forget(trial);
    }
}
