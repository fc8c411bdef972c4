//! Beta-spending futility boundaries, binding or not, with the efficacy
//! boundaries they imply and the drift that gives the design its power.

use super::boundaries::efficacy_boundaries;
use super::recursion::{solve_decreasing_newton, solve_increasing_newton, Recursion, MAX_BOUND};
use super::{EfficacyRule, Spending, COARSE_GRID_R, GRID_R};
use crate::stats::normal;

/// A one-sided design with an efficacy boundary from alpha spending and a
/// futility boundary from beta spending.
#[derive(Clone, Debug, PartialEq)]
pub struct FutilityDesign {
    pub efficacy: Vec<f64>,
    /// Futility bounds at the interim looks (K − 1 values; at the final look
    /// the futility bound equals the efficacy bound).
    pub futility: Vec<f64>,
    pub cumulative_alpha: Vec<f64>,
    pub cumulative_beta: Vec<f64>,
    /// The drift θ (expected final Z under the alternative) that gives power
    /// 1 − β: the final futility and efficacy bounds meet.
    pub drift: f64,
    pub binding: bool,
}

/// Bounds for drift `theta`: efficacy `b` (fixed when non-binding, else
/// recomputed under H0 with the futility region), futility `a` under
/// `theta`; returns (b, a, cumulative beta).
fn bounds_at_drift(
    t: &[f64],
    alpha: f64,
    beta: f64,
    alpha_spending: Spending,
    beta_spending: Spending,
    fixed_efficacy: Option<&[f64]>,
    theta: f64,
    r: usize,
) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let k_max = t.len();
    let mut h0 = Recursion::with_grid(t, 0.0, r);
    let mut h1 = Recursion::with_grid(t, theta, r);
    let (mut b, mut a, mut cum_beta) = (Vec::new(), Vec::new(), Vec::new());
    let (mut alpha_before, mut beta_before) = (0.0, 0.0);
    for (k, &tk) in t.iter().enumerate() {
        let last = k + 1 == k_max;
        let bk = match fixed_efficacy {
            Some(fixed) => fixed[k],
            None => {
                let spent = if last {
                    alpha
                } else {
                    alpha_spending.spent(alpha, tk)
                };
                let inc = (spent - alpha_before).max(0.0);
                alpha_before = spent;
                if inc <= 0.0 {
                    MAX_BOUND
                } else {
                    solve_decreasing_newton(
                        |x| h0.upper(x),
                        |x| h0.density(x),
                        inc,
                        -10.0,
                        MAX_BOUND,
                        normal::quantile(1.0 - inc),
                    )
                }
            }
        };
        let spent_beta = if last {
            beta
        } else {
            beta_spending.spent(beta, tk)
        };
        let inc = (spent_beta - beta_before).max(0.0);
        beta_before = spent_beta;
        let mean = theta * tk.sqrt();
        let mut ak = if inc <= 0.0 {
            -MAX_BOUND
        } else {
            solve_increasing_newton(
                |x| h1.lower(x),
                |x| h1.density(x),
                inc,
                mean - MAX_BOUND,
                mean + MAX_BOUND,
                mean + normal::quantile(inc),
            )
        };
        if !last && ak > bk {
            ak = bk;
        }
        b.push(bk);
        a.push(ak);
        cum_beta.push(spent_beta);
        if !last {
            h1.advance(ak, bk);
            if fixed_efficacy.is_none() {
                h0.advance(ak, bk);
            }
        }
    }
    (b, a, cum_beta)
}

/// Efficacy (alpha spending) and futility (beta spending) boundaries of a
/// one-sided design with power 1 − β, binding or non-binding. Non-binding:
/// the efficacy bounds ignore the futility bounds (type I error is kept
/// whether or not the futility rule is followed); binding: they are
/// computed with the futility region (J&T §7.2; rpact's typeBetaSpending).
pub fn futility_design(
    t: &[f64],
    alpha: f64,
    beta: f64,
    alpha_spending: Spending,
    beta_spending: Spending,
    binding: bool,
) -> FutilityDesign {
    let efficacy_only =
        efficacy_boundaries(t, alpha, false, EfficacyRule::Spending(alpha_spending));
    let fixed = (!binding).then_some(efficacy_only.efficacy.as_slice());
    let gap = |theta: f64, r: usize| {
        let (b, a, _) = bounds_at_drift(
            t,
            alpha,
            beta,
            alpha_spending,
            beta_spending,
            fixed,
            theta,
            r,
        );
        a[a.len() - 1] - b[b.len() - 1]
    };
    // First on a coarse grid: a bracket around the fixed-sample drift, then
    // the Illinois variant of regula falsi.
    let coarse = |theta: f64| gap(theta, COARSE_GRID_R);
    let fixed_drift = normal::quantile(1.0 - alpha) + normal::quantile(1.0 - beta);
    let (mut lo, mut hi) = (fixed_drift, 1.25 * fixed_drift);
    let (mut f_lo, mut f_hi) = (coarse(lo), coarse(hi));
    while f_lo > 0.0 && lo > 1e-3 {
        lo *= 0.7;
        f_lo = coarse(lo);
    }
    while f_hi < 0.0 && hi < 50.0 {
        hi *= 1.5;
        f_hi = coarse(hi);
    }
    let mut theta = hi;
    let mut side = 0;
    for _ in 0..100 {
        theta = (lo * f_hi - hi * f_lo) / (f_hi - f_lo);
        let f = coarse(theta);
        if f.abs() < 1e-7 || hi - lo < 1e-9 {
            break;
        }
        if f < 0.0 {
            lo = theta;
            f_lo = f;
            if side == -1 {
                f_hi /= 2.0;
            }
            side = -1;
        } else {
            hi = theta;
            f_hi = f;
            if side == 1 {
                f_lo /= 2.0;
            }
            side = 1;
        }
    }
    // Then secant steps on the full grid, from the coarse answer.
    let fine = |theta: f64| gap(theta, GRID_R);
    let (mut x0, mut x1) = (theta, theta * (1.0 + 1e-4));
    let (mut f0, mut f1) = (fine(x0), fine(x1));
    for _ in 0..20 {
        if f1 == f0 {
            break;
        }
        let x2 = x1 - f1 * (x1 - x0) / (f1 - f0);
        (x0, f0) = (x1, f1);
        x1 = x2;
        f1 = fine(x1);
        if (x1 - x0).abs() < 1e-10 || f1.abs() < 1e-11 {
            break;
        }
    }
    let theta = x1;
    let (b, a, cumulative_beta) = bounds_at_drift(
        t,
        alpha,
        beta,
        alpha_spending,
        beta_spending,
        fixed,
        theta,
        GRID_R,
    );
    let cumulative_alpha = if binding {
        t.iter()
            .enumerate()
            .map(|(k, &tk)| {
                if k + 1 == t.len() {
                    alpha
                } else {
                    alpha_spending.spent(alpha, tk)
                }
            })
            .collect()
    } else {
        efficacy_only.cumulative_alpha
    };
    FutilityDesign {
        efficacy: b,
        futility: a[..a.len() - 1].to_vec(),
        cumulative_alpha,
        cumulative_beta,
        drift: theta,
        binding,
    }
}
