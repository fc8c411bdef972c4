//! Safety monitoring rules as a DMC charter writes them for an event rate:
//! Bayesian posterior thresholds (one group against a rate, two groups
//! against each other) and exact sequential boundaries for a rate against
//! a null rate, with their operating characteristics.
//!
//! References: Geller, Follmann, Leifer & Carter (2003), "Design of early
//! trials in stem cell transplantation: a hybrid frequentist-Bayesian
//! approach" (the beta-binomial boundary); Ivanova, Qaqish & Schell (2005),
//! Biometrics 61:540 (Pocock-type and O'Brien-Fleming-type boundaries for
//! continuous toxicity monitoring); Goldman (1987), Controlled Clinical
//! Trials 8:327. The boundary types are those of R's stoppingrule
//! `calc.rule.bin` ("Pocock", "OBF", "BB"), whose example (p0 = 0.2, alpha
//! 0.1, Beta(0.6, 2.4), 1..30 subjects) the tests reproduce.
//!
//! A crossed rule is a signal for the board, never an automatic stop.

use super::special::{beta_cdf, beta_quantile, ln_choose};

/// A Beta(a, b) prior on an event rate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BetaPrior {
    pub a: f64,
    pub b: f64,
}

/// Events among subjects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Count {
    pub events: u32,
    pub n: u32,
}

impl BetaPrior {
    /// The posterior after `c`: Beta(a + x, b + n − x).
    fn posterior(self, c: Count) -> BetaPrior {
        BetaPrior {
            a: self.a + f64::from(c.events),
            b: self.b + f64::from(c.n - c.events),
        }
    }
}

/// P(p > p0 | x events of n) under a Beta(a, b) prior:
/// `1 - pbeta(p0, a + x, b + n - x)`.
pub fn posterior_exceeds(prior: BetaPrior, c: Count, p0: f64) -> f64 {
    let post = prior.posterior(c);
    1.0 - beta_cdf(p0, post.a, post.b)
}

/// P(p_B > p_A + δ | data), each rate with its own Beta posterior
/// (independent groups): ∫ S_B(Q_A(u) + δ) du over u in (0, 1), where Q_A
/// is group A's posterior quantile and S_B group B's posterior survival
/// function, integrated adaptively (Gauss-Kronrod 7-15) to 1e-12.
pub fn posterior_difference_exceeds(prior: BetaPrior, a: Count, b: Count, delta: f64) -> f64 {
    let (pa, pb) = (prior.posterior(a), prior.posterior(b));
    let survival_b = |q: f64| {
        if q <= 0.0 {
            1.0
        } else if q >= 1.0 {
            0.0
        } else {
            1.0 - beta_cdf(q, pb.a, pb.b)
        }
    };
    let f = |u: f64| survival_b(beta_quantile(u, pa.a, pa.b) + delta);
    integrate(&f, 0.0, 1.0, 1e-12)
}

/// ∫ f over [lo, hi] by adaptive Gauss-Kronrod (7-15 points), to an
/// absolute error of about `tol`.
pub fn integrate(f: &dyn Fn(f64) -> f64, lo: f64, hi: f64, tol: f64) -> f64 {
    integrate_to(f, lo, hi, tol, 40)
}

