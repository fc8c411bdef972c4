//! Malformed files: each must be refused with a problem a statistician can
//! act on (file, row, column). Wrong values and cuts are in
//! `malformed_rows.rs`.

use crate::fixtures::*;
use crate::helpers::altshock2_trial;
use dsmb::server::firewall::{load, LoadOptions};

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
