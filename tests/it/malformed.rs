//! Malformed cuts: each must be refused with a problem a statistician can act
//! on (file, row, column), and a broken newest cut never replaces a good one.

use crate::helpers::{altshock2, altshock2_trial, repo};
use dsmb::server::catalog::Catalog;
use dsmb::server::config::TrialConfig;
use dsmb::server::data::register::register;
use dsmb::server::firewall::{load, Closed, Level, LoadOptions};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

static COUNTER: AtomicUsize = AtomicUsize::new(0);

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// A fresh copy of the demo's final cut in a temporary folder.
fn fixture() -> PathBuf {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let root = std::env::temp_dir().join(format!("dsmb-malformed-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let cut = root.join("cut-2024-12-31");
    copy_dir(&altshock2().join("cut-2024-12-31"), &cut);
    // The demo cut is registered; these fixtures edit files on purpose.
    let _ = std::fs::remove_file(cut.join("manifest.json"));
    cut
}

/// Split one CSV line into fields, keeping quotes (enough for these fixtures:
/// no field spans lines).
fn split_line(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    for ch in line.chars() {
        match ch {
            '"' => {
                quoted = !quoted;
                fields.last_mut().unwrap().push(ch);
            }
            ',' if !quoted => fields.push(String::new()),
            _ => fields.last_mut().unwrap().push(ch),
        }
    }
    fields
}

fn edit(path: &Path, f: impl FnOnce(String) -> String) {
    let text = std::fs::read_to_string(path).unwrap();
    std::fs::write(path, f(text)).unwrap();
}

/// Replace field `column` of data row `row` (1-based) of a CSV.
fn set_cell(path: &Path, row: usize, column: &str, value: &str) {
    edit(path, |text| {
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        let k = split_line(&lines[0])
            .iter()
            .position(|h| h == column)
            .unwrap();
        let mut fields = split_line(&lines[row]);
        fields[k] = value.to_string();
        lines[row] = fields.join(",");
        lines.join("\n") + "\n"
    });
}

/// Drop column `column` from a CSV.
fn drop_column(path: &Path, column: &str) {
    edit(path, |text| {
        let header = split_line(text.lines().next().unwrap());
        let k = header.iter().position(|h| h == column).unwrap();
        text.lines()
            .map(|l| {
                let mut f = split_line(l);
                f.remove(k);
                f.join(",")
            })
            .collect::<Vec<_>>()
            .join("\n")
            + "\n"
    });
}

/// Value of `column` in data row `row` of a CSV.
fn cell(path: &Path, row: usize, column: &str) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let k = lines
        .next()
        .unwrap()
        .split(',')
        .position(|h| h == column)
        .unwrap();
    lines
        .nth(row - 1)
        .unwrap()
        .split(',')
        .nth(k)
        .unwrap()
        .to_string()
}

#[track_caller]
fn refused<L: Level>(dir: &Path, opts: &LoadOptions<L>, needles: &[&str]) {
    refused_with(dir, &altshock2_trial(), opts, needles)
}

#[track_caller]
fn refused_with<L: Level>(
    dir: &Path,
    trial: &TrialConfig,
    opts: &LoadOptions<L>,
    needles: &[&str],
) {
    let problems = match load(dir, trial, opts) {
        Ok(_) => panic!(
            "{} was accepted; expected a problem with {needles:?}",
            dir.display()
        ),
        Err(p) => p,
    };
    let lines: Vec<String> = problems.0.iter().map(|p| p.to_string()).collect();
    assert!(
        lines.iter().any(|l| needles.iter().all(|n| l.contains(n))),
        "no problem mentions all of {needles:?}:\n{}",
        lines.join("\n")
    );
}

fn blinded(cut: &Path) -> PathBuf {
    cut.join("blinded")
}

fn closed_with_randlist(cut: &Path) -> LoadOptions<Closed> {
    LoadOptions::closed(Some(cut.join("randlist.csv")))
}

#[test]
fn missing_files_are_named() {
    for name in ["adsl", "adae", "adtte"] {
        let cut = fixture();
        std::fs::remove_file(blinded(&cut).join(format!("{name}.csv"))).unwrap();
        refused(
            &blinded(&cut),
            &LoadOptions::open(),
            &[&name.to_uppercase(), "missing"],
        );
    }
}

#[test]
fn empty_files_are_named() {
    let cut = fixture();
    std::fs::write(blinded(&cut).join("adsl.csv"), "").unwrap();
    refused(&blinded(&cut), &LoadOptions::open(), &["adsl.csv", "empty"]);
    let cut = fixture();
    std::fs::write(blinded(&cut).join("adae.csv"), "\n\n").unwrap();
    refused(&blinded(&cut), &LoadOptions::open(), &["adae.csv", "empty"]);
}

#[test]
fn a_truncated_or_corrupt_parquet_file_is_named() {
    let cut = fixture();
    let p = cut.join("unblinded/adsl.parquet");
    let bytes = std::fs::read(&p).unwrap();
    std::fs::write(&p, &bytes[..bytes.len() / 2]).unwrap();
    refused(
        &cut.join("unblinded"),
        &LoadOptions::open(),
        &["adsl.parquet", "Parquet"],
    );
    let cut = fixture();
    std::fs::write(
        cut.join("unblinded/adae.parquet"),
        b"PAR1 this is not parquet",
    )
    .unwrap();
    refused(
        &cut.join("unblinded"),
        &LoadOptions::open(),
        &["adae.parquet", "Parquet"],
    );
}

/// A cut folder holding the CDISC pilot's XPT files, for XPT corruptions.
fn pilot_fixture() -> (PathBuf, TrialConfig) {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let root = std::env::temp_dir().join(format!("dsmb-malformed-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let cut = root.join("cut-2015-03-05");
    copy_dir(
        &repo().join("demo/cdisc-pilot01/cut-2015-03-05/unblinded"),
        &cut,
    );
    let trial = TrialConfig::load(&repo().join("demo/cdisc-pilot01/trial.toml")).unwrap();
    (cut, trial)
}

#[test]
fn xpt_with_a_bad_header_or_a_truncated_record_is_named() {
    let (cut, trial) = pilot_fixture();
    let p = cut.join("adsl.xpt");
    let mut bytes = std::fs::read(&p).unwrap();
    bytes[..20].copy_from_slice(b"NOT A SAS FILE AT AL");
    std::fs::write(&p, &bytes).unwrap();
    refused_with(
        &cut,
        &trial,
        &LoadOptions::open(),
        &["adsl.xpt", "SAS transport"],
    );

    let (cut, trial) = pilot_fixture();
    let p = cut.join("adae.xpt");
    let bytes = std::fs::read(&p).unwrap();
    std::fs::write(&p, &bytes[..1000]).unwrap(); // inside the variable descriptions
    refused_with(
        &cut,
        &trial,
        &LoadOptions::open(),
        &["adae.xpt", "truncated"],
    );

    let (cut, trial) = pilot_fixture();
    let p = cut.join("adtte.xpt");
    let bytes = std::fs::read(&p).unwrap();
    std::fs::write(&p, &bytes[..bytes.len() - 37]).unwrap(); // a partial last record
    refused_with(
        &cut,
        &trial,
        &LoadOptions::open(),
        &["adtte.xpt", "truncated"],
    );
}

#[test]
fn csv_structure_problems_name_row_and_column() {
    // A ragged row: row 5 loses its last field.
    let cut = fixture();
    edit(&blinded(&cut).join("adsl.csv"), |t| {
        let mut lines: Vec<String> = t.lines().map(str::to_string).collect();
        let l = &mut lines[5];
        let cut_at = l.rfind(',').unwrap();
        l.truncate(cut_at);
        lines.join("\n") + "\n"
    });
    refused(
        &blinded(&cut),
        &LoadOptions::open(),
        &["adsl.csv", "row 5", "fields"],
    );

    // An extra field.
    let cut = fixture();
    edit(&blinded(&cut).join("adtte.csv"), |t| {
        let mut lines: Vec<String> = t.lines().map(str::to_string).collect();
        lines[3].push_str(",EXTRA");
        lines.join("\n") + "\n"
    });
    refused(
        &blinded(&cut),
        &LoadOptions::open(),
        &["adtte.csv", "row 3", "fields"],
    );

    // An unclosed quote in AETERM of row 2.
    let cut = fixture();
    let p = blinded(&cut).join("adae.csv");
    let term = cell(&p, 2, "AETERM");
    set_cell(&p, 2, "AETERM", &format!("\"{term}"));
    refused(
        &blinded(&cut),
        &LoadOptions::open(),
        &["adae.csv", "row 2", "AETERM", "quote"],
    );

    // A stray quote inside an unquoted field.
    let cut = fixture();
    let p = blinded(&cut).join("adae.csv");
    set_cell(&p, 4, "AETERM", "Bleed\"ing");
    refused(
        &blinded(&cut),
        &LoadOptions::open(),
        &["adae.csv", "row 4", "AETERM"],
    );

    // Semicolon- and tab-separated files.
    for d in [";", "\t"] {
        let cut = fixture();
        edit(&blinded(&cut).join("adsl.csv"), |t| t.replace(',', d));
        refused(
            &blinded(&cut),
            &LoadOptions::open(),
            &["adsl.csv", "delimiter"],
        );
    }

    // A Latin-1 byte in a UTF-8 trial.
    let cut = fixture();
    let p = blinded(&cut).join("adae.csv");
    let mut bytes = std::fs::read(&p).unwrap();
    let at = bytes.windows(6).position(|w| w == b"Anaemi").unwrap();
    bytes[at + 2] = 0xE6; // 'æ' in Latin-1
    std::fs::write(&p, bytes).unwrap();
    refused(
        &blinded(&cut),
        &LoadOptions::open(),
        &["adae.csv", "UTF-8", "column"],
    );
}

#[test]
fn a_latin1_file_loads_when_the_trial_says_latin1() {
    let cut = fixture();
    let p = blinded(&cut).join("adae.csv");
    let mut bytes = std::fs::read(&p).unwrap();
    let at = bytes.windows(6).position(|w| w == b"Anaemi").unwrap();
    bytes[at + 2] = 0xE6;
    std::fs::write(&p, bytes).unwrap();
    let mut trial = altshock2_trial();
    trial.data.encoding = dsmb::server::config::Encoding::Latin1;
    assert!(load(&blinded(&cut), &trial, &LoadOptions::open()).is_ok());
}

#[test]
fn missing_required_columns_are_named() {
    for (file, column) in [
        ("adsl.csv", "USUBJID"),
        ("adsl.csv", "SITEID"),
        ("adsl.csv", "RANDDT"),
        ("adtte.csv", "PARAMCD"),
        ("adtte.csv", "AVAL"),
        ("adtte.csv", "CNSR"),
        ("adae.csv", "USUBJID"),
        ("adae.csv", "AECAT"),
    ] {
        let cut = fixture();
        drop_column(&blinded(&cut).join(file), column);
        refused(
            &blinded(&cut),
            &LoadOptions::open(),
            &[file, column, "missing"],
        );
    }
}

#[test]
fn wrong_values_name_row_and_column() {
    let cases: [(&str, usize, &str, &str, &[&str]); 9] = [
        (
            "adtte.csv",
            7,
            "AVAL",
            "sixty",
            &["row 7", "AVAL", "not a number"],
        ),
        ("adtte.csv", 8, "AVAL", "-3", &["row 8", "AVAL", "negative"]),
        ("adtte.csv", 9, "CNSR", "2", &["row 9", "CNSR", "not 0"]),
        ("adtte.csv", 10, "CNSR", "", &["row 10", "CNSR", "missing"]),
        (
            "adsl.csv",
            3,
            "RANDDT",
            "2021-02-30",
            &["row 3", "RANDDT", "not a date"],
        ),
        (
            "adsl.csv",
            4,
            "USUBJID",
            "",
            &["row 4", "USUBJID", "missing"],
        ),
        (
            "adsl.csv",
            6,
            "RANDDT",
            "2025-01-15",
            &["row 6", "RANDDT", "after the cut date"],
        ),
        (
            "adtte.csv",
            11,
            "USUBJID",
            "ALTSHOCK2-99-999",
            &["row 11", "USUBJID", "not in ADSL"],
        ),
        (
            "adae.csv",
            12,
            "USUBJID",
            "ALTSHOCK2-99-998",
            &["row 12", "USUBJID", "not in ADSL"],
        ),
    ];
    for (file, row, column, value, needles) in cases {
        let cut = fixture();
        set_cell(&blinded(&cut).join(file), row, column, value);
        let mut all = vec![file];
        all.extend_from_slice(needles);
        refused(&blinded(&cut), &LoadOptions::open(), &all);
    }
}

#[test]
fn a_duplicate_subject_in_adsl_names_both_rows() {
    let cut = fixture();
    let p = blinded(&cut).join("adsl.csv");
    let first = cell(&p, 1, "USUBJID");
    set_cell(&p, 2, "USUBJID", &first);
    refused(
        &blinded(&cut),
        &LoadOptions::open(),
        &["adsl.csv", "row 2", "USUBJID", "first at row 1"],
    );
}

#[test]
fn events_out_of_time_order_are_named() {
    // An AE before its subject's randomization.
    let cut = fixture();
    let ae = blinded(&cut).join("adae.csv");
    set_cell(&ae, 1, "ASTDT", "2019-01-01");
    refused(
        &blinded(&cut),
        &LoadOptions::open(),
        &["adae.csv", "row 1", "ASTDT", "before randomization"],
    );

    // A death before an event: move a dead subject's DTHDT before their last AE.
    let cut = fixture();
    let adsl = blinded(&cut).join("adsl.csv");
    let text = std::fs::read_to_string(&adsl).unwrap();
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    let k_dth = header.iter().position(|h| *h == "DTHDT").unwrap();
    let k_id = header.iter().position(|h| *h == "USUBJID").unwrap();
    let k_rand = header.iter().position(|h| *h == "RANDDT").unwrap();
    let (row, id, rand) = text
        .lines()
        .skip(1)
        .enumerate()
        .find_map(|(i, l)| {
            let f: Vec<&str> = l.split(',').collect();
            (!f[k_dth].is_empty()).then(|| (i + 1, f[k_id].to_string(), f[k_rand].to_string()))
        })
        .unwrap();
    let ae_text = std::fs::read_to_string(blinded(&cut).join("adae.csv")).unwrap();
    assert!(ae_text.contains(&id), "the dead subject has AEs");
    set_cell(&adsl, row, "DTHDT", &rand);
    refused(
        &blinded(&cut),
        &LoadOptions::open(),
        &["adae.csv", "ASTDT", "after the subject's death"],
    );

    // An AE after the cut date.
    let cut = fixture();
    set_cell(&blinded(&cut).join("adae.csv"), 5, "ASTDT", "2025-03-01");
    refused(
        &blinded(&cut),
        &LoadOptions::open(),
        &["adae.csv", "row 5", "after the cut date"],
    );
}

#[test]
fn randomization_list_problems_are_named() {
    // A subject missing from the list.
    let cut = fixture();
    edit(&cut.join("randlist.csv"), |t| {
        let mut lines: Vec<&str> = t.lines().collect();
        lines.remove(10);
        lines.join("\n") + "\n"
    });
    refused(
        &blinded(&cut),
        &closed_with_randlist(&cut),
        &["randlist.csv", "not in the randomization list"],
    );

    // An unknown arm.
    let cut = fixture();
    set_cell(&cut.join("randlist.csv"), 3, "ARMCD", "PLACEBO");
    refused(
        &blinded(&cut),
        &closed_with_randlist(&cut),
        &["randlist.csv", "row 3", "ARMCD", "not an arm"],
    );

    // A subject listed twice.
    let cut = fixture();
    let p = cut.join("randlist.csv");
    let id = cell(&p, 1, "USUBJID");
    set_cell(&p, 2, "USUBJID", &id);
    refused(
        &blinded(&cut),
        &closed_with_randlist(&cut),
        &["randlist.csv", "row 2", "listed twice"],
    );

    // A blinded cut without a list cannot give the closed view.
    let cut = fixture();
    refused(
        &blinded(&cut),
        &LoadOptions::closed(None),
        &["randomization list"],
    );
}

#[test]
fn a_blinded_cut_carrying_arm_columns_is_refused() {
    let cut = fixture();
    edit(&blinded(&cut).join("adsl.csv"), |t| {
        t.lines()
            .enumerate()
            .map(|(i, l)| {
                if i == 0 {
                    format!("{l},ARMCD")
                } else {
                    format!("{l},SOC")
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
            + "\n"
    });
    refused(
        &blinded(&cut),
        &LoadOptions::open(),
        &["REFUSED", "declared blinded", "adsl.csv:ARMCD"],
    );
    // Declared blinded on the command line, for a folder of another name.
    let cut = fixture();
    let opts = LoadOptions {
        blinded: Some(true),
        ..LoadOptions::open()
    };
    refused(&cut.join("unblinded"), &opts, &["REFUSED", "TRT01P"]);
}

#[test]
fn an_ambiguous_dataset_is_named() {
    let cut = fixture();
    std::fs::copy(
        cut.join("unblinded/adsl.parquet"),
        blinded(&cut).join("adsl.parquet"),
    )
    .unwrap();
    refused(
        &blinded(&cut),
        &LoadOptions::open(),
        &["ADSL", "more than one format"],
    );
}

#[test]
fn a_missing_primary_parameter_is_named() {
    let cut = fixture();
    edit(&blinded(&cut).join("adtte.csv"), |t| {
        t.replace(",PRIMEP,", ",PRIMARY,")
    });
    refused(
        &blinded(&cut),
        &LoadOptions::open(),
        &["adtte.csv", "PARAMCD", "PRIMEP"],
    );
}

#[test]
fn a_changed_file_under_a_registered_manifest_is_refused() {
    let trial = altshock2_trial();
    let cut = fixture();
    register(&cut, &trial).unwrap();
    assert!(
        load(&blinded(&cut), &trial, &LoadOptions::open())
            .unwrap()
            .registered
    );
    // A registered cut is immutable: registering again is refused.
    assert!(register(&cut, &trial)
        .unwrap_err()
        .to_string()
        .contains("immutable"));
    // One changed byte.
    edit(&blinded(&cut).join("adae.csv"), |t| {
        t.replacen("MODERATE", "MODERATe", 1)
    });
    refused(
        &blinded(&cut),
        &LoadOptions::open(),
        &["adae.csv", "REFUSED", "changed"],
    );
    // A changed randomization list.
    let cut = fixture();
    register(&cut, &trial).unwrap();
    edit(&cut.join("randlist.csv"), |t| {
        t.replacen(",SOC,", ",IABP,", 1)
    });
    refused(
        &blinded(&cut),
        &closed_with_randlist(&cut),
        &["randlist.csv", "REFUSED", "changed"],
    );
    // A dataset replaced by one in another format.
    let cut = fixture();
    register(&cut, &trial).unwrap();
    std::fs::remove_file(cut.join("unblinded/adtte.parquet")).unwrap();
    std::fs::copy(
        blinded(&cut).join("adtte.csv"),
        cut.join("unblinded/adtte.csv"),
    )
    .unwrap();
    refused(
        &cut.join("unblinded"),
        &LoadOptions::open(),
        &["adtte.csv", "REFUSED", "not part of the registered cut"],
    );
}

#[test]
fn a_broken_newest_cut_leaves_the_last_good_one_serving() {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let root = std::env::temp_dir().join(format!("dsmb-catalog-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let trial_dir = root.join("altshock2");
    std::fs::create_dir_all(&trial_dir).unwrap();
    std::fs::copy(altshock2().join("trial.toml"), trial_dir.join("trial.toml")).unwrap();
    copy_dir(
        &altshock2().join("cut-2023-09-30"),
        &trial_dir.join("cut-2023-09-30"),
    );
    copy_dir(
        &altshock2().join("cut-2024-12-31"),
        &trial_dir.join("cut-2024-12-31"),
    );
    std::fs::write(trial_dir.join("cut-2024-12-31/blinded/adsl.csv"), "").unwrap();

    let catalog = Catalog::load(&root).unwrap();
    let t = catalog.trial("altshock2").unwrap();
    assert_eq!(
        t.latest().enrollment.cut_date,
        "2023-09-30",
        "the last good cut serves"
    );
    assert_eq!(t.latest().enrollment.total, 83);
    assert!(
        t.cut(Some("2024-12-31")).is_none(),
        "a rejected cut cannot be picked"
    );
    assert_eq!(t.rejected.len(), 1);
    assert!(t.rejected[0].problems.to_string().contains("adsl.csv"));
}
