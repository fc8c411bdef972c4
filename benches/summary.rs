//! Benchmark of ingest + closed summary on a synthetic cut in the Altshock-2
//! reconstruction's schema (50,000 subjects, about 15 AE records each by
//! default), from Parquet and from CSV:
//!
//! ```sh
//! cargo bench --features ssr --bench summary            # 50000 subjects, 15 AEs each
//! cargo bench --features ssr --bench summary -- 5000 15 # another size
//! ```
//!
//! It reports, for each format, the in-process split between reading and
//! validating the files (`cut::load`) and computing the report
//! (`closed_report`), then the whole `dsmb summary --view closed --json`
//! process: wall time and peak resident memory (from `wait4`).
//!
//! Then what the sections beyond the primary cost (secondary endpoints,
//! Bayesian posteriors, benefit-risk, the adverse-event signal screen):
//! each one timed alone in process, and the Parquet process again with a
//! trial.toml without them (the continuous secondaries, `[bayesian]` and
//! the benefit-risk hierarchy left out, no term entering the signal
//! screen), so the difference in time and peak memory is theirs
//! (`SECTIONS=1` times the sections alone and nothing else).

use dsmb::server::config::TrialConfig;
use dsmb::server::firewall::{load, LoadOptions};
use dsmb::server::report::closed_report;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

mod common;
use common::{measured_runs, median, synthetic_cut};

const RUNS: usize = 7;

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let subjects: usize = args.first().and_then(|s| s.parse().ok()).unwrap_or(50_000);
    let ae: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(15);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let trial_path = root.join("demo/altshock2/trial.toml");
    let trial = TrialConfig::load(&trial_path).expect("trial.toml");
    let cut = synthetic_cut(subjects, ae);
    let ae_rows = synth_rows(&cut);
    println!(
        "synthetic cut: {subjects} subjects, {ae_rows} AE records ({})",
        cut.display()
    );

    // `SECTIONS=1`: only the sections beyond the primary, timed alone.
    if std::env::var_os("SECTIONS").is_some() {
        sections(&trial, &cut.join("unblinded"));
        return;
    }
    let formats = [
        ("parquet", cut.join("unblinded"), LoadOptions::closed(None)),
        (
            "csv",
            cut.join("blinded"),
            LoadOptions::closed(Some(cut.join("randlist.csv"))),
        ),
    ];
    // The processes first: a child's peak RSS counts the memory of the
    // process it was spawned from until it execs, so they are spawned
    // while this one is still small (before it loads any cut itself).
    for (label, dir, _) in &formats {
        process_run(label, dir, &trial_path, &cut);
    }
    let without = without_sections(&trial_path, &cut);
    process_run(
        "parquet, without the sections",
        &formats[0].1,
        &without,
        &cut,
    );
    for (label, dir, opts) in &formats {
        let mut read = Vec::new();
        let mut compute = Vec::new();
        for _ in 0..RUNS {
            let t0 = Instant::now();
            let snap = load(dir, &trial, opts).unwrap_or_else(|p| panic!("{p}"));
            let t1 = Instant::now();
            let report = closed_report(&snap, &trial).expect("report");
            let t2 = Instant::now();
            std::hint::black_box(report);
            read.push(t1 - t0);
            compute.push(t2 - t1);
        }
        println!(
            "{label:>8} in-process: read+validate {:>8.1?}  compute {:>8.1?}  (median of {RUNS})",
            median(read),
            median(compute)
        );
    }
    sections(&trial, &formats[0].1);
}

/// Each section beyond the primary timed alone on the Parquet cut.
fn sections(trial: &TrialConfig, dir: &Path) {
    use dsmb::server::report::{ae_signals, bayes, benefit_risk, efficacy, secondary};
    let snap = load(dir, trial, &LoadOptions::closed(None)).unwrap_or_else(|p| panic!("{p}"));
    let report = closed_report(&snap, trial).expect("report");
    let tte = efficacy::time_to_event(&snap, trial).expect("times");
    let mut times = [Vec::new(), Vec::new(), Vec::new(), Vec::new()];
    for _ in 0..RUNS {
        let t0 = Instant::now();
        std::hint::black_box(secondary::secondary(&snap, trial).expect("secondary"));
        let t1 = Instant::now();
        std::hint::black_box(bayes::bayes(trial, &report.primary.by_arm, tte.as_ref()));
        let t2 = Instant::now();
        std::hint::black_box(benefit_risk::standalone(&snap, trial).expect("benefit-risk"));
        let t3 = Instant::now();
        std::hint::black_box(ae_signals::ae_signals(trial, &report.adverse_events));
        let t4 = Instant::now();
        for (v, d) in times.iter_mut().zip([t1 - t0, t2 - t1, t3 - t2, t4 - t3]) {
            v.push(d);
        }
    }
    let [a, b, c, d] = times.map(median);
    println!(
        "sections alone (median of {RUNS}): secondary {a:.1?}  bayes {b:.1?}  benefit-risk {c:.1?}  ae signals {d:.1?}  (sum {:.1?})",
        a + b + c + d
    );
}

/// The demo's trial.toml without the sections (see the module's
/// documentation), written beside the synthetic cut.
fn without_sections(trial: &Path, cut: &Path) -> PathBuf {
    let text = std::fs::read_to_string(trial).expect("trial.toml");
    let kept: Vec<&str> = text
        .split("\n\n")
        .filter(|block| {
            let body: Vec<&str> = block.lines().filter(|l| !l.starts_with('#')).collect();
            let head = body.first().copied().unwrap_or("");
            !(head.starts_with("[bayesian")
                || head.starts_with("[[bayesian")
                || head.starts_with("[[benefit_risk")
                || (head == "[[secondary]]" && body.contains(&"kind = \"continuous\"")))
        })
        .collect();
    let out = cut.join("trial-without-sections.toml");
    std::fs::write(
        &out,
        format!(
            "{}\n\n[adverse_events]\nsignal_min_subjects = 4294967295\n",
            kept.join("\n\n")
        ),
    )
    .expect("write");
    TrialConfig::load(&out).expect("the stripped trial.toml parses");
    out
}

fn synth_rows(cut: &Path) -> usize {
    let text = std::fs::read_to_string(cut.join("blinded/adae.csv")).unwrap_or_default();
    text.lines().count().saturating_sub(1)
}

fn process_run(label: &str, dir: &Path, trial: &Path, cut: &Path) {
    let (time, peak) = measured_runs(RUNS, || {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_dsmb"));
        cmd.arg("summary")
            .arg(dir)
            .arg("--trial")
            .arg(trial)
            .args(["--view", "closed", "--json"])
            .stdout(Stdio::null());
        if label == "csv" {
            cmd.arg("--randlist").arg(cut.join("randlist.csv"));
        }
        cmd
    });
    println!(
        "{label:>8} process:    dsmb summary {time:>8.1?} (median of {RUNS}), peak RSS {peak:.0} MiB (largest of {RUNS})"
    );
}
