//! Baseline characteristics against R (validation/descriptive.R reads the
//! blinded ADSL and the randomization list; type-7 quantiles, mean, sd) and
//! the reconstruction's expected.json (Table 1 counts).

use crate::helpers::{altshock2, close, expected, repo};
use crate::summary::closed;
use dsmb::server::config::{BaselineKind, BaselineVariable, TrialConfig};
use dsmb::server::firewall::{load, LoadOptions};
use dsmb::server::report::closed_report;
use dsmb::stats::descriptive::summarize;
use serde_json::Value;

fn fixture() -> Value {
    let text = std::fs::read_to_string(repo().join("tests/fixtures/r_descriptive.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn summaries_match_r_quantile_type_7_mean_and_sd() {
    let fx = fixture();
    let mut checked = 0;
    for (name, case) in fx.as_object().unwrap() {
        let Some(values) = case.get("values") else {
            continue;
        };
        let v: Vec<f64> = values
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect();
        let s = summarize(&v).unwrap();
        assert_eq!(s.n as u64, case["n"].as_u64().unwrap(), "{name}");
        for (got, key) in [
            (s.q1, "q1"),
            (s.median, "median"),
            (s.q3, "q3"),
            (s.mean, "mean"),
            (s.min, "min"),
            (s.max, "max"),
        ] {
            close(got, &case[key], &format!("{name} {key}"));
            checked += 1;
        }
        match s.sd {
            Some(sd) => close(sd, &case["sd"], &format!("{name} sd")),
            None => assert!(case["sd"].is_null(), "{name}: sd of one value"),
        }
    }
    assert!(checked > 100, "{checked} values");
}

/// The Altshock-2 continuous rows: (label, ADSL variable).
const CONTINUOUS: [(&str, &str); 5] = [
    ("Age, years", "AGE"),
    ("Mean arterial pressure, mmHg", "MAP"),
    ("Arterial lactate, mmol/L", "LACTATE"),
    ("LVEF, %", "LVEF"),
    ("Time from shock onset, hours", "ONSETHR"),
];

/// The Altshock-2 level rows: (fixture key, label, level).
const LEVELS: [(&str, &str, &str); 6] = [
    ("male", "Sex", "Male"),
    ("scai_B", "SCAI shock stage", "B"),
    ("scai_C", "SCAI shock stage", "C"),
    ("scai_D", "SCAI shock stage", "D"),
    ("nonischemic", "Etiology", "Non-ischemic"),
    ("lactate_gt_2", "Arterial lactate > 2 mmol/L", "> 2"),
];

/// The Altshock-2 final cut's Table 1 by arm: the continuous rows against
/// R, the counts against expected.json (and R).
#[test]
fn the_altshock_table_1_rows_match_r_and_expected_json() {
    let fx = fixture();
    let r = closed(&altshock2().join("cut-2024-12-31"), false);
    let row = |label: &str| r.baseline.iter().find(|b| b.label == label).unwrap();
    for (label, var) in CONTINUOUS {
        let b = row(label);
        for (group, s) in [
            ("IABP", &b.by_arm["IABP"]),
            ("SOC", &b.by_arm["SOC"]),
            ("total", &b.total),
        ] {
            let want = &fx[format!("{var} {group}")];
            let c = s.continuous.as_ref().unwrap();
            assert_eq!(u64::from(c.n), want["n"].as_u64().unwrap(), "{var} {group}");
            for (got, key) in [
                (c.median, "median"),
                (c.q1, "q1"),
                (c.q3, "q3"),
                (c.mean, "mean"),
                (c.sd, "sd"),
            ] {
                close(got.unwrap(), &want[key], &format!("{var} {group} {key}"));
            }
        }
    }
    let exp = expected();
    let base = &exp["cuts"]["cut-2024-12-31"]["baseline"];
    let count = |label: &str, level: &str, arm: &str| {
        let b = row(label);
        let i = b.levels.iter().position(|l| l == level).unwrap();
        u64::from(b.by_arm[arm].counts[i])
    };
    for (key, label, level) in LEVELS {
        for (i, arm) in ["IABP", "SOC"].iter().enumerate() {
            let got = count(label, level, arm);
            assert_eq!(got, base[key][arm].as_u64().unwrap(), "{key} {arm}");
            assert_eq!(
                got,
                fx["counts"][key][i].as_u64().unwrap(),
                "{key} {arm} (R)"
            );
        }
    }
    // The standardized differences: of the means, and of each level's share.
    let smd = &fx["std_diff"];
    for (label, var) in CONTINUOUS {
        let b = row(label);
        assert_eq!(b.std_diff.len(), 1, "{label}");
        close(
            b.std_diff[0].unwrap(),
            &smd[var],
            &format!("{var} std diff"),
        );
    }
    for (key, label, level) in LEVELS {
        let b = row(label);
        let i = b.levels.iter().position(|l| l == level).unwrap();
        close(
            b.std_diff[i].unwrap(),
            &smd[key],
            &format!("{key} std diff"),
        );
        assert_eq!(b.std_diff.len(), b.levels.len(), "{label}");
        assert_eq!(
            *b.std_diff.last().unwrap(),
            None,
            "{label}: Missing has none"
        );
    }
}

/// A variable the cut does not carry is reported as not collected, never a
/// failure or a silent zero.
#[test]
fn a_baseline_variable_the_cut_lacks_is_not_collected() {
    let root = repo().join("demo/cdisc-pilot01");
    let mut trial = TrialConfig::load(&root.join("trial.toml")).unwrap();
    trial.baseline.push(BaselineVariable {
        variable: "NOSUCHVAR".into(),
        label: "Not in the data".into(),
        kind: BaselineKind::Continuous,
        levels: None,
        threshold: None,
    });
    let snap = load(
        &root.join("cut-2015-03-05/unblinded"),
        &trial,
        &LoadOptions::closed(None),
    )
    .unwrap();
    let r = closed_report(&snap, &trial).unwrap();
    let b = r
        .baseline
        .iter()
        .find(|b| b.variable == "NOSUCHVAR")
        .unwrap();
    assert!(!b.collected);
    // Three arms: no standardized difference of one pair over the others.
    assert!(r.baseline.iter().all(|b| b.std_diff.is_empty()));
    assert!(r
        .baseline
        .iter()
        .filter(|b| b.variable != "NOSUCHVAR")
        .all(|b| b.collected));
}

/// The sponsor's table has the total column only, its small level counts
/// suppressed (and the level that would give one away by subtraction); a
/// closed role's has the groups, coded for a DSMB member.
#[test]
fn the_sponsor_sees_the_total_only_and_closed_roles_the_groups() {
    crate::helpers::block_on(async {
        let app = crate::helpers::state();
        let call = |user: &'static str| {
            let app = app.clone();
            async move {
                let t = crate::helpers::sign_in(&app, user).await;
                let r = crate::helpers::send(
                    &app,
                    crate::helpers::post(
                        "/api/get_baseline",
                        Some(&t),
                        "trial=altshock2&cut=2022-06-30",
                    ),
                )
                .await;
                assert_eq!(r.status, 200, "{}", r.body);
                serde_json::from_str::<Value>(&r.body).unwrap()
            }
        };
        let sponsor = call("sponsor").await;
        assert_eq!(sponsor["columns"], serde_json::json!(["Total"]));
        let line = |t: &Value, label: &str| -> Vec<String> {
            t["lines"]
                .as_array()
                .unwrap()
                .iter()
                .find(|l| l["label"] == label)
                .unwrap()["cells"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_str().unwrap().to_string())
                .collect()
        };
        // 46 subjects; lactate missing for 1: suppressed, and with it the
        // subjects above 2 (46 - 24 - 1 would give the missing back).
        assert_eq!(line(&sponsor, "Missing").len(), 1);
        assert_eq!(line(&sponsor, "> 2"), ["suppressed"]);
        assert_eq!(line(&sponsor, "<= 2"), ["24 (52.2%)"]);
        let member = call("member").await;
        let cols: Vec<&str> = member["columns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        assert_eq!(cols, ["Group A", "Group B", "Total", "Std. diff."]);
        let stat = call("stat").await;
        let cols: Vec<&str> = stat["columns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        assert_eq!(cols, ["SoC", "IABP + SoC", "Total", "Std. diff."]);
        assert_eq!(line(&stat, "> 2").len(), 4);
        // The difference sits on the mean's line, and never on Missing's.
        let mean = line(&stat, "Mean (SD)");
        assert!(mean[3].parse::<f64>().is_ok(), "{mean:?}");
        assert!(line(&stat, "Median (Q1–Q3)")[3].is_empty());
        assert!(line(&stat, "Missing")[3] == "–");
    });
}
