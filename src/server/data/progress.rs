//! How far a check of a cut has got: bytes read of the bytes to read, and
//! the step it is at. The reader counts the bytes of the files it reads
//! into the progress of the check that runs on its thread
//! ([`Progress::run`]), so the loaders need not carry it.

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// A check's progress, shared between the check and whoever shows it.
#[derive(Clone, Debug, Default)]
pub struct Progress(Arc<Inner>);

#[derive(Debug, Default)]
struct Inner {
    done: AtomicU64,
    total: AtomicU64,
    step: Mutex<String>,
}

thread_local! {
    static CURRENT: RefCell<Option<Progress>> = const { RefCell::new(None) };
}

/// What a progress shows at one moment.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Reading {
    pub done: u64,
    pub total: u64,
    pub step: String,
}

impl Progress {
    pub fn new() -> Self {
        Progress::default()
    }

    /// Expect `bytes` more to be read.
    pub fn expect(&self, bytes: u64) {
        self.0.total.fetch_add(bytes, Ordering::Relaxed);
    }

    /// Name the step the check is at.
    pub fn step(&self, what: &str) {
        *self.0.step.lock().unwrap_or_else(|e| e.into_inner()) = what.to_string();
    }

    /// `bytes` more were read.
    pub fn advance(&self, bytes: u64) {
        self.0.done.fetch_add(bytes, Ordering::Relaxed);
    }

    /// Where it is now (done never shown above total).
    pub fn reading(&self) -> Reading {
        let total = self.0.total.load(Ordering::Relaxed);
        Reading {
            done: self.0.done.load(Ordering::Relaxed).min(total),
            total,
            step: self
                .0
                .step
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .clone(),
        }
    }

    /// Run `f` with this progress counting the bytes read on this thread.
    pub fn run<T>(&self, f: impl FnOnce() -> T) -> T {
        let before = CURRENT.with(|c| c.replace(Some(self.clone())));
        let out = f();
        CURRENT.with(|c| *c.borrow_mut() = before);
        out
    }
}

/// The progress counting on this thread, if any (a loader that reads on a
/// second thread hands it over with [`Progress::run`]).
pub fn current() -> Option<Progress> {
    CURRENT.with(|c| c.borrow().clone())
}

/// Count `bytes` read into the current progress, if any.
pub fn advance(bytes: u64) {
    CURRENT.with(|c| {
        if let Some(p) = c.borrow().as_ref() {
            p.advance(bytes);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_count_only_inside_run_and_on_handed_threads() {
        let p = Progress::new();
        p.expect(100);
        advance(5); // no progress is current
        p.run(|| {
            advance(30);
            let here = current().unwrap();
            std::thread::scope(|s| {
                s.spawn(|| here.run(|| advance(20)));
            });
        });
        advance(7);
        assert_eq!(p.reading().done, 50);
        p.advance(1000);
        assert_eq!(p.reading().done, 100, "never above the total");
    }
}
