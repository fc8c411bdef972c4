//! Interim inference for group-sequential designs: conditional power and the
//! conditional rejection probability, as rpact defines them for its
//! group-sequential analyses (`getAnalysisResults`, `getConditionalPower`):
//! the remaining looks' boundaries are shifted by what the observed overall
//! z-statistic already contributes and by the assumed effect over the
//! planned remaining sample, and the crossing probabilities of the shifted
//! boundaries are computed on the remaining, rescaled information
//! (Wassmer & Brannath 2016, §2.3 and ch. 7; rpact documentation).

use super::gsd::Recursion;
use super::normal;

/// A group-sequential design as conditional power needs it: information
/// fractions, efficacy boundaries, interim futility bounds (K − 1 values) if
/// any and whether they bind, and whether the test is two-sided (symmetric
/// boundaries ±c, no futility).
#[derive(Clone, Copy, Debug)]
pub struct Design<'a> {
    pub t: &'a [f64],
    pub efficacy: &'a [f64],
    pub futility: Option<&'a [f64]>,
    pub binding: bool,
    pub two_sided: bool,
}

impl<'a> Design<'a> {
    /// A one-sided design without futility bounds.
    pub fn one_sided(t: &'a [f64], efficacy: &'a [f64]) -> Self {
        Design {
            t,
            efficacy,
            futility: None,
            binding: false,
            two_sided: false,
        }
    }

    /// Conditional power at look `k` (1-based, k < K) given the combined
    /// z-statistic `z_k`, for a standardized effect `theta` per unit of
    /// `n_planned` (the planned sample of each remaining look, on the scale
    /// `theta` is given in). Returns the cumulative probabilities of
    /// crossing the upper boundary at looks k+1..K; the last is the
    /// conditional power. As rpact: futility bounds stop paths whether or
    /// not they bind; a two-sided design stops paths at −c instead.
    pub fn conditional_power(&self, k: usize, z_k: f64, theta: f64, n_planned: &[f64]) -> Vec<f64> {
        let shift = self.shifter(k, z_k, theta, n_planned);
        let k_max = self.t.len();
        let upper: Vec<f64> = (k..k_max).map(|j| shift(j, self.efficacy[j])).collect();
        let lower: Vec<f64> = (k..k_max)
            .map(|j| {
                if self.two_sided {
                    shift(j, -self.efficacy[j])
                } else {
                    match self.futility {
                        Some(f) if j + 1 < k_max => shift(j, f[j]),
                        _ => f64::NEG_INFINITY,
                    }
                }
            })
            .collect();
        self.crossings(k, &upper, &lower).0
    }

    /// Conditional power at look `k` under the current trend on the
    /// canonical scale: the drift estimated as z_k/√t_k per unit of
    /// information fraction, the remaining looks' increments as planned.
    /// For a time-to-event endpoint this is exactly the trend's conditional
    /// power (information in events); for rates it is its large-sample form.
    pub fn trend_conditional_power(&self, k: usize, z_k: f64) -> f64 {
        let t = self.t;
        let steps: Vec<f64> = (k..t.len()).map(|j| t[j] - t[j - 1]).collect();
        let theta = z_k / t[k - 1].sqrt();
        self.conditional_power(k, z_k, theta, &steps)
            .last()
            .copied()
            .unwrap_or(0.0)
    }

