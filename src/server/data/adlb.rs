//! The optional laboratory dataset of a cut, ADLB (an ADaM BDS dataset:
//! one row per subject, parameter and visit), read as the other datasets
//! are (CSV, Parquet or XPT; blinded or not) and checked row by row, each
//! problem naming the file, the row and the column. A cut without ADLB has
//! no laboratory data ("not collected").
//!
//! The typed records ([`LabRecords`]): a frame of SUBJ (UInt32: the
//! subject's ADSL row, so the reports count by number instead of matching
//! identifiers), PARAM (UInt32: the index of PARAMCD in `params`), AVAL, LO,
//! HI (Float64: the reference range, ANRLO/ANRHI or A1LO/A1HI), ADT (Date;
//! the date part of ADTM when ADT is absent), VISIT (UInt32: the index of
//! AVISIT in `visits`, null without one), AVISITN (Float64), BASE (the
//! ABLFL = Y record: Boolean). Codes and visit names are kept once, by
//! index: as text they took 16 bytes a record each (96 MB at three million
//! records), as indices 4.

use super::days::{date_text, day_numbers, epoch_days};
use super::layout;
use super::problem::{Collector, Problem};
use super::read::Frame;
use super::validate::{AdslIndex, Known};
use super::walk::Walk;
use crate::server::config::TrialConfig;
use chrono::NaiveDate;
use polars::prelude::*;
use std::path::Path;

/// A cut's laboratory records, typed (see the module's documentation).
#[derive(Clone, Debug)]
pub struct LabRecords {
    pub frame: DataFrame,
    /// PARAMCD's values, by the index in PARAM.
    pub params: Vec<String>,
    /// AVISIT's values, by the index in VISIT.
    pub visits: Vec<String>,
    /// Each parameter's name (PARAM, first seen), by the index in PARAM.
    pub names: Vec<Option<String>>,
    /// Each parameter's unit (AVALU, first seen), by the index in PARAM.
    pub units: Vec<Option<String>>,
}

impl LabRecords {
    /// The number of records.
    pub fn height(&self) -> usize {
        self.frame.height()
    }

    /// The index PARAM holds for parameter `code`, if any record has it.
    pub fn param_index(&self, code: &str) -> Option<u32> {
        self.params.iter().position(|p| p == code).map(|i| i as u32)
    }

    /// Each parameter's label as the data give it: PARAM, with AVALU's
    /// unit in brackets unless PARAM already ends with it; the PARAMCD
    /// when there is no PARAM.
    pub fn labels(&self) -> std::collections::BTreeMap<String, String> {
        self.params
            .iter()
            .enumerate()
            .map(|(i, code)| {
                let name = self.names.get(i).cloned().flatten();
                let unit = self.units.get(i).cloned().flatten();
                (code.clone(), label(code, name.as_deref(), unit.as_deref()))
            })
            .collect()
    }
}

/// A parameter's label from its code, PARAM and AVALU.
pub fn label(code: &str, name: Option<&str>, unit: Option<&str>) -> String {
    let name = name
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .unwrap_or(code);
    match unit.map(str::trim).filter(|u| !u.is_empty()) {
        Some(u) if !name.ends_with(&format!("({u})")) => format!("{name} ({u})"),
        _ => name.to_string(),
    }
}

/// Texts as indices into the distinct texts, in order of first sight;
/// records come in runs of one text, so the last one is tried first.
#[derive(Default)]
struct Dictionary {
    texts: Vec<String>,
    last: Option<u32>,
}

impl Dictionary {
    fn index(&mut self, text: &str) -> u32 {
        if let Some(i) = self.last.filter(|&i| self.texts[i as usize] == text) {
            return i;
        }
        let i = match self.texts.iter().position(|t| t == text) {
            Some(i) => i as u32,
            None => {
                self.texts.push(text.to_string());
                (self.texts.len() - 1) as u32
            }
        };
        self.last = Some(i);
        i
    }
}

/// ADLB's file stem.
pub const ADLB: &str = "adlb";

/// Whether `dir` holds ADLB in any format.
pub fn present(dir: &Path) -> bool {
    layout::has_dataset(dir, ADLB)
}

