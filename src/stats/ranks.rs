//! The Wilcoxon rank-sum (Mann-Whitney) test of two samples, as R's
//! `wilcox.test(x, y)` gives it: the statistic W = the rank sum of `x`
//! less n_x (n_x + 1) / 2 (midranks for ties); the exact two-sided p when
//! both samples have fewer than 50 values and no value is tied, otherwise
//! the normal approximation with continuity correction and the variance
//! corrected for ties.

use super::normal;

/// A rank-sum test's statistic and two-sided p.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RankSum {
    pub w: f64,
    pub p_value: f64,
    /// The p is the exact permutation probability (else the normal
    /// approximation).
    pub exact: bool,
}

/// The rank-sum test of `x` against `y` (NaN left out); `None` when a
/// sample is empty.
pub fn wilcoxon_rank_sum(x: &[f64], y: &[f64]) -> Option<RankSum> {
    let mut all: Vec<(f64, bool)> = x
        .iter()
        .filter(|v| !v.is_nan())
        .map(|&v| (v, true))
        .chain(y.iter().filter(|v| !v.is_nan()).map(|&v| (v, false)))
        .collect();
    let m = all.iter().filter(|(_, in_x)| *in_x).count();
    let n = all.len() - m;
    if m == 0 || n == 0 {
        return None;
    }
    all.sort_by(|a, b| a.0.total_cmp(&b.0));
    // Midranks, and the ties' correction sum(t^3 - t).
    let (mut rank_sum, mut ties, mut i) = (0.0, 0.0, 0);
    while i < all.len() {
        let mut j = i;
        while j + 1 < all.len() && all[j + 1].0 == all[i].0 {
            j += 1;
        }
        let t = (j - i + 1) as f64;
        let mid = (i + j) as f64 / 2.0 + 1.0;
        rank_sum += mid * all[i..=j].iter().filter(|(_, in_x)| *in_x).count() as f64;
        ties += t * t * t - t;
        i = j + 1;
    }
    let (mf, nf) = (m as f64, n as f64);
    let w = rank_sum - mf * (mf + 1.0) / 2.0;
    if m < 50 && n < 50 && ties == 0.0 {
        let cdf = exact_cdf(m, n);
        let at = |u: f64| cdf[(u.round() as usize).min(cdf.len() - 1)];
        let p = if w > mf * nf / 2.0 {
            1.0 - at(w - 1.0)
        } else {
            at(w)
        };
        return Some(RankSum {
            w,
            p_value: (2.0 * p).min(1.0),
            exact: true,
        });
    }
    let total = mf + nf;
    let z = w - mf * nf / 2.0;
    let sigma = (mf * nf / 12.0 * ((total + 1.0) - ties / (total * (total - 1.0)))).sqrt();
    if sigma.is_nan() || sigma <= 0.0 {
        // Every value the same: no evidence either way.
        return Some(RankSum {
            w,
            p_value: 1.0,
            exact: false,
        });
    }
    let correction = if z == 0.0 { 0.0 } else { 0.5 * z.signum() };
    let z = (z - correction) / sigma;
    let p = 2.0 * normal::cdf(z).min(normal::sf(z));
    Some(RankSum {
        w,
        p_value: p.min(1.0),
        exact: false,
    })
}

