//! Malformed rows and cuts: missing columns, wrong values, subjects and
//! dates out of place, randomization lists, arm columns in a blinded cut, a
//! changed registered file; and a broken newest cut never replaces a good
//! one.

use crate::fixtures::*;
use crate::helpers::{altshock2, altshock2_trial};
use dsmb::server::catalog::Catalog;
use dsmb::server::data::register::register;
use dsmb::server::firewall::{load, LoadOptions};

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
    add_column(&blinded(&cut).join("adsl.csv"), "ARMCD", "SOC");
    refused(
        &blinded(&cut),
        &LoadOptions::open(),
        &["REFUSED", "declared blinded", "adsl.csv:ARMCD"],
    );
    // Declared blinded on the command line, for a folder of another name.
    let cut = fixture();
    let opts = LoadOptions {
        blinded: Some(true),
        check_only: false,
        skip_labs: false,
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
    let n = unique();
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
