//! New data cuts arriving in the running server: the served catalog and
//! its swap ([`live`]), the checks of a cut as `dsmb check` runs them
//! ([`check`]), uploads written to staging and checked there ([`staging`]), and moved
//! into the trial's folder once registered ([`arrive`]), and cut folders
//! dropped into a trial's folder picked up once quiet ([`watch`]).
//!
//! May not: render pages, or load a cut at the closed level except through
//! the checks `dsmb check` runs.

pub mod arrive;
pub mod check;
pub mod live;
pub mod staging;
pub mod watch;

pub use live::{Arrival, LiveCatalog, Prepared};
