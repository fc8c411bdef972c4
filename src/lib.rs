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

/// The server build's allocator, for the binary, the tests and the benches
/// alike. A report allocates and frees frames of millions of rows; glibc's
/// malloc maps and unmaps each of them, and the page faults were half of a
/// 50,000-subject cut's load (docs/DECISIONS.md, "Allocator").
#[cfg(feature = "ssr")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Entry point of the WebAssembly build: hydrate the islands (the charts) of
/// the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
