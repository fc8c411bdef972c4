//! Proportions: exact confidence intervals and tests comparing two arms.
//!
//! References: Clopper & Pearson (1934) for the exact interval, written with
//! beta quantiles (Agresti, Categorical Data Analysis, 3rd ed., §1.4.3);
//! Pearson's chi-square with Yates' continuity correction as R's
//! `chisq.test` applies it (the correction never exceeds |O - E|); Fisher's
//! exact test, two-sided, summing the tables no more probable than the one
//! observed, with R's relative tolerance of 1e-7 (Agresti §3.5).

use super::special::{beta_quantile, chi_square_sf, ln_choose};
use serde::{Deserialize, Serialize};

/// Clopper-Pearson exact `conf` interval for `x` events in `n` trials.
/// Returns `None` when `n` is 0.
pub fn clopper_pearson(x: u64, n: u64, conf: f64) -> Option<(f64, f64)> {
    if n == 0 || x > n {
        return None;
    }
    let alpha = 1.0 - conf;
    let (x, nf) = (x as f64, n as f64);
    let lo = if x == 0.0 {
        0.0
    } else {
        beta_quantile(alpha / 2.0, x, nf - x + 1.0)
    };
    let hi = if x == nf {
        1.0
    } else {
        beta_quantile(1.0 - alpha / 2.0, x + 1.0, nf - x)
    };
    Some((lo, hi))
}

/// A 2x2 table: events and totals in two groups.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TwoByTwo {
    pub events_1: u64,
    pub n_1: u64,
    pub events_2: u64,
    pub n_2: u64,
}

impl TwoByTwo {
    fn cells(&self) -> [f64; 4] {
        [
            self.events_1 as f64,
            (self.n_1 - self.events_1) as f64,
            self.events_2 as f64,
            (self.n_2 - self.events_2) as f64,
        ]
    }

    /// Expected cell counts under independence, in the order of `cells`.
    fn expected(&self) -> [f64; 4] {
        let n = (self.n_1 + self.n_2) as f64;
        let events = (self.events_1 + self.events_2) as f64;
        let non = n - events;
        let (r1, r2) = (self.n_1 as f64, self.n_2 as f64);
        [r1 * events / n, r1 * non / n, r2 * events / n, r2 * non / n]
    }

    /// The smallest expected cell count.
    pub fn min_expected(&self) -> f64 {
        self.expected().into_iter().fold(f64::INFINITY, f64::min)
    }
}

/// Pearson's chi-square test of a 2x2 table, as R's `chisq.test(m, correct)`.
/// Returns (statistic, p-value); `None` when a margin is empty.
pub fn chi_square(t: &TwoByTwo, continuity_correction: bool) -> Option<(f64, f64)> {
    let e = t.expected();
    if e.iter().any(|&x| x <= 0.0) {
        return None;
    }
    let o = t.cells();
    let stat: f64 = o
        .iter()
        .zip(e.iter())
        .map(|(o, e)| {
            let d = (o - e).abs();
            let d = if continuity_correction {
                d - d.min(0.5)
            } else {
                d
            };
            d * d / e
        })
        .sum();
    Some((stat, chi_square_sf(stat, 1.0)))
}

/// Fisher's exact test of a 2x2 table, two-sided, as R's `fisher.test`.
/// Returns `None` when a group is empty.
pub fn fisher_exact(t: &TwoByTwo) -> Option<f64> {
    if t.n_1 == 0 || t.n_2 == 0 {
        return None;
    }
    let events = t.events_1 + t.events_2;
    let lo = events.saturating_sub(t.n_2);
    let hi = events.min(t.n_1);
    // Hypergeometric probability of `k` events in group 1.
    let ln_total = ln_choose(t.n_1 + t.n_2, events);
    let prob = |k: u64| (ln_choose(t.n_1, k) + ln_choose(t.n_2, events - k) - ln_total).exp();
    let observed = prob(t.events_1);
    let p: f64 = (lo..=hi)
        .map(prob)
        .filter(|&p| p <= observed * (1.0 + 1e-7))
        .sum();
    Some(p.min(1.0))
}

/// How two arms' proportions are compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum TestRule {
    /// Chi-square unless an expected count is below 5, then Fisher's exact test.
    #[default]
    ChiSquareOrFisher,
    /// Always Pearson's chi-square.
    ChiSquare,
    /// Always Fisher's exact test.
    Fisher,
}

/// The test a rule picked and its p-value.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    pub test: TestName,
    pub p_value: f64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TestName {
    #[serde(rename = "chi-square")]
    ChiSquare,
    #[serde(rename = "fisher")]
    Fisher,
}

