//! The lab profile of a subject in the Hy's law range: ALT, AST, bilirubin
//! and ALP over study days in multiples of the upper limit of normal, with
//! the subject's adverse events and death (closed report).

use super::HysLawCase;
use crate::server::config::TrialConfig;
use crate::server::data::adlb::LabRecords;
use crate::server::data::days::{day_numbers, days_in, study_day};
use crate::server::data::load::Snapshot;
use polars::prelude::*;
use serde::Serialize;
use std::collections::HashMap;

/// A value on a study day.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct ProfilePoint {
    pub day: i64,
    pub xuln: f64,
    pub baseline: bool,
}

/// One liver test's values.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProfileSeries {
    pub param: String,
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
    pub series: Vec<ProfileSeries>,
    /// By onset.
    pub events: Vec<ProfileEvent>,
    pub death_day: Option<i64>,
}

/// The profiles of `cases`' subjects, in their order.
pub fn profiles(
    snap: &Snapshot,
    labs: &LabRecords,
    trial: &TrialConfig,
    cases: &[HysLawCase],
) -> PolarsResult<Vec<LabProfile>> {
    if cases.is_empty() {
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
    for (k, c) in cases.iter().enumerate() {
        if let Some(&r) = row_of.get(c.usubjid.as_str()) {
            case_of.insert(r as u32, k);
        }
    }
    let liver = trial.labs.ratio_params();
    // The liver series of each parameter the records hold.
    let series_of: Vec<Option<usize>> = labs
        .params
        .iter()
        .map(|code| liver.iter().position(|x| x == code))
        .collect();
    let mut out: Vec<LabProfile> = cases
        .iter()
        .map(|c| LabProfile {
            usubjid: c.usubjid.clone(),
            arm: c.arm.clone(),
            series: liver
                .iter()
                .map(|p| ProfileSeries {
                    param: p.to_string(),
                    points: Vec::new(),
                })
                .collect(),
            events: Vec::new(),
            death_day: row_of
                .get(c.usubjid.as_str())
                .and_then(|&r| Some(study_day(death[r]?, rand[r]?))),
        })
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
        .select(["SUBJ", "PARAM", "AVAL", "HI", "BASE", "ADT"])?
        .filter(&mask)?;
    let subj = adlb.column("SUBJ")?.u32()?;
    let code = adlb.column("PARAM")?.u32()?;
    let aval = adlb.column("AVAL")?.f64()?;
    let hi = adlb.column("HI")?.f64()?;
    let base = adlb.column("BASE")?.bool()?;
    let adt = day_numbers(adlb.column("ADT")?)
        .ok_or_else(|| PolarsError::ComputeError("ADLB: ADT is not a date".into()))?;
    let rows = subj
        .iter()
        .zip(code.iter())
        .zip(aval.iter().zip(hi.iter()))
        .zip(adt.iter().zip(base.iter()));
    for (((s, c), (v, h)), (d, b)) in rows {
        let Some(s) = s else { continue };
        let Some(&k) = case_of.get(&s) else { continue };
        let (Some(c), Some(v), Some(h), Some(d)) = (c, v, h, d) else {
            continue;
        };
        let Some(p) = series_of.get(c as usize).copied().flatten() else {
            continue;
        };
        let Some(r) = rand[s as usize] else { continue };
        if h > 0.0 {
            out[k].series[p].points.push(ProfilePoint {
                day: study_day(d, r),
                xuln: v / h,
                baseline: b == Some(true),
            });
        }
    }
    for p in &mut out {
        for s in &mut p.series {
            s.points.sort_by_key(|a| a.day);
        }
    }
    // Adverse events, by the ADSL row ADAE's loader found for each record.
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
        for p in &mut out {
            p.events
                .sort_by(|a, b| a.day.cmp(&b.day).then_with(|| a.term.cmp(&b.term)));
        }
    }
    Ok(out)
}
