//! Disposition (the CONSORT flow): randomized, allocated, received the
//! allocated intervention or crossed over, completed, ongoing or
//! discontinued with reasons (lost to follow-up among them), the primary
//! endpoint's follow-up completed, and the analysis populations. Counted
//! per group of subjects (ADSL rows) and in total; a column the cut does
//! not carry is `NotCollected`.
//!
//! Status: the end-of-study status column (`EOSSTT`: COMPLETED,
//! DISCONTINUED, anything else ongoing); without one, the reason column
//! decides (`COMPLETED` completed, another reason discontinued, none
//! ongoing), as the CDISC pilot's DCREASCD does. A discontinued subject
//! without a reason counts under "Not given".

use super::completeness::subject_follow_up;
use super::frames::{optional_texts, u32_of};
use super::pooled::PooledGroup;
use super::types::Cell;
use crate::server::config::{ColumnRole, TrialConfig};
use crate::server::data::load::Snapshot;
use crate::server::firewall::ACTUAL_ARM;
use polars::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;

/// Discontinued subjects with one reason.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReasonCount {
    pub reason: String,
    pub subjects: Cell,
}

/// The flow of one group of subjects (or of all).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DispositionCounts {
    /// From the cut's screening log (all subjects only): the screened,
    /// and those not randomized by reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub screened: Option<u32>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_randomized: Vec<ReasonCount>,
    pub randomized: u32,
    /// With the actual treatment (closed view, unblinded source): received
    /// the allocated intervention, another group's, or none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub received_allocated: Option<Cell>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crossed_over: Option<Cell>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_treated: Option<Cell>,
    pub completed: Cell,
    pub ongoing: Cell,
    pub discontinued: Cell,
    /// The discontinued by reason, most frequent first (in total).
    pub reasons: Vec<ReasonCount>,
    pub lost_to_follow_up: Cell,
    /// Subjects whose primary-endpoint horizon has passed, and those of
    /// them whose outcome at it is known; absent when the endpoint has no
    /// horizon (or is not an ADTTE parameter).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary_due: Option<Cell>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary_complete: Option<Cell>,
    pub itt: Cell,
    pub safety: Cell,
    pub per_protocol: Cell,
}

/// The disposition of a cut: in total and by group (empty for the open
/// view).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Disposition {
    /// The actual treatment was read (closed view of an unblinded source).
    pub actual_treatment: bool,
    pub total: DispositionCounts,
    pub by_arm: BTreeMap<String, DispositionCounts>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Status {
    Completed,
    Ongoing,
    Discontinued,
}

/// A text column's values per ADSL row (blank as `None`).
type Texts = Vec<Option<String>>;

/// What is known of each ADSL row.
struct Rows {
    status: Option<Vec<Status>>,
    /// The reason of each discontinued row ("Not given" when empty).
    reason: Option<Texts>,
    flags: [Option<Vec<bool>>; 3],
    /// (allocated, actual) arm codes: closed view with the actual treatment.
    treatment: Option<(Texts, Texts)>,
    follow_up: Option<Vec<(bool, bool)>>,
}

const NOT_GIVEN: &str = "Not given";

/// Whether a discontinuation reason is loss to follow-up.
fn is_lost(reason: &str) -> bool {
    reason.to_ascii_uppercase().contains("LOST TO FOLLOW")
}

fn is(v: &Option<String>, word: &str) -> bool {
    v.as_deref().is_some_and(|s| s.eq_ignore_ascii_case(word))
}

impl Rows {
    fn of(snap: &Snapshot, trial: &TrialConfig) -> PolarsResult<Rows> {
        let adsl = &snap.adsl;
        let status_col = optional_texts(adsl, ColumnRole::Status.key());
        let reason_col = optional_texts(adsl, ColumnRole::Reason.key());
        let status: Option<Vec<Status>> = match (&status_col, &reason_col) {
            (Some(st), _) => Some(
                st.iter()
                    .map(|v| {
                        if is(v, "COMPLETED") {
                            Status::Completed
                        } else if is(v, "DISCONTINUED") {
                            Status::Discontinued
                        } else {
                            Status::Ongoing
                        }
                    })
                    .collect(),
            ),
            (None, Some(r)) => Some(
                r.iter()
                    .map(|v| match v {
                        None => Status::Ongoing,
                        Some(_) if is(v, "COMPLETED") => Status::Completed,
                        Some(_) => Status::Discontinued,
                    })
                    .collect(),
            ),
            (None, None) => None,
        };
        let reason = match (&status, reason_col) {
            (Some(st), Some(r)) => Some(
                st.iter()
                    .zip(r)
                    .map(|(s, r)| {
                        (*s == Status::Discontinued)
                            .then(|| r.unwrap_or_else(|| NOT_GIVEN.to_string()))
                    })
                    .collect(),
            ),
            _ => None,
        };
        let flag = |role: ColumnRole| {
            optional_texts(adsl, role.key()).map(|v| v.iter().map(|x| is(x, "Y")).collect())
        };
        let treatment = match (
            optional_texts(adsl, "ARM"),
            optional_texts(adsl, ACTUAL_ARM),
        ) {
            (Some(a), Some(b)) => Some((a, b)),
            _ => None,
        };
        let follow_up = subject_follow_up(snap, trial)?
            .filter(|_| trial.primary.horizon.is_some_and(|h| h > 0.0))
            .map(|v| v.iter().map(|s| (s.due, s.complete)).collect());
        Ok(Rows {
            status,
            reason,
            flags: [
                flag(ColumnRole::IttFlag),
                flag(ColumnRole::SafetyFlag),
                flag(ColumnRole::PpFlag),
            ],
            treatment,
            follow_up,
        })
    }

