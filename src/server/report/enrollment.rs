//! Enrollment: by site, by month (pooled, and by arm for the closed report),
//! by day, and the pooled summary of a served cut with the projected date of
//! the next look.

use super::frames::count_by;
use super::types::MonthCount;
use crate::dto::{CumulativePoint, EnrollmentSummary, Projection, SiteCount};
use crate::server::config::TrialConfig;
use crate::server::data::days::from_epoch_days;
use crate::server::data::load::Snapshot;
use crate::server::data::manifest::Manifest;
use polars::prelude::*;
use std::collections::BTreeMap;

pub(crate) fn cumulative_by_month(snap: &Snapshot) -> Result<Vec<MonthCount>, PolarsError> {
    cumulative_by_month_of(snap, None)
}

/// Cumulative randomizations at the end of each month from the first
/// randomization's month to the last's (months without any included), of
/// all subjects or of those randomized to `arm` (closed snapshots): every
/// arm's series has the same months.
pub(crate) fn cumulative_by_month_of(
    snap: &Snapshot,
    arm: Option<&str>,
) -> Result<Vec<MonthCount>, PolarsError> {
    let days = snap.adsl.column("RANDDT")?.cast(&DataType::Int32)?;
    let arms: Option<Vec<Option<String>>> = match arm {
        Some(_) => Some(
            snap.adsl
                .column("ARM")?
                .str()?
                .iter()
                .map(|v| v.map(str::to_string))
                .collect(),
        ),
        None => None,
    };
    let month_of = |d: i32| from_epoch_days(d).format("%Y-%m").to_string();
    let mut months: BTreeMap<String, u32> = BTreeMap::new();
    let (mut first, mut last): (Option<String>, Option<String>) = (None, None);
    for (i, d) in days.i32()?.iter().enumerate() {
        let Some(d) = d else { continue };
        let m = month_of(d);
        if first.as_ref().is_none_or(|f| m < *f) {
            first = Some(m.clone());
        }
        if last.as_ref().is_none_or(|l| m > *l) {
            last = Some(m.clone());
        }
        let counted = match (&arms, arm) {
            (Some(a), Some(want)) => a.get(i).and_then(|x| x.as_deref()) == Some(want),
            _ => true,
        };
        let e = months.entry(m).or_insert(0);
        if counted {
            *e += 1;
        }
    }
    // Fill months without randomizations so the series is continuous.
    let mut out = Vec::new();
    let (Some(first), Some(last)) = (first, last) else {
        return Ok(out);
    };
    let parse = |m: &str| chrono::NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d").ok();
    let (Some(mut m), Some(end)) = (parse(&first), parse(&last)) else {
        return Ok(out);
    };
    let mut total = 0;
    while m <= end {
        let key = m.format("%Y-%m").to_string();
        total += months.get(&key).copied().unwrap_or(0);
        out.push(MonthCount {
            month: key,
            enrolled: total,
        });
        m = m
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(end + chrono::Duration::days(1));
    }
    Ok(out)
}

pub(crate) fn by_site(snap: &Snapshot) -> Result<BTreeMap<String, u32>, PolarsError> {
    Ok(count_by(snap.adsl.clone().lazy(), "SITEID")?
        .into_iter()
        .collect())
}

/// (site, subjects) pairs.
pub type SiteCounts = Vec<(String, u32)>;
/// (day, subjects randomized on or before it) pairs.
pub type DailyCumulative = Vec<(chrono::NaiveDate, u32)>;

/// Enrollment per site (sorted) and cumulatively per calendar day with
/// randomizations (ascending), from the snapshot's ADSL.
pub fn enrollment_by_site_and_day(snap: &Snapshot) -> (SiteCounts, DailyCumulative) {
    let sites = by_site(snap).unwrap_or_default().into_iter().collect();
    let mut per_day: BTreeMap<i32, u32> = BTreeMap::new();
    if let Ok(days) = snap
        .adsl
        .column("RANDDT")
        .and_then(|c| c.cast(&DataType::Int32))
    {
        if let Ok(days) = days.i32() {
            for d in days.iter().flatten() {
                *per_day.entry(d).or_insert(0) += 1;
            }
        }
    }
    let mut total = 0;
    let cumulative = per_day
        .into_iter()
        .map(|(d, n)| {
            total += n;
            (from_epoch_days(d), total)
        })
        .collect();
    (sites, cumulative)
}

