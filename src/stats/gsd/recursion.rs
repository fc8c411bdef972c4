//! The recursion of Jennison & Turnbull (2000, ch. 19): the densities of the
//! Z-statistics over the looks on a grid, and the one-dimensional solvers
//! that place each bound.

use super::GRID_R;
use crate::stats::normal;

/// Integration points and Simpson weights over (lo, hi) for a Z-statistic
/// whose mean is `mean`: J&T's points, truncated to the interval, with the
/// interval's finite ends added, and midpoints between successive points.
pub(super) fn grid(mean: f64, lo: f64, hi: f64, r: usize) -> (Vec<f64>, Vec<f64>) {
    let n = r;
    let r = r as f64;
    let mut pts: Vec<f64> = (1..6 * n)
        .map(|i| {
            let i = i as f64;
            if i < r {
                mean - 3.0 - 4.0 * (r / i).ln()
            } else if i <= 5.0 * r {
                mean - 3.0 + 3.0 * (i - r) / (2.0 * r)
            } else {
                mean + 3.0 + 4.0 * (r / (6.0 * r - i)).ln()
            }
        })
        .filter(|&x| x > lo && x < hi)
        .collect();
    if lo.is_finite() && lo > mean - 3.0 - 4.0 * r.ln() {
        pts.insert(0, lo);
    }
    if hi.is_finite() && hi < mean + 3.0 + 4.0 * r.ln() {
        pts.push(hi);
    }
    if pts.len() < 2 {
        // The interval lies in a far tail: two points carry its (negligible) mass.
        let (a, b) = (lo.max(mean - 40.0), hi.min(mean + 40.0));
        pts = vec![a, b.max(a + 1e-12)];
    }
    let mut z = Vec::with_capacity(2 * pts.len() - 1);
    let mut w = Vec::with_capacity(2 * pts.len() - 1);
    for (j, pair) in pts.windows(2).enumerate() {
        let (a, b) = (pair[0], pair[1]);
        let d = b - a;
        if j == 0 {
            z.push(a);
            w.push(d / 6.0);
        } else {
            *w.last_mut().expect("a point") += d / 6.0;
        }
        z.push(0.5 * (a + b));
        w.push(4.0 * d / 6.0);
        z.push(b);
        w.push(d / 6.0);
    }
    (z, w)
}

/// The sub-density of Z_k on its continuation region at one look.
struct Stage {
    t: f64,
    z: Vec<f64>,
    /// weight × density at each point.
    wh: Vec<f64>,
}

/// Recursion over the looks for drift `theta`.
pub struct Recursion<'a> {
    t: &'a [f64],
    theta: f64,
    prev: Option<Stage>,
    k: usize,
    r: usize,
}

impl<'a> Recursion<'a> {
    pub fn new(t: &'a [f64], theta: f64) -> Self {
        Self::with_grid(t, theta, GRID_R)
    }

    /// A recursion on a grid of size parameter `r` (coarser is faster).
    pub fn with_grid(t: &'a [f64], theta: f64, r: usize) -> Self {
        Recursion {
            t,
            theta,
            prev: None,
            k: 0,
            r,
        }
    }

    /// Mean and SD of the transition from z_prev to Z_k, as a function giving
    /// the standardized value of `b` on the Z_k scale.
    fn standardize(&self, b: f64, zi: f64, prev_t: f64) -> f64 {
        let tk = self.t[self.k];
        let dt = tk - prev_t;
        (b * tk.sqrt() - zi * prev_t.sqrt() - self.theta * dt) / dt.sqrt()
    }

    /// P(continue to look k and then Z_k is beyond `x`), with `tail` the
    /// standard normal upper (sf) or lower (cdf) tail.
    fn tail(&self, x: f64, tail: impl Fn(f64) -> f64) -> f64 {
        match &self.prev {
            None => tail(x - self.theta * self.t[0].sqrt()),
            Some(p) => {
                p.z.iter()
                    .zip(&p.wh)
                    .map(|(&zi, &wh)| wh * tail(self.standardize(x, zi, p.t)))
                    .sum()
            }
        }
    }

    /// P(continue to look k and then Z_k ≥ b).
    pub fn upper(&self, b: f64) -> f64 {
        self.tail(b, normal::sf)
    }

