//! Survival analysis: Kaplan-Meier with Greenwood variance and log-log
//! intervals, the median and its interval, the log-rank test for k groups
//! (stratified or not), Cox proportional hazards with Efron or Breslow ties,
//! and the Aalen-Johansen cumulative incidence with a competing risk.
//!
//! Definitions follow Therneau & Grambsch, *Modeling Survival Data* (2000)
//! and Klein & Moeschberger, *Survival Analysis* (2nd ed., 2003): Greenwood's
//! formula (K&M §4.2), the log-log ("complementary log-log") interval for
//! S(t) (K&M §4.3), the Brookmeyer-Crowley median interval read off the
//! pointwise limits (K&M §4.5), the k-sample log-rank statistic with its
//! hypergeometric covariance (K&M §7.3, §7.5 stratified), the partial
//! likelihood with Efron's and Breslow's tie corrections (T&G §3.3) fitted
//! by Newton-Raphson, and the Aalen-Johansen estimator of the cumulative
//! incidence (K&M §2.7, Putter, Fiocco & Geskus 2007).

use super::normal;
use super::special::chi_square_sf;

/// Indices of the subjects sorted by time (ascending; ties keep input order).
fn order_by_time(time: &[f64]) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..time.len()).collect();
    idx.sort_by(|&a, &b| time[a].total_cmp(&time[b]));
    idx
}

/// A Kaplan-Meier curve at each distinct time (event or censoring).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct KaplanMeier {
    pub time: Vec<f64>,
    pub n_risk: Vec<u32>,
    pub n_event: Vec<u32>,
    pub n_censor: Vec<u32>,
    pub surv: Vec<f64>,
    /// Standard error of the cumulative hazard −log S (Greenwood):
    /// √Σ d/(n(n − d)); `None` after the curve reaches 0.
    pub std_err: Vec<Option<f64>>,
    /// Pointwise log-log limits; `None` where S is 0 (undefined).
    pub lower: Vec<Option<f64>>,
    pub upper: Vec<Option<f64>>,
    /// All subjects' times, sorted, for numbers at risk.
    sorted_times: Vec<f64>,
}

/// Kaplan-Meier estimate with `conf` log-log pointwise intervals.
pub fn kaplan_meier(time: &[f64], event: &[bool], conf: f64) -> KaplanMeier {
    let idx = order_by_time(time);
    kaplan_meier_sorted(time, event, &idx, conf)
}

/// [`kaplan_meier`] over the subjects `idx`, already sorted by time.
pub fn kaplan_meier_sorted(time: &[f64], event: &[bool], idx: &[usize], conf: f64) -> KaplanMeier {
    let z = normal::quantile(1.0 - (1.0 - conf) / 2.0);
    let mut km = KaplanMeier {
        sorted_times: idx.iter().map(|&i| time[i]).collect(),
        ..KaplanMeier::default()
    };
    let n = idx.len();
    let mut s = 1.0;
    let mut greenwood = 0.0;
    let mut i = 0;
    while i < n {
        let t = time[idx[i]];
        let at_risk = (n - i) as u32;
        let (mut d, mut c) = (0u32, 0u32);
        while i < n && time[idx[i]] == t {
            if event[idx[i]] {
                d += 1;
            } else {
                c += 1;
            }
            i += 1;
        }
        let nr = f64::from(at_risk);
        let df = f64::from(d);
        s *= 1.0 - df / nr;
        if d == at_risk {
            greenwood = f64::INFINITY;
        } else if d > 0 {
            greenwood += df / (nr * (nr - df));
        }
        km.time.push(t);
        km.n_risk.push(at_risk);
        km.n_event.push(d);
        km.n_censor.push(c);
        km.surv.push(s);
        let se = greenwood.is_finite().then(|| greenwood.sqrt());
        km.std_err.push(se);
        let (lo, hi) = match se {
            Some(se) if s > 0.0 && s < 1.0 => {
                let w = (z * se / s.ln()).exp();
                (Some(s.powf(1.0 / w)), Some(s.powf(w)))
            }
            // log(−log S) is undefined at S = 1 and S = 0.
            _ => (None, None),
        };
        km.lower.push(lo);
        km.upper.push(hi);
    }
    km
}