    /// The conditional-power futility guideline mapped onto the z scale: the
    /// z at look `k` (k < K) below which conditional power under the current
    /// trend falls under `gamma`. Conditional power rises with z, so the
    /// root is bracketed and found by bisection to 1e-10. With two looks
    /// it is √t (c₂ − √(1 − t) Φ⁻¹(1 − γ)) (Lachin 2005).
    pub fn trend_futility_z(&self, k: usize, gamma: f64) -> f64 {
        let (mut lo, mut hi) = (-12.0_f64, 12.0_f64);
        while hi - lo > 1e-10 {
            let mid = 0.5 * (lo + hi);
            if self.trend_conditional_power(k, mid) < gamma {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        0.5 * (lo + hi)
    }

    /// The conditional rejection probability at look `k` given the overall
    /// z-statistic: the chance of rejecting H0 under H0 from here on. As
    /// rpact: futility bounds count only when binding; a two-sided design
    /// counts crossings of ±(the shifted upper boundary).
    pub fn conditional_rejection_probability(&self, k: usize, z_k: f64) -> f64 {
        let k_max = self.t.len();
        let shift = self.shifter(k, z_k, 0.0, &vec![0.0; k_max - k]);
        let upper: Vec<f64> = (k..k_max).map(|j| shift(j, self.efficacy[j])).collect();
        let lower: Vec<f64> = (k..k_max)
            .enumerate()
            .map(|(i, j)| {
                if self.two_sided {
                    -upper[i]
                } else {
                    match self.futility {
                        Some(f) if self.binding && j + 1 < k_max => shift(j, f[j]),
                        _ => f64::NEG_INFINITY,
                    }
                }
            })
            .collect();
        let (up, below) = self.crossings(k, &upper, &lower);
        up.last().copied().unwrap_or(0.0) + below
    }

    /// A boundary `c` at look j+1 (0-based `j` > k − 1) on the scale of the
    /// increments after look k, shifted by what z_k and the effect over the
    /// planned samples contribute (Wassmer & Brannath 2016, §2.3).
    fn shifter(
        &self,
        k: usize,
        z_k: f64,
        theta: f64,
        n_planned: &[f64],
    ) -> impl Fn(usize, f64) -> f64 + '_ {
        let t = self.t;
        let k_max = t.len();
        assert!(
            k >= 1 && k < k_max,
            "conditional power needs a look before the last"
        );
        assert_eq!(
            n_planned.len(),
            k_max - k,
            "one planned sample per remaining look"
        );
        let tk = t[k - 1];
        let mut effect = vec![0.0; k_max];
        let mut sum = 0.0;
        for (i, j) in (k..k_max).enumerate() {
            sum += n_planned[i].sqrt() * (t[j] - t[j - 1]).sqrt();
            effect[j] = sum;
        }
        move |j: usize, c: f64| {
            let scale = (t[j] - tk).sqrt();
            c * t[j].sqrt() / scale - z_k * tk.sqrt() / scale - theta * effect[j] / scale
        }
    }

    /// Cumulative upper-crossing probabilities at looks k+1..K of shifted
    /// boundaries `upper`/`lower` on the remaining, rescaled information,
    /// and, for a two-sided design, the total probability of crossing below.
    fn crossings(&self, k: usize, upper: &[f64], lower: &[f64]) -> (Vec<f64>, f64) {
        let tk = self.t[k - 1];
        let scaled: Vec<f64> = self.t[k..]
            .iter()
            .map(|&tj| (tj - tk) / (1.0 - tk))
            .collect();
        let mut rec = Recursion::new(&scaled, 0.0);
        let mut total = 0.0;
        let mut below = 0.0;
        let mut out = Vec::with_capacity(scaled.len());
        for i in 0..scaled.len() {
            total += rec.upper(upper[i]);
            if self.two_sided {
                below += rec.lower(lower[i]);
            }
            out.push(total);
            if i + 1 < scaled.len() {
                rec.advance(lower[i], upper[i]);
            }
        }
        (out, below)
    }
}

/// Conditional power of a one-sided group-sequential design at look `k`
/// (1-based, k < K) given the z-statistic `z_k`, for a standardized
/// effect `theta` per unit of `n_planned`; see [`Design::conditional_power`].
/// `futility` holds the interim futility bounds (K − 1 values) if any.
pub fn conditional_power(
    t: &[f64],
    efficacy: &[f64],
    futility: Option<&[f64]>,
    k: usize,
    z_k: f64,
    theta: f64,
    n_planned: &[f64],
) -> Vec<f64> {
    let design = Design {
        futility,
        ..Design::one_sided(t, efficacy)
    };
    design.conditional_power(k, z_k, theta, n_planned)
}

/// The conditional rejection probability of a one-sided design (binding
/// futility bounds if given): the conditional power under θ = 0.
pub fn conditional_rejection_probability(
    t: &[f64],
    efficacy: &[f64],
    futility: Option<&[f64]>,
    k: usize,
    z_k: f64,
) -> f64 {
    let design = Design {
        futility,
        binding: true,
        ..Design::one_sided(t, efficacy)
    };
    design.conditional_rejection_probability(k, z_k)
}

/// Two rates: the z-statistic of H0: π1 = π2 (pooled variance), for `x1`
/// events of `n1` against `x2` of `n2`.
pub fn rates_z(x1: u64, n1: u64, x2: u64, n2: u64) -> f64 {
    let (x1, n1, x2, n2) = (x1 as f64, n1 as f64, x2 as f64, n2 as f64);
    let (p1, p2) = (x1 / n1, x2 / n2);
    let p = (x1 + x2) / (n1 + n2);
    (p1 - p2) / (p * (1.0 - p) * (1.0 / n1 + 1.0 / n2)).sqrt()
}

/// Two rates compared: group 1's π1 against group 2's π2 (a larger π1 is
/// better), with n1 = `allocation` · n2.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TwoRates {
    pub pi1: f64,
    pub pi2: f64,
    pub allocation: f64,
}

