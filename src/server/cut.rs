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

use super::ingest::{day_numbers, epoch_days, from_epoch_days, read_frame, Frame};
use super::manifest::Manifest;
use super::problem::{Collector, Problem, Problems};
use super::trial::TrialConfig;
use chrono::NaiveDate;
use polars::prelude::*;
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
///   primary endpoint is an ADSL flag, EXPDAYS (Float64) when the exposure
///   time is an ADSL column.
/// - `adae`: USUBJID, ASTDT (Date), the columns the safety categories
///   filter on (String), and AESER, AEOUT, AEDECOD, AETERM (String).
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

/// The columns each dataset is read with. The open level never reads the
/// arm column.
fn wanted_columns(trial: &TrialConfig, level: Level) -> PlHashMap<&'static str, Vec<String>> {
    let mut adsl: Vec<String> = vec![
        "USUBJID".into(),
        "SITEID".into(),
        trial.data.randomization_date.clone(),
    ];
    adsl.extend(trial.data.death_date.clone());
    if level == Level::Closed {
        adsl.push(trial.data.arm_column.clone());
    }
    adsl.extend(trial.subgroups.iter().map(|s| s.variable.clone()));
    adsl.extend(trial.primary.adsl_flag.clone());
    adsl.extend(
        trial
            .analysis
            .exposure
            .as_ref()
            .and_then(|e| e.adsl_days.clone()),
    );
    let mut adae: Vec<String> = [
        "USUBJID", "ASTDT", "TRTEMFL", "AESER", "AEOUT", "AEDECOD", "AETERM",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    adae.extend(category_columns(trial));
    let adtte: Vec<String> = ["USUBJID", "PARAMCD", "AVAL", "CNSR"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    [("adsl", adsl), ("adae", adae), ("adtte", adtte)]
        .into_iter()
        .collect()
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
    let wanted = wanted_columns(trial, opts.level);
    let mut files = Vec::new();
    let mut read = |name: &str| -> Result<Frame, Problems> {
        let frame = read_frame(dir, name, enc, wanted.get(name).map(Vec::as_slice))?;
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
            f.columns
                .iter()
                .filter(|n| is_arm_column(n))
                .map(|n| (f.file_name.clone(), n.clone()))
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

    let adsl_t = validate_adsl(&adsl, trial, cut_date, &mut c);
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
            if let Err(e) = adsl_df.with_column(arms) {
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

/// Subjects of ADSL: row index, randomization day and death day (days
/// since 1970-01-01).
struct Subjects {
    index: PlHashMap<String, (usize, i32, Option<i32>)>,
}

impl Subjects {
    /// The subject's (ADSL row, randomization day, death day), or a problem
    /// at `row` of `f` saying it is not in ADSL.
    fn known(
        &self,
        c: &mut Collector,
        f: &Frame,
        row: usize,
        id: &str,
    ) -> Option<(usize, i32, Option<i32>)> {
        let found = self.index.get(id).copied();
        if found.is_none() {
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
        found
    }
}

fn date_text(days: i32) -> String {
    from_epoch_days(days).to_string()
}

fn validate_adsl(
    f: &Frame,
    trial: &TrialConfig,
    cut_date: NaiveDate,
    c: &mut Collector,
) -> Option<(DataFrame, Subjects)> {
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
                    row + 1,
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
                        row + 1,
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
                    row + 1,
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
    if let Some(flag) = &trial.primary.adsl_flag {
        columns.push(f.text(c, flag, false)?.with_name("PRIMFL".into()));
    }
    if let Some(days) = trial
        .analysis
        .exposure
        .as_ref()
        .and_then(|e| e.adsl_days.as_ref())
    {
        columns.push(f.numbers(c, days, false)?.with_name("EXPDAYS".into()));
    }
    let df = DataFrame::new_infer_height(columns).ok()?;
    Some((df, Subjects { index }))
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

fn validate_adae(
    f: &Frame,
    trial: &TrialConfig,
    cut_date: NaiveDate,
    subjects: &Subjects,
    c: &mut Collector,
) -> Option<DataFrame> {
    let height = f.frame.height();
    let ids = f.text(c, "USUBJID", true)?;
    let start = if f.has("ASTDT") {
        f.dates(c, "ASTDT", false)?
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
    for (row, (id, s)) in id_ca.iter().zip(start_d.iter()).enumerate() {
        let is_emergent = match emergent_iter.as_mut() {
            Some(it) => it.next().flatten() == Some("Y"),
            None => true,
        };
        let Some(id) = id else { continue };
        let Some((_, rand, death)) = subjects.known(c, f, row, id) else {
            continue;
        };
        let Some(s) = s else { continue };
        if is_emergent && s < rand {
            c.push(
                "event before randomization",
                Problem::at(
                    &f.shown(),
                    row + 1,
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
                        row + 1,
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
                    row + 1,
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
                        row + 1,
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
                        row + 1,
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

/// Arm codes per ADSL row from the trial's arm column.
fn arms_from_adsl(f: &Frame, trial: &TrialConfig, c: &mut Collector) -> Option<Column> {
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
    let codes: PlHashMap<&str, &str> = trial
        .arms
        .iter()
        .map(|a| (a.column_value(), a.code.as_str()))
        .collect();
    let mut bad = false;
    let out: StringChunked = values
        .str()
        .ok()?
        .iter()
        .enumerate()
        .map(|(row, v)| {
            let v = v.unwrap_or("");
            match codes.get(v) {
                Some(code) => Some(*code),
                None => {
                    bad = true;
                    c.push(
                        "unknown arm",
                        Problem::at(
                            &f.shown(),
                            row + 1,
                            col,
                            &format!("{v:?} is not an arm of the trial"),
                        ),
                    );
                    None
                }
            }
        })
        .collect();
    if bad {
        return None;
    }
    Some(out.with_name("ARM".into()).into_column())
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
) -> Option<Column> {
    let wanted = ["USUBJID".to_string(), "ARMCD".to_string()];
    let f = match super::ingest::read_frame_file(path, enc, Some(&wanted)) {
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
    let mut by_subject: PlHashMap<&str, &str> = PlHashMap::with_capacity(ids.len());
    let arm_list = trial
        .arms
        .iter()
        .map(|a| a.code.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    for (row, (id, arm)) in ids
        .str()
        .ok()?
        .iter()
        .zip(arms.str().ok()?.iter())
        .enumerate()
    {
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
                    &format!("{arm:?} is not an arm of the trial (arms: {arm_list})"),
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
    let mut out: Vec<Option<&str>> = vec![None; adsl_height];
    let mut rows: Vec<(&String, usize)> = subjects
        .index
        .iter()
        .map(|(id, (row, _, _))| (id, *row))
        .collect();
    rows.sort_by_key(|(_, r)| *r);
    for (id, row) in rows {
        match by_subject.get(id.as_str()) {
            Some(arm) => out[row] = Some(arm),
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
    let ca: StringChunked = out.into_iter().collect();
    Some(ca.with_name("ARM".into()).into_column())
}