    /// P(continue to look k and then Z_k ≤ a).
    pub fn lower(&self, a: f64) -> f64 {
        if a == f64::NEG_INFINITY {
            return 0.0;
        }
        self.tail(a, normal::cdf)
    }

    /// The sub-density of Z_k at `z` (paths still running at look k).
    pub fn density(&self, z: f64) -> f64 {
        let tk = self.t[self.k];
        match &self.prev {
            None => normal::pdf(z - self.theta * tk.sqrt()),
            Some(p) => {
                let scale = (tk / (tk - p.t)).sqrt();
                p.z.iter()
                    .zip(&p.wh)
                    .map(|(&zi, &wh)| {
                        let u = self.standardize(z, zi, p.t);
                        // φ(9) < 1e-17: such pairs add nothing at double precision.
                        if u.abs() > 9.0 {
                            0.0
                        } else {
                            wh * scale * normal::pdf(u)
                        }
                    })
                    .sum()
            }
        }
    }

    /// Close look k with continuation region (a, b) and move to look k + 1.
    pub fn advance(&mut self, a: f64, b: f64) {
        let tk = self.t[self.k];
        let (z, w) = grid(self.theta * tk.sqrt(), a, b, self.r);
        let wh = z
            .iter()
            .zip(&w)
            .map(|(&zi, &wi)| wi * self.density(zi))
            .collect();
        self.prev = Some(Stage { t: tk, z, wh });
        self.k += 1;
    }
}

/// Solve `f(x) = target` for a decreasing `f` (bisection on [lo, hi]).
pub(crate) fn solve_decreasing(
    f: impl Fn(f64) -> f64,
    target: f64,
    mut lo: f64,
    mut hi: f64,
) -> f64 {
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if f(mid) > target {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo < 1e-12 {
            break;
        }
    }
    0.5 * (lo + hi)
}

/// Solve `f(x) = target` for a decreasing `f` with derivative `-g(x)`
/// (g > 0): Newton steps on log f, kept inside a shrinking bracket, falling
/// back to bisection.
pub(super) fn solve_decreasing_newton(
    f: impl Fn(f64) -> f64,
    g: impl Fn(f64) -> f64,
    target: f64,
    mut lo: f64,
    mut hi: f64,
    start: f64,
) -> f64 {
    let mut x = start.clamp(lo, hi);
    for _ in 0..100 {
        let fx = f(x);
        if fx > target {
            lo = x;
        } else {
            hi = x;
        }
        // Newton on ln f(x) = ln target: well-scaled far in the tail.
        let gx = g(x);
        let mut next = if fx > 0.0 && gx > 0.0 {
            x + (fx.ln() - target.ln()) * fx / gx
        } else {
            f64::NAN
        };
        if !(next > lo && next < hi) {
            next = 0.5 * (lo + hi);
        }
        if (next - x).abs() < 1e-11 || hi - lo < 1e-11 {
            return next;
        }
        x = next;
    }
    x
}

/// Largest boundary used for a look that spends (almost) nothing.
pub const MAX_BOUND: f64 = 40.0;

/// Solve `f(x) = target` for an increasing `f` with derivative `g(x) > 0`:
/// the mirror of [`solve_decreasing_newton`], written out on purpose. Both
/// a version composed through −x and one body shared through a const
/// generic made a 10-look futility design 20% slower (7.7 -> 9.3 ms,
/// measured with benches/gsd.rs), against a 10 ms target.
pub(super) fn solve_increasing_newton(
    f: impl Fn(f64) -> f64,
    g: impl Fn(f64) -> f64,
    target: f64,
    mut lo: f64,
    mut hi: f64,
    start: f64,
) -> f64 {
    let mut x = start.clamp(lo, hi);
    for _ in 0..100 {
        let fx = f(x);
        if fx < target {
            lo = x;
        } else {
            hi = x;
        }
        let gx = g(x);
        let mut next = if fx > 0.0 && gx > 0.0 {
            x - (fx.ln() - target.ln()) * fx / gx
        } else {
            f64::NAN
        };
        if !(next > lo && next < hi) {
            next = 0.5 * (lo + hi);
        }
        if (next - x).abs() < 1e-11 || hi - lo < 1e-11 {
            return next;
        }
        x = next;
    }
    x
}