impl TwoRates {
    /// The variance under H1, on group 2's sample scale: π1(1−π1) + r π2(1−π2).
    fn var_h1(&self) -> f64 {
        let r = self.allocation;
        self.pi1 * (1.0 - self.pi1) + r * self.pi2 * (1.0 - self.pi2)
    }

    /// The restricted (H0: π1 = π2) rate for samples n1 = r·n2 with these
    /// proportions (rpact's Farrington-Manning value at θ0 = 0): the
    /// weighted mean (r·π1 + π2)/(1 + r).
    pub fn pooled(&self) -> f64 {
        let r = self.allocation;
        (r * self.pi1 + self.pi2) / (1.0 + r)
    }

    /// The variance under H0 on the same scale: (1 + r) p̄(1 − p̄).
    fn var_h0(&self) -> f64 {
        let p = self.pooled();
        (1.0 + self.allocation) * p * (1.0 - p)
    }
}

/// A test's error rates: `alpha` one-sided, or two-sided in total when
/// `two_sided`, and power 1 − `beta`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Level {
    pub alpha: f64,
    pub beta: f64,
    pub two_sided: bool,
}

impl Level {
    /// The one-sided level each side is tested at (alpha halved when
    /// two-sided).
    pub fn one_sided_alpha(&self) -> f64 {
        if self.two_sided {
            self.alpha / 2.0
        } else {
            self.alpha
        }
    }

    /// The fixed-sample drift (z_α + z_β).
    fn fixed_drift(&self) -> f64 {
        normal::quantile(1.0 - self.one_sided_alpha()) + normal::quantile(1.0 - self.beta)
    }
}

/// Conditional power of a two-rate comparison at look `k` of a one-sided
/// design (futility bounds optional), for the assumed `rates` and the
/// planned total sample of each remaining look, given the overall
/// z-statistic (at the first look, the only one a cut holds); see
/// [`conditional_power_rates_by_look`]. Returns the conditional power at
/// the final look.
pub fn conditional_power_rates(
    t: &[f64],
    efficacy: &[f64],
    futility: Option<&[f64]>,
    k: usize,
    z_k: f64,
    rates: TwoRates,
    n_planned_total: &[f64],
) -> f64 {
    let design = Design {
        futility,
        ..Design::one_sided(t, efficacy)
    };
    *conditional_power_rates_by_look(&design, k, z_k, z_k, rates, n_planned_total)
        .last()
        .unwrap_or(&0.0)
}

/// Conditional power of a two-rate comparison at each remaining look
/// (k+1..K), as rpact's `getConditionalPower` for rates: the effect is
/// (π1 − π2) / √(π1(1−π1) + r π2(1−π2)) · √(1 + r), adjusted once, over the
/// whole remaining sample, for the variance under H0 (the Farrington-Manning
/// restricted rates for π1, π2 with allocation r) through the conditional
/// rejection probability, which takes the overall z-statistic `z_overall`;
/// the boundaries are shifted by `z_combined`, the design-weighted
/// combination of the stage-wise z-statistics ([`design_weighted_z`]); on
/// the sample scale r/(1 + r)² n.
pub fn conditional_power_rates_by_look(
    design: &Design,
    k: usize,
    z_overall: f64,
    z_combined: f64,
    rates: TwoRates,
    n_planned_total: &[f64],
) -> Vec<f64> {
    let r = rates.allocation;
    let crp = design.conditional_rejection_probability(k, z_overall);
    let remaining: f64 = n_planned_total.iter().sum();
    let (var_h1, var_h0) = (rates.var_h1(), rates.var_h0());
    let adjustment = if crp < 1e-12 {
        0.0
    } else {
        normal::quantile(1.0 - crp) * (1.0 - var_h0.sqrt() / var_h1.sqrt()) * (1.0 + r)
            / (r * remaining).sqrt()
    };
    let theta = (rates.pi1 - rates.pi2) / var_h1.sqrt() * (1.0 + r).sqrt() + adjustment;
    let scaled: Vec<f64> = n_planned_total
        .iter()
        .map(|n| r / (1.0 + r).powi(2) * n)
        .collect();
    design.conditional_power(k, z_combined, theta, &scaled)
}