/// Compare two arms by `rule`; the chi-square uses the continuity correction
/// when `continuity_correction` is set (R's default for 2x2 tables).
pub fn compare(t: &TwoByTwo, rule: TestRule, continuity_correction: bool) -> Option<Comparison> {
    let use_fisher = match rule {
        TestRule::Fisher => true,
        TestRule::ChiSquare => false,
        TestRule::ChiSquareOrFisher => t.min_expected() < 5.0,
    };
    if use_fisher {
        fisher_exact(t).map(|p_value| Comparison {
            test: TestName::Fisher,
            p_value,
        })
    } else {
        chi_square(t, continuity_correction).map(|(_, p_value)| Comparison {
            test: TestName::ChiSquare,
            p_value,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * b.abs().max(1e-300)
    }

    fn t(e1: u64, n1: u64, e2: u64, n2: u64) -> TwoByTwo {
        TwoByTwo {
            events_1: e1,
            n_1: n1,
            events_2: e2,
            n_2: n2,
        }
    }

    #[test]
    fn clopper_pearson_matches_r_binom_test() {
        // R: binom.test(9, 53)$conf.int
        let (lo, hi) = clopper_pearson(9, 53, 0.95).unwrap();
        assert!(close(lo, 0.080_708_876_466_822_93, 1e-9), "{lo}");
        assert!(close(hi, 0.298_021_668_105_402_4, 1e-9), "{hi}");
        // R: binom.test(0, 48)$conf.int -> 0, 0.07397278534728025
        let (lo, hi) = clopper_pearson(0, 48, 0.95).unwrap();
        assert_eq!(lo, 0.0);
        assert!(close(hi, 0.073_972_785_347_280_25, 1e-9), "{hi}");
        // R: binom.test(13, 101)$conf.int
        let (lo, hi) = clopper_pearson(13, 101, 0.95).unwrap();
        assert!(close(lo, 0.070_350_181_473_413_74, 1e-9), "{lo}");
        assert!(close(hi, 0.210_042_011_205_691_3, 1e-9), "{hi}");
        // R: binom.test(48, 48)$conf.int -> 0.9260272146527198, 1
        let (lo, hi) = clopper_pearson(48, 48, 0.95).unwrap();
        assert!(close(lo, 0.926_027_214_652_719_8, 1e-9), "{lo}");
        assert_eq!(hi, 1.0);
        assert_eq!(clopper_pearson(0, 0, 0.95), None);
    }

    #[test]
    fn chi_square_matches_r_chisq_test() {
        // R: m <- matrix(c(9, 44, 4, 44), 2); chisq.test(m); chisq.test(m, correct = FALSE)
        let (stat, p) = chi_square(&t(9, 53, 4, 48), true).unwrap();
        assert!(close(stat, 0.997_051_629_090_249_3, 1e-9), "{stat}");
        assert!(close(p, 0.318_024_980_573_758_2, 1e-9), "{p}");
        let (stat, p) = chi_square(&t(9, 53, 4, 48), false).unwrap();
        assert!(close(stat, 1.679_668_601_838_413, 1e-9), "{stat}");
        assert!(close(p, 0.194_968_493_349_839_5, 1e-9), "{p}");
    }

    #[test]
    fn fisher_matches_r_fisher_test() {
        // R: fisher.test(matrix(c(9, 44, 4, 44), 2))$p.value
        assert!(close(
            fisher_exact(&t(9, 53, 4, 48)).unwrap(),
            0.242_438_318_134_630_6,
            1e-9
        ));
        // R: fisher.test(matrix(c(4, 49, 0, 48), 2))$p.value
        assert!(close(
            fisher_exact(&t(4, 53, 0, 48)).unwrap(),
            0.119_376_427_438_662_2,
            1e-9
        ));
        // R: fisher.test(matrix(c(3, 50, 0, 48), 2))$p.value
        assert!(close(
            fisher_exact(&t(3, 53, 0, 48)).unwrap(),
            0.244_356_435_643_564_2,
            1e-9
        ));
        // R: fisher.test(matrix(c(10, 43, 12, 36), 2))$p.value
        assert!(close(
            fisher_exact(&t(10, 53, 12, 48)).unwrap(),
            0.479_582_128_770_366_7,
            1e-9
        ));
        // R: fisher.test(matrix(c(7, 5, 2, 9), 2))$p.value
        assert!(close(
            fisher_exact(&t(7, 12, 2, 11)).unwrap(),
            0.089_379_458_877_372_38,
            1e-9
        ));
    }

    #[test]
    fn the_rule_takes_fisher_when_an_expected_count_is_below_five() {
        // Bleeding 9/53 vs 4/48: smallest expected 13*48/101 = 6.18 -> chi-square.
        let c = compare(&t(9, 53, 4, 48), TestRule::ChiSquareOrFisher, true).unwrap();
        assert_eq!(c.test, TestName::ChiSquare);
        // Vascular complications 4/53 vs 0/48: expected 1.9 -> Fisher.
        let c = compare(&t(4, 53, 0, 48), TestRule::ChiSquareOrFisher, true).unwrap();
        assert_eq!(c.test, TestName::Fisher);
    }
}
