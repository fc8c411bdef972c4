//! Enrollment counts of every demo cut, from Parquet (unblinded) and CSV
//! (blinded), against the reconstruction's expected.json.

use crate::helpers::{altshock2, altshock2_trial, expected};
use dsmb::server::catalog::Catalog;
use dsmb::server::data::layout::cut_dirs;
use dsmb::server::firewall::{load, LoadOptions};
use dsmb::server::report::enrollment::enrollment_summary;

#[test]
fn every_demo_cut_in_both_formats_gives_the_expected_enrollment() {
    // Arrange
    let expected = expected();
    let config = altshock2_trial();
    let cuts = cut_dirs(&altshock2()).unwrap();
    assert_eq!(cuts.len(), 3, "the demo ships three cuts");

    for cut in cuts {
        let name = cut.file_name().unwrap().to_str().unwrap().to_string();
        let want = &expected["cuts"][&name];
        let cut_date = want["cut_date"].as_str().unwrap();
        for part in ["unblinded", "blinded"] {
            // Act
            let snap = load(&cut.join(part), &config, &LoadOptions::open()).unwrap();
            let got = enrollment_summary(&config, &snap);

            // Assert
            assert_eq!(got.cut_date, cut_date);
            assert_eq!(
                u64::from(got.total),
                want["enrolled"]["total"].as_u64().unwrap(),
                "{name}/{part} total"
            );
            let sites = want["enrolled_by_site"].as_object().unwrap();
            assert_eq!(got.by_site.len(), sites.len(), "{name}/{part} sites");
            for s in &got.by_site {
                assert_eq!(
                    u64::from(s.enrolled),
                    sites[&s.site]["total"].as_u64().unwrap(),
                    "{name}/{part} site {}",
                    s.site
                );
            }
            let last = got.cumulative.last().unwrap();
            assert_eq!(
                last.enrolled, got.total,
                "{name}/{part} cumulative ends at the total"
            );
            assert!(
                last.date.as_str() <= cut_date,
                "{name}/{part} no randomization after the cut"
            );
            assert!(
                got.cumulative
                    .windows(2)
                    .all(|w| w[0].date < w[1].date && w[0].enrolled < w[1].enrolled),
                "{name}/{part} cumulative is strictly increasing"
            );
        }
    }
}

#[test]
fn the_catalog_serves_the_latest_cut_of_each_demo_trial() {
    let catalog = Catalog::load(&crate::helpers::repo().join("demo")).unwrap();
    let t = catalog.trial("altshock2").expect("the demo trial");
    assert_eq!(t.latest().enrollment.cut_date, "2024-12-31");
    assert_eq!(t.latest().enrollment.total, 101);
    assert_eq!(t.latest().enrollment.target, 200);
    assert!(t.rejected.is_empty());
    // Every good cut can be picked, newest first; expected.json: 46, 83, 101.
    assert_eq!(t.cut_dates(), ["2024-12-31", "2023-09-30", "2022-06-30"]);
    assert_eq!(t.cut(Some("2022-06-30")).unwrap().enrollment.total, 46);
    assert_eq!(t.cut(Some("2023-09-30")).unwrap().enrollment.total, 83);
    assert!(t.cut(Some("2023-01-01")).is_none());
    let pilot = catalog.trial("cdisc-pilot01").expect("the CDISC pilot");
    // README of the pilot data: 254 subjects in ADSL, 17 sites, site 701 has 41.
    let pilot = pilot.latest();
    assert_eq!(pilot.enrollment.total, 254);
    assert_eq!(pilot.enrollment.by_site.len(), 17);
    let s701 = pilot
        .enrollment
        .by_site
        .iter()
        .find(|s| s.site == "701")
        .unwrap();
    assert_eq!(s701.enrolled, 41);
}

/// The projected date of the next look, recomputed here from the ADSL
/// randomization dates (read with polars directly, not through the summary):
/// at cut-2023-09-30 (83 randomized of 200) the next look is look 1 (100
/// subjects, evaluable 60 days after randomization); at the final cut (101)
/// it is look 2 (200 subjects).
#[test]
fn the_next_look_is_projected_from_the_recent_accrual_rate() {
    use chrono::{Duration, NaiveDate};
    use polars::prelude::*;
    let config = altshock2_trial();
    for (cut, look, needed) in [("cut-2023-09-30", 1, 100), ("cut-2024-12-31", 2, 200)] {
        let dir = altshock2().join(cut).join("blinded");
        let snap = load(&dir, &config, &LoadOptions::open()).unwrap();
        let got = enrollment_summary(&config, &snap)
            .projection
            .expect("a projection");
        assert_eq!((got.look, got.subjects_needed), (look, needed), "{cut}");
        // Independent count: randomization dates straight from the CSV.
        let df = CsvReadOptions::default()
            .with_has_header(true)
            .try_into_reader_with_file_path(Some(dir.join("adsl.csv")))
            .unwrap()
            .finish()
            .unwrap();
        let dates: Vec<NaiveDate> = df
            .column("RANDDT")
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .map(|d| NaiveDate::parse_from_str(d.unwrap(), "%Y-%m-%d").unwrap())
            .collect();
        let cut_date = snap.cut_date;
        let first = *dates.iter().min().unwrap();
        let start = first.max(cut_date - Duration::days(180));
        let days = (cut_date - start).num_days() as f64;
        let recent = dates
            .iter()
            .filter(|d| **d >= start && **d <= cut_date)
            .count() as f64;
        let per_day = recent / days;
        assert!(
            (got.rate_per_month - per_day * 30.0).abs() < 1e-9,
            "{cut}: {got:?}"
        );
        let to_go = needed as f64 - dates.len() as f64;
        let by = cut_date + Duration::days((to_go / per_day).ceil() as i64);
        assert_eq!(
            got.randomized_by,
            by.format("%Y-%m-%d").to_string(),
            "{cut}"
        );
        assert_eq!(
            got.look_date,
            (by + Duration::days(60)).format("%Y-%m-%d").to_string(),
            "{cut}"
        );
    }
}