/// The overall z-statistic that design-weighted stage-wise z-statistics
/// make: Σ √(t_i − t_{i−1}) z_i / √t_k. rpact's group-sequential conditional
/// power for survival data combines the stage-wise log-rank statistics this
/// way (for rates and means it takes the observed overall statistic).
pub fn design_weighted_z(t: &[f64], stage_z: &[f64]) -> f64 {
    let k = stage_z.len();
    let mut prev = 0.0;
    let mut sum = 0.0;
    for (&ti, &zi) in t.iter().zip(stage_z) {
        sum += (ti - prev).sqrt() * zi;
        prev = ti;
    }
    sum / t[k - 1].sqrt()
}

/// Predictive power at information fraction `t` (0 < t < 1) with a flat
/// prior on the drift, for the final analysis only (later interim looks
/// ignored): with θ̂ = z/√t the posterior θ ~ N(z/√t, 1/t), the final
/// statistic is predicted N(z/√t, (1 − t)/t), so the probability that it
/// exceeds the final boundary `c` is Φ((z − c√t)/√(1 − t)) (Spiegelhalter,
/// Freedman & Blackburn 1986; Jennison & Turnbull 2000, §10.3).
pub fn predictive_power_flat(t: f64, z: f64, c: f64) -> f64 {
    normal::cdf((z - c * t.sqrt()) / (1.0 - t).sqrt())
}

/// Predictive power with a normal prior N(`prior_mean`, `prior_sd`²) on the
/// drift θ (the expected final z-statistic): the posterior after observing
/// z at fraction t is normal with precision 1/σ₀² + t and mean
/// (μ₀/σ₀² + z√t)/(1/σ₀² + t); the final statistic, √t z + √(1−t) Z',
/// Z' ~ N(θ√(1−t), 1), is then normal with mean √t z + (1 − t) μ_post and
/// variance (1 − t) + (1 − t)² σ²_post.
pub fn predictive_power_normal(t: f64, z: f64, c: f64, prior_mean: f64, prior_sd: f64) -> f64 {
    let prior_precision = 1.0 / (prior_sd * prior_sd);
    let post_precision = prior_precision + t;
    let post_mean = (prior_mean * prior_precision + z * t.sqrt()) / post_precision;
    let mean = t.sqrt() * z + (1.0 - t) * post_mean;
    let var = (1.0 - t) + (1.0 - t).powi(2) / post_precision;
    normal::sf((c - mean) / var.sqrt())
}

/// The B-value B(t) = Z(t)·√t (Lan & Wittes 1988).
pub fn b_value(t: f64, z: f64) -> f64 {
    z * t.sqrt()
}

/// Restricted maximum-likelihood rates (π̃1, π̃2) under H0: π1 − π2 = `delta`
/// for x1/n1 against x2/n2: the closed-form root of the likelihood cubic
/// given by Farrington & Manning (1990, Statistics in Medicine 9:1447),
/// also used by Miettinen & Nurminen (1985).
pub fn restricted_rates(x1: f64, n1: f64, x2: f64, n2: f64, delta: f64) -> (f64, f64) {
    let (p1, p2) = (x1 / n1, x2 / n2);
    let theta = n2 / n1;
    let a = 1.0 + theta;
    let b = -(1.0 + theta + p1 + theta * p2 + delta * (theta + 2.0));
    let c = delta * delta + delta * (2.0 * p1 + theta + 1.0) + p1 + theta * p2;
    let d = -p1 * delta * (1.0 + delta);
    let v = b.powi(3) / (3.0 * a).powi(3) - b * c / (6.0 * a * a) + d / (2.0 * a);
    let u0 = (b * b / (3.0 * a).powi(2) - c / (3.0 * a)).max(0.0).sqrt();
    let u = if v < 0.0 { -u0 } else { u0 };
    let ratio = if u == 0.0 {
        0.0
    } else {
        (v / u.powi(3)).clamp(-1.0, 1.0)
    };
    let w = (std::f64::consts::PI + ratio.acos()) / 3.0;
    let r1 = (2.0 * u * w.cos() - b / (3.0 * a)).clamp(0.0, 1.0);
    let r2 = (r1 - delta).clamp(0.0, 1.0);
    (r1, r2)
}

