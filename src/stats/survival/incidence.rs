//! The Aalen-Johansen cumulative incidence of two competing causes.

use super::order_by_time;

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
