//! The row checks of ADSL, ADAE and ADTTE: every problem names the file,
//! the data row and the column (see `docs/DATA.md` for the list). Each
//! returns the typed frame the reports use, or `None` when the dataset
//! cannot be used.

use super::days::{date_text, day_numbers, epoch_days};
use super::problem::{Collector, Problem};
use super::read::Frame;
use crate::server::config::secondary::SecondaryKind;
use crate::server::config::{BaselineKind, ColumnRole, TrialConfig};
use chrono::NaiveDate;
use polars::prelude::*;

/// Subjects of ADSL: row index, randomization day and death day (days
/// since 1970-01-01), for checking the other datasets against.
pub struct AdslIndex {
    pub index: PlHashMap<String, Known>,
}

/// A subject's ADSL row, randomization day and death day.
pub type Known = (usize, i32, Option<i32>);

impl AdslIndex {
    /// The subject's (ADSL row, randomization day, death day), or a problem
    /// at `row` of `f` saying it is not in ADSL.
    pub fn known(&self, c: &mut Collector, f: &Frame, row: usize, id: &str) -> Option<Known> {
        let found = self.index.get(id).copied();
        if found.is_none() {
            c.push(
                "subject not in ADSL",
                Problem::at(
                    &f.shown(),
                    f.row(row),
                    "USUBJID",
                    &format!("subject {id} is not in ADSL"),
                ),
            );
        }
        found
    }
}

pub fn validate_adsl(
    f: &Frame,
    trial: &TrialConfig,
    cut_date: NaiveDate,
    c: &mut Collector,
) -> Option<(DataFrame, AdslIndex)> {
    let rand_var = trial.data.randomization_date.as_str();
    let height = f.frame.height();
    let ids = f.text(c, "USUBJID", true);
    let sites = f.text(c, "SITEID", true);
    let rand = f.dates(c, rand_var, true);
    let death = match &trial.data.death_date {
        Some(col) if f.has(col) => f.dates(c, col, false),
        _ => Some(Column::full_null("DTHDT".into(), height, &DataType::Date)),
    };
    let (ids, sites, rand, death) = (ids?, sites?, rand?, death?);
    let id_ca = ids.str().ok()?;
    let rand_d = day_numbers(&rand)?;
    let death_d = day_numbers(&death)?;
    let cut_days = epoch_days(cut_date);
    let death_var = trial.data.death_date.as_deref().unwrap_or("DTHDT");
    let mut index = PlHashMap::with_capacity(height);
    for (row, ((id, r), d)) in id_ca
        .iter()
        .zip(rand_d.iter())
        .zip(death_d.iter())
        .enumerate()
    {
        let (Some(id), Some(r)) = (id, r) else {
            continue;
        };
        if r > cut_days {
            c.push(
                "randomized after the cut",
                Problem::at(
                    &f.shown(),
                    f.row(row),
                    rand_var,
                    &format!(
                        "randomized on {}, after the cut date {cut_date}",
                        date_text(r)
                    ),
                ),
            );
        }
        if let Some(d) = d {
            if d < r {
                c.push(
                    "death before randomization",
                    Problem::at(
                        &f.shown(),
                        f.row(row),
                        death_var,
                        &format!(
                            "death on {} is before randomization on {}",
                            date_text(d),
                            date_text(r)
                        ),
                    ),
                );
            }
        }
        if let Some((first, _, _)) = index.get(id) {
            c.push(
                "duplicate USUBJID",
                Problem::at(
                    &f.shown(),
                    f.row(row),
                    "USUBJID",
                    &format!("subject {id} appears again (first at row {})", first + 1),
                ),
            );
        } else {
            index.insert(id.to_string(), (row, r, d));
        }
    }
    let mut columns = vec![
        ids.clone(),
        sites,
        rand.with_name("RANDDT".into()),
        death.with_name("DTHDT".into()),
    ];
    for s in &trial.subgroups {
        let col = if s.cuts.is_some() {
            f.numbers(c, &s.variable, false)
        } else {
            f.text(c, &s.variable, false)
        };
        columns.push(col?);
    }
    // Baseline variables: numbers or text as summarised; a column the file
    // lacks is not collected (the table says so), and one a subgroup reads
    // already is kept as it is.
    for b in &trial.baseline {
        if !f.has(&b.variable) || columns.iter().any(|c| c.name().as_str() == b.variable) {
            continue;
        }
        let col = match b.kind {
            BaselineKind::Categorical => f.text(c, &b.variable, false),
            BaselineKind::Continuous | BaselineKind::Above => f.numbers(c, &b.variable, false),
        };
        columns.push(col?);
    }
    if let Some(flag) = &trial.primary.adsl_flag {
        columns.push(f.text(c, flag, false)?.with_name("PRIMFL".into()));
    }
    // Secondary endpoints read from ADSL: a binary one's variable as text,
    // a continuous one's as numbers (a missing column, or a value that is
    // not a number, is a problem naming the file, the row and the column).
    for s in &trial.secondary {
        let Some(v) = s.variable.as_ref() else {
            continue;
        };
        if !columns.iter().any(|c| c.name().as_str() == v) {
            columns.push(if s.kind == SecondaryKind::Continuous {
                f.numbers(c, v, false)?
            } else {
                f.text(c, v, false)?
            });
        }
    }
    // Benefit-risk outcomes read from ADSL: their variables as text.
    for v in trial
        .benefit_risk
        .levels
        .iter()
        .filter_map(|l| l.variable.as_ref())
    {
        if !columns.iter().any(|c| c.name().as_str() == v) {
            columns.push(f.text(c, v, false)?);
        }
    }
    if let Some(days) = trial
        .analysis
        .exposure
        .as_ref()
        .and_then(|e| e.adsl_days.as_ref())
    {
        columns.push(f.numbers(c, days, false)?.with_name("EXPDAYS".into()));
    }
    for role in ColumnRole::ADSL {
        if let Some(name) = trial
            .columns
            .candidates(role)
            .into_iter()
            .find(|n| f.has(n))
        {
            let col = if role.numeric() {
                f.numbers(c, &name, false)
            } else {
                f.text(c, &name, false)
            };
            columns.push(col?.with_name(role.key().into()));
        }
    }
    for flag in &trial.columns.deviation_flags {
        if f.has(flag) {
            columns.push(
                f.text(c, flag, false)?
                    .with_name(format!("@DV:{flag}").into()),
            );
        }
    }
    let df = DataFrame::new_infer_height(columns).ok()?;
    Some((df, AdslIndex { index }))
}

