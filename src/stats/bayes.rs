//! Bayesian summaries of a two-arm comparison, beside the frequentist look:
//!
//! - a log hazard ratio by the normal approximation (its estimate and
//!   standard error from the Cox fit), updated from a normal prior
//!   (Spiegelhalter, Freedman & Parmar, JRSS A 1994;157:357): the
//!   sceptical prior is centred on no effect and sized so that the
//!   design's effect is a 5% tail; the enthusiastic prior is centred on
//!   the design's effect with the same spread;
//! - a difference of two rates with independent Beta posteriors, its
//!   distribution P(p_T − p_C > δ) = ∫ f_C(x) S_T(x + δ) dx integrated
//!   numerically, its quantiles by bisection on δ.

use super::monitoring::{integrate_to, BetaPrior};
use super::normal;
use super::special::{beta_cdf, beta_quantile, ln_beta};

/// A normal distribution on the log hazard ratio.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Normal {
    pub mean: f64,
    pub sd: f64,
}

impl Normal {
    /// P(X < x).
    pub fn cdf(&self, x: f64) -> f64 {
        normal::cdf((x - self.mean) / self.sd)
    }

    /// The p-quantile.
    pub fn quantile(&self, p: f64) -> f64 {
        self.mean + self.sd * normal::quantile(p)
    }
}

/// The spread of the sceptical (and enthusiastic) prior on the log hazard
/// ratio: |log design HR| / z_0.95, so that a prior centred on 0 gives the
/// design's hazard ratio (or one further from 1) a 5% probability.
pub fn sceptical_sd(design_hr: f64) -> Option<f64> {
    (design_hr > 0.0 && design_hr != 1.0 && design_hr.is_finite())
        .then(|| design_hr.ln().abs() / normal::quantile(0.95))
}

/// The posterior of a normal likelihood (estimate `est`, standard error
/// `se`) under the normal `prior`, or under a flat prior (`None`): the
/// precision-weighted mean and the summed precision.
pub fn normal_posterior(prior: Option<Normal>, est: f64, se: f64) -> Normal {
    match prior {
        None => Normal { mean: est, sd: se },
        Some(p) => {
            let (w0, w1) = (1.0 / (p.sd * p.sd), 1.0 / (se * se));
            Normal {
                mean: (w0 * p.mean + w1 * est) / (w0 + w1),
                sd: (1.0 / (w0 + w1)).sqrt(),
            }
        }
    }
}

/// The difference p_T − p_C of two independent Beta distributions.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BetaDifference {
    pub treatment: BetaPrior,
    pub control: BetaPrior,
    /// Where the control's density is not negligible (its 1e-13 and
    /// 1 − 1e-13 quantiles): the integrals run over it.
    lo: f64,
    hi: f64,
}

impl BetaDifference {
    pub fn new(treatment: BetaPrior, control: BetaPrior) -> BetaDifference {
        BetaDifference {
            treatment,
            control,
            lo: beta_quantile(1e-13, control.a, control.b),
            hi: beta_quantile(1.0 - 1e-13, control.a, control.b),
        }
    }

    /// E(p_T − p_C).
    pub fn mean(&self) -> f64 {
        let m = |b: BetaPrior| b.a / (b.a + b.b);
        m(self.treatment) - m(self.control)
    }

    /// P(p_T − p_C > δ).
    pub fn prob_above(&self, delta: f64) -> f64 {
        let (t, c) = (self.treatment, self.control);
        let ln_norm = ln_beta(c.a, c.b);
        let density = |x: f64| {
            if x <= 0.0 || x >= 1.0 {
                return 0.0;
            }
            ((c.a - 1.0) * x.ln() + (c.b - 1.0) * (1.0 - x).ln() - ln_norm).exp()
        };
        let f = |x: f64| density(x) * (1.0 - beta_cdf(x + delta, t.a, t.b));
        // Where x + δ leaves (0, 1) the survival function has a corner:
        // integrate piecewise between the corners.
        let mut cuts = vec![self.lo, self.hi];
        for corner in [-delta, 1.0 - delta] {
            if corner > self.lo && corner < self.hi {
                cuts.push(corner);
            }
        }
        cuts.sort_by(f64::total_cmp);
        let p: f64 = cuts
            .windows(2)
            // To 1e-11: with tens of thousands of subjects the density's
            // evaluation carries noise near 1e-12 (its log is a difference
            // of terms in the thousands), and deeper halving only chases it.
            .map(|w| integrate_to(&f, w[0], w[1], 1e-11, 24))
            .sum();
        p.clamp(0.0, 1.0)
    }

