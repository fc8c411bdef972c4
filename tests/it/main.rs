//! Integration tests, one binary. Shared set-up lives in `helpers`.

mod access;
mod altshock_interim;
mod cli;
mod conditional_power;
mod enrollment;
mod gsd;
mod helpers;
mod http;
mod interim;
mod malformed;
mod pages;
mod safety_time;
mod summary;
mod survival;
mod xpt;