/// P(W ≤ u) for u = 0..=m n under the null (no ties): the number of ways
/// `m` of the ranks 1..=m+n sum to each total, over all ways.
fn exact_cdf(m: usize, n: usize) -> Vec<f64> {
    let max_u = m * n;
    // ways[j][u]: subsets of size j of the ranks seen so far whose rank
    // sum is u + j (j + 1) / 2, i.e. U = u. Adding rank r to a subset of
    // size j raises its U by r - 1 - j.
    let mut ways = vec![vec![0.0f64; max_u + 1]; m + 1];
    ways[0][0] = 1.0;
    for r in 1..=m + n {
        for j in (1..=m.min(r)).rev() {
            let shift = r - j;
            if shift > max_u {
                continue;
            }
            let (lower, upper) = ways.split_at_mut(j);
            let (src, dst) = (&lower[j - 1], &mut upper[0]);
            for u in (shift..=max_u).rev() {
                dst[u] += src[u - shift];
            }
        }
    }
    let all: f64 = ways[m].iter().sum();
    let mut acc = 0.0;
    ways[m]
        .iter()
        .map(|w| {
            acc += w;
            acc / all
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    // R 4.x:
    //   wilcox.test(c(1.83,0.50,1.62,2.48,1.68,1.88,1.55,3.06,1.30),
    //               c(0.878,0.647,0.598,2.05,1.06,1.29,1.07,3.14,1.31))
    //     W = 57, p-value = 0.161497326203209 (exact)
    // The samples are R's (3.14 is not pi).
    #[allow(clippy::approx_constant)]
    #[test]
    fn exact_without_ties_as_r() {
        let x = [1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30];
        let y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.07, 3.14, 1.31];
        let r = wilcoxon_rank_sum(&x, &y).unwrap();
        assert!(r.exact);
        assert_eq!(r.w, 57.0);
        assert!((r.p_value - 0.161497326203209).abs() < 1e-12);
        // wilcox.test(1:5, 6:11): W = 0, p = 0.00432900432900433
        let r = wilcoxon_rank_sum(&[1., 2., 3., 4., 5.], &[6., 7., 8., 9., 10., 11.]).unwrap();
        assert_eq!(r.w, 0.0);
        assert!((r.p_value - 0.00432900432900433).abs() < 1e-14);
        // wilcox.test(c(3.1,4.2,5.5), c(1.2,0.4)): W = 6, p = 0.2
        let r = wilcoxon_rank_sum(&[3.1, 4.2, 5.5], &[1.2, 0.4]).unwrap();
        assert_eq!(r.w, 6.0);
        assert!((r.p_value - 0.2).abs() < 1e-14);
    }

    // wilcox.test(c(1,2,2,3,4,5,5,5), c(2,3,3,6,7,7,8)): ties, so the
    // normal approximation: W = 15, p = 0.14328062600939;
    // wilcox.test(c(1.83,0.50,1.62,2.48,1.68,1.88,1.55,3.06,1.30),
    //             c(0.878,0.647,0.598,2.05,1.06,1.29,1.06,3.14,1.29)):
    //   W = 58, p = 0.132919458185319;
    // wilcox.test(c(1,2,3), c(1,2,3)): W = 4.5, p = 1.
    #[allow(clippy::approx_constant)]
    #[test]
    fn ties_use_the_corrected_normal_approximation() {
        let r = wilcoxon_rank_sum(
            &[1., 2., 2., 3., 4., 5., 5., 5.],
            &[2., 3., 3., 6., 7., 7., 8.],
        )
        .unwrap();
        assert!(!r.exact);
        assert_eq!(r.w, 15.0);
        assert!((r.p_value - 0.14328062600939).abs() < 1e-12);
        let x = [1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30];
        let y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29];
        let r = wilcoxon_rank_sum(&x, &y).unwrap();
        assert!(!r.exact);
        assert_eq!(r.w, 58.0);
        assert!((r.p_value - 0.132919458185319).abs() < 1e-12);
        let r = wilcoxon_rank_sum(&[1., 2., 3.], &[1., 2., 3.]).unwrap();
        assert_eq!((r.w, r.p_value), (4.5, 1.0));
    }

    // set.seed(1); a <- round(rnorm(60, 10, 3), 1); b <- round(rnorm(55, 11, 3), 1)
    // wilcox.test(a, b): W = 1353, p-value = 0.0968447419926292
    #[test]
    fn large_samples_as_r() {
        let a = [
            8.1, 10.6, 7.5, 14.8, 11., 7.5, 11.5, 12.2, 11.7, 9.1, 14.5, 11.2, 8.1, 3.4, 13.4, 9.9,
            10., 12.8, 12.5, 11.8, 12.8, 12.3, 10.2, 4., 11.9, 9.8, 9.5, 5.6, 8.6, 11.3, 14.1, 9.7,
            11.2, 9.8, 5.9, 8.8, 8.8, 9.8, 13.3, 12.3, 9.5, 9.2, 12.1, 11.7, 7.9, 7.9, 11.1, 12.3,
            9.7, 12.6, 11.2, 8.2, 11., 6.6, 14.3, 15.9, 8.9, 6.9, 11.7, 9.6,
        ];
        let b = [
            18.2, 10.9, 13.1, 11.1, 8.8, 11.6, 5.6, 15.4, 11.5, 17.5, 12.4, 8.9, 12.8, 8.2, 7.2,
            11.9, 9.7, 11., 11.2, 9.2, 9.3, 10.6, 14.5, 6.4, 12.8, 12., 14.2, 10.1, 12.1, 11.8,
            9.4, 14.6, 14.5, 13.1, 15.8, 12.7, 7.2, 9.3, 7.3, 9.6, 9.1, 11.1, 8.3, 11.5, 9., 16.3,
            13.2, 13.7, 12.2, 16., 9.1, 9.6, 15.3, 9., 10.4,
        ];
        let r = wilcoxon_rank_sum(&a, &b).unwrap();
        assert_eq!(r.w, 1353.0);
        assert!((r.p_value - 0.0968447419926292).abs() < 1e-12);
        // The test is symmetric: swapping the samples keeps p.
        let s = wilcoxon_rank_sum(&b, &a).unwrap();
        assert!((s.p_value - r.p_value).abs() < 1e-15);
        assert!(wilcoxon_rank_sum(&[], &b).is_none());
    }
}