/// [`integrate`] halving panels at most `max_depth` times: for an
/// integrand whose evaluation carries noise above the tolerance (a Beta
/// density of tens of thousands of subjects), where panels would otherwise
/// be halved to the limit wherever the noise is.
pub fn integrate_to(f: &dyn Fn(f64) -> f64, lo: f64, hi: f64, tol: f64, max_depth: u32) -> f64 {
    fn gk15(f: &dyn Fn(f64) -> f64, lo: f64, hi: f64) -> (f64, f64) {
        // Kronrod nodes (positive half) and weights; Gauss weights on the
        // odd-indexed nodes.
        const XK: [f64; 8] = [
            0.991_455_371_120_812_6,
            0.949_107_912_342_758_5,
            0.864_864_423_359_769_1,
            0.741_531_185_599_394_4,
            0.586_087_235_467_691_1,
            0.405_845_151_377_397_2,
            0.207_784_955_007_898_5,
            0.0,
        ];
        const WK: [f64; 8] = [
            0.022_935_322_010_529_22,
            0.063_092_092_629_978_55,
            0.104_790_010_322_250_2,
            0.140_653_259_715_525_9,
            0.169_004_726_639_267_9,
            0.190_350_578_064_785_4,
            0.204_432_940_075_298_9,
            0.209_482_141_084_727_8,
        ];
        const WG: [f64; 4] = [
            0.129_484_966_168_869_7,
            0.279_705_391_489_276_7,
            0.381_830_050_505_118_9,
            0.417_959_183_673_469_4,
        ];
        let (c, h) = (0.5 * (lo + hi), 0.5 * (hi - lo));
        let fc = f(c);
        let mut kronrod = WK[7] * fc;
        let mut gauss = WG[3] * fc;
        for i in 0..7 {
            let (a, b) = (f(c - h * XK[i]), f(c + h * XK[i]));
            kronrod += WK[i] * (a + b);
            if i % 2 == 1 {
                gauss += WG[i / 2] * (a + b);
            }
        }
        (kronrod * h, ((kronrod - gauss) * h).abs())
    }
    fn go(f: &dyn Fn(f64) -> f64, lo: f64, hi: f64, tol: f64, depth: u32, max: u32) -> f64 {
        let (value, err) = gk15(f, lo, hi);
        // Below rounding (a few ulps of the panel's value) the estimate is
        // noise (QUADPACK's floor, 50 ulps of the result).
        let floor = 50.0 * f64::EPSILON * value.abs();
        if err <= tol.max(floor) || depth >= max {
            return value;
        }
        let mid = 0.5 * (lo + hi);
        go(f, lo, mid, tol / 2.0, depth + 1, max) + go(f, mid, hi, tol / 2.0, depth + 1, max)
    }
    go(f, lo, hi, tol, 0, max_depth)
}

/// The kind of exact sequential boundary for a rate against p0.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum BoundaryKind {
    /// Stop at n when P(X_n >= x | p0) <= c: the same nominal level at
    /// every look (the continuous root's ceiling, as stoppingrule's).
    Pocock,
    /// Stop at n when x >= n·p0 + c·√(N·p0·(1 − p0)), N the last look.
    OBrienFleming,
    /// Stop at n when the posterior P(p > p0 | x, n) under Beta(a, b)
    /// reaches c (Geller et al. 2003).
    BetaBinomial(BetaPrior),
}

/// A sequential boundary: at each look `ns[k]` (subjects observed), stop
/// when the events reach `stop_at[k]` (`ns[k] + 1`: cannot stop there).
#[derive(Clone, Debug, PartialEq)]
pub struct SequentialBoundary {
    pub ns: Vec<u32>,
    pub stop_at: Vec<u32>,
    /// The boundary's constant: the nominal level (Pocock), the critical
    /// value (O'Brien-Fleming) or the posterior threshold (beta-binomial).
    pub c: f64,
    /// The probability of stopping when the rate is p0 (at most alpha).
    pub size: f64,
}

/// The events that stop at `n` subjects for constant `c`.
fn stop_at(kind: BoundaryKind, n: u32, last: u32, p0: f64, c: f64) -> u32 {
    // Each criterion holds from some x on (it is monotone in x): the first
    // x where it holds, by bisection, or n + 1.
    let first = |stops: &dyn Fn(u32) -> bool| {
        if !stops(n) {
            return n + 1;
        }
        let (mut lo, mut hi) = (0u32, n);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if stops(mid) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        lo
    };
    match kind {
        // P(X_n >= x) = I_{p0}(x, n − x + 1) for x >= 1.
        BoundaryKind::Pocock => {
            first(&|x| x >= 1 && beta_cdf(p0, f64::from(x), f64::from(n - x + 1)) <= c)
        }
        BoundaryKind::OBrienFleming => {
            let b = f64::from(n) * p0 + c * (f64::from(last) * p0 * (1.0 - p0)).sqrt();
            let b = b.ceil().max(0.0);
            if b > f64::from(n) {
                n + 1
            } else {
                b as u32
            }
        }
        BoundaryKind::BetaBinomial(prior) => {
            first(&|x| posterior_exceeds(prior, Count { events: x, n }, p0) >= c)
        }
    }
}

