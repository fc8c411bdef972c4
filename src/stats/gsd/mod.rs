//! Group-sequential boundaries by recursive numerical integration.
//!
//! References: Jennison & Turnbull, *Group Sequential Methods with
//! Applications to Clinical Trials* (2000), ch. 19 (the recursion on the
//! Z-statistics and the grid of §19.2: 6r−1 points concentrated around the
//! drift, with Simpson's rule on the points and their midpoints); Lan &
//! DeMets (1983) for alpha spending; Kim & DeMets (1987) for the power
//! family; Hwang, Shih & DeCani (1990) for the gamma family; O'Brien &
//! Fleming (1979), Pocock (1977) and Haybittle (1971) / Peto et al. (1976)
//! for the classical boundaries. The spending functions are written as
//! rpact's documentation gives them (O'Brien-Fleming type
//! 2(1 − Φ(z_{1−α/2}/√t)) for a one-sided α).
//!
//! Scale: information fractions t_k in (0, 1]; the score S_k has mean θ·t_k
//! and variance t_k, and Z_k = S_k/√t_k. θ is the drift: the expected final
//! Z-statistic (0 under the null hypothesis).

use crate::stats::normal;

mod boundaries;
mod futility;
mod recursion;

pub use boundaries::{cumulative_crossing, efficacy_boundaries, Boundaries};
pub use futility::{futility_design, FutilityDesign};
pub(crate) use recursion::solve_decreasing;
pub use recursion::{Recursion, MAX_BOUND};

/// An alpha- (or beta-) spending function.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Spending {
    /// Lan-DeMets O'Brien-Fleming type.
    OBrienFleming,
    /// Lan-DeMets Pocock type: α log(1 + (e − 1) t).
    Pocock,
    /// Kim-DeMets power family: α t^γ.
    KimDeMets(f64),
    /// Hwang-Shih-DeCani: α (1 − e^{−γt}) / (1 − e^{−γ}) (α t when γ = 0).
    HwangShihDeCani(f64),
}

impl Spending {
    /// Cumulative error spent by information fraction `t` out of `alpha`.
    pub fn spent(&self, alpha: f64, t: f64) -> f64 {
        if t <= 0.0 {
            return 0.0;
        }
        if t >= 1.0 {
            return alpha;
        }
        match *self {
            Spending::OBrienFleming => {
                2.0 * normal::sf(normal::quantile(1.0 - alpha / 2.0) / t.sqrt())
            }
            Spending::Pocock => alpha * (1.0 + (std::f64::consts::E - 1.0) * t).ln(),
            Spending::KimDeMets(g) => alpha * t.powf(g),
            Spending::HwangShihDeCani(g) => {
                if g.abs() < 1e-10 {
                    alpha * t
                } else {
                    alpha * (1.0 - (-g * t).exp()) / (1.0 - (-g).exp())
                }
            }
        }
    }
}

/// How the efficacy boundary is made.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum EfficacyRule {
    Spending(Spending),
    /// Classical O'Brien-Fleming: c / √t_k.
    ClassicalOBrienFleming,
    /// Classical Pocock: c at every look.
    ClassicalPocock,
    /// Haybittle-Peto: 3 at the interim looks, the final value keeping α.
    HaybittlePeto,
}

impl std::str::FromStr for EfficacyRule {
    type Err = String;

    /// `obf`, `pocock`, `kd:<gamma>`, `hsd:<gamma>`, `obf-classic`,
    /// `pocock-classic`, `haybittle-peto`.
    fn from_str(s: &str) -> Result<Self, String> {
        let gamma = |g: &str| {
            g.parse::<f64>()
                .ok()
                .filter(|g| g.is_finite())
                .ok_or_else(|| format!("{s:?}: the gamma after ':' must be a number"))
        };
        match s {
            "obf" => Ok(EfficacyRule::Spending(Spending::OBrienFleming)),
            "pocock" => Ok(EfficacyRule::Spending(Spending::Pocock)),
            "obf-classic" => Ok(EfficacyRule::ClassicalOBrienFleming),
            "pocock-classic" => Ok(EfficacyRule::ClassicalPocock),
            "haybittle-peto" => Ok(EfficacyRule::HaybittlePeto),
            _ => {
                if let Some(g) = s.strip_prefix("kd:") {
                    let g = gamma(g)?;
                    if g <= 0.0 {
                        return Err(format!("{s:?}: the Kim-DeMets gamma must be positive"));
                    }
                    Ok(EfficacyRule::Spending(Spending::KimDeMets(g)))
                } else if let Some(g) = s.strip_prefix("hsd:") {
                    Ok(EfficacyRule::Spending(Spending::HwangShihDeCani(gamma(g)?)))
                } else {
                    Err(format!(
                        "unknown spending {s:?}: use obf, pocock, kd:<gamma>, hsd:<gamma>, obf-classic, pocock-classic or haybittle-peto"
                    ))
                }
            }
        }
    }
}

impl Spending {
    /// A harm spending function: `obf`, `pocock` or `hsd:<gamma>`.
    pub fn parse_harm(s: &str) -> Result<Spending, String> {
        match s.parse::<EfficacyRule>()? {
            EfficacyRule::Spending(
                sp @ (Spending::OBrienFleming | Spending::Pocock | Spending::HwangShihDeCani(_)),
            ) => Ok(sp),
            _ => Err(format!(
                "harm spending {s:?}: use obf, pocock or hsd:<gamma>"
            )),
        }
    }
}

/// The harm (lower) boundary at information fractions `t`, computed alone:
/// the one-sided design of `harm_alpha` with `spending`, negated (rpact
/// `getDesignGroupSequential(sided = 1, alpha = harm_alpha, typeOfDesign =
/// "asOF" | "asP" | "asHSD", informationRates = t)`, its critical values
/// negated). `cumulative_alpha` is the harm alpha spent by each look.
pub fn harm_boundaries(t: &[f64], harm_alpha: f64, spending: Spending) -> Boundaries {
    let b = efficacy_boundaries(t, harm_alpha, false, EfficacyRule::Spending(spending));
    Boundaries {
        efficacy: b.efficacy.iter().map(|z| -z).collect(),
        cumulative_alpha: b.cumulative_alpha,
    }
}

/// Grid of the first, coarse search for a futility design's drift.
pub(crate) const COARSE_GRID_R: usize = 8;

/// Grid size parameter r of J&T §19.2 (6r − 1 points before truncation).
pub(crate) const GRID_R: usize = 18;
