//! Timing of the survival estimators on 50,000 subjects in two arms:
//! `cargo bench --features ssr --bench survival`. Times are drawn from
//! exponentials (hazard ratio 0.8) with uniform censoring, rounded to whole
//! days so that ties occur as they do in real ADTTE data.

use dsmb::stats::survival::{kaplan_meier, log_rank, treatment_cox, Ties};
use std::time::{Duration, Instant};

fn time(label: &str, runs: usize, mut f: impl FnMut()) {
    let mut v: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    v.sort();
    println!(
        "{label:<52} median {:>9.3?}  p90 {:>9.3?}  ({runs} runs)",
        v[runs / 2],
        v[runs * 9 / 10]
    );
}

/// A small deterministic generator (xorshift64*), so the bench needs no
/// random-number crate and gives the same data every run.
struct Rng(u64);
impl Rng {
    fn uniform(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        ((self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }
}

fn main() {
    let n = 50_000;
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut time_v = Vec::with_capacity(n);
    let mut event = Vec::with_capacity(n);
    let mut group = Vec::with_capacity(n);
    for i in 0..n {
        let g = i % 2;
        let hazard = if g == 1 { 0.8 / 365.0 } else { 1.0 / 365.0 };
        let t = -rng.uniform().ln() / hazard;
        let c = rng.uniform() * 730.0;
        time_v.push(t.min(c).ceil());
        event.push(t <= c);
        group.push(g);
    }
    let events = event.iter().filter(|&&e| e).count();
    println!("{n} subjects, {events} events, two arms");
    let fit = treatment_cox(&time_v, &event, &group, 2, Ties::Efron).unwrap();
    println!(
        "Cox: HR {:.4}, {} Newton iterations, converged {}",
        fit.coef[0].exp(),
        fit.iterations,
        fit.converged
    );
    let arms: Vec<(Vec<f64>, Vec<bool>)> = (0..2)
        .map(|g| {
            let idx: Vec<usize> = (0..n).filter(|&i| group[i] == g).collect();
            (
                idx.iter().map(|&i| time_v[i]).collect(),
                idx.iter().map(|&i| event[i]).collect(),
            )
        })
        .collect();
    time("Kaplan-Meier, both arms (with log-log limits)", 30, || {
        for (t, e) in &arms {
            std::hint::black_box(kaplan_meier(t, e, 0.95));
        }
    });
    time("log-rank, two groups", 30, || {
        std::hint::black_box(log_rank(&time_v, &event, &group, 2, None));
    });
    time("Cox, treatment factor, Efron ties", 30, || {
        std::hint::black_box(treatment_cox(&time_v, &event, &group, 2, Ties::Efron));
    });
    time("KM + log-rank + Cox (Efron), together", 30, || {
        for (t, e) in &arms {
            std::hint::black_box(kaplan_meier(t, e, 0.95));
        }
        std::hint::black_box(log_rank(&time_v, &event, &group, 2, None));
        std::hint::black_box(treatment_cox(&time_v, &event, &group, 2, Ties::Efron));
    });
}
