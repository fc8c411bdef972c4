//! Loading a data cut: read ADSL, ADAE and ADTTE (CSV, Parquet or XPT),
//! verify the registered manifest, enforce the blinding rules, validate
//! every row, and build a [`Snapshot`] of small typed frames.
//!
//! Two levels of loading, matching the two reports:
//! - [`Level::Open`] never opens the randomization list and drops every
//!   arm-identifying column as the files are read: the pooled report is
//!   computed from blinded frames only.
//! - [`Level::Closed`] attaches each subject's arm, from the ADSL arm column
//!   of an unblinded cut or from a randomization list.

use super::ingest::{read_frame, Frame};
use super::manifest::Manifest;
use super::problem::{Collector, Problem, Problems};
use super::trial::TrialConfig;
use chrono::NaiveDate;
use polars::prelude::*;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Which report the cut is loaded for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Open,
    Closed,
}

/// How to load a cut.
#[derive(Clone, Debug)]
pub struct LoadOptions {
    pub level: Level,
    /// A randomization list (USUBJID -> ARMCD) for a blinded cut; closed level only.
    pub randlist: Option<PathBuf>,
    /// The cut is declared blinded (it must then carry no arm column). When
    /// `None`, the manifest decides, else a folder named `blinded`.
    pub blinded: Option<bool>,
    /// The cut date, when neither the manifest nor the folder name gives it.
    pub cut_date: Option<NaiveDate>,
}

impl LoadOptions {
    pub fn open() -> Self {
        LoadOptions {
            level: Level::Open,
            randlist: None,
            blinded: None,
            cut_date: None,
        }
    }

    pub fn closed(randlist: Option<PathBuf>) -> Self {
        LoadOptions {
            level: Level::Closed,
            randlist,
            blinded: None,
            cut_date: None,
        }
    }
}

/// A file of the cut and its SHA-256.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FileDigest {
    pub name: String,
    pub sha256: String,
}

/// A validated data cut: typed frames and what is known about them.
///
/// Frames (only the columns the reports use):
/// - `adsl`: USUBJID, SITEID, RANDDT (Date), DTHDT (Date, null = alive),
///   ARM (arm code; closed level only), one column per subgroup variable
///   (Float64 for cut points, String for levels), PRIMFL (String) when the
///   primary endpoint is an ADSL flag.
/// - `adae`: USUBJID, ASTDT (Date), and one boolean column per safety
///   category (`CAT0`, `CAT1`, ...), AESER, AEOUT, AEDECOD (String).
/// - `adtte`: USUBJID, PARAMCD, AVAL (Float64), CNSR (Int32).
#[derive(Clone, Debug)]
pub struct Snapshot {
    pub trial_id: String,
    pub cut_date: NaiveDate,
    pub dir: PathBuf,
    /// The folder's files carry no arm column.
    pub blinded_source: bool,
    /// A manifest covers the files and their hashes were verified.
    pub registered: bool,
    pub level: Level,
    pub files: Vec<FileDigest>,
    pub adsl: DataFrame,
    pub adae: DataFrame,
    pub adtte: DataFrame,
}

/// Whether `name` is an arm-identifying ADaM column.
pub fn is_arm_column(name: &str) -> bool {
    let n = name.to_ascii_uppercase();
    const EXACT: [&str; 12] = [
        "ARM", "ARMCD", "ACTARM", "ACTARMCD", "ARMN", "TRTP", "TRTA", "TRTPN", "TRTAN", "TRTSEQP",
        "TRTSEQA", "TRTSEQPN",
    ];
    if EXACT.contains(&n.as_str()) || n == "TRTSEQAN" {
        return true;
    }
    // TRTxxP, TRTxxA, TRTxxPN, TRTxxAN for periods xx = 01..99
    let b = n.as_bytes();
    b.len() >= 6
        && n.starts_with("TRT")
        && b[3].is_ascii_digit()
        && b[4].is_ascii_digit()
        && matches!(&n[5..], "P" | "A" | "PN" | "AN")
}

