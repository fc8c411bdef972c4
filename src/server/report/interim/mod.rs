//! Where the trial stands in its group-sequential design at a cut (closed
//! report): the look is planned in [`look`], the endpoint's analysis found
//! in [`rates`] (a binary endpoint) or [`survival`] (time to event).

mod look;
mod rates;
pub(crate) use rates::evaluable;
mod survival;

use super::efficacy::TimeToEvent;
use super::types::{CurvePoint, Interim};
use crate::server::config::{EndpointKind, TrialConfig};
use crate::server::firewall::ClosedSnapshot;
use polars::prelude::PolarsError;
use rates::interim_rates;
use std::collections::HashMap;
use survival::interim_survival;

/// The reference arm (the first) and the arm the design compares with it.
pub fn compared_arms(trial: &TrialConfig) -> Option<(usize, usize)> {
    match &trial.design.treatment_arm {
        Some(code) => {
            let t = trial.arms.iter().position(|a| &a.code == code)?;
            (t != 0).then_some((0, t))
        }
        None if trial.arms.len() == 2 => Some((0, 1)),
        None => None,
    }
}

/// The interim look of the primary endpoint: a binary endpoint from ADTTE
/// (alive/event by a horizon) or a time-to-event endpoint (log-rank).
pub fn interim(
    snap: &ClosedSnapshot,
    trial: &TrialConfig,
    events: &HashMap<String, u32>,
    tte: Option<&TimeToEvent>,
) -> Result<Option<Interim>, PolarsError> {
    match trial.design.endpoint {
        EndpointKind::Binary => interim_rates(snap, trial, events),
        EndpointKind::TimeToEvent => {
            Ok(tte.and_then(|d| interim_survival(d, trial, &snap.cut_date.to_string())))
        }
        EndpointKind::Continuous => Ok(None),
    }
}

/// The conditional power curve: effects `first + i·step` for i in
/// 0..=`usual` (`step` points towards effects that favour treatment),
/// where `valid`. A curve flat at 0 (below 1%) over that range runs on
/// in the favourable direction until it reaches 50%, one flat at 1 (above
/// 99%) the other way until it falls to 50%, so that the chart shows where
/// it moves; the note says so. Points come sorted by effect.
pub(super) fn cp_curve(
    first: f64,
    step: f64,
    usual: i32,
    valid: impl Fn(f64) -> bool,
    cp: impl Fn(f64) -> f64,
    effect: impl Fn(f64) -> String,
) -> (Vec<CurvePoint>, Option<String>) {
    const MORE: i32 = 60;
    let at = |i: i32| first + step * f64::from(i);
    let point = |i: i32| {
        let e = at(i);
        valid(e).then(|| CurvePoint {
            effect: e,
            conditional_power: cp(e),
        })
    };
    let mut points: Vec<CurvePoint> = (0..=usual).filter_map(point).collect();
    let (Some(lo), Some(hi)) = (
        points.iter().map(|p| p.conditional_power).reduce(f64::min),
        points.iter().map(|p| p.conditional_power).reduce(f64::max),
    ) else {
        return (points, None);
    };
    let usual_range = {
        let (a, b) = (
            points.first().map_or(0.0, |p| p.effect),
            points.last().map_or(0.0, |p| p.effect),
        );
        format!("{} to {}", effect(a.min(b)), effect(a.max(b)))
    };
    let flat = if hi < 0.01 {
        Some(("below 1%", 1, "reaches"))
    } else if lo > 0.99 {
        Some(("above 99%", -1, "falls to"))
    } else {
        None
    };
    let mut note = None;
    if let Some((level, way, verb)) = flat {
        let mut last = None;
        for n in 1..=MORE {
            let i = if way > 0 { usual + n } else { -n };
            let Some(p) = point(i) else { break };
            let done = if way > 0 {
                p.conditional_power >= 0.5
            } else {
                p.conditional_power <= 0.5
            };
            last = Some((p.effect, p.conditional_power));
            points.push(p);
            if done {
                break;
            }
        }
        note = Some(match last {
            Some((e, c)) => format!(
                "Conditional power stays {level} over effects {usual_range}; the curve runs on to {}, where it {verb} {:.0}%.",
                effect(e),
                100.0 * c
            ),
            None => format!("Conditional power stays {level} over every effect shown ({usual_range})."),
        });
    }
    points.sort_by(|a, b| a.effect.total_cmp(&b.effect));
    (points, note)
}

#[cfg(test)]
mod tests {
    use super::cp_curve;

    fn logistic(centre: f64) -> impl Fn(f64) -> f64 {
        move |e| 1.0 / (1.0 + (-(e - centre) * 40.0).exp())
    }

    #[test]
    fn a_curve_that_moves_keeps_the_usual_range() {
        let (c, note) = cp_curve(
            -0.2,
            0.02,
            30,
            |_| true,
            logistic(0.1),
            |e| format!("{e:+.2}"),
        );
        assert_eq!(c.len(), 31);
        assert!(note.is_none());
    }

    #[test]
    fn a_curve_flat_at_zero_runs_on_until_it_moves_and_says_so() {
        // Conditional power reaches 50% only at +0.60.
        let (c, note) = cp_curve(
            -0.2,
            0.02,
            30,
            |_| true,
            logistic(0.6),
            |e| format!("{e:+.2}"),
        );
        let last = c.last().unwrap();
        assert!((last.effect - 0.6).abs() < 1e-9 && last.conditional_power >= 0.5);
        assert!(c.windows(2).all(|w| w[0].effect < w[1].effect));
        let note = note.unwrap();
        assert!(
            note.contains("below 1% over effects -0.20 to +0.40"),
            "{note}"
        );
        assert!(
            note.contains("runs on to +0.60, where it reaches 50%"),
            "{note}"
        );
        // Where the effects run out first, the note says how far it got.
        let (c, note) = cp_curve(
            -0.2,
            0.02,
            30,
            |e| e < 0.5,
            logistic(0.9),
            |e| format!("{e:+.2}"),
        );
        assert!((c.last().unwrap().effect - 0.48).abs() < 1e-9);
        assert!(note
            .unwrap()
            .contains("runs on to +0.48, where it reaches 0%"));
    }

    #[test]
    fn a_curve_flat_at_one_runs_the_other_way() {
        // Hazard ratios from 1.2 down (favourable), 50% at HR 1.5.
        let cp = |hr: f64| 1.0 / (1.0 + ((hr - 1.5) * 40.0).exp());
        let (c, note) = cp_curve(
            1.2,
            -0.025,
            28,
            |hr| hr > 0.01,
            cp,
            |hr| format!("HR {hr:.3}"),
        );
        assert!((c.first().unwrap().effect - 0.5).abs() < 1e-9);
        assert!((c.last().unwrap().effect - 1.5).abs() < 1e-9);
        let note = note.unwrap();
        assert!(
            note.contains("above 99% over effects HR 0.500 to HR 1.200"),
            "{note}"
        );
        assert!(
            note.contains("runs on to HR 1.500, where it falls to 50%"),
            "{note}"
        );
    }
}
