//! Everything that runs only in the native server build (see
//! `docs/ARCHITECTURE.md` for the rooms and the flow through them):
//! the trial configuration ([`config`]), data cuts ([`data`]), the blinding
//! firewall ([`firewall`]), the reports ([`report`]), page data
//! ([`views`]), the catalog of trials ([`catalog`]), the web layer
//! ([`web`]), the access store ([`store`]), the command line ([`cli`]) and
//! the observed information of the formal looks ([`looks`]).

pub mod audit_export;
pub mod catalog;
pub mod cli;
pub mod config;
pub mod data;
pub mod digest;
pub mod document;
pub mod firewall;
pub mod ids;
pub mod intake;
pub mod looks;
pub mod report;
pub mod store;
pub mod views;
pub mod web;
