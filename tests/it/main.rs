//! Integration tests, one binary. Shared set-up lives in `helpers`.

mod cli;
mod enrollment;
mod gsd;
mod helpers;
mod http;
mod malformed;
mod summary;
mod xpt;
