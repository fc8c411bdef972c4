//! Event rates between arms: the Wilson interval for one proportion; the
//! risk difference with Newcombe's hybrid-score and Miettinen-Nurminen
//! intervals; risk and odds ratios with log-scale (Katz, Woolf) intervals;
//! exposure-adjusted incidence rates with exact Poisson intervals, and their
//! ratio with the exact conditional (binomial) interval and test.
//!
//! References: Wilson (1927); Newcombe (1998), Statistics in Medicine
//! 17:873, method 10; Miettinen & Nurminen (1985), Statistics in Medicine
//! 4:213, with the restricted estimates of Farrington & Manning (1990);
//! Agresti, Categorical Data Analysis (3rd ed.) §3.1 for the ratio
//! intervals; Ulm (1990) and Breslow & Day (1987, vol. II §2.3) for the
//! Poisson intervals and the conditional comparison of two rates.

use super::interim::restricted_rates;
use super::normal;
use super::special::{beta_cdf, beta_quantile, gamma_quantile, ln_choose};

fn z_for(conf: f64) -> f64 {
    normal::quantile(1.0 - (1.0 - conf) / 2.0)
}

/// An estimate with its confidence interval (lower, upper).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EstimateCi {
    pub estimate: f64,
    pub ci: (f64, f64),
}

/// A ratio of incidence rates with its exact interval and the two-sided
/// p-value of the conditional test.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RateRatioTest {
    pub estimate: f64,
    pub ci: (f64, f64),
    pub p_value: f64,
}

/// Wilson score interval for `x` of `n` (no continuity correction).
pub fn wilson(x: u64, n: u64, conf: f64) -> Option<(f64, f64)> {
    if n == 0 || x > n {
        return None;
    }
    let z = z_for(conf);
    let (nf, p) = (n as f64, x as f64 / n as f64);
    let z2 = z * z;
    let centre = (p + z2 / (2.0 * nf)) / (1.0 + z2 / nf);
    let half = z * (p * (1.0 - p) / nf + z2 / (4.0 * nf * nf)).sqrt() / (1.0 + z2 / nf);
    Some(((centre - half).max(0.0), (centre + half).min(1.0)))
}

/// Risk difference p1 − p2 with Newcombe's hybrid-score interval, built
/// from the two Wilson intervals.
pub fn newcombe(x1: u64, n1: u64, x2: u64, n2: u64, conf: f64) -> Option<EstimateCi> {
    let (l1, u1) = wilson(x1, n1, conf)?;
    let (l2, u2) = wilson(x2, n2, conf)?;
    let p1 = x1 as f64 / n1 as f64;
    let p2 = x2 as f64 / n2 as f64;
    let d = p1 - p2;
    let lo = d - ((p1 - l1).powi(2) + (u2 - p2).powi(2)).sqrt();
    let hi = d + ((u1 - p1).powi(2) + (p2 - l2).powi(2)).sqrt();
    Some(EstimateCi {
        estimate: d,
        ci: (lo, hi),
    })
}

/// The Miettinen-Nurminen score statistic for H0: p1 − p2 = `delta`,
/// with the variance at the restricted estimates inflated by N/(N − 1).
fn mn_z(x1: f64, n1: f64, x2: f64, n2: f64, delta: f64) -> f64 {
    let (r1, r2) = restricted_rates(x1, n1, x2, n2, delta);
    let n = n1 + n2;
    let v = (r1 * (1.0 - r1) / n1 + r2 * (1.0 - r2) / n2) * n / (n - 1.0);
    let num = x1 / n1 - x2 / n2 - delta;
    if v <= 0.0 {
        return if num.abs() < 1e-15 {
            0.0
        } else {
            num.signum() * f64::INFINITY
        };
    }
    num / v.sqrt()
}