    /// The counts over `rows`, reasons in the order `order` gives.
    fn count(&self, rows: &[usize], order: &[String]) -> DispositionCounts {
        let n = |f: &dyn Fn(usize) -> bool| u32_of(rows.iter().filter(|&&r| f(r)).count());
        let status = |s: Status| Cell::collected(self.status.as_ref().map(|v| n(&|r| v[r] == s)));
        let reasons = match &self.reason {
            Some(v) => order
                .iter()
                .map(|reason| ReasonCount {
                    reason: reason.clone(),
                    subjects: Cell::Count(n(&|r| v[r].as_deref() == Some(reason))),
                })
                .collect(),
            None => Vec::new(),
        };
        let lost = Cell::collected(
            self.reason
                .as_ref()
                .map(|v| n(&|r| v[r].as_deref().is_some_and(is_lost))),
        );
        let flag = |i: usize| Cell::collected(self.flags[i].as_ref().map(|v| n(&|r| v[r])));
        let treated = |f: &dyn Fn(&Option<String>, &Option<String>) -> bool| {
            self.treatment
                .as_ref()
                .map(|(a, b)| Cell::Count(n(&|r| f(&a[r], &b[r]))))
        };
        let fu = |i: usize| {
            self.follow_up
                .as_ref()
                .map(|v| Cell::Count(n(&|r| if i == 0 { v[r].0 } else { v[r].1 })))
        };
        DispositionCounts {
            screened: None,
            not_randomized: Vec::new(),
            randomized: u32_of(rows.len()),
            received_allocated: treated(&|a, b| b.is_some() && a == b),
            crossed_over: treated(&|a, b| b.is_some() && a != b),
            not_treated: treated(&|_, b| b.is_none()),
            completed: status(Status::Completed),
            ongoing: status(Status::Ongoing),
            discontinued: status(Status::Discontinued),
            reasons,
            lost_to_follow_up: lost,
            primary_due: fu(0),
            primary_complete: fu(1),
            itt: flag(0),
            safety: flag(1),
            per_protocol: flag(2),
        }
    }

    /// Every reason, most frequent first, then by name.
    fn reasons(&self) -> Vec<String> {
        let mut counts: BTreeMap<&str, u32> = BTreeMap::new();
        for r in self.reason.iter().flatten().flatten() {
            *counts.entry(r.as_str()).or_default() += 1;
        }
        let mut v: Vec<(&str, u32)> = counts.into_iter().collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        v.into_iter().map(|(r, _)| r.to_string()).collect()
    }
}

/// The disposition of all subjects and of each group `groups` names
/// (group -> ADSL rows; none for the open view).
pub fn disposition(
    snap: &Snapshot,
    trial: &TrialConfig,
    groups: &BTreeMap<String, Vec<usize>>,
) -> PolarsResult<Disposition> {
    let rows = Rows::of(snap, trial)?;
    let order = rows.reasons();
    let all: Vec<usize> = (0..snap.adsl.height()).collect();
    let mut total = rows.count(&all, &order);
    if let Some(sc) = &snap.screening {
        total.screened = Some(sc.screened);
        total.not_randomized = sc
            .not_randomized
            .iter()
            .map(|(r, n)| ReasonCount {
                reason: r.clone(),
                subjects: Cell::Count(*n),
            })
            .collect();
    }
    Ok(Disposition {
        actual_treatment: rows.treatment.is_some(),
        total,
        by_arm: groups
            .iter()
            .map(|(g, r)| (g.clone(), rows.count(r, &order)))
            .collect(),
    })
}

