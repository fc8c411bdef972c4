//! The SAS transport reader on the unchanged CDISC pilot files, checked
//! against R's foreign::read.xport (values written beside each assertion).

use crate::helpers::repo;
use dsmb::server::config::Encoding;
use dsmb::server::data::read::read_frame_file;
use dsmb::server::data::xpt::{read_single, Values};

fn pilot(name: &str) -> Vec<u8> {
    std::fs::read(
        repo()
            .join("demo/cdisc-pilot01/cut-2015-03-05/unblinded")
            .join(name),
    )
    .unwrap()
}

fn num(m: &dsmb::server::data::xpt::Member, var: &str, row: usize) -> Option<f64> {
    let k = m.variables.iter().position(|v| v.name == var).unwrap();
    match &m.columns[k] {
        Values::Numeric(v) => v[row],
        Values::Text(_) => panic!("{var} is text"),
    }
}

fn text(m: &dsmb::server::data::xpt::Member, var: &str, row: usize) -> Option<String> {
    let k = m.variables.iter().position(|v| v.name == var).unwrap();
    match &m.columns[k] {
        Values::Text(v) => v[row].clone(),
        Values::Numeric(_) => panic!("{var} is numeric"),
    }
}

#[test]
fn adsl_xpt_matches_r_foreign() {
    // R: d <- foreign::read.xport("adsl.xpt"); dim(d) -> 254 48
    let m = read_single(&pilot("adsl.xpt")).unwrap();
    assert_eq!(m.name, "ADSL");
    assert_eq!((m.rows, m.variables.len()), (254, 48));
    // d[1, c("USUBJID","SITEID","AGE","TRTSDT","BMIBL","DTHFL","TRT01PN")]
    //   01-701-1015  701  63  19725  25.1  ""  0
    assert_eq!(text(&m, "USUBJID", 0).as_deref(), Some("01-701-1015"));
    assert_eq!(text(&m, "SITEID", 0).as_deref(), Some("701"));
    assert_eq!(num(&m, "AGE", 0), Some(63.0));
    assert_eq!(num(&m, "TRTSDT", 0), Some(19725.0));
    assert!((num(&m, "BMIBL", 0).unwrap() - 25.1).abs() < 1e-12);
    assert_eq!(text(&m, "DTHFL", 0), None, "a blank SAS string is missing");
    assert_eq!(num(&m, "TRT01PN", 0), Some(0.0));
    // d[254, c("USUBJID","AGE","HEIGHTBL","TRTEDT")] -> 01-718-1427 74 158.8 19400
    assert_eq!(text(&m, "USUBJID", 253).as_deref(), Some("01-718-1427"));
    assert_eq!(num(&m, "AGE", 253), Some(74.0));
    assert!((num(&m, "HEIGHTBL", 253).unwrap() - 158.8).abs() < 1e-12);
    assert_eq!(num(&m, "TRTEDT", 253), Some(19400.0));
    // sum(d$DTHFL == "") -> 251
    let k = m.variables.iter().position(|v| v.name == "DTHFL").unwrap();
    let Values::Text(v) = &m.columns[k] else {
        panic!()
    };
    assert_eq!(v.iter().filter(|x| x.is_none()).count(), 251);
    let trtsdt = m.variables.iter().find(|v| v.name == "TRTSDT").unwrap();
    assert_eq!(trtsdt.format, "DATE");
    assert_eq!(trtsdt.label, "Date of First Exposure to Treatment");
}

#[test]
fn adae_and_adtte_xpt_match_r_foreign() {
    // R: a <- read.xport("adae.xpt"); dim(a) -> 1191 55; a[1, c("AEDECOD","ASTDT","AESEQ")]
    let a = read_single(&pilot("adae.xpt")).unwrap();
    assert_eq!((a.rows, a.variables.len()), (1191, 55));
    assert_eq!(
        text(&a, "AEDECOD", 0).as_deref(),
        Some("APPLICATION SITE ERYTHEMA")
    );
    assert_eq!(num(&a, "ASTDT", 0), Some(19726.0));
    assert_eq!(num(&a, "AESEQ", 0), Some(1.0));
    // sum(is.na(a$ASTDT)) -> 11
    let k = a.variables.iter().position(|v| v.name == "ASTDT").unwrap();
    let Values::Numeric(v) = &a.columns[k] else {
        panic!()
    };
    assert_eq!(v.iter().filter(|x| x.is_none()).count(), 11);
    // R: t <- read.xport("adtte.xpt"); dim(t) -> 254 26; t[1, c("AVAL","CNSR","ADT")] -> 2 0 19726
    let t = read_single(&pilot("adtte.xpt")).unwrap();
    assert_eq!((t.rows, t.variables.len()), (254, 26));
    assert_eq!(num(&t, "AVAL", 0), Some(2.0));
    assert_eq!(num(&t, "CNSR", 0), Some(0.0));
    assert_eq!(num(&t, "ADT", 0), Some(19726.0));
}

#[test]
fn xpt_dates_become_polars_dates() {
    // SAS day 19725 (since 1960-01-01) is 2014-01-02.
    let f = read_frame_file(
        &repo().join("demo/cdisc-pilot01/cut-2015-03-05/unblinded/adsl.xpt"),
        Encoding::Utf8,
        None,
    )
    .unwrap();
    assert_eq!(f.frame.height(), 254);
    let trtsdt = f.frame.column("TRTSDT").unwrap();
    assert_eq!(trtsdt.dtype(), &polars::prelude::DataType::Date);
    assert_eq!(trtsdt.get(0).unwrap().to_string(), "2014-01-02");
    // The file's hash is the one the pilot README publishes.
    assert_eq!(
        f.sha256,
        "c5139f873a93ef6add77bc4297beb6460a398bbdd036874382a9f39dfc92091d"
    );
}