/// The cut date from a folder name `cut-YYYY-MM-DD` (the folder or its parent).
pub fn cut_date_from_path(dir: &Path) -> Option<NaiveDate> {
    let try_name = |p: &Path| {
        p.file_name()
            .and_then(|s| s.to_str())
            .and_then(|s| s.strip_prefix("cut-"))
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
    };
    try_name(dir).or_else(|| dir.parent().and_then(try_name))
}

/// Read, verify and validate the cut in `dir` for `trial`.
pub fn load(dir: &Path, trial: &TrialConfig, opts: &LoadOptions) -> Result<Snapshot, Problems> {
    let dir_name = dir.display().to_string();
    let manifest = Manifest::find(dir).map_err(Problems::from)?;
    if let Some((m, _)) = &manifest {
        if m.trial != trial.id {
            return Err(Problem::file(
                &dir_name,
                &format!(
                    "the cut is registered for trial {:?}, not {:?}",
                    m.trial, trial.id
                ),
            )
            .into());
        }
    }
    let cut_date = manifest
        .as_ref()
        .map(|(m, _)| m.cut_date)
        .or(opts.cut_date)
        .or_else(|| cut_date_from_path(dir))
        .ok_or_else(|| {
            Problems::from(Problem::file(
                &dir_name,
                "cannot tell the cut date: name the folder cut-YYYY-MM-DD, register the cut, or pass --cut-date",
            ))
        })?;
    let declared_blinded = opts
        .blinded
        .or_else(|| manifest.as_ref().and_then(|(m, rel)| m.blinded_for(rel)))
        .unwrap_or_else(|| dir.file_name().and_then(|s| s.to_str()) == Some("blinded"));

    let enc = trial.data.encoding;
    let mut files = Vec::new();
    let mut read = |name: &str| -> Result<Frame, Problems> {
        let frame = read_frame(dir, name, enc)?;
        if let Some((m, rel)) = &manifest {
            m.verify(rel, &frame.file_name, &frame.sha256)
                .map_err(Problems::from)?;
        }
        files.push(FileDigest {
            name: frame.file_name.clone(),
            sha256: frame.sha256.clone(),
        });
        Ok(frame)
    };
    // Read all three, reporting every unreadable one.
    let (adsl, adae, adtte) = (read("adsl"), read("adae"), read("adtte"));
    let mut unreadable = Vec::new();
    for r in [&adsl, &adae, &adtte] {
        if let Err(p) = r {
            unreadable.extend(p.0.iter().cloned());
        }
    }
    if !unreadable.is_empty() {
        return Err(Problems(unreadable));
    }
    let (Ok(adsl), Ok(adae), Ok(adtte)) = (adsl, adae, adtte) else {
        unreachable!("every unreadable file was returned above")
    };
    if let Some((m, rel)) = &manifest {
        m.verify_complete(rel, &files).map_err(Problems::from)?;
    }

    // Blinding.
    let mut c = Collector::default();
    let arm_columns: Vec<(String, String)> = [&adsl, &adae, &adtte]
        .iter()
        .flat_map(|f| {
            f.frame
                .get_column_names()
                .into_iter()
                .filter(|n| is_arm_column(n))
                .map(|n| (f.file_name.clone(), n.to_string()))
                .collect::<Vec<_>>()
        })
        .collect();
    if declared_blinded && !arm_columns.is_empty() {
        let list: Vec<String> = arm_columns
            .iter()
            .map(|(f, n)| format!("{f}:{n}"))
            .collect();
        return Err(Problem::file(
            &dir_name,
            &format!(
                "REFUSED: this cut is declared blinded but carries arm-identifying columns ({}). Remove them, or register the folder as unblinded.",
                list.join(", ")
            ),
        )
        .into());
    }
    let blinded_source = arm_columns.is_empty();

    let adsl_t = validate_adsl(&adsl, trial, cut_date, opts.level, blinded_source, &mut c);
    let (mut adsl_df, subjects) = match adsl_t {
        Some(x) => x,
        None => return Err(c.finish()),
    };
    let adae_df = validate_adae(&adae, trial, cut_date, &subjects, &mut c);
    let adtte_df = validate_adtte(&adtte, trial, &subjects, &mut c);

    // Arms (closed level only; the open level never opens the randomization list).
    if opts.level == Level::Closed {
        let arms = if let Some(randlist) = &opts.randlist {
            // The registered randomization list, when this list is the cut's own.
            let registered = manifest.as_ref().and_then(|(m, key)| {
                let manifest_dir = if key == "." { Some(dir) } else { dir.parent() };
                let same_dir = match (manifest_dir, randlist.parent()) {
                    (Some(a), Some(b)) => a.canonicalize().ok() == b.canonicalize().ok(),
                    _ => false,
                };
                let name = randlist.file_name().and_then(|s| s.to_str());
                m.randlist
                    .as_ref()
                    .filter(|r| same_dir && Some(r.name.as_str()) == name)
            });
            arms_from_randlist(
                randlist,
                registered,
                trial,
                &subjects,
                adsl_df.height(),
                enc,
                &mut c,
            )
        } else if blinded_source {
            c.push(
                "arms",
                Problem::file(
                    &dir_name,
                    "the closed view needs arms: this cut is blinded, so give its randomization list (--randlist)",
                ),
            );
            None
        } else {
            arms_from_adsl(&adsl, trial, &mut c)
        };
        if let Some(arms) = arms {
            if let Err(e) = adsl_df.with_column(Column::new("ARM".into(), arms)) {
                c.push("internal", Problem::file(&adsl.shown(), &e.to_string()));
            }
        }
    }
    let problems = c.finish();
    if !problems.0.is_empty() {
        return Err(problems);
    }
    Ok(Snapshot {
        trial_id: trial.id.clone(),
        cut_date,
        dir: dir.to_path_buf(),
        blinded_source,
        registered: manifest.is_some(),
        level: opts.level,
        files,
        adsl: adsl_df,
        adae: adae_df.unwrap_or_default(),
        adtte: adtte_df.unwrap_or_default(),
    })
}