/// Risk difference p1 − p2 with the Miettinen-Nurminen score interval: the
/// differences δ whose score statistic satisfies z(δ)² ≤ χ²₁(conf).
pub fn miettinen_nurminen(x1: u64, n1: u64, x2: u64, n2: u64, conf: f64) -> Option<EstimateCi> {
    if n1 == 0 || n2 == 0 || x1 > n1 || x2 > n2 || n1 + n2 < 2 {
        return None;
    }
    let (a, b, c, d) = (x1 as f64, n1 as f64, x2 as f64, n2 as f64);
    let est = a / b - c / d;
    let crit = z_for(conf);
    // z(δ) falls as δ rises; each limit is where |z| = crit.
    let root = |mut lo: f64, mut hi: f64, f: &dyn Fn(f64) -> f64| -> f64 {
        // f(lo) > 0 >= f(hi)
        for _ in 0..200 {
            let mid = 0.5 * (lo + hi);
            if f(mid) > 0.0 {
                lo = mid;
            } else {
                hi = mid;
            }
            if hi - lo < 1e-15 {
                break;
            }
        }
        0.5 * (lo + hi)
    };
    let upper_f = |delta: f64| -(mn_z(a, b, c, d, delta)) - crit; // > 0 beyond the upper limit
    let lower_f = |delta: f64| mn_z(a, b, c, d, delta) - crit; // > 0 below the lower limit
    let hi = if upper_f(1.0) <= 0.0 {
        1.0
    } else {
        // upper_f(est) = −crit < 0, upper_f(1) > 0: find the crossing.
        let g = |delta: f64| -upper_f(delta);
        root(est, 1.0, &g)
    };
    let lo = if lower_f(-1.0) <= 0.0 {
        -1.0
    } else {
        root(-1.0, est, &lower_f)
    };
    Some(EstimateCi {
        estimate: est,
        ci: (lo, hi),
    })
}

/// Risk ratio p1/p2 with the log-scale (Katz) interval; `None` when an arm
/// has no events.
pub fn risk_ratio(x1: u64, n1: u64, x2: u64, n2: u64, conf: f64) -> Option<EstimateCi> {
    if x1 == 0 || x2 == 0 || n1 == 0 || n2 == 0 {
        return None;
    }
    let (a, b, c, d) = (x1 as f64, n1 as f64, x2 as f64, n2 as f64);
    let rr = (a / b) / (c / d);
    let se = (1.0 / a - 1.0 / b + 1.0 / c - 1.0 / d).sqrt();
    let z = z_for(conf);
    Some(EstimateCi {
        estimate: rr,
        ci: ((rr.ln() - z * se).exp(), (rr.ln() + z * se).exp()),
    })
}

/// Odds ratio with Woolf's log-scale interval; `None` when a cell is 0.
pub fn odds_ratio(x1: u64, n1: u64, x2: u64, n2: u64, conf: f64) -> Option<EstimateCi> {
    if x1 == 0 || x2 == 0 || x1 >= n1 || x2 >= n2 {
        return None;
    }
    let (a, b, c, d) = (x1 as f64, (n1 - x1) as f64, x2 as f64, (n2 - x2) as f64);
    let or = a * d / (b * c);
    let se = (1.0 / a + 1.0 / b + 1.0 / c + 1.0 / d).sqrt();
    let z = z_for(conf);
    Some(EstimateCi {
        estimate: or,
        ci: ((or.ln() - z * se).exp(), (or.ln() + z * se).exp()),
    })
}

/// Exact Poisson interval for the mean of `x` events (Garwood):
/// (Γ⁻¹(α/2; x), Γ⁻¹(1 − α/2; x + 1)).
pub fn poisson_exact(x: u64, conf: f64) -> (f64, f64) {
    let alpha = 1.0 - conf;
    let lo = if x == 0 {
        0.0
    } else {
        gamma_quantile(alpha / 2.0, x as f64)
    };
    (lo, gamma_quantile(1.0 - alpha / 2.0, x as f64 + 1.0))
}

