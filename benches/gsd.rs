//! Timing of group-sequential boundary computations:
//! `cargo bench --features ssr --bench gsd`.

use dsmb::stats::gsd::{efficacy_boundaries, futility_design, EfficacyRule, Spending};
use std::time::{Duration, Instant};

fn time(label: &str, runs: usize, f: impl Fn()) {
    let mut v: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    v.sort();
    println!(
        "{label:<58} median {:>9.3?}  p90 {:>9.3?}  ({runs} runs)",
        v[runs / 2],
        v[runs * 9 / 10]
    );
}

fn main() {
    let obf = EfficacyRule::Spending(Spending::OBrienFleming);
    let five: Vec<f64> = (1..=5).map(|k| k as f64 / 5.0).collect();
    let ten: Vec<f64> = (1..=10).map(|k| k as f64 / 10.0).collect();
    time(
        "5 looks, Lan-DeMets O'Brien-Fleming, one-sided",
        200,
        || {
            std::hint::black_box(efficacy_boundaries(&five, 0.025, false, obf));
        },
    );
    time(
        "10 looks, Lan-DeMets O'Brien-Fleming, one-sided",
        100,
        || {
            std::hint::black_box(efficacy_boundaries(&ten, 0.025, false, obf));
        },
    );
    for binding in [false, true] {
        let label = if binding { "binding" } else { "non-binding" };
        time(
            &format!("10 looks, OBF spending + {label} OBF beta spending"),
            50,
            || {
                std::hint::black_box(futility_design(
                    &ten,
                    0.025,
                    0.1,
                    Spending::OBrienFleming,
                    Spending::OBrienFleming,
                    binding,
                ));
            },
        );
    }
    time(
        "5 looks, classical O'Brien-Fleming (root over the constant)",
        50,
        || {
            std::hint::black_box(efficacy_boundaries(
                &five,
                0.025,
                false,
                EfficacyRule::ClassicalOBrienFleming,
            ));
        },
    );
}