/// The columns ADLB is read with.
pub fn wanted() -> Vec<String> {
    [
        "USUBJID", "PARAMCD", "PARAM", "AVALU", "AVAL", "ANRLO", "ANRHI", "A1LO", "A1HI", "ADT",
        "ADTM", "AVISIT", "AVISITN", "ABLFL",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

/// The first of `names` the file has, read as numbers (all null when none).
fn range(f: &Frame, c: &mut Collector, names: [&str; 2]) -> Option<Column> {
    match names.iter().find(|n| f.has(n)) {
        Some(n) => Some(f.numbers(c, n, false)?.with_name(names[0].into())),
        None => Some(Column::full_null(
            names[0].into(),
            f.frame.height(),
            &DataType::Float64,
        )),
    }
}

/// Check ADLB `f` against ADSL's `subjects` and the cut date; the typed
/// records, or `None` when they cannot be used.
pub fn validate_adlb(
    f: &Frame,
    trial: &TrialConfig,
    cut_date: NaiveDate,
    subjects: &AdslIndex,
    c: &mut Collector,
) -> Option<LabRecords> {
    let height = f.frame.height();
    let ids = f.text(c, "USUBJID", true)?;
    let params = f.text(c, "PARAMCD", true)?;
    let aval = f.numbers(c, "AVAL", false)?;
    let lo = range(f, c, ["ANRLO", "A1LO"])?;
    let hi = range(f, c, ["ANRHI", "A1HI"])?;
    let date = if f.has("ADT") {
        f.dates(c, "ADT", true)?
    } else if f.has("ADTM") {
        f.dates(c, "ADTM", true)?
    } else {
        c.push(
            "missing column",
            Problem::column(
                &f.shown(),
                "ADT",
                "required column is missing (the analysis date, or ADTM)",
            ),
        );
        return None;
    };
    let visit = if f.has("AVISIT") {
        f.text(c, "AVISIT", false)?
    } else {
        Column::full_null("AVISIT".into(), height, &DataType::String)
    };
    let visitn = if f.has("AVISITN") {
        f.numbers(c, "AVISITN", false)?
    } else {
        Column::full_null("AVISITN".into(), height, &DataType::Float64)
    };
    let baseline_flag = if f.has("ABLFL") {
        f.text(c, "ABLFL", false)?
    } else {
        Column::full_null("ABLFL".into(), height, &DataType::String)
    };
    let optional_text = |c: &mut Collector, name: &str| {
        if f.has(name) {
            f.text(c, name, false)
        } else {
            Some(Column::full_null(name.into(), height, &DataType::String))
        }
    };
    let names = optional_text(c, "PARAM")?;
    let units = optional_text(c, "AVALU")?;
    let ratio = trial.labs.ratio_params();
    let cut_days = epoch_days(cut_date);
    // Each column walked in row order across its chunks (a ChunkedArray's
    // `get` finds the chunk on every call: most of the check's time at
    // millions of records).
    let (id_c, param_c) = (ids.str().ok()?, params.str().ok()?);
    let (aval_c, hi_c) = (aval.f64().ok()?, hi.f64().ok()?);
    let (flag_c, visit_c) = (baseline_flag.str().ok()?, visit.str().ok()?);
    let days_c = day_numbers(&date)?;
    let (mut id_ca, mut param_ca) = (Walk::new(id_c), Walk::new(param_c));
    let (mut aval_ca, mut hi_ca) = (Walk::new(aval_c), Walk::new(hi_c));
    let (mut flag_ca, mut visit_ca) = (Walk::new(flag_c), Walk::new(visit_c));
    let (mut name_ca, mut unit_ca) = (Walk::new(names.str().ok()?), Walk::new(units.str().ok()?));
    let (mut param_names, mut param_units): (Vec<Option<String>>, Vec<Option<String>>) =
        (Vec::new(), Vec::new());
    let (mut params_seen, mut visits_seen) = (Dictionary::default(), Dictionary::default());
    let mut param_index: Vec<u32> = Vec::with_capacity(height);
    let mut visit_index: Vec<Option<u32>> = Vec::with_capacity(height);
    let mut days = Walk::new(&days_c);
    let mut is_base = Vec::with_capacity(height);
    let mut subject: Vec<Option<u32>> = Vec::with_capacity(height);
    let mut previous: Option<(&str, Option<Known>)> = None;
    for row in 0..height {
        let base = flag_ca.get(row) == Some("Y");
        is_base.push(base);
        let param = param_ca.get(row).unwrap_or("");
        let index = params_seen.index(param) as usize;
        param_index.push(index as u32);
        if param_names.len() <= index {
            param_names.resize(index + 1, None);
            param_units.resize(index + 1, None);
        }
        // The first name and unit seen of each parameter.
        if param_names[index].is_none() {
            param_names[index] = name_ca.get(row).map(str::to_string);
        }
        if param_units[index].is_none() {
            param_units[index] = unit_ca.get(row).map(str::to_string);
        }
        visit_index.push(visit_ca.get(row).map(|v| visits_seen.index(v)));
        if aval_ca.get(row).is_some() && hi_ca.get(row).is_none() && ratio.contains(&param) {
            c.push(
                "no upper limit of normal",
                Problem::at(
                    &f.shown(),
                    f.row(row),
                    "ANRHI",
                    &format!(
                        "{param} has no upper limit of normal (ANRHI or A1HI): its values are shown as multiples of it"
                    ),
                ),
            );
        }
        let Some(id) = id_ca.get(row) else {
            subject.push(None);
            continue;
        };
        let known = match previous {
            Some((p, k)) if p == id => k,
            _ => {
                let k = subjects.known(c, f, row, id);
                previous = Some((id, k));
                k
            }
        };
        subject.push(known.and_then(|(r, _, _)| u32::try_from(r).ok()));
        let (Some((_, rand, _)), Some(day)) = (known, days.get(row)) else {
            continue;
        };
        if !base && day < rand {
            c.push(
                "lab before randomization",
                Problem::at(
                    &f.shown(),
                    f.row(row),
                    "ADT",
                    &format!(
                        "a post-baseline record on {} is before randomization on {}",
                        date_text(day),
                        date_text(rand)
                    ),
                ),
            );
        }
        if day > cut_days {
            c.push(
                "lab after the cut",
                Problem::at(
                    &f.shown(),
                    f.row(row),
                    "ADT",
                    &format!(
                        "a record on {} is after the cut date {cut_date}",
                        date_text(day)
                    ),
                ),
            );
        }
    }
    drop((id_ca, param_ca, visit_ca, name_ca, unit_ca));
    drop((ids, params, visit, names, units));
    let frame = DataFrame::new_infer_height(vec![
        Column::new("SUBJ".into(), subject),
        Column::new("PARAM".into(), param_index),
        aval,
        lo.with_name("LO".into()),
        hi.with_name("HI".into()),
        date.with_name("ADT".into()),
        Column::new("VISIT".into(), visit_index),
        visitn,
        Column::new("BASE".into(), is_base),
    ])
    .ok()?;
    Some(LabRecords {
        frame,
        params: params_seen.texts,
        visits: visits_seen.texts,
        names: param_names,
        units: param_units,
    })
}

#[cfg(test)]
mod tests {
    use super::{label, Dictionary};

    #[test]
    fn a_parameter_is_labelled_by_its_name_and_unit() {
        assert_eq!(
            label("HGB", Some("Hemoglobin"), Some("g/dL")),
            "Hemoglobin (g/dL)"
        );
        assert_eq!(
            label("ALT", Some("Alanine Aminotransferase (U/L)"), Some("U/L")),
            "Alanine Aminotransferase (U/L)"
        );
        assert_eq!(label("PLAT", None, Some("10^9/L")), "PLAT (10^9/L)");
        assert_eq!(label("CREAT", Some(" "), None), "CREAT");
    }

    #[test]
    fn a_dictionary_gives_each_text_its_index_of_first_sight() {
        let mut d = Dictionary::default();
        let got: Vec<u32> = ["ALT", "ALT", "AST", "ALT", "", "AST", "BILI", "BILI"]
            .iter()
            .map(|t| d.index(t))
            .collect();
        assert_eq!(got, [0, 0, 1, 0, 2, 1, 3, 3]);
        assert_eq!(d.texts, ["ALT", "AST", "", "BILI"]);
    }
}