/// The ADAE columns the safety categories filter on.
pub fn category_columns(trial: &TrialConfig) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for cat in &trial.safety {
        for cond in &cat.conditions {
            if !out.contains(&cond.column) {
                out.push(cond.column.clone());
            }
        }
    }
    out
}

pub fn validate_adae(
    f: &Frame,
    trial: &TrialConfig,
    cut_date: NaiveDate,
    subjects: &AdslIndex,
    c: &mut Collector,
) -> Option<(DataFrame, Vec<u32>)> {
    let height = f.frame.height();
    let ids = f.text(c, "USUBJID", true)?;
    let start = if f.has("ASTDT") {
        f.dates(c, "ASTDT", false)?
    } else if f.has("ASTDTM") {
        f.dates(c, "ASTDTM", false)?
    } else {
        Column::full_null("ASTDT".into(), height, &DataType::Date)
    };
    let emergent = if f.has("TRTEMFL") {
        Some(f.text(c, "TRTEMFL", false)?)
    } else {
        None
    };
    let cut_days = epoch_days(cut_date);
    let id_ca = ids.str().ok()?;
    let start_d = day_numbers(&start)?;
    let emergent_ca = emergent.as_ref().and_then(|e| e.str().ok());
    let mut emergent_iter = emergent_ca.map(|e| e.iter());
    // Each row's subject as its ADSL row; records come grouped by subject,
    // so a row with the previous row's identifier reuses its lookup.
    let mut subject_rows: Vec<u32> = Vec::with_capacity(height);
    let mut previous: Option<(&str, Known)> = None;
    for (row, (id, s)) in id_ca.iter().zip(start_d.iter()).enumerate() {
        let is_emergent = match emergent_iter.as_mut() {
            Some(it) => it.next().flatten() == Some("Y"),
            None => true,
        };
        let known = match (id, previous) {
            (None, _) => None,
            (Some(id), Some((p, found))) if p == id => Some(found),
            (Some(id), _) => {
                let found = subjects.known(c, f, row, id);
                previous = found.map(|found| (id, found));
                found
            }
        };
        subject_rows.push(known.map_or(u32::MAX, |(r, _, _)| u32::try_from(r).unwrap_or(u32::MAX)));
        let Some((_, rand, death)) = known else {
            continue;
        };
        let Some(s) = s else { continue };
        if is_emergent && s < rand {
            c.push(
                "event before randomization",
                Problem::at(
                    &f.shown(),
                    f.row(row),
                    "ASTDT",
                    &format!(
                        "treatment-emergent event on {} is before randomization on {}",
                        date_text(s),
                        date_text(rand)
                    ),
                ),
            );
        }
        if let Some(d) = death {
            if s > d {
                c.push(
                    "event after death",
                    Problem::at(
                        &f.shown(),
                        f.row(row),
                        "ASTDT",
                        &format!(
                            "event on {} is after the subject's death on {}",
                            date_text(s),
                            date_text(d)
                        ),
                    ),
                );
            }
        }
        if s > cut_days {
            c.push(
                "event after the cut",
                Problem::at(
                    &f.shown(),
                    f.row(row),
                    "ASTDT",
                    &format!("event on {} is after the cut date {cut_date}", date_text(s)),
                ),
            );
        }
    }
    let mut columns = vec![ids, start.with_name("ASTDT".into())];
    let mut names: Vec<String> = vec!["USUBJID".into(), "ASTDT".into()];
    for name in category_columns(trial) {
        if !f.has(&name) {
            let cats: Vec<&str> = trial
                .safety
                .iter()
                .filter(|cat| cat.conditions.iter().any(|x| x.column == name))
                .map(|cat| cat.name.as_str())
                .collect();
            c.push(
                "missing column",
                Problem::column(
                    &f.shown(),
                    &name,
                    &format!(
                        "required column is missing (the safety categories {} filter on it)",
                        cats.join(", ")
                    ),
                ),
            );
            return None;
        }
        columns.push(f.text(c, &name, false)?);
        names.push(name);
    }
    for name in ["AESER", "AEOUT", "AEDECOD", "AETERM"] {
        if names.iter().any(|n| n == name) {
            continue;
        }
        let col = if f.has(name) {
            f.text(c, name, false)?
        } else {
            Column::full_null(name.into(), height, &DataType::String)
        };
        columns.push(col);
        names.push(name.to_string());
    }
    if f.has("AESEQ") && !names.iter().any(|n| n == "AESEQ") {
        columns.push(f.text(c, "AESEQ", false)?);
    }
    for role in ColumnRole::ADAE {
        if let Some(name) = trial
            .columns
            .candidates(role)
            .into_iter()
            .find(|n| f.has(n))
        {
            columns.push(f.text(c, &name, false)?.with_name(role.key().into()));
        }
    }
    Some((DataFrame::new_infer_height(columns).ok()?, subject_rows))
}