/// The time at which a step curve first falls to `p` or below, as R's
/// `survival` reads quantiles: where the curve equals `p` over an interval
/// (within √ε), the midpoint between that time and the next time the
/// curve drops. `None` if it never gets there.
fn quantile_of(time: &[f64], y: &[Option<f64>], p: f64) -> Option<f64> {
    let toler = f64::EPSILON.sqrt();
    let i = y.iter().position(|v| v.is_some_and(|v| v <= p + toler))?;
    let yi = y[i]?;
    if (yi - p).abs() < toler {
        // Flat at p: average with the next time the curve goes below.
        match (i + 1..y.len()).find(|&j| y[j].is_some_and(|v| v < yi - toler)) {
            Some(j) => Some(0.5 * (time[i] + time[j])),
            None => Some(time[i]),
        }
    } else {
        Some(time[i])
    }
}

impl KaplanMeier {
    /// The median survival time.
    pub fn median(&self) -> Option<f64> {
        let y: Vec<Option<f64>> = self.surv.iter().map(|&s| Some(s)).collect();
        quantile_of(&self.time, &y, 0.5)
    }

    /// The interval for the median: where the lower and the upper pointwise
    /// limits cross 0.5 (Brookmeyer & Crowley 1982, as `survival` reads it).
    pub fn median_ci(&self) -> (Option<f64>, Option<f64>) {
        (
            quantile_of(&self.time, &self.lower, 0.5),
            quantile_of(&self.time, &self.upper, 0.5),
        )
    }

    /// Subjects at risk at time `tau` (time ≥ tau).
    pub fn at_risk(&self, tau: f64) -> u32 {
        let below = self.sorted_times.partition_point(|&t| t < tau);
        (self.sorted_times.len() - below) as u32
    }

    /// S(tau): the curve's value at `tau` (1 before the first time).
    pub fn surv_at(&self, tau: f64) -> f64 {
        let k = self.time.partition_point(|&t| t <= tau);
        if k == 0 {
            1.0
        } else {
            self.surv[k - 1]
        }
    }
}

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

/// Solve the symmetric positive-definite system `a x = b` (Cholesky);
/// `None` if `a` is not positive definite.
pub fn solve(a: &[Vec<f64>], b: &[f64]) -> Option<Vec<f64>> {
    let l = cholesky(a)?;
    let p = b.len();
    let mut y = vec![0.0; p];
    for i in 0..p {
        let s: f64 = (0..i).map(|j| l[i][j] * y[j]).sum();
        y[i] = (b[i] - s) / l[i][i];
    }
    let mut x = vec![0.0; p];
    for i in (0..p).rev() {
        let s: f64 = (i + 1..p).map(|j| l[j][i] * x[j]).sum();
        x[i] = (y[i] - s) / l[i][i];
    }
    Some(x)
}

fn cholesky(a: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let p = a.len();
    let mut l = vec![vec![0.0; p]; p];
    // Pivots below this fraction of the diagonal count as singular.
    let scale = a
        .iter()
        .enumerate()
        .map(|(i, r)| r[i].abs())
        .fold(0.0, f64::max);
    for i in 0..p {
        for j in 0..=i {
            let s: f64 = (0..j).map(|m| l[i][m] * l[j][m]).sum();
            if i == j {
                let d = a[i][i] - s;
                if d.is_nan() || d <= 1e-12 * scale.max(f64::MIN_POSITIVE) {
                    return None;
                }
                l[i][i] = d.sqrt();
            } else {
                l[i][j] = (a[i][j] - s) / l[j][j];
            }
        }
    }
    Some(l)
}