/// The Farrington-Manning z-statistic for H0: π1 − π2 = `delta`.
pub fn farrington_manning_z(x1: f64, n1: f64, x2: f64, n2: f64, delta: f64) -> f64 {
    let (r1, r2) = restricted_rates(x1, n1, x2, n2, delta);
    let se = (r1 * (1.0 - r1) / n1 + r2 * (1.0 - r2) / n2).sqrt();
    (x1 / n1 - x2 / n2 - delta) / se
}

/// Repeated confidence interval for π1 − π2 at a look with boundary `c`:
/// the differences δ the Farrington-Manning test does not reject at level
/// c, i.e. −c < z(δ) < c (Jennison & Turnbull 2000, ch. 9; rpact's
/// group-sequential RCI for rates).
pub fn repeated_ci_rates(x1: u64, n1: u64, x2: u64, n2: u64, c: f64) -> (f64, f64) {
    let (x1, n1, x2, n2) = (x1 as f64, n1 as f64, x2 as f64, n2 as f64);
    let est = x1 / n1 - x2 / n2;
    let z = |d: f64| farrington_manning_z(x1, n1, x2, n2, d);
    // z(δ) decreases in δ; bisection inside (−1, 1).
    let solve = |target: f64, lo: f64, hi: f64| super::gsd::solve_decreasing(z, target, lo, hi);
    let eps = 1e-12;
    (solve(c, -1.0 + eps, est), solve(-c, est, 1.0 - eps))
}

