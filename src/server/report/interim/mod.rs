//! Where the trial stands in its group-sequential design at a cut (closed
//! report): the look is planned in [`look`], the endpoint's analysis found
//! in [`rates`] (a binary endpoint) or [`survival`] (time to event).

mod look;
mod rates;
pub(crate) use rates::evaluable;
mod survival;

use super::efficacy::TimeToEvent;
use super::types::Interim;
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