/// The inverse of a symmetric positive-definite matrix.
pub fn invert(a: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let p = a.len();
    let mut inv = vec![vec![0.0; p]; p];
    for c in 0..p {
        let mut e = vec![0.0; p];
        e[c] = 1.0;
        let col = solve(a, &e)?;
        for r in 0..p {
            inv[r][c] = col[r];
        }
    }
    Some(inv)
}

/// How tied event times enter the partial likelihood.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ties {
    Efron,
    Breslow,
}

/// A fitted Cox model.
#[derive(Clone, Debug, PartialEq)]
pub struct CoxFit {
    pub coef: Vec<f64>,
    /// Model-based standard errors (inverse information at the estimate).
    pub se: Vec<f64>,
    /// Log partial likelihood at β = 0 and at the estimate.
    pub loglik: [f64; 2],
    pub lr_chisq: f64,
    pub wald_chisq: f64,
    pub score_chisq: f64,
    pub df: usize,
    pub iterations: usize,
    /// False when the likelihood did not converge within the iteration
    /// limit (e.g. an arm without events: the estimate runs to infinity).
    pub converged: bool,
}

impl CoxFit {
    pub fn lr_p(&self) -> f64 {
        chi_square_sf(self.lr_chisq, self.df as f64)
    }
    pub fn wald_p(&self) -> f64 {
        chi_square_sf(self.wald_chisq, self.df as f64)
    }
    pub fn score_p(&self) -> f64 {
        chi_square_sf(self.score_chisq, self.df as f64)
    }
    /// Hazard ratio, its Wald `conf` interval and two-sided Wald p-value for
    /// coefficient `j`.
    pub fn hazard_ratio(&self, j: usize, conf: f64) -> (f64, [f64; 2], f64) {
        let z = normal::quantile(1.0 - (1.0 - conf) / 2.0);
        let (b, se) = (self.coef[j], self.se[j]);
        let p = 2.0 * normal::sf((b / se).abs());
        ((b).exp(), [(b - z * se).exp(), (b + z * se).exp()], p)
    }
}

/// Log partial likelihood, score and information at `beta`.
struct Derivs {
    loglik: f64,
    score: Vec<f64>,
    info: Vec<Vec<f64>>,
}

/// Subjects prepared for the partial likelihood: sorted by time descending
/// into contiguous arrays, each subject pointing at its covariate pattern
/// (distinct covariate rows, so that a treatment factor needs k
/// exponentials per evaluation rather than n).
struct CoxData {
    time: Vec<f64>,
    event: Vec<bool>,
    pattern: Vec<usize>,
    /// Distinct covariate rows, row-major, `p` each.
    rows: Vec<f64>,
    p: usize,
}

