//! Disposition (the CONSORT flow) against R (validation/report_tables.R:
//! base-R counts on the Altshock-2 blinded ADSL with the randomization
//! list, and on the CDISC pilot's unchanged ADSL) and the reconstruction's
//! expected.json (6 SoC patients crossed over to IABP).

use crate::helpers::{altshock2, altshock2_trial, expected, repo};
use crate::summary::closed;
use dsmb::server::config::TrialConfig;
use dsmb::server::firewall::{load, LoadOptions};
use dsmb::server::report::disposition::DispositionCounts;
use dsmb::server::report::{closed_report, open_report, Cell};
use serde_json::Value;

pub fn tables() -> Value {
    let text = std::fs::read_to_string(repo().join("tests/fixtures/r_report_tables.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn pilot() -> (std::path::PathBuf, TrialConfig) {
    (
        repo().join("demo/cdisc-pilot01/cut-2015-03-05/unblinded"),
        TrialConfig::load(&repo().join("demo/cdisc-pilot01/trial.toml")).unwrap(),
    )
}

/// `got` against R's counts `want` ({arm label or code: n, total: n}).
fn check(what: &str, got: &dyn Fn(&str) -> Cell, want: &Value, arms: &[(&str, &str)]) -> usize {
    for (code, r_name) in arms {
        assert_eq!(
            got(code),
            Cell::Count(want[r_name].as_u64().unwrap() as u32),
            "{what} {code}"
        );
    }
    assert_eq!(
        got("total"),
        Cell::Count(want["total"].as_u64().unwrap() as u32),
        "{what} total"
    );
    arms.len() + 1
}

fn pick<'a>(
    d: &'a dsmb::server::report::disposition::Disposition,
    code: &str,
) -> &'a DispositionCounts {
    if code == "total" {
        &d.total
    } else {
        &d.by_arm[code]
    }
}

#[test]
fn altshock2_final_cut_flow_matches_r_and_the_seed_crossovers() {
    let report = closed(&altshock2().join("cut-2024-12-31"), false);
    let d = &report.disposition;
    let fx = &tables()["altshock2_disposition"];
    let arms = [("IABP", "IABP"), ("SOC", "SOC")];
    let mut n = 0;
    n += check(
        "randomized",
        &|c| Cell::Count(pick(d, c).randomized),
        &fx["randomized"],
        &arms,
    );
    n += check(
        "completed",
        &|c| pick(d, c).completed,
        &fx["completed"],
        &arms,
    );
    n += check(
        "discontinued",
        &|c| pick(d, c).discontinued,
        &fx["discontinued"],
        &arms,
    );
    n += check(
        "death",
        &|c| {
            pick(d, c)
                .reasons
                .iter()
                .find(|r| r.reason == "DEATH")
                .unwrap()
                .subjects
        },
        &fx["reason_death"],
        &arms,
    );
    n += check("itt", &|c| pick(d, c).itt, &fx["itt"], &arms);
    n += check(
        "pp",
        &|c| pick(d, c).per_protocol,
        &fx["per_protocol"],
        &arms,
    );
    assert_eq!(n, 18);
    // The seed: 53 / 48 randomized, 6 SoC crossed over to IABP.
    let x = &expected()["cuts"]["cut-2024-12-31"]["crossover_to_IABP"];
    assert!(d.actual_treatment);
    for arm in ["IABP", "SOC"] {
        assert_eq!(
            d.by_arm[arm].crossed_over,
            Some(Cell::Count(x[arm].as_u64().unwrap() as u32)),
            "{arm}"
        );
    }
    assert_eq!(d.by_arm["SOC"].received_allocated, Some(Cell::Count(42)));
    assert_eq!(d.total.crossed_over, Some(Cell::Count(6)));
    // Every subject's 60-day horizon has passed and every outcome is known.
    assert_eq!(d.total.primary_due, Some(Cell::Count(101)));
    assert_eq!(d.total.primary_complete, Some(Cell::Count(101)));
}

