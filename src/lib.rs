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

/// Memory a report freed goes back to the system at once, not after
/// mimalloc's default delay of a second: a summary's peak at 50,000
/// subjects fell from 781 to 648 MiB at the same speed (docs/DECISIONS.md,
/// "Allocator"). The binary calls it first, before any other thread runs;
/// `MIMALLOC_PURGE_DELAY` in the environment, when set, wins.
#[cfg(feature = "ssr")]
pub fn tune_allocator() {
    // `mi_option_purge_delay` of mimalloc's `mi_option_t` (the one before
    // `mi_option_use_numa_nodes`, which the crate names); 0 = purge at once.
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = libmimalloc_sys::mi_option_use_numa_nodes - 1;
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
        return;
    }
    // SAFETY: sets a process-wide option by its index (in range: mimalloc
    // checks it); no pointer is passed. Options are plain values, so this
    // runs before the binary starts any other thread.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, 0) }
}

/// Entry point of the WebAssembly build: hydrate the islands (the charts) of
/// the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
