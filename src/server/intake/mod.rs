//! New data cuts arriving in the running server: the served catalog and
//! its swap ([`live`]), the checks of a cut as `dsmb check` runs them
//! ([`check`]).
//!
//! May not: render pages, or load a cut at the closed level except through
//! the checks `dsmb check` runs.

pub mod check;
pub mod live;

pub use live::{Arrival, LiveCatalog};
