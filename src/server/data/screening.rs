//! The optional screening log of a cut: `screening.csv` (or `.parquet`,
//! `.xpt`) beside the ADaM datasets, one row per screened patient:
//! SCRNID (required) and SFREAS, the reason a patient was not randomized
//! (blank for the randomized). It gives the CONSORT flow its first boxes;
//! without it the flow starts at randomization.

use super::layout;
use super::problem::{Collector, Problem};
use super::read::Frame;
use serde::Serialize;
use std::path::Path;

/// The screening log's file stem.
pub const SCREENING: &str = "screening";

/// What the log says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Screening {
    pub screened: u32,
    /// (reason, patients) of those not randomized, most frequent first.
    pub not_randomized: Vec<(String, u32)>,
}

/// Whether `dir` holds a screening log in any format.
pub fn present(dir: &Path) -> bool {
    layout::has_dataset(dir, SCREENING)
}

/// The columns the log is read with.
pub fn wanted() -> Vec<String> {
    vec!["SCRNID".to_string(), "SFREAS".to_string()]
}

/// The log `f` summarised, checked against the ADSL's `randomized`
/// subjects: the screened who were not turned away must be them.
pub fn summarize(f: &Frame, randomized: usize, c: &mut Collector) -> Option<Screening> {
    let ids = f.text(c, "SCRNID", true)?;
    let reasons = if f.has("SFREAS") {
        f.text(c, "SFREAS", false)
    } else {
        None
    };
    let mut counts: std::collections::BTreeMap<String, u32> = Default::default();
    if let Some(r) = reasons.as_ref().and_then(|r| r.str().ok().cloned()) {
        for v in r.iter().flatten() {
            *counts.entry(v.to_string()).or_default() += 1;
        }
    }
    let screened = ids.len();
    let turned_away = counts.values().map(|v| *v as usize).sum::<usize>();
    if screened.saturating_sub(turned_away) != randomized {
        c.push(
            "screening log",
            Problem::file(
                &f.shown(),
                &format!(
                    "lists {screened} screened patients, {turned_away} of them not randomized (SFREAS), so {} randomized, but ADSL has {randomized} subjects",
                    screened.saturating_sub(turned_away)
                ),
            ),
        );
    }
    let mut not_randomized: Vec<(String, u32)> = counts.into_iter().collect();
    not_randomized.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    Some(Screening {
        screened: u32::try_from(screened).unwrap_or(u32::MAX),
        not_randomized,
    })
}