    /// The p-quantile of p_T − p_C, by bisection to 1e-10 within ten
    /// standard deviations of the mean.
    pub fn quantile(&self, p: f64) -> f64 {
        let var = |b: BetaPrior| {
            let n = b.a + b.b;
            b.a * b.b / (n * n * (n + 1.0))
        };
        let sd = (var(self.treatment) + var(self.control)).sqrt();
        let m = self.mean();
        // P(D ≤ d) = 1 − P(D > d) grows with d.
        let (mut lo, mut hi) = ((m - 10.0 * sd).max(-1.0), (m + 10.0 * sd).min(1.0));
        while hi - lo > 1e-10 {
            let mid = 0.5 * (lo + hi);
            if 1.0 - self.prob_above(mid) < p {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        0.5 * (lo + hi)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // R:
    //   ab <- c(13, 5); cd <- c(8, 10)
    //   f <- function(delta) integrate(function(x) dbeta(x, cd[1], cd[2]) *
    //          pbeta(x + delta, ab[1], ab[2], lower.tail = FALSE), 0, 1,
    //          rel.tol = 1e-12)$value
    //   f(0)     # 0.960067815554589
    //   f(0.1)   # 0.872873089621086
    //   f(-0.2)  # 0.998569599063599
    //   uniroot(function(d) 1 - f(d) - 0.025, c(-1, 1), tol = 1e-13)$root
    //            # -0.0341745198558448
    //   uniroot(function(d) 1 - f(d) - 0.975, c(-1, 1), tol = 1e-13)$root
    //            # 0.564075554891324
    #[test]
    fn a_difference_of_betas_as_r_integrates_it() {
        let d = BetaDifference::new(BetaPrior { a: 13.0, b: 5.0 }, BetaPrior { a: 8.0, b: 10.0 });
        for (delta, want) in [
            (0.0, 0.960067815554589),
            (0.1, 0.872873089621086),
            (-0.2, 0.998569599063599),
        ] {
            let got = d.prob_above(delta);
            assert!((got - want).abs() < 1e-9, "{delta}: {got} vs {want}");
        }
        assert!((d.quantile(0.025) - -0.0341745198558448).abs() < 1e-8);
        assert!((d.quantile(0.975) - 0.564075554891324).abs() < 1e-8);
        assert!((d.mean() - (13.0 / 18.0 - 8.0 / 18.0)).abs() < 1e-15);
    }

    // A uniform treatment and control: D has the triangular density on
    // (−1, 1), P(D > 0.5) = 0.125 exactly; its corners are integrated
    // piecewise.
    #[test]
    fn two_uniforms_give_the_triangle() {
        let u = BetaPrior { a: 1.0, b: 1.0 };
        let d = BetaDifference::new(u, u);
        assert!((d.prob_above(0.5) - 0.125).abs() < 1e-10);
        assert!((d.prob_above(-0.5) - 0.875).abs() < 1e-10);
        assert!((d.quantile(0.125) - -0.5).abs() < 1e-9);
    }

    // R: sceptical sd for design HR 0.7: -log(0.7) / qnorm(0.95) =
    // 0.2168429689393; posterior of est -0.3, se 0.25 under N(0, sd^2):
    //   w0 <- 1 / sd^2; w1 <- 1 / 0.25^2
    //   (w1 * -0.3) / (w0 + w1)  # -0.128799757928736
    //   sqrt(1 / (w0 + w1))      # 0.163808677736621
    #[test]
    fn the_sceptical_prior_and_its_posterior_as_r() {
        let sd = sceptical_sd(0.7).unwrap();
        assert!((sd - 0.2168429689393).abs() < 1e-12);
        let post = normal_posterior(Some(Normal { mean: 0.0, sd }), -0.3, 0.25);
        assert!((post.mean - -0.128799757928736).abs() < 1e-12);
        assert!((post.sd - 0.163808677736621).abs() < 1e-12);
        // Sized so that P(HR < 0.7) = 5% under the prior itself.
        assert!((Normal { mean: 0.0, sd }.cdf(0.7f64.ln()) - 0.05).abs() < 1e-12);
        assert!(sceptical_sd(1.0).is_none());
    }
}

#[cfg(test)]
mod large {
    use super::*;

    // Tens of thousands a group (the 50,000-subject trial): R,
    //   f <- function(delta) integrate(function(x) dbeta(x, 19480, 5520) *
    //          pbeta(x + delta, 19599, 5441, lower.tail = FALSE),
    //          0.76, 0.80, rel.tol = 1e-12)$value
    //   f(0)      # 0.828587214762619
    //   f(0.01)   # 0.0395668190124176
    #[test]
    fn a_difference_of_large_betas_as_r() {
        let d = BetaDifference::new(
            BetaPrior {
                a: 19599.0,
                b: 5441.0,
            },
            BetaPrior {
                a: 19480.0,
                b: 5520.0,
            },
        );
        assert!((d.prob_above(0.0) - 0.828587214762619).abs() < 1e-8);
        assert!((d.prob_above(0.01) - 0.0395668190124176).abs() < 1e-8);
        let q = d.quantile(0.5);
        assert!((d.prob_above(q) - 0.5).abs() < 1e-8);
    }
}
