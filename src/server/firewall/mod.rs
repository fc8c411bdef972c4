//! The blinding firewall: the one home of who may see what.
//!
//! The rules, stated once (see `docs/ARCHITECTURE.md`):
//! 1. The sponsor's view never carries a number split by arm, nor one that
//!    can be derived from what it shows. It is computed from an
//!    [`OpenSnapshot`], which this module makes without reading any arm
//!    column or the randomization list, and small pooled cells are
//!    suppressed ([`suppress`]).
//! 2. A DSMB member sees coded groups until an audited decode
//!    ([`ArmNames`]); every cached view is keyed by whether it is coded
//!    ([`ViewKey`]).
//! 3. Arms reach a snapshot only through the closed level
//!    ([`ClosedSnapshot`]), from the trial's arm column or the randomization
//!    list, both read only in [`arms`].
//!
//! The role a request is served at comes from the session on the server
//! (`server::web::guard`), never from the request.
//!
//! May not: render pages, build DTOs, or compute statistics.

pub mod arms;
pub mod key;
pub mod level;
pub mod suppress;
pub mod viewer;

pub use arms::{identifies_arm, list_digest, ACTUAL_ARM, RANDOMIZATION_LIST};
pub use key::ViewKey;
pub use level::{
    closed_snapshot, closed_snapshot_without_labs, earlier_open_snapshots, load, open_snapshot,
    Closed, ClosedSnapshot, Level, LoadOptions, Open, OpenSnapshot,
};
pub use suppress::{shown_in_cuts, shown_in_series, CutCounts, Pooled};
pub use viewer::ArmNames;