/// An incidence rate per `per` units of exposure (e.g. 100 patient-years)
/// with its exact Poisson interval.
pub fn incidence_rate(events: u64, exposure: f64, per: f64, conf: f64) -> Option<EstimateCi> {
    if exposure <= 0.0 {
        return None;
    }
    let (lo, hi) = poisson_exact(events, conf);
    Some(EstimateCi {
        estimate: events as f64 / exposure * per,
        ci: (lo / exposure * per, hi / exposure * per),
    })
}

/// Two-sided exact binomial test p-value for `x` of `n` at probability `p`:
/// the probability of outcomes no more likely than `x` (relative tolerance
/// 1e-7 for ties in likelihood).
pub fn binomial_test_p(x: u64, n: u64, p: f64) -> f64 {
    let ln_pmf = |k: u64| -> f64 {
        let k_f = k as f64;
        let nk = (n - k) as f64;
        let a = if k == 0 { 0.0 } else { k_f * p.ln() };
        let b = if k == n { 0.0 } else { nk * (1.0 - p).ln() };
        ln_choose(n, k) + a + b
    };
    if p <= 0.0 {
        return if x == 0 { 1.0 } else { 0.0 };
    }
    if p >= 1.0 {
        return if x == n { 1.0 } else { 0.0 };
    }
    let d = ln_pmf(x).exp();
    let m = n as f64 * p;
    if (x as f64 - m).abs() < 1e-12 * m.max(1.0) {
        return 1.0;
    }
    // P(X <= q) = I_{1-p}(n − q, q + 1).
    let cdf = |q: i64| -> f64 {
        if q < 0 {
            0.0
        } else if q as u64 >= n {
            1.0
        } else {
            let q = q as u64;
            beta_cdf(1.0 - p, (n - q) as f64, q as f64 + 1.0)
        }
    };
    // P(X > q) = I_p(q + 1, n − q), computed directly so that tiny upper
    // tails keep their precision.
    let sf = |q: i64| -> f64 {
        if q < 0 {
            1.0
        } else if q as u64 >= n {
            0.0
        } else {
            let q = q as u64;
            beta_cdf(p, q as f64 + 1.0, (n - q) as f64)
        }
    };
    let rel = 1.0 + 1e-7;
    let total = if (x as f64) < m {
        // Outcomes on the other side (≥ ⌈m⌉) no more likely than x.
        let y = (m.ceil() as u64..=n)
            .filter(|&i| ln_pmf(i).exp() <= d * rel)
            .count() as i64;
        cdf(x as i64) + sf(n as i64 - y)
    } else {
        let y = (0..=m.floor() as u64)
            .filter(|&i| ln_pmf(i).exp() <= d * rel)
            .count() as i64;
        cdf(y - 1) + sf(x as i64 - 1)
    };
    total.min(1.0)
}

/// Ratio of two incidence rates, (x1/t1)/(x2/t2), with the exact interval
/// and two-sided p-value of the conditional test: given x1 + x2 events, x1
/// is binomial with p = t1/(t1 + t2) under equal rates, and the ratio's
/// limits follow from the Clopper-Pearson limits for that proportion.
pub fn rate_ratio(x1: u64, t1: f64, x2: u64, t2: f64, conf: f64) -> Option<RateRatioTest> {
    let n = x1 + x2;
    if n == 0 || t1 <= 0.0 || t2 <= 0.0 {
        return None;
    }
    let alpha = 1.0 - conf;
    let p_lo = if x1 == 0 {
        0.0
    } else {
        beta_quantile(alpha / 2.0, x1 as f64, (n - x1) as f64 + 1.0)
    };
    let p_hi = if x1 == n {
        1.0
    } else {
        beta_quantile(1.0 - alpha / 2.0, x1 as f64 + 1.0, (n - x1) as f64)
    };
    let to_ratio = |p: f64| p / (1.0 - p) * t2 / t1;
    let est = (x1 as f64 / t1) / (x2 as f64 / t2);
    let p_value = binomial_test_p(x1, n, t1 / (t1 + t2));
    Some(RateRatioTest {
        estimate: est,
        ci: (to_ratio(p_lo), to_ratio(p_hi)),
        p_value,
    })
}
