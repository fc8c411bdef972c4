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

/// The demo's final ADLB as data management may send it: SAS transport,
/// the reference range as A1LO/A1HI, the date and time of each sample as
/// ADTM (DATETIME20., times through the day up to 23:59:59) and no ADT.
/// The section made from it is the CSV's, number for number.
#[test]
fn the_demo_s_adlb_as_sas_transport_with_a1lo_a1hi_and_adtm_gives_the_same_section() {
    use crate::summary::closed;
    use crate::xpt_write::{xpt, Values, Var};
    let cut = fixture();
    let text = std::fs::read_to_string(adlb(&cut)).unwrap();
    let mut lines = text.lines();
    let names = split_line(lines.next().unwrap());
    let rows: Vec<Vec<String>> = lines.map(split_line).collect();
    let numeric = [
        "PARAMN", "AVAL", "ANRLO", "ANRHI", "BASE", "CHG", "R2ANRHI", "ADY", "AVISITN",
    ];
    let mut vars = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let cells = rows
            .iter()
            .map(|r| Some(r[i].clone()).filter(|s| !s.is_empty()));
        let var = |name: &str, format: &str, values| Var {
            name: name.into(),
            format: format.into(),
            values,
        };
        vars.push(match name.as_str() {
            "ADT" => {
                // Seconds since 1960-01-01 at a time of day that walks
                // through the day (row 0 at midnight, some at 23:59:59).
                let secs = cells
                    .enumerate()
                    .map(|(row, d)| {
                        let d = chrono::NaiveDate::parse_from_str(&d?, "%Y-%m-%d").unwrap();
                        let day = (d - chrono::NaiveDate::from_ymd_opt(1960, 1, 1).unwrap())
                            .num_days() as f64;
                        let time = if row % 97 == 1 {
                            86_399.0
                        } else {
                            (row * 7919 % 86_400) as f64
                        };
                        Some(day * 86_400.0 + time)
                    })
                    .collect();
                var("ADTM", "DATETIME", Values::Numeric(secs))
            }
            n if numeric.contains(&n) => {
                let x = cells
                    .map(|c| c.map(|c| c.parse::<f64>().unwrap()))
                    .collect();
                let renamed = match n {
                    "ANRLO" => "A1LO",
                    "ANRHI" => "A1HI",
                    n => n,
                };
                var(renamed, "", Values::Numeric(x))
            }
            // A quoted CSV field ("Bilirubin, total (mg/dL)") as its text.
            n => var(
                n,
                "",
                Values::Text(
                    cells
                        .map(|c| {
                            c.map(
                                |c| match c.strip_prefix('"').and_then(|c| c.strip_suffix('"')) {
                                    Some(inner) => inner.replace("\"\"", "\""),
                                    None => c,
                                },
                            )
                        })
                        .collect(),
                ),
            ),
        });
    }
    assert!(vars.iter().any(|v| v.name == "ADTM") && vars.iter().any(|v| v.name == "A1HI"));
    // A datetime column the app does not read is not converted, so its
    // values do not matter.
    vars.push(Var {
        name: "XDTM".into(),
        format: "E8601DT".into(),
        values: Values::Numeric(vec![Some(5.0e70); rows.len()]),
    });
    std::fs::write(blinded(&cut).join("adlb.xpt"), xpt("ADLB", &vars)).unwrap();
    std::fs::remove_file(adlb(&cut)).unwrap();
    let from_xpt = closed(&cut, true);
    let from_csv = closed(&altshock2().join("cut-2024-12-31"), true);
    assert_eq!(
        serde_json::to_value(&from_xpt.labs).unwrap(),
        serde_json::to_value(&from_csv.labs).unwrap(),
        "the same section from SAS transport"
    );
    assert_eq!(from_xpt.labs.potential_hys_law().count(), 3);
    // A datetime that is not a time is named by row and column.
    let broken = fixture();
    let mut bad = vars;
    for v in &mut bad {
        if let (true, Values::Numeric(x)) = (v.name == "ADTM", &mut v.values) {
            x[3] = Some(5.0e70);
        }
    }
    std::fs::write(blinded(&broken).join("adlb.xpt"), xpt("ADLB", &bad)).unwrap();
    std::fs::remove_file(adlb(&broken)).unwrap();
    refused(
        &blinded(&broken),
        &LoadOptions::open(),
        &["adlb.xpt", "row 4", "ADTM"],
    );
}