impl CoxData {
    fn new(time: &[f64], event: &[bool], x: &[f64], p: usize) -> Self {
        let n = time.len();
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&a, &b| time[b].total_cmp(&time[a]));
        let mut ids: std::collections::HashMap<Vec<u64>, usize> = std::collections::HashMap::new();
        let mut rows = Vec::new();
        let mut pattern = Vec::with_capacity(n);
        for &i in &order {
            let row = &x[i * p..(i + 1) * p];
            let key: Vec<u64> = row.iter().map(|v| v.to_bits()).collect();
            let next = ids.len();
            let id = *ids.entry(key).or_insert_with(|| {
                rows.extend_from_slice(row);
                next
            });
            pattern.push(id);
        }
        CoxData {
            time: order.iter().map(|&i| time[i]).collect(),
            event: order.iter().map(|&i| event[i]).collect(),
            pattern,
            rows,
            p,
        }
    }

    // Matrix sums read most clearly with indices.
    #[allow(clippy::needless_range_loop)]
    fn derivs(&self, beta: &[f64], ties: Ties) -> Derivs {
        let p = self.p;
        let risk: Vec<f64> = self
            .rows
            .chunks_exact(p)
            .map(|row| row.iter().zip(beta).map(|(x, b)| x * b).sum::<f64>())
            .collect();
        let score_of: Vec<f64> = risk.iter().map(|eta| eta.exp()).collect();
        let mut loglik = 0.0;
        let mut score = vec![0.0; p];
        let mut info = vec![vec![0.0; p]; p];
        // Risk-set sums S0, S1, S2, built up from the longest times.
        let mut s0 = 0.0;
        let mut s1 = vec![0.0; p];
        let mut s2 = vec![vec![0.0; p]; p];
        // Sums over the tied deaths at one time.
        let mut e0;
        let mut e1 = vec![0.0; p];
        let mut e2 = vec![vec![0.0; p]; p];
        let mut xsum = vec![0.0; p];
        let n = self.time.len();
        let mut i = 0;
        let (mut a, mut abar) = (vec![0.0; p], vec![0.0; p]);
        while i < n {
            let t = self.time[i];
            e0 = 0.0;
            e1.iter_mut().for_each(|v| *v = 0.0);
            e2.iter_mut()
                .for_each(|r| r.iter_mut().for_each(|v| *v = 0.0));
            xsum.iter_mut().for_each(|v| *v = 0.0);
            let mut d = 0usize;
            let mut eta_sum = 0.0;
            while i < n && self.time[i] == t {
                let id = self.pattern[i];
                let xi = &self.rows[id * p..(id + 1) * p];
                let r = score_of[id];
                s0 += r;
                for u in 0..p {
                    s1[u] += r * xi[u];
                    for v in 0..=u {
                        s2[u][v] += r * xi[u] * xi[v];
                    }
                }
                if self.event[i] {
                    d += 1;
                    eta_sum += risk[id];
                    e0 += r;
                    for u in 0..p {
                        xsum[u] += xi[u];
                        e1[u] += r * xi[u];
                        for v in 0..=u {
                            e2[u][v] += r * xi[u] * xi[v];
                        }
                    }
                }
                i += 1;
            }
            if d == 0 {
                continue;
            }
            loglik += eta_sum;
            for u in 0..p {
                score[u] += xsum[u];
            }
            let df = d as f64;
            let last = match ties {
                Ties::Breslow => 1,
                Ties::Efron => d,
            };
            for l in 0..last {
                let frac = l as f64 / df;
                let d0 = s0 - frac * e0;
                // Breslow: the same risk set for all d deaths.
                let mult = if ties == Ties::Breslow { df } else { 1.0 };
                loglik -= mult * d0.ln();
                for u in 0..p {
                    a[u] = s1[u] - frac * e1[u];
                    abar[u] = a[u] / d0;
                    score[u] -= mult * abar[u];
                }
                for u in 0..p {
                    for v in 0..=u {
                        let b2 = s2[u][v] - frac * e2[u][v];
                        info[u][v] += mult * (b2 / d0 - abar[u] * abar[v]);
                    }
                }
            }
        }
        for u in 0..p {
            for v in 0..u {
                info[v][u] = info[u][v];
            }
        }
        Derivs {
            loglik,
            score,
            info,
        }
    }
}

