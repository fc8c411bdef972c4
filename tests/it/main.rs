//! Integration tests, one binary. Shared set-up lives in `helpers`.

mod enrollment;
mod helpers;
mod http;
mod summary;
