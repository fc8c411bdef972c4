//! DSMB interim-monitoring dashboard.
//!
//! One crate, two builds (see `Cargo.toml`): `ssr` is the native server and
//! command line (`dsmb`), `hydrate` is the WebAssembly front end. Modules that
//! only make sense on the server are gated here, once, and never line by line.

pub mod app;
pub mod components;
pub mod dto;
pub mod pages;
pub mod serverfns;
pub mod stats;

#[cfg(feature = "ssr")]
pub mod server;

/// Entry point of the WebAssembly build: hydrate the islands (the charts) of
/// the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