/// Fit a Cox model by Newton-Raphson with step halving, from β = 0, as R's
/// `coxph` does (convergence when the relative change of the log partial
/// likelihood is below 1e-9, at most 20 iterations). `x` holds the
/// covariates row by row (`p` per subject).
pub fn cox(time: &[f64], event: &[bool], x: &[f64], p: usize, ties: Ties) -> Option<CoxFit> {
    let n = time.len();
    assert_eq!(x.len(), n * p, "p covariates per subject");
    let data = CoxData::new(time, event, x, p);
    let mut beta = vec![0.0; p];
    let null = data.derivs(&beta, ties);
    let u0 = null.score.clone();
    let score_chisq = solve(&null.info, &u0)
        .map(|s| s.iter().zip(&u0).map(|(a, b)| a * b).sum())
        .unwrap_or(f64::NAN);
    let mut cur = null;
    let loglik0 = cur.loglik;
    let mut converged = false;
    let mut iterations = 0;
    for iter in 1..=20 {
        iterations = iter;
        let Some(step) = solve(&cur.info, &cur.score) else {
            break;
        };
        let mut candidate: Vec<f64> = beta.iter().zip(&step).map(|(b, s)| b + s).collect();
        let mut next = data.derivs(&candidate, ties);
        // Step halving while the likelihood gets worse.
        let mut halvings = 0;
        while (next.loglik.is_nan() || next.loglik < cur.loglik) && halvings < 30 {
            for j in 0..p {
                candidate[j] = 0.5 * (candidate[j] + beta[j]);
            }
            next = data.derivs(&candidate, ties);
            halvings += 1;
        }
        let done = (1.0 - cur.loglik / next.loglik).abs() <= 1e-9;
        beta = candidate;
        cur = next;
        if done {
            converged = true;
            break;
        }
    }
    let var = invert(&cur.info)?;
    let se: Vec<f64> = (0..p).map(|j| var[j][j].sqrt()).collect();
    let wald_chisq = (0..p)
        .map(|u| {
            (0..p)
                .map(|v| beta[u] * cur.info[u][v] * beta[v])
                .sum::<f64>()
        })
        .sum();
    Some(CoxFit {
        coef: beta,
        se,
        loglik: [loglik0, cur.loglik],
        lr_chisq: 2.0 * (cur.loglik - loglik0),
        wald_chisq,
        score_chisq,
        df: p,
        iterations,
        converged,
    })
}

/// A Cox model for a treatment factor: `group[i]` in 0..k, group 0 the
/// reference, one indicator per other group.
pub fn treatment_cox(
    time: &[f64],
    event: &[bool],
    group: &[usize],
    k: usize,
    ties: Ties,
) -> Option<CoxFit> {
    let p = k.saturating_sub(1);
    if p == 0 {
        return None;
    }
    let mut x = vec![0.0; time.len() * p];
    for (i, &g) in group.iter().enumerate() {
        if g > 0 {
            x[i * p + g - 1] = 1.0;
        }
    }
    cox(time, event, &x, p, ties)
}

/// Cumulative incidence of two competing causes (Aalen-Johansen).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CumulativeIncidence {
    pub time: Vec<f64>,
    pub n_risk: Vec<u32>,
    /// Cumulative incidence of cause 1 (the event of interest) and cause 2
    /// (the competing event, e.g. death).
    pub cif1: Vec<f64>,
    pub cif2: Vec<f64>,
}

/// Aalen-Johansen cumulative incidence for `cause[i]` 0 (censored), 1 (the
/// event of interest) or 2 (the competing event), at each distinct time.
pub fn aalen_johansen(time: &[f64], cause: &[u8]) -> CumulativeIncidence {
    let idx = order_by_time(time);
    let n = idx.len();
    let mut out = CumulativeIncidence::default();
    let (mut s, mut f1, mut f2) = (1.0, 0.0, 0.0);
    let mut i = 0;
    while i < n {
        let t = time[idx[i]];
        let at_risk = n - i;
        let (mut d1, mut d2) = (0.0, 0.0);
        while i < n && time[idx[i]] == t {
            match cause[idx[i]] {
                1 => d1 += 1.0,
                2 => d2 += 1.0,
                _ => {}
            }
            i += 1;
        }
        let nr = at_risk as f64;
        f1 += s * d1 / nr;
        f2 += s * d2 / nr;
        s *= 1.0 - (d1 + d2) / nr;
        out.time.push(t);
        out.n_risk.push(at_risk as u32);
        out.cif1.push(f1);
        out.cif2.push(f2);
    }
    out
}
