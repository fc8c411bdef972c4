//! Integration tests, one binary. Shared set-up lives in `helpers`.

mod access;
mod adverse_events;
mod altshock_interim;
mod audit;
mod baseline;
mod blinding;
mod cli;
mod conditional_power;
mod conduct;
mod disposition;
mod enrollment;
mod fixtures;
mod gsd;
mod helpers;
mod http;
mod interim;
mod malformed;
mod malformed_rows;
mod pages;
mod safety_time;
mod sessions;
mod summary;
mod summary_interim;
mod summary_r;
mod survival;
mod xpt;
