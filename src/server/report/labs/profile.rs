//! A subject's lab profile: every configured laboratory parameter (the
//! liver tests, the shift and trend parameters) over study days with its
//! reference range, and the subject's adverse events with their
//! seriousness and death (closed report). The report keeps the profiles of
//! the subjects in the Hy's law range; any other subject's is made on
//! demand from the cut's closed snapshot ([`subject_profile`]).

use crate::server::config::TrialConfig;
use crate::server::data::adlb::LabRecords;
use crate::server::data::days::{day_numbers, days_in, study_day};
use crate::server::data::load::Snapshot;
use polars::prelude::*;
use serde::Serialize;
use std::collections::HashMap;

/// A value on a study day, with the record's reference range.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct ProfilePoint {
    pub day: i64,
    pub value: f64,
    pub lo: Option<f64>,
    pub hi: Option<f64>,
    pub baseline: bool,
}

impl ProfilePoint {
    /// The value in multiples of the upper limit of normal, when the
    /// record has one.
    pub fn xuln(&self) -> Option<f64> {
        self.hi.filter(|h| *h > 0.0).map(|h| self.value / h)
    }

    /// "H" above the range, "L" below it, "" within it or without one.
    pub fn flag(&self) -> &'static str {
        match (self.lo, self.hi) {
            (_, Some(h)) if self.value > h => "H",
            (Some(l), _) if self.value < l => "L",
            _ => "",
        }
    }
}

/// One parameter's values.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProfileSeries {
    pub param: String,
    /// What the parameter is called, with its unit.
    pub label: String,
    /// A liver test (drawn in multiples of the ULN).
    pub liver: bool,
    pub points: Vec<ProfilePoint>,
}

/// An adverse event of the subject.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProfileEvent {
    pub day: Option<i64>,
    pub term: String,
    pub serious: bool,
}

/// A subject's lab profile.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LabProfile {
    pub usubjid: String,
    pub arm: String,
    /// Every configured parameter, in the configuration's order (liver
    /// tests first); a parameter without values has no points.
    pub series: Vec<ProfileSeries>,
    /// By onset.
    pub events: Vec<ProfileEvent>,
    pub death_day: Option<i64>,
}

/// The profile of subject `usubjid` at the cut of `snap`, or `None` when
/// ADSL has no such subject. Made on demand, for any subject of a closed
/// view (a walk over the cut's records).
pub fn subject_profile(
    snap: &Snapshot,
    trial: &TrialConfig,
    usubjid: &str,
) -> PolarsResult<Option<LabProfile>> {
    let ids = snap.adsl.column("USUBJID")?.str()?;
    let Some(row) = ids.iter().position(|id| id == Some(usubjid)) else {
        return Ok(None);
    };
    let arm = snap
        .adsl
        .column("ARM")?
        .cast(&DataType::String)?
        .str()?
        .get(row)
        .unwrap_or("")
        .to_string();
    let subjects = [(usubjid.to_string(), arm)];
    Ok(profiles(snap, snap.adlb.as_ref(), trial, &subjects)?.pop())
}

/// The profiles of `subjects` (identifier, arm code), in their order;
/// `labs` none when the cut has no ADLB (events and death only).
pub fn profiles(
    snap: &Snapshot,
    labs: Option<&LabRecords>,
    trial: &TrialConfig,
    subjects: &[(String, String)],
) -> PolarsResult<Vec<LabProfile>> {
    if subjects.is_empty() {
        return Ok(Vec::new());
    }
    let ids = snap.adsl.column("USUBJID")?.str()?;
    let rand = days_in(&snap.adsl, "RANDDT")?;
    let death = days_in(&snap.adsl, "DTHDT")?;
    let mut row_of: HashMap<&str, usize> = HashMap::new();
    for (r, id) in ids.iter().enumerate() {
        if let Some(id) = id {
            row_of.insert(id, r);
        }
    }
    // Case index of each listed subject's ADSL row.
    let mut case_of: HashMap<u32, usize> = HashMap::new();
    for (k, (id, _)) in subjects.iter().enumerate() {
        if let Some(&r) = row_of.get(id.as_str()) {
            case_of.insert(r as u32, k);
        }
    }
    let params = trial.labs.profile_params();
    let liver = trial.labs.ratio_params();
    let data_labels = labs.map(LabRecords::labels).unwrap_or_default();
    let labels = super::labels(trial, data_labels);
    let mut out: Vec<LabProfile> = subjects
        .iter()
        .map(|(id, arm)| LabProfile {
            usubjid: id.clone(),
            arm: arm.clone(),
            series: params
                .iter()
                .map(|p| ProfileSeries {
                    param: p.to_string(),
                    label: labels.get(*p).cloned().unwrap_or_else(|| p.to_string()),
                    liver: liver.contains(p),
                    points: Vec::new(),
                })
                .collect(),
            events: Vec::new(),
            death_day: row_of
                .get(id.as_str())
                .and_then(|&r| Some(study_day(death[r]?, rand[r]?))),
        })
        .collect();
    if let Some(labs) = labs {
        lab_values(snap, labs, &params, &case_of, &rand, &mut out)?;
    }
    events(snap, &case_of, &rand, &mut out)?;
    Ok(out)
}

