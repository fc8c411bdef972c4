//! Logistic regression on grouped binomial data, for the treatment-by-
//! subgroup interaction of a binary endpoint: the likelihood-ratio test of
//! `glm(cbind(events, n - events) ~ arm * level, family = binomial)`
//! against `~ arm + level`, as R's `anova(..., test = "LRT")` gives it.

use super::linalg::solve;
use super::special::chi_square_sf;

/// One cell of the arm × level table: `events` of `n` subjects.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Cell {
    pub level: usize,
    /// 0 for the reference arm, 1 for the treatment arm.
    pub treated: bool,
    pub events: f64,
    pub n: f64,
}

/// A likelihood-ratio test.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LrTest {
    pub chisq: f64,
    pub df: usize,
    pub p: f64,
}

/// The binomial deviance contribution of `y` events of `n` at fitted
/// probability `mu` (R's `binomial()$dev.resids`, summed over the two
/// outcomes).
fn deviance(y: f64, n: f64, mu: f64) -> f64 {
    let part = |obs: f64, fit: f64| {
        if obs > 0.0 {
            obs * (obs / fit).ln()
        } else {
            0.0
        }
    };
    2.0 * (part(y, n * mu) + part(n - y, n * (1.0 - mu)))
}

/// Fit a logistic model to grouped data by iteratively reweighted least
/// squares, as R's `glm.fit` (start at the empirical logits shrunk as
/// `binomial()$initialize`, converge when the relative change in deviance
/// is below 1e-8, at most 25 iterations); returns the deviance. A fit whose
/// estimates run off to infinity (a cell with no events or no non-events
/// that the model can fit exactly) still converges in deviance, as in R.
fn fit_deviance(x: &[Vec<f64>], y: &[f64], n: &[f64]) -> Option<f64> {
    let p = x[0].len();
    let mut mu: Vec<f64> = y
        .iter()
        .zip(n)
        .map(|(&y, &n)| (n * (y / n) + 0.5) / (n + 1.0))
        .collect();
    let mut eta: Vec<f64> = mu.iter().map(|&m| (m / (1.0 - m)).ln()).collect();
    let dev_of = |mu: &[f64]| -> f64 { (0..y.len()).map(|i| deviance(y[i], n[i], mu[i])).sum() };
    let mut dev_old = dev_of(&mu);
    for _ in 0..25 {
        // Working weights and responses.
        let mut xtwx = vec![vec![0.0; p]; p];
        let mut xtwz = vec![0.0; p];
        for i in 0..y.len() {
            let var = mu[i] * (1.0 - mu[i]);
            let w = n[i] * var;
            let z = eta[i] + (y[i] / n[i] - mu[i]) / var;
            for a in 0..p {
                xtwz[a] += w * x[i][a] * z;
                for b in 0..p {
                    xtwx[a][b] += w * x[i][a] * x[i][b];
                }
            }
        }
        let beta = solve(&xtwx, &xtwz)?;
        for i in 0..y.len() {
            eta[i] = (0..p).map(|a| x[i][a] * beta[a]).sum();
            mu[i] = 1.0 / (1.0 + (-eta[i]).exp());
            // R's binomial family keeps fitted values off 0 and 1.
            mu[i] = mu[i].clamp(f64::EPSILON, 1.0 - f64::EPSILON);
        }
        let dev = dev_of(&mu);
        if (dev - dev_old).abs() / (dev.abs() + 0.1) < 1e-8 {
            return Some(dev);
        }
        dev_old = dev;
    }
    Some(dev_old)
}

