//! Benefit-risk in one view against validation/benefit_risk.R (a base-R
//! pairwise implementation; tests/fixtures/r_benefit_risk.json) on both
//! demo trials: Altshock-2's hierarchy counts by groups of patterns (its
//! only time outcome is first), the pilot's pair by pair (its time outcome
//! is last). Shown to decoded viewers only.

use crate::helpers::{altshock2, altshock2_efficacy, repo};
use crate::summary::closed;
use dsmb::dto::Role;
use dsmb::server::report::benefit_risk::BenefitRiskResult;

fn check(b: &BenefitRiskResult, w: &serde_json::Value, trial: &str) {
    assert_eq!(b.wins, w["wins"].as_u64().unwrap(), "{trial}");
    assert_eq!(b.losses, w["losses"].as_u64().unwrap(), "{trial}");
    assert_eq!(b.ties, w["ties"].as_u64().unwrap(), "{trial}");
    let levels: Vec<(u64, u64)> = b.levels.iter().map(|l| (l.wins, l.losses)).collect();
    let want: Vec<(u64, u64)> = w["by_level"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p[0].as_u64().unwrap(), p[1].as_u64().unwrap()))
        .collect();
    assert_eq!(levels, want, "{trial}");
    for (what, got) in [
        ("win_ratio", b.win_ratio),
        ("net_benefit", b.net_benefit),
        ("win_odds", b.win_odds),
        ("door", b.door),
    ] {
        let got = got.unwrap();
        let r = w[what].as_array().unwrap();
        for (g, r) in [got.estimate, got.ci95[0], got.ci95[1]].iter().zip(r) {
            let r = r.as_f64().unwrap();
            assert!((g - r).abs() < 1e-6, "{trial} {what}: {g} vs R {r}");
        }
    }
    let p = w["p"].as_f64().unwrap();
    assert!(
        (b.p_value.unwrap() - p).abs() < 1e-6 * p.max(1e-6),
        "{trial} p"
    );
}

#[test]
fn the_win_statistics_equal_a_pairwise_r_on_both_demo_trials() {
    let text = std::fs::read_to_string(repo().join("tests/fixtures/r_benefit_risk.json")).unwrap();
    let want: serde_json::Value = serde_json::from_str(&text).unwrap();
    for blinded in [false, true] {
        let r = closed(&altshock2().join("cut-2024-12-31"), blinded);
        let b = r
            .benefit_risk
            .as_ref()
            .expect("Altshock-2 configures a hierarchy");
        assert_eq!((b.arm.as_str(), b.reference.as_str()), ("IABP", "SOC"));
        check(b, &want["altshock2"], "altshock2");
    }
    let (_, r) = crate::helpers::pilot_closed();
    check(
        r.benefit_risk.as_ref().unwrap(),
        &want["cdisc-pilot01"],
        "cdisc-pilot01",
    );
}

#[test]
fn the_page_shows_the_hierarchy_to_decoded_viewers_only() {
    let r = closed(&altshock2().join("cut-2024-12-31"), false);
    let stat = altshock2_efficacy(&r, Role::Statistician);
    let b = stat.benefit_risk.expect("decoded: benefit-risk");
    assert_eq!(b.comparison, "IABP + SoC vs SoC");
    assert_eq!(b.pairs, "53 × 48 = 2544 pairs");
    assert_eq!(b.levels[0].name, "Death by day 60");
    assert_eq!(b.levels[0].compared, "by time within 60");
    assert_eq!(b.levels[0].reached, "2544 (100.0%)");
    assert_eq!(b.levels[0].wins, "578 (22.7%)");
    assert_eq!(b.levels[1].reached, "1549 (60.9%)");
    assert_eq!(
        b.statistics[0],
        ("Win ratio".to_string(), "0.98 (0.50 to 1.93)".to_string())
    );
    assert_eq!(b.statistics[3].1, "0.497 (0.398 to 0.595)");
    assert!(
        b.test.starts_with("Finkelstein-Schoenfeld test: p = 0.946"),
        "{}",
        b.test
    );
    // The chart draws the levels and the overall row, on the server too.
    assert!(b.chart.0.contains("Overall") && b.chart.0.contains("Stroke"));
    let svg = dsmb::server::document::svg::svg(&b.chart, 700.0).expect("drawn");
    assert!(svg.contains("stroke-width=\"18\""), "bars as wide lines");
    let member = altshock2_efficacy(&r, Role::Dsmb);
    assert!(member.benefit_risk.is_none());
    assert!(member.withheld.unwrap().contains("benefit-risk comparison"));
}

#[test]
fn an_outcome_must_say_where_its_data_are() {
    let text = std::fs::read_to_string(altshock2().join("trial.toml")).unwrap();
    for (from, to, why) in [
        (
            "safety = \"Stroke\"",
            "safety = \"Strokes\"",
            "benefit_risk.levels[3].safety: \"Strokes\" is not one of the trial's safety categories",
        ),
        (
            "values = [\"IMPELLA\", \"VA-ECMO\"]\n",
            "",
            "benefit_risk.levels[1]: an ADSL outcome needs both variable and values",
        ),
        (
            "safety = \"BARC>=3 bleeding\"",
            "safety = \"BARC>=3 bleeding\"\ncompare = \"time\"",
            "benefit_risk.levels[2]: only an ADTTE outcome takes a horizon or is compared by time",
        ),
        (
            "adtte_paramcd = \"OS\"\ncompare = \"time\"",
            "adtte_paramcd = \"OS\"\nvariable = \"X\"\nvalues = [\"Y\"]\ncompare = \"time\"",
            "benefit_risk.levels[0]: an outcome takes one of",
        ),
    ] {
        let edited = text.replacen(from, to, 1);
        assert_ne!(edited, text, "{from}");
        let err = dsmb::server::config::TrialConfig::parse(&edited)
            .err()
            .unwrap_or_else(|| panic!("{to:?} was accepted"));
        assert!(err.contains(why), "{err}");
    }
}
