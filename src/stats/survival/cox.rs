//! Cox proportional hazards with Efron or Breslow ties, by Newton-Raphson
//! with step halving; Wald, score and likelihood-ratio tests.

use crate::stats::linalg::{invert, solve};
use crate::stats::normal;
use crate::stats::special::chi_square_sf;

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

    #[expect(
        clippy::needless_range_loop,
        reason = "the score and information matrix sums read most clearly with indices"
    )]
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
