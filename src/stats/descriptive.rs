//! Descriptive statistics of a sample: quantiles by R's default definition
//! (Hyndman & Fan 1996, type 7: the linear interpolation of the order
//! statistics at h = (n − 1) p), mean and standard deviation (n − 1
//! denominator), as R's `quantile`, `mean` and `sd` give them; and the
//! absolute standardized difference between two groups (Austin 2009).

/// The summary of a numeric sample (missing values left out before).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Summary {
    pub n: usize,
    pub median: f64,
    pub q1: f64,
    pub q3: f64,
    pub mean: f64,
    /// `None` with fewer than two values.
    pub sd: Option<f64>,
    pub min: f64,
    pub max: f64,
}

/// The type-7 quantile at probability `p` (0..=1) of `sorted` (ascending,
/// no NaN); `None` for an empty sample.
pub fn quantile_type7(sorted: &[f64], p: f64) -> Option<f64> {
    let n = sorted.len();
    if n == 0 || !(0.0..=1.0).contains(&p) {
        return None;
    }
    let h = (n - 1) as f64 * p;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(n - 1);
    Some(sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo]))
}

/// The type-7 quartiles (Q1, median, Q3) of `values`, in any order, found
/// by selection instead of a sort: the same numbers as [`quantile_type7`]
/// of the sorted sample (the same order statistics, the same arithmetic),
/// in linear time. `values` is reordered. `None` for an empty sample.
pub fn quartiles_type7(values: &mut [f64]) -> Option<[f64; 3]> {
    let n = values.len();
    if n == 0 {
        return None;
    }
    let probs = [0.25, 0.5, 0.75];
    // The order statistics the three need: floor(h) and the next, ascending.
    let mut wanted: Vec<usize> = Vec::with_capacity(6);
    for p in probs {
        let lo = ((n - 1) as f64 * p).floor() as usize;
        wanted.push(lo);
        wanted.push((lo + 1).min(n - 1));
    }
    wanted.sort_unstable();
    wanted.dedup();
    // Each selection leaves every later order statistic to its right, so
    // the next is selected within what is left.
    let mut start = 0;
    for &k in &wanted {
        if k >= start {
            values[start..].select_nth_unstable_by(k - start, f64::total_cmp);
            start = k + 1;
        }
    }
    let at = |p: f64| {
        let h = (n - 1) as f64 * p;
        let lo = h.floor() as usize;
        let hi = (lo + 1).min(n - 1);
        values[lo] + (h - lo as f64) * (values[hi] - values[lo])
    };
    Some(probs.map(at))
}

/// The summary of `values` (NaN left out); `None` when none is left.
pub fn summarize(values: &[f64]) -> Option<Summary> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| !x.is_nan()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    let mean = v.iter().sum::<f64>() / n as f64;
    let sd = (n > 1).then(|| {
        let ss: f64 = v.iter().map(|x| (x - mean).powi(2)).sum();
        (ss / (n - 1) as f64).sqrt()
    });
    Some(Summary {
        n,
        median: quantile_type7(&v, 0.5)?,
        q1: quantile_type7(&v, 0.25)?,
        q3: quantile_type7(&v, 0.75)?,
        mean,
        sd,
        min: v[0],
        max: v[n - 1],
    })
}

/// A difference of two means with Welch's interval and test.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MeanDifference {
    pub estimate: f64,
    pub ci95: (f64, f64),
    pub p_value: f64,
    /// Welch–Satterthwaite degrees of freedom.
    pub df: f64,
}

/// m1 − m2 of two samples given by mean, SD and size, with Welch's 95%
/// interval and two-sided t-test, as R's `t.test(x, y)` gives them; `None`
/// when a group has fewer than two values or both have no spread.
pub fn welch_difference(
    m1: f64,
    s1: f64,
    n1: u64,
    m2: f64,
    s2: f64,
    n2: u64,
) -> Option<MeanDifference> {
    if n1 < 2 || n2 < 2 || !s1.is_finite() || !s2.is_finite() {
        return None;
    }
    let (v1, v2) = (s1 * s1 / n1 as f64, s2 * s2 / n2 as f64);
    let se = (v1 + v2).sqrt();
    if se.is_nan() || se <= 0.0 {
        return None;
    }
    let df = (v1 + v2).powi(2) / (v1 * v1 / (n1 - 1) as f64 + v2 * v2 / (n2 - 1) as f64);
    let d = m1 - m2;
    let q = super::special::t_quantile(0.975, df);
    Some(MeanDifference {
        estimate: d,
        ci95: (d - q * se, d + q * se),
        p_value: super::special::t_two_sided_p(d / se, df),
        df,
    })
}

