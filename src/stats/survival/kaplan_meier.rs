//! Kaplan-Meier with Greenwood variance, log-log limits, the median and its
//! interval, and numbers at risk.

use super::order_by_time;
use crate::stats::normal;

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

    /// The curve to draw: (0, 1), S just after each event time, and the
    /// last follow-up time when it comes after the last event, so that a
    /// curve runs to the end of its follow-up (as `plot(survfit(...))`).
    pub fn steps(&self) -> Vec<[f64; 2]> {
        let mut out = vec![[0.0, 1.0]];
        for ((&t, &s), &d) in self.time.iter().zip(&self.surv).zip(&self.n_event) {
            if d > 0 {
                out.push([t, s]);
            }
        }
        if let (Some(&end), Some(&[last, s])) = (self.time.last(), out.last()) {
            if end > last {
                out.push([end, s]);
            }
        }
        out
    }

    /// The censoring marks: each time with a censored subject, at the
    /// curve's value then.
    pub fn censor_marks(&self) -> Vec<[f64; 2]> {
        self.time
            .iter()
            .zip(&self.surv)
            .zip(&self.n_censor)
            .filter(|(_, &c)| c > 0)
            .map(|((&t, &s), _)| [t, s])
            .collect()
    }

    /// The pointwise band, (time, lower, upper) from (0, 1, 1) at each
    /// event time where both limits are defined.
    pub fn band(&self) -> Vec<[f64; 3]> {
        let mut out = vec![[0.0, 1.0, 1.0]];
        for i in 0..self.time.len() {
            if let (true, Some(lo), Some(hi)) = (self.n_event[i] > 0, self.lower[i], self.upper[i])
            {
                out.push([self.time[i], lo, hi]);
            }
        }
        out
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
