//! Everything that runs only in the native server build: reading data cuts
//! with polars, the trial catalog, the HTTP router and the command line.

pub mod auth;
pub mod catalog;
pub mod cli;
pub mod commands;
pub mod completeness;
pub mod csvscan;
pub mod cut;
pub mod efficacy;
pub mod figures;
pub mod guard;
pub mod http;
pub mod ingest;
pub mod manifest;
pub mod problem;
pub mod report;
pub mod safety_time;
pub mod store;
pub mod synth;
pub mod trial;
pub mod xpt;