pub fn validate_adtte(
    f: &Frame,
    trial: &TrialConfig,
    subjects: &AdslIndex,
    c: &mut Collector,
) -> Option<DataFrame> {
    let ids = f.text(c, "USUBJID", true);
    let param = f.text(c, "PARAMCD", true);
    let aval = f.numbers(c, "AVAL", true);
    let cnsr = f.numbers(c, "CNSR", true);
    let (ids, param, aval, cnsr) = (ids?, param?, aval?, cnsr?);
    let id_ca = ids.str().ok()?;
    let aval_ca = aval.f64().ok()?;
    let cnsr_ca = cnsr.f64().ok()?;
    let mut bad_cnsr = false;
    for (row, ((id, a), x)) in id_ca
        .iter()
        .zip(aval_ca.iter())
        .zip(cnsr_ca.iter())
        .enumerate()
    {
        if let Some(id) = id {
            subjects.known(c, f, row, id);
        }
        if let Some(v) = a {
            if v < 0.0 {
                c.push(
                    "negative AVAL",
                    Problem::at(
                        &f.shown(),
                        f.row(row),
                        "AVAL",
                        &format!("time to event {v} is negative"),
                    ),
                );
            }
        }
        if let Some(v) = x {
            if v != 0.0 && v != 1.0 {
                bad_cnsr = true;
                c.push(
                    "CNSR not 0/1",
                    Problem::at(
                        &f.shown(),
                        f.row(row),
                        "CNSR",
                        &format!("{v} is not 0 (event) or 1 (censored)"),
                    ),
                );
            }
        }
    }
    if let Some(code) = &trial.primary.adtte_paramcd {
        let found = param.str().ok()?.iter().any(|p| p == Some(code.as_str()));
        if !found {
            c.push(
                "primary parameter missing",
                Problem::column(
                    &f.shown(),
                    "PARAMCD",
                    &format!("no row has PARAMCD {code:?}, the primary endpoint's parameter"),
                ),
            );
        }
    }
    if bad_cnsr {
        return None;
    }
    DataFrame::new_infer_height(vec![ids, param, aval, cnsr.cast(&DataType::Int32).ok()?]).ok()
}