/// The likelihood-ratio test of treatment-by-level interaction in a
/// logistic model of the cells: the additive model (intercept, treatment,
/// one indicator per level after the first) against the model with a rate
/// per cell, whose deviance is 0. Levels without subjects in both arms
/// carry no information on the interaction and are left out; `None` when
/// fewer than two levels remain or the additive model cannot be fitted.
pub fn interaction_lrt(cells: &[Cell]) -> Option<LrTest> {
    let mut levels: Vec<usize> = cells
        .iter()
        .filter(|c| c.n > 0.0)
        .map(|c| c.level)
        .collect();
    levels.sort_unstable();
    levels.dedup();
    let both: Vec<usize> = levels
        .into_iter()
        .filter(|&l| {
            let has = |t: bool| {
                cells
                    .iter()
                    .any(|c| c.level == l && c.treated == t && c.n > 0.0)
            };
            has(true) && has(false)
        })
        .collect();
    if both.len() < 2 {
        return None;
    }
    let kept: Vec<&Cell> = cells
        .iter()
        .filter(|c| c.n > 0.0 && both.contains(&c.level))
        .collect();
    let x: Vec<Vec<f64>> = kept
        .iter()
        .map(|c| {
            let mut row = vec![1.0, if c.treated { 1.0 } else { 0.0 }];
            row.extend(both[1..].iter().map(|&l| f64::from(u8::from(c.level == l))));
            row
        })
        .collect();
    let y: Vec<f64> = kept.iter().map(|c| c.events).collect();
    let n: Vec<f64> = kept.iter().map(|c| c.n).collect();
    let chisq = fit_deviance(&x, &y, &n)?.max(0.0);
    let df = both.len() - 1;
    Some(LrTest {
        chisq,
        df,
        p: chi_square_sf(chisq, df as f64),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(t: &[(f64, f64, f64, f64)]) -> Vec<Cell> {
        t.iter()
            .enumerate()
            .flat_map(|(l, &(e1, n1, e0, n0))| {
                [
                    Cell {
                        level: l,
                        treated: true,
                        events: e1,
                        n: n1,
                    },
                    Cell {
                        level: l,
                        treated: false,
                        events: e0,
                        n: n0,
                    },
                ]
            })
            .collect()
    }

    // R:
    //   d <- data.frame(e = c(2, 5, 8, 7), n = c(26, 23, 27, 25),
    //                   arm = c(1, 0, 1, 0), lev = factor(c(1, 1, 2, 2)))
    //   f1 <- glm(cbind(e, n - e) ~ arm + lev, binomial, d)
    //   f2 <- glm(cbind(e, n - e) ~ arm * lev, binomial, d)
    //   anova(f1, f2, test = "LRT")   # Deviance 1.47867926733, p 0.223981277554
    #[test]
    fn two_levels_match_glm_in_r() {
        let t = interaction_lrt(&cells(&[(2.0, 26.0, 5.0, 23.0), (8.0, 27.0, 7.0, 25.0)])).unwrap();
        assert_eq!(t.df, 1);
        assert!((t.chisq - 1.478_679_267_33).abs() < 1e-7, "{t:?}");
        assert!((t.p - 0.223_981_277_554).abs() < 1e-7, "{t:?}");
    }

    // R, three levels and a cell without events:
    //   d <- data.frame(e = c(0, 4, 6, 3, 9, 9), n = c(12, 15, 30, 28, 20, 22),
    //                   arm = c(1, 0, 1, 0, 1, 0), lev = factor(c(1, 1, 2, 2, 3, 3)))
    //   anova(glm(cbind(e, n - e) ~ arm + lev, binomial, d),
    //         glm(cbind(e, n - e) ~ arm * lev, binomial, d), test = "LRT")
    //   # Deviance 6.29705378024, Df 2, p 0.042915299277
    #[test]
    fn three_levels_with_an_empty_cell_match_glm_in_r() {
        let t = interaction_lrt(&cells(&[
            (0.0, 12.0, 4.0, 15.0),
            (6.0, 30.0, 3.0, 28.0),
            (9.0, 20.0, 9.0, 22.0),
        ]))
        .unwrap();
        assert_eq!(t.df, 2);
        assert!((t.chisq - 6.297_053_780_24).abs() < 1e-6, "{t:?}");
        assert!((t.p - 0.042_915_299_277).abs() < 1e-6, "{t:?}");
    }

    #[test]
    fn a_level_with_one_arm_carries_no_interaction() {
        assert!(
            interaction_lrt(&cells(&[(2.0, 26.0, 5.0, 23.0), (8.0, 27.0, 0.0, 0.0)])).is_none()
        );
    }
}