/// Subjects of ADSL: row index, randomization date and death date.
struct Subjects {
    index: HashMap<String, (usize, NaiveDate, Option<NaiveDate>)>,
}

fn validate_adsl(
    f: &Frame,
    trial: &TrialConfig,
    cut_date: NaiveDate,
    level: Level,
    blinded_source: bool,
    c: &mut Collector,
) -> Option<(DataFrame, Subjects)> {
    let _ = (level, blinded_source);
    let rand_var = trial.data.randomization_date.as_str();
    let ids = f.text(c, "USUBJID", true);
    let sites = f.text(c, "SITEID", true);
    let rand = f.dates(c, rand_var, true);
    let death = match &trial.data.death_date {
        Some(col) if f.has(col) => f.dates(c, col, false),
        _ => Some(vec![None; f.frame.height()]),
    };
    let (ids, sites, rand, death) = (ids?, sites?, rand?, death?);
    let mut index = HashMap::with_capacity(ids.len());
    let mut rand_dates = Vec::with_capacity(ids.len());
    for (row, id) in ids.iter().enumerate() {
        let Some(id) = id else { continue };
        let r = rand[row];
        if let Some(r) = r {
            if r > cut_date {
                c.push(
                    "randomized after the cut",
                    Problem::at(
                        &f.shown(),
                        row + 1,
                        rand_var,
                        &format!("randomized on {r}, after the cut date {cut_date}"),
                    ),
                );
            }
            if let Some(d) = death[row] {
                if d < r {
                    c.push(
                        "death before randomization",
                        Problem::at(
                            &f.shown(),
                            row + 1,
                            trial.data.death_date.as_deref().unwrap_or("DTHDT"),
                            &format!("death on {d} is before randomization on {r}"),
                        ),
                    );
                }
            }
        }
        rand_dates.push(r);
        if let Some((first, _, _)) = index.get(id) {
            c.push(
                "duplicate USUBJID",
                Problem::at(
                    &f.shown(),
                    row + 1,
                    "USUBJID",
                    &format!("subject {id} appears again (first at row {})", first + 1),
                ),
            );
        } else if let Some(r) = r {
            index.insert(id.clone(), (row, r, death[row]));
        }
    }
    let to_days = |d: &Option<NaiveDate>| d.map(days_since_epoch);
    let mut columns = vec![
        Column::new("USUBJID".into(), ids.clone()),
        Column::new("SITEID".into(), sites),
        Column::new(
            "RANDDT".into(),
            rand.iter().map(to_days).collect::<Vec<_>>(),
        )
        .cast(&DataType::Date)
        .ok()?,
        Column::new(
            "DTHDT".into(),
            death.iter().map(to_days).collect::<Vec<_>>(),
        )
        .cast(&DataType::Date)
        .ok()?,
    ];
    for s in &trial.subgroups {
        let col = if s.cuts.is_some() {
            f.numbers(c, &s.variable, false)
                .map(|v| Column::new(s.variable.as_str().into(), v))
        } else {
            f.text(c, &s.variable, false)
                .map(|v| Column::new(s.variable.as_str().into(), v))
        };
        columns.push(col?);
    }
    if let Some(flag) = &trial.primary.adsl_flag {
        columns.push(Column::new("PRIMFL".into(), f.text(c, flag, false)?));
    }
    let df = DataFrame::new_infer_height(columns).ok()?;
    Some((df, Subjects { index }))
}

