//! The `dsmb` binary: a thin wrapper over [`dsmb::server::cli`].

#[tokio::main]
async fn main() -> std::process::ExitCode {
    dsmb::server::cli::main().await
}
