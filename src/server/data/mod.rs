//! Data cuts, from folder to validated [`load::Snapshot`]: where things are
//! ([`layout`], the one place that knows the folder layout), reading CSV,
//! Parquet and SAS transport files ([`read`], [`csvscan`], [`xpt`]), the row
//! checks ([`validate`]), the optional screening log ([`screening`]), the
//! registered manifest ([`manifest`],
//! [`register`]), what a cut folder may hold ([`tree`]) and the problems they report ([`problem`]), each naming the
//! file, row and column.
//!
//! May not: attach arms to subjects (the firewall's closed level does, see
//! [`crate::server::firewall`]), or compute a number a page shows.

pub mod adlb;
pub mod csvscan;
pub mod days;
pub mod layout;
pub mod load;
pub mod manifest;
pub mod problem;
pub mod progress;
pub mod read;
pub mod register;
pub mod screening;
pub mod stream;
pub mod synth;
pub mod tree;
pub mod typed;
pub mod validate;
pub mod walk;
pub mod xpt;
