//! The laboratory dataset (ADLB): every problem names its file, row and
//! column (each fixture also goes through the web's upload, see
//! `fixtures::refused_with`); a cut without ADLB has no laboratory data;
//! the demo's ADLB loads at every cut with every record.

use crate::fixtures::*;
use crate::helpers::{altshock2, altshock2_trial};
use dsmb::server::firewall::{load, LoadOptions};

fn adlb(cut: &std::path::Path) -> std::path::PathBuf {
    blinded(cut).join("adlb.csv")
}

#[test]
fn wrong_laboratory_values_name_row_and_column() {
    // Row 1 is ALT at baseline, row 2 ALT at day 1 (post-baseline).
    let cut = fixture();
    assert_eq!(cell(&adlb(&cut), 1, "PARAMCD"), "ALT");
    assert_eq!(cell(&adlb(&cut), 2, "ABLFL"), "");
    let cases: [(usize, &str, &str, &[&str]); 6] = [
        (
            5,
            "USUBJID",
            "ALTSHOCK2-99-997",
            &["row 5", "USUBJID", "not in ADSL"],
        ),
        (6, "AVAL", "high", &["row 6", "AVAL", "not a number"]),
        (1, "ANRHI", "", &["row 1", "ANRHI", "upper limit of normal"]),
        (
            2,
            "ADT",
            "2019-01-01",
            &["row 2", "ADT", "before randomization"],
        ),
        (
            2,
            "ADT",
            "2025-06-01",
            &["row 2", "ADT", "after the cut date"],
        ),
        (3, "ADT", "", &["row 3", "ADT", "missing"]),
    ];
    for (row, column, value, needles) in cases {
        let cut = fixture();
        set_cell(&adlb(&cut), row, column, value);
        let mut all = vec!["adlb.csv"];
        all.extend_from_slice(needles);
        refused(&blinded(&cut), &LoadOptions::open(), &all);
    }
}

#[test]
fn a_laboratory_dataset_without_its_parameter_or_with_an_arm_column_is_refused() {
    let cut = fixture();
    drop_column(&adlb(&cut), "PARAMCD");
    refused(
        &blinded(&cut),
        &LoadOptions::open(),
        &["adlb.csv", "PARAMCD", "missing"],
    );
    let cut = fixture();
    add_column(&adlb(&cut), "TRT01P", "IABP");
    refused(
        &blinded(&cut),
        &LoadOptions::open(),
        &["REFUSED", "adlb.csv:TRT01P"],
    );
}

#[test]
fn a_cut_without_laboratory_data_has_none_and_the_demo_s_load_whole() {
    let cut = fixture();
    std::fs::remove_file(adlb(&cut)).unwrap();
    let snap = load(&blinded(&cut), &altshock2_trial(), &LoadOptions::open()).unwrap();
    assert!(snap.adlb.is_none(), "not collected");
    for c in ["cut-2022-06-30", "cut-2023-09-30", "cut-2024-12-31"] {
        let dir = altshock2().join(c);
        let rows = std::fs::read_to_string(dir.join("blinded/adlb.csv"))
            .unwrap()
            .lines()
            .count()
            - 1;
        for (part, opts) in [
            ("blinded", LoadOptions::open()),
            ("unblinded", LoadOptions::open()),
        ] {
            let snap = load(&dir.join(part), &altshock2_trial(), &opts).unwrap();
            assert!(snap.registered, "{c} is registered with its ADLB");
            let lab = snap.adlb.as_ref().expect("the demo has ADLB");
            assert_eq!(lab.height(), rows, "{c}/{part}: every record");
        }
    }
}
