//! Deaths, exposure and protocol deviations against R
//! (validation/report_tables.R), the listings' order and pages, and the
//! CLI's listing rows.

use crate::disposition::tables;
use crate::helpers::{altshock2, close, repo};
use dsmb::dto::LISTING_PAGE;
use dsmb::server::config::TrialConfig;
use dsmb::server::firewall::{load, LoadOptions};
use dsmb::server::report::{closed_report, open_report, Cell};
use serde_json::Value;

fn n(v: &Value) -> u32 {
    v.as_u64().unwrap() as u32
}

#[test]
fn altshock2_deaths_and_deviations_match_r() {
    let report = crate::summary::closed(&altshock2().join("cut-2024-12-31"), false);
    let fx = tables();
    let d = &report.deaths;
    assert_eq!(d.source, "death date");
    for arm in ["IABP", "SOC"] {
        assert_eq!(
            d.by_arm[arm].deaths,
            Cell::Count(n(&fx["altshock2_deaths"]["any"][arm])),
            "{arm}"
        );
        assert_eq!(
            d.by_arm[arm].within_horizon,
            Some(Cell::Count(n(&fx["altshock2_deaths"]["within_60"][arm]))),
            "{arm}"
        );
    }
    assert_eq!(d.total.deaths, Cell::Count(26));
    assert!(!d.cause_collected);
    // The listing: every death, newest first, with its study day.
    assert_eq!(d.listing.len(), 26);
    assert!(d.listing.windows(2).all(|w| w[0].date >= w[1].date));
    assert!(d.listing.iter().all(|x| x.day.is_some_and(|s| s >= 1)));
    let dv = &report.deviations;
    assert_eq!(dv.any, Cell::Count(n(&fx["altshock2_deviations"]["any"])));
    for (site, want) in fx["altshock2_deviations"]["by_site"].as_object().unwrap() {
        assert_eq!(dv.by_site[site], Cell::Count(n(want)), "site {site}");
    }
}

#[test]
fn cdisc_pilot_deaths_by_flag_and_exposure_match_r() {
    let trial = TrialConfig::load(&repo().join("demo/cdisc-pilot01/trial.toml")).unwrap();
    let dir = repo().join("demo/cdisc-pilot01/cut-2015-03-05/unblinded");
    let report = closed_report(
        &load(&dir, &trial, &LoadOptions::closed(None)).unwrap(),
        &trial,
    )
    .unwrap();
    let fx = tables();
    let arms = [
        ("PBO", "Placebo"),
        ("LOW", "Xanomeline Low Dose"),
        ("HIGH", "Xanomeline High Dose"),
    ];
    assert_eq!(report.deaths.source, "death flag");
    let mut values = 0;
    for (code, name) in arms {
        assert_eq!(
            report.deaths.by_arm[code].deaths,
            Cell::Count(n(&fx["cdisc_deaths"][name])),
            "{code}"
        );
        let e = &report.exposure.by_arm[code];
        let w = &fx["cdisc_exposure"][name];
        assert_eq!(e.days.n, n(&w["n"]));
        for (got, key) in [
            (e.days.mean, "mean"),
            (e.days.sd, "sd"),
            (e.days.q1, "q1"),
            (e.days.median, "median"),
            (e.days.q3, "q3"),
            (e.days.min, "min"),
            (e.days.max, "max"),
            (Some(e.patient_years), "patient_years"),
        ] {
            close(got.unwrap(), &w[key], &format!("{code} {key}"));
            values += 1;
        }
    }
    let t = report.exposure.total.as_ref().unwrap();
    close(
        t.patient_years,
        &fx["cdisc_exposure"]["total"]["patient_years"],
        "total py",
    );
    assert_eq!(values, 24);
    assert!(report
        .exposure
        .source
        .as_deref()
        .unwrap()
        .contains("TRTDUR"));
    // No deviation flag configured: not collected, not zero.
    assert!(!report.deviations.collected);
    assert_eq!(report.deviations.any, Cell::NotCollected);
}

