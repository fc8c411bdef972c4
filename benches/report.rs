//! Benchmark of the report documents: `dsmb report --view closed` of the
//! Altshock-2 final cut and of the synthetic 50,000-subject cut (the
//! summary bench's, in the Altshock-2 schema), as PDF and as HTML: wall
//! time (median) and peak resident memory (largest, from `wait4`).
//! Targets (issue 16): the closed PDF in 2 s (Altshock-2) and 6 s (50,000
//! subjects), each in 400 MiB.
//!
//! ```sh
//! cargo bench --features ssr --bench report            # 50000 subjects, 15 AEs each
//! cargo bench --features ssr --bench report -- 5000 15 # another size
//! ```

mod common;
use common::{measured_runs, synthetic_cut};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const RUNS: usize = 5;

fn run(label: &str, cut: &Path, trial: &Path, format: &str, out: &Path) {
    let (time, peak) = measured_runs(RUNS, || {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_dsmb"));
        cmd.arg("report")
            .arg(cut)
            .arg("--trial")
            .arg(trial)
            .args(["--view", "closed", "--format", format])
            .arg("--out")
            .arg(out)
            .args(["--built-at", "2026-12-01T09:30:00Z"])
            .arg("--db")
            .arg(out.with_extension("no-db.sqlite"))
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        cmd
    });
    let size = std::fs::metadata(out).map(|m| m.len()).unwrap_or(0);
    println!(
        "{label:<28} {format:>4}: {time:>8.1?} (median of {RUNS}), peak RSS {peak:>4.0} MiB (largest), {:>6.0} KB",
        size as f64 / 1024.0
    );
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let subjects: usize = args.first().and_then(|s| s.parse().ok()).unwrap_or(50_000);
    let ae: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(15);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let trial = root.join("demo/altshock2/trial.toml");
    let synth = synthetic_cut(subjects, ae).join("unblinded");
    let out = root.join("target/bench-data/reports");
    std::fs::create_dir_all(&out).expect("out dir");
    let demo = root.join("demo/altshock2/cut-2024-12-31/unblinded");
    for format in ["pdf", "html"] {
        run(
            "Altshock-2, final cut",
            &demo,
            &trial,
            format,
            &out.join(format!("altshock2.{format}")),
        );
        run(
            &format!("synthetic, {subjects} subjects"),
            &synth,
            &trial,
            format,
            &out.join(format!("synthetic.{format}")),
        );
    }
}
