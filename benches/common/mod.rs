//! What the process benches share: medians, and a child's peak resident
//! memory from `wait4`.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

pub fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Wait for child `pid`: its exit status and its own peak resident memory
/// (KiB, from `wait4`).
pub fn wait_with_peak(pid: u32) -> (i32, i64) {
    // SAFETY: wait4 writes the status and the usage into what we pass.
    unsafe {
        let mut status = 0;
        let mut usage: libc::rusage = std::mem::zeroed();
        let got = libc::wait4(pid as libc::pid_t, &mut status, 0, &mut usage);
        assert_eq!(got, pid as libc::pid_t, "wait4");
        (status, usage.ru_maxrss)
    }
}

/// The synthetic cut of `subjects` subjects with about `ae` AE records
/// each under `target/bench-data` (made once, then kept).
pub fn synthetic_cut(subjects: usize, ae: usize) -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let cut = root
        // v2: the cut carries the secondary endpoints' columns (HRTTYPE, ESCDEV);
        // a cut generated before them is not reused.
        .join("target/bench-data")
        .join(format!("synth-v2-labs-{subjects}-{ae}"))
        .join("cut-2024-12-31");
    if !cut.join("randlist.csv").is_file() {
        let t = Instant::now();
        let mut c = dsmb::server::data::synth::generate(subjects, ae, 1587).expect("generate");
        dsmb::server::data::synth::write(&mut c, &cut).expect("write");
        eprintln!("generated {} in {:.1?}", cut.display(), t.elapsed());
    }
    cut
}

/// Run the command `make` builds `runs` times: the median wall time and
/// the largest peak resident memory (MiB) of the child. Panics if a run fails.
pub fn measured_runs(runs: usize, make: impl Fn() -> Command) -> (Duration, f64) {
    let mut times = Vec::new();
    let mut peaks = Vec::new();
    for _ in 0..runs {
        let mut cmd = make();
        let t = Instant::now();
        // Reaped by `wait_with_peak` (wait4), which std's `wait` cannot do.
        #[allow(clippy::zombie_processes)]
        let child = cmd.spawn().expect("run dsmb");
        let (status, peak_kib) = wait_with_peak(child.id());
        times.push(t.elapsed());
        peaks.push(peak_kib);
        assert!(status == 0, "{cmd:?} failed");
    }
    let peak = peaks.iter().copied().max().unwrap_or(0) as f64 / 1024.0;
    (median(times), peak)
}