/// Pooled enrollment of a snapshot, for the overview page (its chart is
/// drawn by `server::views`).
pub fn enrollment_summary(config: &TrialConfig, snap: &Snapshot) -> EnrollmentSummary {
    let (by_site, cumulative) = enrollment_by_site_and_day(snap);
    EnrollmentSummary {
        trial_id: config.id.clone(),
        trial_title: config.title.clone(),
        cut_date: snap.cut_date.to_string(),
        total: u32::try_from(snap.adsl.height()).unwrap_or(u32::MAX),
        target: config.enrollment.target,
        by_site: by_site
            .into_iter()
            .map(|(site, enrolled)| SiteCount { site, enrolled })
            .collect(),
        cumulative: cumulative
            .into_iter()
            .map(|(d, enrolled)| CumulativePoint {
                date: d.format("%Y-%m-%d").to_string(),
                enrolled,
            })
            .collect(),
        projection: None,
        viewer_role: None,
        chart: Default::default(),
        cuts: Vec::new(),
        follow_up: super::completeness::follow_up(snap, config).ok().flatten(),
        timeliness: super::completeness::timeliness(snap, Manifest::registered_at(&snap.dir)).ok(),
    }
    .with_projection(config, snap.cut_date)
}

/// Days over which the recent accrual rate is measured.
pub const ACCRUAL_WINDOW_DAYS: i64 = 180;

impl EnrollmentSummary {
    /// Add the projected date of the next planned look: the first look whose
    /// subjects (fraction x target) are not all randomized by the cut, at a
    /// constant accrual rate equal to the mean over the last 180 days before
    /// the cut (or since the first randomization, if later), plus the primary
    /// endpoint's follow-up horizon. Looks declared formal at this cut or
    /// an earlier one are done. Time-to-event looks are counted in
    /// events and need an event model: none is projected for them.
    pub fn with_projection(mut self, config: &TrialConfig, cut: chrono::NaiveDate) -> Self {
        self.projection = None;
        use crate::server::config::EndpointKind;
        if config.design.endpoint == EndpointKind::TimeToEvent {
            return self;
        }
        let parse = |d: &str| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok();
        let Some(first) = self.cumulative.first().and_then(|p| parse(&p.date)) else {
            return self;
        };
        let window_start = std::cmp::max(first, cut - chrono::Duration::days(ACCRUAL_WINDOW_DAYS));
        let days = (cut - window_start).num_days().max(1);
        let before: u32 = self
            .cumulative
            .iter()
            .rev()
            .find(|p| parse(&p.date).is_some_and(|d| d < window_start))
            .map_or(0, |p| p.enrolled);
        let in_window = self.total.saturating_sub(before);
        if in_window == 0 {
            return self;
        }
        let per_day = f64::from(in_window) / days as f64;
        let horizon = config.primary.horizon.unwrap_or(0.0).ceil() as i64;
        // Looks declared at this cut or before are done, whatever their
        // subjects.
        let done = config
            .design
            .formal_looks
            .iter()
            .filter(|l| parse(&l.cut).is_some_and(|d| d <= cut))
            .map(|l| l.look)
            .max()
            .unwrap_or(0);
        let next = config
            .design
            .looks
            .iter()
            .enumerate()
            .skip(done)
            .find(|(_, f)| (*f * f64::from(self.target)).ceil() as u32 > self.total);
        let Some((i, &fraction)) = next else {
            return self;
        };
        let needed = (fraction * f64::from(self.target)).ceil() as u32;
        let to_go = f64::from(needed - self.total);
        let randomized_by = cut + chrono::Duration::days((to_go / per_day).ceil() as i64);
        let look_date = randomized_by + chrono::Duration::days(horizon);
        self.projection = Some(Projection {
            look: i + 1,
            fraction,
            subjects_needed: needed,
            rate_per_month: per_day * 30.0,
            randomized_by: randomized_by.format("%Y-%m-%d").to_string(),
            look_date: look_date.format("%Y-%m-%d").to_string(),
            model: format!(
                "constant accrual at the mean rate of the {days} days before the cut ({in_window} randomized){}",
                if horizon > 0 {
                    format!(", plus the {horizon}-day follow-up of the primary endpoint")
                } else {
                    String::new()
                }
            ),
        });
        self
    }
}