/// Each listed subject's records of the profile's parameters.
fn lab_values(
    snap: &Snapshot,
    labs: &LabRecords,
    params: &[&str],
    case_of: &HashMap<u32, usize>,
    rand: &[Option<i32>],
    out: &mut [LabProfile],
) -> PolarsResult<()> {
    // The series of each parameter the records hold.
    let series_of: Vec<Option<usize>> = labs
        .params
        .iter()
        .map(|code| params.iter().position(|x| x == code))
        .collect();
    // The listed subjects' records first: a walk over SUBJ alone, then the
    // few rows kept (a second walk over every column of millions of records
    // was a fifth of the section's time).
    let mut listed = vec![false; snap.adsl.height()];
    for &r in case_of.keys() {
        listed[r as usize] = true;
    }
    let mask: BooleanChunked = labs
        .frame
        .column("SUBJ")?
        .u32()?
        .iter()
        .map(|s| s.is_some_and(|s| listed.get(s as usize) == Some(&true)))
        .collect();
    let adlb = labs
        .frame
        .select(["SUBJ", "PARAM", "AVAL", "LO", "HI", "BASE", "ADT"])?
        .filter(&mask)?;
    let subj = adlb.column("SUBJ")?.u32()?;
    let code = adlb.column("PARAM")?.u32()?;
    let aval = adlb.column("AVAL")?.f64()?;
    let lo = adlb.column("LO")?.f64()?;
    let hi = adlb.column("HI")?.f64()?;
    let base = adlb.column("BASE")?.bool()?;
    let adt = day_numbers(adlb.column("ADT")?)
        .ok_or_else(|| PolarsError::ComputeError("ADLB: ADT is not a date".into()))?;
    let rows = subj
        .iter()
        .zip(code.iter())
        .zip(aval.iter().zip(lo.iter().zip(hi.iter())))
        .zip(adt.iter().zip(base.iter()));
    for (((s, c), (v, (l, h))), (d, b)) in rows {
        let Some(s) = s else { continue };
        let Some(&k) = case_of.get(&s) else { continue };
        let (Some(c), Some(v), Some(d)) = (c, v, d) else {
            continue;
        };
        let Some(p) = series_of.get(c as usize).copied().flatten() else {
            continue;
        };
        let Some(r) = rand[s as usize] else { continue };
        out[k].series[p].points.push(ProfilePoint {
            day: study_day(d, r),
            value: v,
            lo: l,
            hi: h,
            baseline: b == Some(true),
        });
    }
    for p in out.iter_mut() {
        for s in &mut p.series {
            s.points.sort_by_key(|a| a.day);
        }
    }
    Ok(())
}

/// Each listed subject's adverse events, by the ADSL row ADAE's loader
/// found for each record, by onset.
fn events(
    snap: &Snapshot,
    case_of: &HashMap<u32, usize>,
    rand: &[Option<i32>],
    out: &mut [LabProfile],
) -> PolarsResult<()> {
    if snap.adae.height() == snap.adae_subject.len() && snap.adae.height() > 0 {
        let text = |name: &str| -> Option<StringChunked> {
            Some(
                snap.adae
                    .column(name)
                    .ok()?
                    .cast(&DataType::String)
                    .ok()?
                    .str()
                    .ok()?
                    .clone(),
            )
        };
        let decod = text("AEDECOD");
        let term = text("AETERM");
        let serious = text("AESER");
        let start = days_in(&snap.adae, "ASTDT")?;
        for (row, &s) in snap.adae_subject.iter().enumerate() {
            let Some(&k) = case_of.get(&s) else { continue };
            let name = decod
                .as_ref()
                .and_then(|d| d.get(row))
                .filter(|d| !d.is_empty())
                .or_else(|| term.as_ref().and_then(|t| t.get(row)))
                .unwrap_or("")
                .to_string();
            let day = match (start[row], rand[s as usize]) {
                (Some(d), Some(r)) => Some(study_day(d, r)),
                _ => None,
            };
            out[k].events.push(ProfileEvent {
                day,
                term: name,
                serious: serious.as_ref().and_then(|x| x.get(row)) == Some("Y"),
            });
        }
        for p in out.iter_mut() {
            p.events
                .sort_by(|a, b| a.day.cmp(&b.day).then_with(|| a.term.cmp(&b.term)));
        }
    }
    Ok(())
}