fn days_since_epoch(d: NaiveDate) -> i32 {
    (d - NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch")).num_days() as i32
}

fn validate_adae(
    f: &Frame,
    trial: &TrialConfig,
    cut_date: NaiveDate,
    subjects: &Subjects,
    c: &mut Collector,
) -> Option<DataFrame> {
    let ids = f.text(c, "USUBJID", true)?;
    let start = if f.has("ASTDT") {
        f.dates(c, "ASTDT", false)?
    } else {
        vec![None; ids.len()]
    };
    let emergent = if f.has("TRTEMFL") {
        f.text(c, "TRTEMFL", false)?
    } else {
        vec![Some("Y".to_string()); ids.len()]
    };
    for (row, id) in ids.iter().enumerate() {
        let Some(id) = id else { continue };
        let Some(&(_, rand, death)) = subjects.index.get(id) else {
            c.push(
                "subject not in ADSL",
                Problem::at(
                    &f.shown(),
                    row + 1,
                    "USUBJID",
                    &format!("subject {id} is not in ADSL"),
                ),
            );
            continue;
        };
        let Some(s) = start[row] else { continue };
        if emergent[row].as_deref() == Some("Y") && s < rand {
            c.push(
                "event before randomization",
                Problem::at(
                    &f.shown(),
                    row + 1,
                    "ASTDT",
                    &format!("treatment-emergent event on {s} is before randomization on {rand}"),
                ),
            );
        }
        if let Some(d) = death {
            if s > d {
                c.push(
                    "event after death",
                    Problem::at(
                        &f.shown(),
                        row + 1,
                        "ASTDT",
                        &format!("event on {s} is after the subject's death on {d}"),
                    ),
                );
            }
        }
        if s > cut_date {
            c.push(
                "event after the cut",
                Problem::at(
                    &f.shown(),
                    row + 1,
                    "ASTDT",
                    &format!("event on {s} is after the cut date {cut_date}"),
                ),
            );
        }
    }
    let mut columns = vec![
        Column::new("USUBJID".into(), ids),
        Column::new(
            "ASTDT".into(),
            start
                .iter()
                .map(|d| d.map(days_since_epoch))
                .collect::<Vec<_>>(),
        )
        .cast(&DataType::Date)
        .ok()?,
    ];
    // One boolean column per safety category.
    let mut cache: HashMap<String, Vec<Option<String>>> = HashMap::new();
    for (k, cat) in trial.safety.iter().enumerate() {
        let mut hit = vec![true; f.frame.height()];
        for cond in &cat.conditions {
            if !cache.contains_key(&cond.column) {
                if !f.has(&cond.column) {
                    c.push(
                        "missing column",
                        Problem::column(
                            &f.shown(),
                            &cond.column,
                            &format!(
                                "required column is missing (safety category {:?} filters on it)",
                                cat.name
                            ),
                        ),
                    );
                    return None;
                }
                cache.insert(cond.column.clone(), f.text(c, &cond.column, false)?);
            }
            let values = &cache[&cond.column];
            let wanted: HashSet<&str> = match (&cond.equals, &cond.any_of) {
                (Some(v), _) => [v.as_str()].into_iter().collect(),
                (None, Some(vs)) => vs.iter().map(String::as_str).collect(),
                (None, None) => HashSet::new(),
            };
            for (h, v) in hit.iter_mut().zip(values) {
                *h = *h && v.as_deref().is_some_and(|v| wanted.contains(v));
            }
        }
        columns.push(Column::new(format!("CAT{k}").into(), hit));
    }
    for name in ["AESER", "AEOUT", "AEDECOD"] {
        let values = if f.has(name) {
            f.text(c, name, false)?
        } else {
            vec![None; f.frame.height()]
        };
        columns.push(Column::new(name.into(), values));
    }
    DataFrame::new_infer_height(columns).ok()
}

fn validate_adtte(
    f: &Frame,
    trial: &TrialConfig,
    subjects: &Subjects,
    c: &mut Collector,
) -> Option<DataFrame> {
    let ids = f.text(c, "USUBJID", true);
    let param = f.text(c, "PARAMCD", true);
    let aval = f.numbers(c, "AVAL", true);
    let cnsr = f.numbers(c, "CNSR", true);
    let (ids, param, aval, cnsr) = (ids?, param?, aval?, cnsr?);
    let mut cnsr_int = Vec::with_capacity(cnsr.len());
    for row in 0..ids.len() {
        if let Some(id) = &ids[row] {
            if !subjects.index.contains_key(id) {
                c.push(
                    "subject not in ADSL",
                    Problem::at(
                        &f.shown(),
                        row + 1,
                        "USUBJID",
                        &format!("subject {id} is not in ADSL"),
                    ),
                );
            }
        }
        match aval[row] {
            Some(v) if v < 0.0 => c.push(
                "negative AVAL",
                Problem::at(
                    &f.shown(),
                    row + 1,
                    "AVAL",
                    &format!("time to event {v} is negative"),
                ),
            ),
            None => c.push(
                "missing AVAL",
                Problem::at(&f.shown(), row + 1, "AVAL", "missing value"),
            ),
            _ => {}
        }
        match cnsr[row] {
            Some(v) if v == 0.0 || v == 1.0 => cnsr_int.push(Some(v as i32)),
            Some(v) => {
                c.push(
                    "CNSR not 0/1",
                    Problem::at(
                        &f.shown(),
                        row + 1,
                        "CNSR",
                        &format!("{v} is not 0 (event) or 1 (censored)"),
                    ),
                );
                cnsr_int.push(None);
            }
            None => {
                c.push(
                    "missing CNSR",
                    Problem::at(&f.shown(), row + 1, "CNSR", "missing value"),
                );
                cnsr_int.push(None);
            }
        }
    }
    if let Some(code) = &trial.primary.adtte_paramcd {
        if !param.iter().any(|p| p.as_deref() == Some(code.as_str())) {
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
    DataFrame::new_infer_height(vec![
        Column::new("USUBJID".into(), ids),
        Column::new("PARAMCD".into(), param),
        Column::new("AVAL".into(), aval),
        Column::new("CNSR".into(), cnsr_int),
    ])
    .ok()
}

/// Arm codes per ADSL row from the trial's arm column.
fn arms_from_adsl(f: &Frame, trial: &TrialConfig, c: &mut Collector) -> Option<Vec<String>> {
    let col = trial.data.arm_column.as_str();
    if !f.has(col) {
        c.push(
            "missing column",
            Problem::column(
                &f.shown(),
                col,
                "the arm column named in trial.toml (data.arm_column) is missing",
            ),
        );
        return None;
    }
    let values = f.text(c, col, true)?;
    let mut out = Vec::with_capacity(values.len());
    for (row, v) in values.iter().enumerate() {
        let v = v.as_deref().unwrap_or("");
        match trial.arms.iter().find(|a| a.column_value() == v) {
            Some(a) => out.push(a.code.clone()),
            None => {
                c.push(
                    "unknown arm",
                    Problem::at(
                        &f.shown(),
                        row + 1,
                        col,
                        &format!("{v:?} is not an arm of the trial"),
                    ),
                );
                out.push(String::new());
            }
        }
    }
    Some(out)
}

/// Arm codes per ADSL row from a randomization list (USUBJID, ARMCD).
fn arms_from_randlist(
    path: &Path,
    registered: Option<&FileDigest>,
    trial: &TrialConfig,
    subjects: &Subjects,
    adsl_height: usize,
    enc: super::trial::Encoding,
    c: &mut Collector,
) -> Option<Vec<String>> {
    let f = match super::ingest::read_frame_file(path, enc) {
        Ok(f) => f,
        Err(p) => {
            for p in p.0 {
                c.push("randlist", p);
            }
            return None;
        }
    };
    if let Some(r) = registered {
        if r.sha256 != f.sha256 {
            c.push(
                "randlist changed",
                Problem::file(
                    &f.shown(),
                    &format!(
                        "REFUSED: the randomization list has changed since the cut was registered (SHA-256 {}, registered {})",
                        f.sha256, r.sha256
                    ),
                ),
            );
            return None;
        }
    }
    let ids = f.text(c, "USUBJID", true)?;
    let arms = f.text(c, "ARMCD", true)?;
    let mut by_subject: HashMap<&str, &str> = HashMap::with_capacity(ids.len());
    for (row, (id, arm)) in ids.iter().zip(&arms).enumerate() {
        let (Some(id), Some(arm)) = (id, arm) else {
            continue;
        };
        if trial.arm(arm).is_none() {
            c.push(
                "unknown arm",
                Problem::at(
                    &f.shown(),
                    row + 1,
                    "ARMCD",
                    &format!(
                        "{arm:?} is not an arm of the trial (arms: {})",
                        trial
                            .arms
                            .iter()
                            .map(|a| a.code.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ),
            );
        }
        if by_subject.insert(id, arm).is_some() {
            c.push(
                "duplicate USUBJID",
                Problem::at(
                    &f.shown(),
                    row + 1,
                    "USUBJID",
                    &format!("subject {id} is listed twice"),
                ),
            );
        }
    }
    let mut rows: Vec<(&String, usize)> = subjects
        .index
        .iter()
        .map(|(id, (row, _, _))| (id, *row))
        .collect();
    rows.sort_by_key(|(_, r)| *r);
    let mut out = vec![String::new(); adsl_height];
    for (id, row) in rows {
        match by_subject.get(id.as_str()) {
            Some(arm) => out[row] = arm.to_string(),
            None => c.push(
                "subject not in the randomization list",
                Problem::file(
                    &f.shown(),
                    &format!(
                        "subject {id} (ADSL row {}) is not in the randomization list",
                        row + 1
                    ),
                ),
            ),
        }
    }
    Some(out)
}