#[test]
fn the_open_deaths_and_deviations_are_pooled_and_suppressed() {
    let trial = crate::helpers::altshock2_trial();
    let dir = altshock2().join("cut-2024-12-31/blinded");
    let open = open_report(&load(&dir, &trial, &LoadOptions::open()).unwrap(), &trial).unwrap();
    // 22 within 60 days (the primary endpoint's events, shown), 26 in
    // all: the 4 later deaths would be a small count, so the total hides.
    assert_eq!(open.deaths.total.within_horizon, Some(Cell::Count(22)));
    assert_eq!(open.deaths.total.deaths, Cell::Suppressed);
    // A site with 1 or 2 deviations is small.
    assert_eq!(open.deviations.by_site["03"], Cell::Suppressed);
    let json = serde_json::to_string(&open).unwrap();
    assert!(
        !json.contains("by_arm") && !json.contains("listing"),
        "{json}"
    );
}

#[test]
fn the_serious_listing_is_paged_newest_first_and_the_summary_counts_it_all() {
    let report = crate::summary::closed(&altshock2().join("cut-2024-12-31"), false);
    let trial = crate::helpers::altshock2_trial();
    let arms: Vec<(String, String)> = trial
        .arms
        .iter()
        .map(|a| (a.code.clone(), a.label.clone()))
        .collect();
    let names = dsmb::server::firewall::ArmNames::for_viewer(
        dsmb::dto::Role::Statistician,
        arms,
        &[],
        None,
    );
    let view = dsmb::server::views::safety::closed_safety(
        &trial.analysis,
        "altshock2".into(),
        &report,
        &names,
    );
    let order = dsmb::server::views::safety::listing_order(&report, &names);
    assert_eq!(order.len(), report.serious_events_total);
    let page = |p| dsmb::server::views::safety::listing_page(&view, &report, &names, &order, p);
    let first = page(1);
    assert_eq!(first.serious.len(), LISTING_PAGE);
    assert_eq!(first.serious_total as usize, report.serious_events_total);
    assert_eq!(
        first.serious_pages as usize,
        report.serious_events_total.div_ceil(LISTING_PAGE)
    );
    let last = page(999);
    assert_eq!(last.serious_page, last.serious_pages);
    assert_eq!(
        last.serious.len(),
        report.serious_events_total - (last.serious_pages as usize - 1) * LISTING_PAGE
    );
    let whole: Vec<dsmb::dto::SeriousRow> = (1..=first.serious_pages)
        .flat_map(|p| page(p).serious)
        .collect();
    assert_eq!(whole.len(), report.serious_events_total);
    let onsets: Vec<&Option<String>> = whole.iter().map(|r| &r.onset).collect();
    assert!(onsets.windows(2).all(|w| w[0] >= w[1]), "newest first");
    // The summary counts the whole listing, not the page.
    let serious: u32 = first.serious_summary.iter().map(|g| g.serious).sum();
    let all = whole.iter().filter(|r| r.serious).count() as u32;
    assert_eq!(serious, all);
}

#[test]
fn the_cli_prints_the_newest_listing_rows_or_all_and_always_the_totals() {
    let run = |rows: &str| -> Value {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_dsmb"))
            .args(["summary"])
            .arg(altshock2().join("cut-2024-12-31/unblinded"))
            .arg("--trial")
            .arg(altshock2().join("trial.toml"))
            .args(["--view", "closed", "--json", "--listing-rows", rows])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let some = run("10");
    assert_eq!(some["serious_events"].as_array().unwrap().len(), 10);
    assert_eq!(some["serious_events_total"], 110);
    assert_eq!(some["deaths"]["listing"].as_array().unwrap().len(), 10);
    assert_eq!(some["deaths"]["listing_total"], 26);
    let all = run("all");
    assert_eq!(all["serious_events"].as_array().unwrap().len(), 110);
    assert_eq!(all["serious_events"][0], some["serious_events"][0]);
    let bad = std::process::Command::new(env!("CARGO_BIN_EXE_dsmb"))
        .args(["summary"])
        .arg(altshock2().join("cut-2024-12-31/unblinded"))
        .arg("--trial")
        .arg(altshock2().join("trial.toml"))
        .args(["--view", "closed", "--listing-rows", "some"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("not a number of rows"));
}
