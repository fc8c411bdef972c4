//! The k-group log-rank test, stratified or not.

use crate::stats::linalg::solve;
use crate::stats::special::chi_square_sf;

/// Result of a (stratified) k-group log-rank test.
#[derive(Clone, Debug, PartialEq)]
pub struct LogRank {
    pub chisq: f64,
    pub df: usize,
    pub p: f64,
    pub observed: Vec<f64>,
    pub expected: Vec<f64>,
}

/// Log-rank test of `k` groups (`group[i]` in 0..k), within `strata` if
/// given (observed, expected and covariance summed over strata). As R's
/// `survdiff`: groups with no expected events are left out, the degrees of
/// freedom are the remaining groups less one, and the statistic uses all but
/// the first of them.
pub fn log_rank(
    time: &[f64],
    event: &[bool],
    group: &[usize],
    k: usize,
    strata: Option<&[usize]>,
) -> LogRank {
    let n = time.len();
    let mut observed = vec![0.0; k];
    let mut expected = vec![0.0; k];
    let mut var = vec![vec![0.0; k]; k];
    // Sort by (stratum, time).
    let stratum = |i: usize| strata.map_or(0, |s| s[i]);
    let mut idx: Vec<usize> = (0..n).collect();
    idx.sort_by(|&a, &b| {
        stratum(a)
            .cmp(&stratum(b))
            .then(time[a].total_cmp(&time[b]))
    });
    let mut start = 0;
    while start < n {
        let s = stratum(idx[start]);
        let end = start + idx[start..].partition_point(|&i| stratum(i) == s);
        let block = &idx[start..end];
        // At risk per group, counted down from the stratum's size.
        let mut at_risk = vec![0.0; k];
        for &i in block {
            at_risk[group[i]] += 1.0;
        }
        let mut j = 0;
        let mut d_g = vec![0.0; k];
        let mut leave = vec![0.0; k];
        while j < block.len() {
            let t = time[block[j]];
            d_g.iter_mut().for_each(|v| *v = 0.0);
            leave.iter_mut().for_each(|v| *v = 0.0);
            while j < block.len() && time[block[j]] == t {
                let i = block[j];
                if event[i] {
                    d_g[group[i]] += 1.0;
                }
                leave[group[i]] += 1.0;
                j += 1;
            }
            let d: f64 = d_g.iter().sum();
            let nr: f64 = at_risk.iter().sum();
            if d > 0.0 {
                let factor = if nr > 1.0 {
                    d * (nr - d) / (nr - 1.0)
                } else {
                    0.0
                };
                for g in 0..k {
                    observed[g] += d_g[g];
                    let share = at_risk[g] / nr;
                    expected[g] += d * share;
                    for h in 0..k {
                        let delta = if g == h { 1.0 } else { 0.0 };
                        var[g][h] += factor * share * (delta - at_risk[h] / nr);
                    }
                }
            }
            for g in 0..k {
                at_risk[g] -= leave[g];
            }
        }
        start = end;
    }
    let keep: Vec<usize> = (0..k).filter(|&g| expected[g] > 0.0).collect();
    let df = keep.len().saturating_sub(1);
    let chisq = if keep.len() < 2 {
        0.0
    } else {
        let used = &keep[1..];
        let u: Vec<f64> = used.iter().map(|&g| observed[g] - expected[g]).collect();
        let v: Vec<Vec<f64>> = used
            .iter()
            .map(|&g| used.iter().map(|&h| var[g][h]).collect())
            .collect();
        match solve(&v, &u) {
            Some(x) => x.iter().zip(&u).map(|(a, b)| a * b).sum(),
            None => f64::NAN,
        }
    };
    let p = if df == 0 {
        f64::NAN
    } else {
        chi_square_sf(chisq, df as f64)
    };
    LogRank {
        chisq,
        df,
        p,
        observed,
        expected,
    }
}
