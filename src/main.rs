//! The `dsmb` binary: a thin wrapper over [`dsmb::server::cli`].

fn main() -> std::process::ExitCode {
    // Before the runtime's threads start (mimalloc's options are plain
    // process-wide values).
    dsmb::tune_allocator();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
        .block_on(dsmb::server::cli::main())
}
