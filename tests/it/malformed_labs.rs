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

#[test]
fn an_unparsed_laboratory_dataset_is_still_hashed_header_checked_and_refused_a_section() {
    use dsmb::server::firewall::{closed_snapshot, closed_snapshot_without_labs};
    use dsmb::server::report::labs::lab_report;
    use dsmb::server::report::{closed_interim, closed_report};
    let trial = altshock2_trial();
    // Every demo cut: the interim look from a snapshot without ADLB is the
    // closed report's, and no laboratory section is made from it.
    for c in ["cut-2022-06-30", "cut-2023-09-30", "cut-2024-12-31"] {
        let dir = altshock2().join(c);
        let whole = closed_snapshot(&trial, &dir).unwrap();
        let light = closed_snapshot_without_labs(&trial, &dir).unwrap();
        assert!(whole.adlb.is_some() && !whole.labs_skipped, "{c}");
        assert!(light.adlb.is_none() && light.labs_skipped, "{c}");
        assert_eq!(whole.files, light.files, "{c}: the same files and hashes");
        let report = closed_report(&whole, &trial).unwrap();
        let interim = closed_interim(&light, &trial).unwrap();
        assert_eq!(
            serde_json::to_value(&report.interim).unwrap(),
            serde_json::to_value(&interim).unwrap(),
            "{c}: the same look"
        );
        let groups = std::collections::BTreeMap::new();
        let refused = lab_report(&light, &trial, &groups, true).unwrap_err();
        assert!(refused.to_string().contains("ADLB"), "{refused}");
    }
    // A registered cut whose ADLB changed after registration is refused,
    // parsed or not.
    let root =
        std::env::temp_dir().join(format!("dsmb-unparsed-{}-{}", std::process::id(), unique()));
    let cut = root.join("cut-2024-12-31");
    copy_dir(&altshock2().join("cut-2024-12-31"), &cut);
    let parquet = cut.join("unblinded/adlb.parquet");
    let mut bytes = std::fs::read(&parquet).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x55;
    std::fs::write(&parquet, bytes).unwrap();
    for r in [
        closed_snapshot(&trial, &cut).map(|_| ()),
        closed_snapshot_without_labs(&trial, &cut).map(|_| ()),
    ] {
        let text = r.unwrap_err().to_string();
        assert!(text.contains("adlb.parquet"), "{text}");
    }
    // An arm column in a blinded part's ADLB is refused without parsing it.
    let blinded_cut = fixture();
    add_column(&adlb(&blinded_cut), "TRT01P", "IABP");
    let opts = LoadOptions {
        skip_labs: true,
        ..LoadOptions::open()
    };
    let problems = load(&blinded(&blinded_cut), &trial, &opts).unwrap_err();
    assert!(
        problems.to_string().contains("adlb.csv:TRT01P"),
        "{problems}"
    );
    let _ = std::fs::remove_dir_all(root);
}