/// The probability of stopping at any look of `ns` (increasing subject
/// counts) with boundary `stop_at`, when each subject has the event with
/// probability `p`: the distribution of events among those not yet stopped,
/// carried from look to look.
pub fn stopping_probability(ns: &[u32], stop_at: &[u32], p: f64) -> f64 {
    let last = ns.last().copied().unwrap_or(0) as usize;
    let mut alive = vec![0.0_f64; last + 1];
    alive[0] = 1.0;
    let (mut seen, mut stopped) = (0u32, 0.0);
    for (&n, &b) in ns.iter().zip(stop_at) {
        let m = n - seen;
        // Add m subjects: convolve with Binomial(m, p).
        let pmf: Vec<f64> = (0..=m).map(|j| binomial_pmf(m, j, p)).collect();
        let mut next = vec![0.0_f64; last + 1];
        for (x, &w) in alive.iter().enumerate().take(seen as usize + 1) {
            if w == 0.0 {
                continue;
            }
            for (j, &q) in pmf.iter().enumerate() {
                next[x + j] += w * q;
            }
        }
        let top = (n as usize).min(last);
        if (b as usize) <= top {
            for cell in &mut next[b as usize..=top] {
                stopped += *cell;
                *cell = 0.0;
            }
        }
        alive = next;
        seen = n;
    }
    stopped
}

fn binomial_pmf(n: u32, k: u32, p: f64) -> f64 {
    if p <= 0.0 {
        return if k == 0 { 1.0 } else { 0.0 };
    }
    if p >= 1.0 {
        return if k == n { 1.0 } else { 0.0 };
    }
    (ln_choose(u64::from(n), u64::from(k))
        + f64::from(k) * p.ln()
        + f64::from(n - k) * (1.0 - p).ln())
    .exp()
}

/// Why a boundary cannot be made.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum BoundaryError {
    #[error("the looks must be increasing positive subject counts")]
    Looks,
    #[error("p0 must be in (0, 1) and alpha in (0, 1)")]
    Parameters,
}

/// The boundary of `kind` at looks `ns` whose probability of stopping
/// when the rate is `p0` is at most `alpha`, with the constant as close
/// to the limit as bisection reaches (the boundary is a step function of
/// the constant: the one returned is on the side that keeps alpha, e.g.
/// just above the posterior of 4 events in 7 subjects in stoppingrule's
/// beta-binomial example, so that 4 of 7 does not stop).
pub fn sequential_boundary(
    ns: &[u32],
    p0: f64,
    alpha: f64,
    kind: BoundaryKind,
) -> Result<SequentialBoundary, BoundaryError> {
    if ns.is_empty() || ns[0] == 0 || ns.windows(2).any(|w| w[0] >= w[1]) {
        return Err(BoundaryError::Looks);
    }
    if !(p0 > 0.0 && p0 < 1.0 && alpha > 0.0 && alpha < 1.0) {
        return Err(BoundaryError::Parameters);
    }
    let last = *ns.last().expect("not empty");
    let bounds =
        |c: f64| -> Vec<u32> { ns.iter().map(|&n| stop_at(kind, n, last, p0, c)).collect() };
    let size = |c: f64| stopping_probability(ns, &bounds(c), p0);
    // Pocock: a larger level stops more; the others: a larger c stops less.
    let (mut lo, mut hi) = match kind {
        BoundaryKind::Pocock => (0.0, alpha),
        BoundaryKind::OBrienFleming => (0.0, 10.0 + f64::from(last).sqrt()),
        BoundaryKind::BetaBinomial(_) => (0.0, 1.0),
    };
    let more_stops_below = !matches!(kind, BoundaryKind::Pocock);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        let keeps = size(mid) <= alpha;
        // Move the infeasible end towards the feasible one.
        match (more_stops_below, keeps) {
            (true, true) => hi = mid,
            (true, false) => lo = mid,
            (false, true) => lo = mid,
            (false, false) => hi = mid,
        }
        if hi - lo <= f64::EPSILON * hi.abs().max(1e-300) {
            break;
        }
    }
    let c = if more_stops_below { hi } else { lo };
    let stop_at = bounds(c);
    let size = stopping_probability(ns, &stop_at, p0);
    Ok(SequentialBoundary {
        ns: ns.to_vec(),
        stop_at,
        c,
        size,
    })
}

/// Where a group stands on a boundary: its events among its subjects at
/// the look for `n` subjects (the largest look not beyond `n`), and
/// whether they reach the boundary there.
pub fn crosses(boundary: &SequentialBoundary, c: Count) -> Option<bool> {
    let k = boundary.ns.iter().rposition(|&n| n <= c.n)?;
    Some(c.events >= boundary.stop_at[k])
}
