//! The only reader of arm-identifying data: which ADaM columns identify an
//! arm, the trial's arm column, and the randomization list (its file name,
//! its rows, its hash). Everything else in the server reads cuts through
//! columns this module never hands out.

use crate::server::config::{Encoding, TrialConfig};
use crate::server::data::manifest::FileDigest;
use crate::server::data::problem::{Collector, Problem, Problems};
use crate::server::data::read::{read_frame_file, Frame};
use crate::server::data::validate::AdslIndex;
use crate::server::digest::sha256_hex;
use polars::prelude::*;
use std::path::Path;

/// The randomization list's file name in a cut folder (USUBJID, ARMCD).
pub const RANDOMIZATION_LIST: &str = "randlist.csv";

/// Whether `name` is an arm-identifying ADaM column: compared without case,
/// a byte-order mark or surrounding white space (` armcd`, `\u{feff}ARMCD`).
pub fn identifies_arm(name: &str) -> bool {
    let n = name
        .trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
        .to_ascii_uppercase();
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

/// The SHA-256 of the cut's randomization list, for its manifest; `None`
/// when the cut has none.
pub fn list_digest(cut_dir: &Path) -> Result<Option<FileDigest>, Problems> {
    let path = cut_dir.join(RANDOMIZATION_LIST);
    if !path.is_file() {
        return Ok(None);
    }
    let bytes = std::fs::read(&path).map_err(|e| {
        Problems::from(Problem::file(
            &path.display().to_string(),
            &format!("cannot be read: {e}"),
        ))
    })?;
    Ok(Some(FileDigest {
        name: RANDOMIZATION_LIST.into(),
        sha256: sha256_hex(&bytes),
    }))
}

/// The trial's arm column (`data.arm_column`), the one ADSL column the
/// closed level reads beyond the reports' own.
pub fn arm_column(trial: &TrialConfig) -> String {
    trial.data.arm_column.clone()
}

/// Arm codes per ADSL row from the trial's arm column.
pub fn arms_from_adsl(f: &Frame, trial: &TrialConfig, c: &mut Collector) -> Option<Column> {
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

/// Each ADSL row's actual treatment as an arm code (`@ACTARM`), from the
/// first actual-treatment column the file carries with its planned
/// counterpart in the same words (TRT01A with TRT01P, ACTARMCD with ARMCD,
/// ACTARM with ARM; `columns.actual_arm` with the trial's arm column). A
/// value means the arm of the subjects planned to it (`arm`, each row's
/// code), so the two columns need no dictionary; a value no subject was
/// planned to (not treated, a screen failure) is null. `None` when the
/// file has no such pair.
pub fn actual_arms_from_adsl(f: &Frame, trial: &TrialConfig, arm: &Column) -> Option<Column> {
    let (actual, planned) = trial
        .columns
        .actual_arm_pairs(&trial.data.arm_column)
        .into_iter()
        .find(|(a, p)| f.has(a) && f.has(p))?;
    let mut c = Collector::default();
    let actual = f.text(&mut c, &actual, false)?;
    let planned = f.text(&mut c, &planned, false)?;
    let (actual, planned, arm) = (actual.str().ok()?, planned.str().ok()?, arm.str().ok()?);
    let mut code_of: PlHashMap<&str, &str> = PlHashMap::new();
    for (p, a) in planned.iter().zip(arm.iter()) {
        if let (Some(p), Some(a)) = (p, a) {
            code_of.entry(p).or_insert(a);
        }
    }
    let out: StringChunked = actual
        .iter()
        .map(|v| v.and_then(|v| code_of.get(v).copied()))
        .collect();
    Some(out.with_name(ACTUAL_ARM.into()).into_column())
}

/// The closed snapshot's ADSL column of each subject's actual treatment.
pub const ACTUAL_ARM: &str = "@ACTARM";

/// Arm codes per ADSL row from a randomization list (USUBJID, ARMCD), and
/// the digest of the list as read (what registration records: the list it
/// checked, never one hashed again later).
pub fn arms_from_randlist(
    path: &Path,
    registered: Option<&FileDigest>,
    trial: &TrialConfig,
    subjects: &AdslIndex,
    adsl_height: usize,
    enc: Encoding,
    c: &mut Collector,
) -> Option<(Column, FileDigest)> {
    let wanted = ["USUBJID".to_string(), "ARMCD".to_string()];
    let f = match read_frame_file(path, enc, Some(&wanted)) {
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
    let digest = FileDigest {
        name: RANDOMIZATION_LIST.into(),
        sha256: f.sha256.clone(),
    };
    Some((ca.with_name("ARM".into()).into_column(), digest))
}