/// The pooled-series key of the disposition's status and of its reasons.
pub const STATUS_KEY: &str = "disposition/status";
pub const REASON_KEY: &str = "disposition/reason";
pub const POPULATION_KEY: &str = "disposition/population";
pub const SCREENING_KEY: &str = "disposition/not_randomized";

/// The pooled counts the open view's disposition shows, for suppression:
/// the statuses (a partition of the subjects), the reasons (a partition
/// of the discontinued, lost to follow-up one of them) and each analysis
/// population on its own.
pub fn pooled_groups(d: &DispositionCounts) -> Vec<PooledGroup> {
    let mut out = Vec::new();
    let status: Vec<(String, u32)> = [
        ("completed", d.completed),
        ("ongoing", d.ongoing),
        ("discontinued", d.discontinued),
    ]
    .into_iter()
    .filter_map(|(k, c)| Some((k.to_string(), c.count()?)))
    .collect();
    if !status.is_empty() {
        out.push(PooledGroup {
            key: STATUS_KEY.into(),
            levels: status,
            partition: true,
            within: Vec::new(),
        });
    }
    if !d.not_randomized.is_empty() {
        out.push(PooledGroup {
            key: SCREENING_KEY.into(),
            levels: d
                .not_randomized
                .iter()
                .filter_map(|r| Some((r.reason.clone(), r.subjects.count()?)))
                .collect(),
            partition: true,
            within: Vec::new(),
        });
    }
    if !d.reasons.is_empty() {
        out.push(PooledGroup {
            key: REASON_KEY.into(),
            levels: d
                .reasons
                .iter()
                .filter_map(|r| Some((r.reason.clone(), r.subjects.count()?)))
                .collect(),
            partition: true,
            within: Vec::new(),
        });
    }
    let populations: Vec<(String, u32)> = [
        ("itt", d.itt),
        ("safety", d.safety),
        ("per_protocol", d.per_protocol),
    ]
    .into_iter()
    .filter_map(|(k, c)| Some((k.to_string(), c.count()?)))
    .collect();
    if !populations.is_empty() {
        out.push(PooledGroup {
            key: POPULATION_KEY.into(),
            levels: populations,
            partition: false,
            within: Vec::new(),
        });
    }
    out
}

/// `d` as the sponsor may see it: every count `shown` lets through, the
/// others `Suppressed`; the randomized and the primary follow-up counts as
/// they are (pooled enrollment and follow-up are shown to every role).
pub fn suppressed(
    d: &DispositionCounts,
    shown: &dyn Fn(&str, &str, u32) -> Option<u32>,
) -> DispositionCounts {
    let cell = |key: &str, level: &str, c: Cell| match c {
        Cell::Count(n) => shown(key, level, n).map_or(Cell::Suppressed, Cell::Count),
        other => other,
    };
    let reasons: Vec<ReasonCount> = d
        .reasons
        .iter()
        .map(|r| ReasonCount {
            reason: r.reason.clone(),
            subjects: cell(REASON_KEY, &r.reason, r.subjects),
        })
        .collect();
    // Lost to follow-up is the sum of its reasons' rows, shown only when
    // they all are (a count of its own could give a hidden row away).
    let lost_rows: Vec<Cell> = reasons
        .iter()
        .filter(|r| is_lost(&r.reason))
        .map(|r| r.subjects)
        .collect();
    let lost = match d.lost_to_follow_up {
        Cell::Count(_) if lost_rows.iter().all(|c| c.count().is_some()) => {
            Cell::Count(lost_rows.iter().filter_map(|c| c.count()).sum())
        }
        Cell::Count(_) => Cell::Suppressed,
        other => other,
    };
    DispositionCounts {
        screened: d.screened,
        not_randomized: d
            .not_randomized
            .iter()
            .map(|r| ReasonCount {
                reason: r.reason.clone(),
                subjects: cell(SCREENING_KEY, &r.reason, r.subjects),
            })
            .collect(),
        randomized: d.randomized,
        received_allocated: None,
        crossed_over: None,
        not_treated: None,
        completed: cell(STATUS_KEY, "completed", d.completed),
        ongoing: cell(STATUS_KEY, "ongoing", d.ongoing),
        discontinued: cell(STATUS_KEY, "discontinued", d.discontinued),
        reasons,
        lost_to_follow_up: lost,
        primary_due: d.primary_due,
        primary_complete: d.primary_complete,
        itt: cell(POPULATION_KEY, "itt", d.itt),
        safety: cell(POPULATION_KEY, "safety", d.safety),
        per_protocol: cell(POPULATION_KEY, "per_protocol", d.per_protocol),
    }
}