/// The absolute standardized difference of two means,
/// |m1 − m2| / √((s1² + s2²) / 2); `None` when the pooled SD is zero.
pub fn std_diff_means(m1: f64, s1: f64, m2: f64, s2: f64) -> Option<f64> {
    let pooled = ((s1 * s1 + s2 * s2) / 2.0).sqrt();
    (pooled > 0.0 && pooled.is_finite()).then(|| (m1 - m2).abs() / pooled)
}

/// The absolute standardized difference of two proportions,
/// |p1 − p2| / √((p1(1 − p1) + p2(1 − p2)) / 2); `None` when both are 0 or 1.
pub fn std_diff_proportions(p1: f64, p2: f64) -> Option<f64> {
    std_diff_means(p1, (p1 * (1.0 - p1)).sqrt(), p2, (p2 * (1.0 - p2)).sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn welch_matches_r_t_test() {
        // R: x <- c(1,2,3,4,8); y <- c(2,2.5,7,9); t.test(x, y)
        // difference -1.525, 95% CI -6.72502820243673 to 3.67502820243673,
        // p = 0.495731762767154, df = 5.67583435344272;
        // qt(0.975, 3.7) = 2.86752070719119; 2 * pt(-1.3, 7.2) = 0.233669207834636.
        let (x, y) = ([1.0, 2.0, 3.0, 4.0, 8.0], [2.0, 2.5, 7.0, 9.0]);
        let (a, b) = (summarize(&x).unwrap(), summarize(&y).unwrap());
        let d = welch_difference(a.mean, a.sd.unwrap(), 5, b.mean, b.sd.unwrap(), 4).unwrap();
        let near = |got: f64, want: f64| assert!((got - want).abs() < 1e-9, "{got} vs R {want}");
        near(d.estimate, -1.525);
        near(d.ci95.0, -6.72502820243673);
        near(d.ci95.1, 3.67502820243673);
        near(d.p_value, 0.495731762767154);
        near(d.df, 5.67583435344272);
        near(
            crate::stats::special::t_quantile(0.975, 3.7),
            2.86752070719119,
        );
        near(
            crate::stats::special::t_two_sided_p(1.3, 7.2),
            0.233669207834636,
        );
        assert!(
            welch_difference(1.0, 1.0, 1, 2.0, 1.0, 5).is_none(),
            "one value has no spread"
        );
    }

    #[test]
    fn quartiles_by_selection_are_those_of_the_sorted_sample() {
        // R: quantile(c(5, 1, 4, 2, 3), c(.25, .5, .75)) gives 2 3 4;
        // quantile(c(7, 1, 3, 10), c(.25, .5, .75)) gives 2.5 5 7.75.
        assert_eq!(
            quartiles_type7(&mut [5.0, 1.0, 4.0, 2.0, 3.0]),
            Some([2.0, 3.0, 4.0])
        );
        assert_eq!(
            quartiles_type7(&mut [7.0, 1.0, 3.0, 10.0]),
            Some([2.5, 5.0, 7.75])
        );
        assert_eq!(quartiles_type7(&mut []), None);
        assert_eq!(quartiles_type7(&mut [4.2]), Some([4.2; 3]));
        // Every size up to 60, with ties, against the sort-based definition.
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        for n in 1..=60 {
            for _ in 0..20 {
                let mut v: Vec<f64> = (0..n)
                    .map(|_| {
                        state ^= state << 13;
                        state ^= state >> 7;
                        state ^= state << 17;
                        ((state % 23) as f64) / 4.0
                    })
                    .collect();
                let mut sorted = v.clone();
                sorted.sort_by(f64::total_cmp);
                let want = [0.25, 0.5, 0.75].map(|p| quantile_type7(&sorted, p).unwrap());
                assert_eq!(quartiles_type7(&mut v), Some(want), "n = {n}");
            }
        }
    }
}
