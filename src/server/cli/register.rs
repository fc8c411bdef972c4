//! `dsmb register`: check a cut and write its manifest of hashes.

use super::check::report_problems;
use crate::server::config::TrialConfig;
use crate::server::data::register::register as register_cut;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Clone, clap::Args)]
pub struct RegisterArgs {
    /// The cut folder (cut-YYYY-MM-DD), holding blinded/ and/or unblinded/ or the files themselves.
    pub cut_dir: PathBuf,
    #[arg(long)]
    pub trial: PathBuf,
}

/// `dsmb register`: check every data folder of the cut, then write its
/// manifest (see [`crate::server::data::register`]).
pub fn register(args: &RegisterArgs) -> ExitCode {
    let trial = match TrialConfig::load(&args.trial) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("dsmb: {e}");
            return ExitCode::from(2);
        }
    };
    match register_cut(&args.cut_dir, &trial) {
        Ok(path) => {
            println!("registered {} ({})", path.display(), trial.id);
            ExitCode::SUCCESS
        }
        Err(p) => report_problems(&args.cut_dir, &p, false),
    }
}
