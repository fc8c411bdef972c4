//! Efficacy boundaries: by alpha spending or the classical rules.

use super::recursion::{solve_decreasing, solve_decreasing_newton, Recursion, MAX_BOUND};
use super::EfficacyRule;
use crate::stats::normal;

/// Efficacy boundaries and cumulative alpha of a design.
#[derive(Clone, Debug, PartialEq)]
pub struct Boundaries {
    pub efficacy: Vec<f64>,
    pub cumulative_alpha: Vec<f64>,
}

/// Upper-boundary crossing probabilities under the null for boundaries `b`
/// (two-sided: symmetric, both tails counted), cumulated.
pub fn cumulative_crossing(t: &[f64], b: &[f64], two_sided: bool) -> Vec<f64> {
    let mut rec = Recursion::new(t, 0.0);
    let mut total = 0.0;
    let mut out = Vec::with_capacity(t.len());
    for (k, &bk) in b.iter().enumerate() {
        let a = if two_sided { -bk } else { f64::NEG_INFINITY };
        total += rec.upper(bk) + if two_sided { rec.lower(a) } else { 0.0 };
        out.push(total);
        if k + 1 < t.len() {
            rec.advance(a, bk);
        }
    }
    out
}

/// Efficacy boundaries for looks at information fractions `t` (increasing,
/// the last normally 1), type I error `alpha` (one-sided; with `two_sided`,
/// the total of both tails, boundaries symmetric).
pub fn efficacy_boundaries(
    t: &[f64],
    alpha: f64,
    two_sided: bool,
    rule: EfficacyRule,
) -> Boundaries {
    match rule {
        EfficacyRule::Spending(s) => {
            let mut rec = Recursion::new(t, 0.0);
            let mut b = Vec::with_capacity(t.len());
            let mut cumulative = Vec::with_capacity(t.len());
            let mut spent_before = 0.0;
            for (k, &tk) in t.iter().enumerate() {
                // The final look spends whatever is left (over- or under-running).
                // Two-sided: each tail spends by the function applied to α/2
                // (as rpact does; the same for the families linear in α).
                let spent = if k + 1 == t.len() {
                    alpha
                } else if two_sided {
                    2.0 * s.spent(alpha / 2.0, tk)
                } else {
                    s.spent(alpha, tk)
                };
                let increment = (spent - spent_before).max(0.0);
                let crossing = |x: f64| rec.upper(x) + if two_sided { rec.lower(-x) } else { 0.0 };
                let slope = |x: f64| rec.density(x) + if two_sided { rec.density(-x) } else { 0.0 };
                let start = normal::quantile(1.0 - increment / if two_sided { 2.0 } else { 1.0 });
                let bk = if increment <= 0.0 {
                    MAX_BOUND
                } else {
                    solve_decreasing_newton(crossing, slope, increment, -10.0, MAX_BOUND, start)
                };
                b.push(bk);
                cumulative.push(spent);
                spent_before = spent;
                if k + 1 < t.len() {
                    rec.advance(if two_sided { -bk } else { f64::NEG_INFINITY }, bk);
                }
            }
            Boundaries {
                efficacy: b,
                cumulative_alpha: cumulative,
            }
        }
        EfficacyRule::ClassicalOBrienFleming | EfficacyRule::ClassicalPocock => {
            let shape: Vec<f64> = t
                .iter()
                .map(|&tk| {
                    if rule == EfficacyRule::ClassicalPocock {
                        1.0
                    } else {
                        1.0 / tk.sqrt()
                    }
                })
                .collect();
            let total = |c: f64| {
                let b: Vec<f64> = shape.iter().map(|s| c * s).collect();
                *cumulative_crossing(t, &b, two_sided).last().unwrap_or(&0.0)
            };
            let c = solve_decreasing(total, alpha, 0.0, MAX_BOUND);
            let b: Vec<f64> = shape.iter().map(|s| c * s).collect();
            let cumulative_alpha = cumulative_crossing(t, &b, two_sided);
            Boundaries {
                efficacy: b,
                cumulative_alpha,
            }
        }
        EfficacyRule::HaybittlePeto => {
            let k = t.len();
            let with_final = |c: f64| {
                let mut b = vec![3.0; k];
                b[k - 1] = c;
                b
            };
            let total = |c: f64| {
                *cumulative_crossing(t, &with_final(c), two_sided)
                    .last()
                    .unwrap_or(&0.0)
            };
            let c = solve_decreasing(total, alpha, -10.0, MAX_BOUND);
            let b = with_final(c);
            let cumulative_alpha = cumulative_crossing(t, &b, two_sided);
            Boundaries {
                efficacy: b,
                cumulative_alpha,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::gsd::Spending;

    #[test]
    fn classical_obrien_fleming_k5_ends_at_2_040() {
        // Jennison & Turnbull Table 2.3 / rpact getDesignGroupSequential(kMax = 5,
        // alpha = 0.025, typeOfDesign = "OF"): 2.0400731879 at the final look.
        let t: Vec<f64> = (1..=5).map(|k| k as f64 / 5.0).collect();
        let b = efficacy_boundaries(&t, 0.025, false, EfficacyRule::ClassicalOBrienFleming);
        assert!(
            (b.efficacy[4] - 2.040_073_187_9).abs() < 1e-5,
            "{:?}",
            b.efficacy
        );
        assert!(
            (b.efficacy[0] - 4.561_742_327_2).abs() < 1e-5,
            "{:?}",
            b.efficacy
        );
    }

    #[test]
    fn after_a_look_that_spends_nothing_the_next_bound_is_the_normal_quantile() {
        // At t = 0.05 the O'Brien-Fleming type spends about 1e-23: nothing, so at t = 0.1 the bound is Φ⁻¹(1 − α(0.1)) = 6.99135170708
        // (R: a <- 2 * pnorm(qnorm(1 - 0.025 / 2) / sqrt(0.1), lower.tail = FALSE)
        //  = 1.36125148922985e-12; qnorm(a, lower.tail = FALSE)). rpact 3.3
        // gives 6.978 here: it loses accuracy that far in the tail.
        let s = Spending::OBrienFleming;
        let b = efficacy_boundaries(&[0.05, 0.1, 1.0], 0.025, false, EfficacyRule::Spending(s));
        assert!((s.spent(0.025, 0.1) / 1.361_251_489_229_85e-12 - 1.0).abs() < 1e-9);
        assert!(
            (b.efficacy[1] - 6.991_351_707_08).abs() < 1e-5,
            "{:?}",
            b.efficacy
        );
    }

    #[test]
    fn a_single_look_is_the_fixed_sample_test() {
        let b = efficacy_boundaries(
            &[1.0],
            0.025,
            false,
            EfficacyRule::Spending(Spending::OBrienFleming),
        );
        assert!((b.efficacy[0] - 1.959_963_984_540_054).abs() < 1e-9);
    }
}