#[test]
fn a_blinded_cut_with_its_list_has_no_actual_treatment_and_says_so() {
    let report = closed(&altshock2().join("cut-2024-12-31"), true);
    let d = &report.disposition;
    assert!(!d.actual_treatment);
    assert_eq!(d.by_arm["SOC"].crossed_over, None);
    assert_eq!(d.by_arm["SOC"].randomized, 48);
}

#[test]
fn cdisc_pilot_flow_matches_r_on_its_unchanged_adsl() {
    let (dir, trial) = pilot();
    let snap = load(&dir, &trial, &LoadOptions::closed(None)).unwrap();
    let report = closed_report(&snap, &trial).unwrap();
    let d = &report.disposition;
    let fx = &tables()["cdisc_disposition"];
    let arms = [
        ("PBO", "Placebo"),
        ("LOW", "Xanomeline Low Dose"),
        ("HIGH", "Xanomeline High Dose"),
    ];
    let mut n = 0;
    n += check(
        "randomized",
        &|c| Cell::Count(pick(d, c).randomized),
        &fx["randomized"],
        &arms,
    );
    n += check(
        "completed",
        &|c| pick(d, c).completed,
        &fx["completed"],
        &arms,
    );
    n += check(
        "discontinued",
        &|c| pick(d, c).discontinued,
        &fx["discontinued"],
        &arms,
    );
    n += check(
        "crossed over",
        &|c| pick(d, c).crossed_over.unwrap(),
        &fx["crossed_over"],
        &arms,
    );
    n += check("itt", &|c| pick(d, c).itt, &fx["itt"], &arms);
    n += check("safety", &|c| pick(d, c).safety, &fx["safety"], &arms);
    let reasons = fx["reasons"].as_object().unwrap();
    assert_eq!(d.total.reasons.len(), reasons.len());
    for (reason, want) in reasons {
        n += check(
            reason,
            &|c| {
                pick(d, c)
                    .reasons
                    .iter()
                    .find(|r| &r.reason == reason)
                    .unwrap()
                    .subjects
            },
            want,
            &arms,
        );
    }
    assert_eq!(n, 6 * 4 + reasons.len() * 4);
    // Most frequent first.
    assert_eq!(d.total.reasons[0].reason, "Adverse Event");
    assert_eq!(d.total.lost_to_follow_up, Cell::Count(2));
    // No PP flag in the pilot's ADSL, and no horizon on its endpoint.
    assert_eq!(d.total.per_protocol, Cell::NotCollected);
    assert_eq!(d.total.primary_due, None);
}

#[test]
fn the_open_flow_is_pooled_has_no_crossover_and_suppresses_small_reasons() {
    let (dir, trial) = pilot();
    let snap = load(&dir, &trial, &LoadOptions::open()).unwrap();
    let open = open_report(&snap, &trial).unwrap();
    let d = &open.disposition;
    assert_eq!(d.randomized, 254);
    assert_eq!(d.crossed_over, None);
    assert_eq!(d.received_allocated, None);
    let reason = |r: &str| d.reasons.iter().find(|x| x.reason == r).unwrap().subjects;
    assert_eq!(reason("Adverse Event"), Cell::Count(92));
    assert_eq!(reason("Death"), Cell::Suppressed);
    // Lost to follow-up is a small reason: hidden as its row is.
    assert_eq!(d.lost_to_follow_up, Cell::Suppressed);
    let json = serde_json::to_value(&open).unwrap();
    let text = json["disposition"].to_string();
    for key in [
        "crossed_over",
        "received_allocated",
        "by_arm",
        "not_treated",
    ] {
        assert!(!text.contains(key), "{key} in the open disposition: {text}");
    }
    assert_eq!(json["disposition"]["reasons"][3]["subjects"], "suppressed");
}