/// Repeated p-value at look `k` (1-based) of a design with looks `t`: the
/// smallest α (up to 0.5) at which the look's boundary would be reached by
/// the observed `z` (Jennison & Turnbull 2000, §9.5).
pub fn repeated_p_value(
    t: &[f64],
    k: usize,
    z: f64,
    two_sided: bool,
    rule: super::gsd::EfficacyRule,
) -> f64 {
    let bound =
        |alpha: f64| super::gsd::efficacy_boundaries(t, alpha, two_sided, rule).efficacy[k - 1];
    let target = if two_sided { z.abs() } else { z };
    if bound(0.5) > target {
        return 0.5;
    }
    let (mut lo, mut hi) = (1e-12_f64, 0.5_f64);
    // The bound falls as α grows: find α with bound(α) = z, on a log scale.
    for _ in 0..80 {
        let mid = (lo.ln() * 0.5 + hi.ln() * 0.5).exp();
        if bound(mid) > target {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi / lo < 1.0 + 1e-9 {
            break;
        }
    }
    (lo * hi).sqrt()
}

/// The drift θ (expected final z) at which a design with efficacy bounds
/// `efficacy` at looks `t` rejects with probability `power` (upper crossing
/// at any look, no futility stop; for a `two_sided` design, paths that
/// cross −c first stop there and do not count, as in rpact).
pub fn drift_for_power(t: &[f64], efficacy: &[f64], two_sided: bool, power: f64) -> f64 {
    let power_at = |theta: f64| {
        let mut rec = super::gsd::Recursion::new(t, theta);
        let mut total = 0.0;
        for (k, &b) in efficacy.iter().enumerate() {
            total += rec.upper(b);
            if k + 1 < t.len() {
                rec.advance(if two_sided { -b } else { f64::NEG_INFINITY }, b);
            }
        }
        total
    };
    // Power rises with θ: bisection on a bracket around the fixed-sample drift.
    let (mut lo, mut hi) = (
        0.0_f64,
        2.0 * (efficacy[efficacy.len() - 1] + normal::quantile(power)).max(1.0),
    );
    while power_at(hi) < power {
        hi *= 2.0;
    }
    for _ in 0..100 {
        let mid = 0.5 * (lo + hi);
        if power_at(mid) < power {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo < 1e-10 {
            break;
        }
    }
    0.5 * (lo + hi)
}

/// Sample size for comparing two rates with the test's `level`: the
/// fixed-sample total by rpact's normal-approximation formula (H0 variance
/// at the restricted rates, H1 variance at π1, π2), and the
/// group-sequential maximum = fixed × inflation factor, the inflation being
/// (θ_GS / θ_fixed)² for the design's bounds.
pub fn sample_size_rates(t: &[f64], efficacy: &[f64], level: Level, rates: TwoRates) -> (f64, f64) {
    let a = level.one_sided_alpha();
    let r = rates.allocation;
    let n1 = (normal::quantile(1.0 - a) * rates.var_h0().sqrt()
        + normal::quantile(1.0 - level.beta) * rates.var_h1().sqrt())
    .powi(2)
        / (rates.pi1 - rates.pi2).powi(2);
    let n_fixed = n1 + n1 / r;
    (n_fixed, n_fixed * inflation(t, efficacy, level))
}

/// The group-sequential inflation of a fixed-sample size: (θ_GS / θ_fixed)²,
/// θ being the drift (expected final z) that gives power 1 − β.
fn inflation(t: &[f64], efficacy: &[f64], level: Level) -> f64 {
    (drift_for_power(t, efficacy, level.two_sided, 1.0 - level.beta) / level.fixed_drift()).powi(2)
}

/// Sample size for comparing two means (difference `delta`, common standard
/// deviation `sd`, n1 = r·n2) by the normal approximation, as rpact's
/// `getSampleSizeMeans(normalApproximation = TRUE)`: the fixed total
/// (z_α + z_β)² (1 + r)²/r · (σ/δ)² and the group-sequential maximum.
pub fn sample_size_means(
    t: &[f64],
    efficacy: &[f64],
    level: Level,
    delta: f64,
    sd: f64,
    r: f64,
) -> (f64, f64) {
    let fixed = level.fixed_drift().powi(2) * (1.0 + r).powi(2) / r * (sd / delta).powi(2);
    (fixed, fixed * inflation(t, efficacy, level))
}

/// Number of events for a log-rank comparison at hazard ratio `hr` with
/// allocation r (Schoenfeld 1981), as rpact's `getSampleSizeSurvival`
/// `eventsFixed` and `maxNumberOfEvents`: (z_α + z_β)² (1 + r)²/r / ln(hr)².
pub fn events_survival(t: &[f64], efficacy: &[f64], level: Level, hr: f64, r: f64) -> (f64, f64) {
    let fixed = level.fixed_drift().powi(2) * (1.0 + r).powi(2) / r / hr.ln().powi(2);
    (fixed, fixed * inflation(t, efficacy, level))
}

#[cfg(test)]
mod tests {
    use super::*;

    // R: the conditional-power guideline (CP under the trend below 20%) on
    // the z scale at the interim of a two-look O'Brien-Fleming design,
    //   d <- rpact::getDesignGroupSequential(kMax = 2, alpha = 0.025,
    //          sided = 1, typeOfDesign = "asOF", informationRates = c(.5, 1))
    //   sqrt(.5) * (d$criticalValues[2] - sqrt(.5) * qnorm(1 - .2))
    // = 0.971196714142 (c2 = 1.968595646322, c1 = 2.962588042728).
    #[test]
    fn trend_futility_z_matches_the_closed_form_in_r() {
        let t = [0.5, 1.0];
        let b = [2.962_588_042_728, 1.968_595_646_322];
        let d = Design::one_sided(&t, &b);
        let z = d.trend_futility_z(1, 0.20);
        assert!((z - 0.971_196_714_142).abs() < 1e-8, "{z}");
        assert!((d.trend_conditional_power(1, z) - 0.20).abs() < 1e-8);
        // Three looks: the root is where the trend's conditional power,
        // with the middle look's bound in the way, is the guideline.
        let t = [0.33, 0.67, 1.0];
        let b = [3.710_303, 2.511_407, 1.992_970];
        let d = Design::one_sided(&t, &b);
        for k in 1..=2 {
            let z = d.trend_futility_z(k, 0.10);
            assert!((d.trend_conditional_power(k, z) - 0.10).abs() < 1e-8);
            assert!(d.trend_conditional_power(k, z + 0.1) > 0.10);
        }
    }

    // R (validation/predictive_power.R): integrate conditional power over the
    // posterior numerically, t = 0.505, z = 0.745593040705, c = 1.96859564632.
    #[test]
    fn predictive_power_matches_numerical_integration_in_r() {
        let (t, z, c) = (0.505, 0.745_593_040_705, 1.968_595_646_32);
        let flat = predictive_power_flat(t, z, c);
        assert!((flat - 0.176_537_525_745).abs() < 1e-9, "{flat}");
        let prior = predictive_power_normal(t, z, c, 3.0, 1.0);
        assert!((prior - 0.365_992_833_38).abs() < 1e-9, "{prior}");
    }

    #[test]
    fn a_vague_normal_prior_gives_the_flat_prior_answer() {
        let a = predictive_power_flat(0.4, 1.2, 2.0);
        let b = predictive_power_normal(0.4, 1.2, 2.0, 0.0, 1e6);
        assert!((a - b).abs() < 1e-9);
    }

    #[test]
    fn the_b_value_is_z_times_root_t() {
        assert!((b_value(0.25, 2.0) - 1.0).abs() < 1e-15);
    }
}
