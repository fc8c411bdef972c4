//! The adverse-event signal screen against validation/ae_signals.R
//! (Fisher's exact test and the double FDR procedure written out with
//! p.adjust "BH"; tests/fixtures/r_ae_signals.json) on both demo trials,
//! and as each role sees it.

use crate::helpers::{altshock2, repo};
use crate::summary::closed;
use dsmb::dto::Role;
use dsmb::server::report::ae_signals::AeSignals;

fn check(s: &AeSignals, w: &serde_json::Value, trial: &str) {
    let pop: Vec<u64> = w["population"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap())
        .collect();
    assert_eq!(
        pop,
        [u64::from(s.population[0]), u64::from(s.population[1])],
        "{trial}"
    );
    let terms = w["terms"].as_array().unwrap();
    assert_eq!(s.terms.len(), terms.len(), "{trial}: terms screened");
    for t in terms {
        let (soc, pt) = (t["soc"].as_str().unwrap(), t["pt"].as_str().unwrap());
        let got = s
            .terms
            .iter()
            .find(|x| x.organ_class == soc && x.term == pt)
            .unwrap_or_else(|| panic!("{trial}: {pt} not screened"));
        let subjects: Vec<u64> = t["subjects"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_u64().unwrap())
            .collect();
        assert_eq!(
            subjects,
            [u64::from(got.subjects[0]), u64::from(got.subjects[1])],
            "{pt}"
        );
        for (what, g) in [
            ("p", Some(got.p)),
            ("within", Some(got.within)),
            ("pooled", got.pooled),
        ] {
            match (g, t[what].as_f64()) {
                (Some(g), Some(r)) => {
                    assert!((g - r).abs() < 1e-6, "{trial} {pt} {what}: {g} vs R {r}")
                }
                (None, None) => {}
                (g, r) => panic!("{trial} {pt} {what}: {g:?} vs R {r:?}"),
            }
        }
        assert_eq!(
            got.flagged,
            t["pooled"].as_f64().is_some_and(|p| p <= 0.1),
            "{pt}"
        );
    }
    for c in w["classes"].as_array().unwrap() {
        let soc = c["soc"].as_str().unwrap();
        let got = s.classes.iter().find(|x| x.organ_class == soc).unwrap();
        assert!((got.p - c["p"].as_f64().unwrap()).abs() < 1e-6, "{soc}");
        assert!(
            (got.adjusted - c["adjusted"].as_f64().unwrap()).abs() < 1e-6,
            "{soc}"
        );
    }
}

#[test]
fn the_screen_equals_r_on_both_demo_trials() {
    let text = std::fs::read_to_string(repo().join("tests/fixtures/r_ae_signals.json")).unwrap();
    let want: serde_json::Value = serde_json::from_str(&text).unwrap();
    for blinded in [false, true] {
        let r = closed(&altshock2().join("cut-2024-12-31"), blinded);
        check(
            r.ae_signals.as_ref().unwrap(),
            &want["altshock2"],
            "altshock2",
        );
    }
    let (_, r) = crate::helpers::pilot_closed();
    let s = r.ae_signals.as_ref().unwrap();
    check(s, &want["cdisc-pilot01"], "cdisc-pilot01");
    // Xanomeline's skin and application-site reactions are flagged.
    let flagged: Vec<&str> = s
        .terms
        .iter()
        .filter(|t| t.flagged)
        .map(|t| t.term.as_str())
        .collect();
    assert!(
        flagged.contains(&"APPLICATION SITE PRURITUS") && flagged.contains(&"PRURITUS"),
        "{flagged:?}"
    );
}

#[test]
fn the_page_orders_the_screen_as_the_viewer_names_groups() {
    let (trial, r) = crate::helpers::pilot_closed();
    let view = |role: Role| {
        let names =
            dsmb::server::firewall::ArmNames::for_viewer(role, trial.arm_labels(), &[], None);
        dsmb::server::views::adverse::closed_table(
            &trial,
            role,
            &r,
            &names,
            dsmb::server::report::adverse::AeCategory::Any,
        )
    };
    let stat = view(Role::Statistician).signals.expect("the screen");
    assert!(stat.withheld.is_none());
    assert_eq!(stat.comparison, "Xanomeline High Dose vs Placebo");
    let first = &stat.flagged[0];
    assert_eq!(first.term, "PRURITUS");
    assert_eq!(first.cells, ["26 (31.0%)", "8 (9.3%)"]);
    assert_eq!(first.risk_difference, "21.7");
    assert_eq!(first.relative_risk, "3.33");
    assert!(
        stat.summary
            .starts_with("23 terms in 8 organ classes screened; 3 organ classes selected"),
        "{}",
        stat.summary
    );
    // A member with three coded groups: the screen would tell which two
    // the design compares; it waits for the decode.
    let member = view(Role::Dsmb).signals.expect("a reason");
    assert!(member.withheld.is_some() && member.flagged.is_empty() && member.volcano.0.is_empty());
    // Other categories carry no screen; the sponsor none at all.
    let names = dsmb::server::firewall::ArmNames::for_viewer(
        Role::Statistician,
        trial.arm_labels(),
        &[],
        None,
    );
    let serious = dsmb::server::views::adverse::closed_table(
        &trial,
        Role::Statistician,
        &r,
        &names,
        dsmb::server::report::adverse::AeCategory::Serious,
    );
    assert!(serious.signals.is_none());
}

#[test]
fn a_signal_level_must_be_a_rate() {
    let text = std::fs::read_to_string(altshock2().join("trial.toml")).unwrap();
    let edited = format!("{text}\n[adverse_events]\nsignal_fdr = 1.5\n");
    let edited = if text.contains("[adverse_events]") {
        text.replace("[adverse_events]", "[adverse_events]\nsignal_fdr = 1.5")
    } else {
        edited
    };
    let err = dsmb::server::config::TrialConfig::parse(&edited)
        .err()
        .unwrap();
    assert!(
        err.contains("adverse_events.signal_fdr: 1.5 is not a false discovery rate"),
        "{err}"
    );
}