#[test]
fn a_missing_status_and_reason_make_the_flow_say_not_collected() {
    let mut trial = altshock2_trial();
    trial.columns.status = Some("NO_SUCH_STATUS".into());
    trial.columns.reason = Some("NO_SUCH_REASON".into());
    trial.columns.pp_flag = Some("NO_SUCH_FLAG".into());
    let dir = altshock2().join("cut-2024-12-31/blinded");
    let snap = load(&dir, &trial, &LoadOptions::open()).unwrap();
    let open = open_report(&snap, &trial).unwrap();
    let d = &open.disposition;
    assert_eq!(d.completed, Cell::NotCollected);
    assert_eq!(d.discontinued, Cell::NotCollected);
    assert_eq!(d.per_protocol, Cell::NotCollected);
    assert!(d.reasons.is_empty());
    assert_eq!(d.itt, Cell::Count(101));
    let json = serde_json::to_value(d).unwrap();
    assert_eq!(json["completed"], "not collected");
}

#[test]
fn a_trial_toml_that_points_a_report_column_at_an_arm_column_is_refused() {
    // The open level reads every report column: naming TRT01P as the
    // status (or as a baseline variable) would put the arms in the
    // sponsor's view.
    let (dir, mut trial) = pilot();
    trial.columns.status = Some("TRT01P".into());
    let err = load(&dir, &trial, &LoadOptions::open())
        .unwrap_err()
        .to_string();
    assert!(err.contains("REFUSED") && err.contains("TRT01P"), "{err}");
    let (_, mut trial) = pilot();
    trial.baseline[0].variable = "ARM".into();
    let err = load(&dir, &trial, &LoadOptions::open())
        .unwrap_err()
        .to_string();
    assert!(err.contains("ARM identifies the arm"), "{err}");
}

/// A copy of the Altshock-2 final cut's blinded folder (unregistered) with
/// a screening log of `rows` (SCRNID, SFREAS).
fn with_screening(rows: &[(&str, &str)]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "dsmb-screening-{}-{}",
        std::process::id(),
        crate::fixtures::unique()
    ));
    let cut = dir.join("cut-2024-12-31");
    crate::fixtures::copy_dir(&altshock2().join("cut-2024-12-31/blinded"), &cut);
    let mut text = String::from("SCRNID,SFREAS\n");
    for (id, reason) in rows {
        text.push_str(&format!("{id},{reason}\n"));
    }
    std::fs::write(cut.join("screening.csv"), text).unwrap();
    cut
}

#[test]
fn a_screening_log_adds_the_screened_and_the_not_randomized_by_reason() {
    let trial = altshock2_trial();
    // 101 randomized, 20 not eligible, 9 refused consent.
    let mut rows: Vec<(String, &str)> = (0..101).map(|i| (format!("S{i:03}"), "")).collect();
    rows.extend((101..121).map(|i| (format!("S{i:03}"), "NOT ELIGIBLE")));
    rows.extend((121..130).map(|i| (format!("S{i:03}"), "CONSENT REFUSED")));
    let shown: Vec<(&str, &str)> = rows.iter().map(|(a, b)| (a.as_str(), *b)).collect();
    let cut = with_screening(&shown);
    let snap = load(&cut, &trial, &LoadOptions::open()).unwrap_or_else(|p| panic!("{p}"));
    let open = open_report(&snap, &trial).unwrap();
    let d = &open.disposition;
    assert_eq!(d.screened, Some(130));
    assert_eq!(d.not_randomized[0].reason, "NOT ELIGIBLE");
    assert_eq!(d.not_randomized[0].subjects, Cell::Count(20));
    assert_eq!(d.not_randomized[1].subjects, Cell::Count(9));
    assert!(snap.files.iter().any(|f| f.name == "screening.csv"));
    // A log whose randomized do not add up to ADSL is refused, naming it.
    let cut = with_screening(&shown[1..]);
    let err = load(&cut, &trial, &LoadOptions::open())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("screening.csv") && err.contains("ADSL has 101 subjects"),
        "{err}"
    );
    // Without a log the flow starts at randomization.
    let report = closed(&altshock2().join("cut-2024-12-31"), false);
    assert_eq!(report.disposition.total.screened, None);
}
