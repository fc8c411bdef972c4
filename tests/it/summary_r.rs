//! The closed summaries' effect measures against R: risk differences, the
//! CDISC pilot's log-rank, Cox and subgroup hazard ratios, and
//! exposure-adjusted rates (scripts in `validation/`).

use crate::helpers::{altshock2, repo};
use crate::summary::closed;
use dsmb::server::firewall::{load, LoadOptions};
use dsmb::server::report::{closed_report, open_report};

fn r_fixture() -> serde_json::Value {
    let text = std::fs::read_to_string(repo().join("tests/fixtures/r_survival.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn rel_close(got: f64, want: f64) -> bool {
    (got - want).abs() <= 1e-6 * want.abs()
}

/// The safety table's risk differences (Newcombe, the config's choice) for
/// the published Altshock-2 counts, through the whole pipeline, against the
/// R values of validation/r_survival.R.
#[test]
fn safety_risk_differences_match_r() {
    let fx = r_fixture();
    let r = closed(&altshock2().join("cut-2024-12-31"), false);
    for (category, id) in [
        ("BARC>=3 bleeding", "altshock2-9-53-vs-4-48"),
        ("Vascular complications", "altshock2-4-53-vs-0-48"),
        ("Stroke", "altshock2-3-53-vs-0-48"),
    ] {
        let want = fx["rates"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap();
        let row = r.safety.iter().find(|c| c.category == category).unwrap();
        let rd = row.risk_difference.expect("two arms: a risk difference");
        assert!(
            rel_close(rd.estimate, want["rd"].as_f64().unwrap()),
            "{category}"
        );
        for j in 0..2 {
            let w = want["newcombe"][j].as_f64().unwrap();
            assert!(
                rel_close(rd.ci95[j], w),
                "{category}: {:?} vs R {w}",
                rd.ci95
            );
        }
    }
}

/// `primary.logrank_p` and `primary.cox` of the CDISC pilot (TTDE, three
/// arms, placebo the reference) from the unchanged SAS transport files,
/// against R's survdiff and coxph (case cdisc-pilot01-ttde of
/// validation/r_survival.R).
#[test]
fn the_cdisc_primary_log_rank_and_cox_match_r() {
    let fx = r_fixture();
    let want = fx["survival"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "cdisc-pilot01-ttde")
        .unwrap();
    let root = repo().join("demo/cdisc-pilot01");
    let trial = dsmb::server::config::TrialConfig::load(&root.join("trial.toml")).unwrap();
    let snap = load(
        &root.join("cut-2015-03-05/unblinded"),
        &trial,
        &LoadOptions::closed(None),
    )
    .unwrap_or_else(|p| panic!("{p}"));
    let r = closed_report(&snap, &trial).unwrap();
    let s = r
        .primary
        .survival
        .expect("a time-to-event primary endpoint");
    let p = s.logrank_p.unwrap();
    assert!(rel_close(p, want["logrank"]["p"].as_f64().unwrap()), "{p}");
    let cox = s.cox.unwrap();
    // R's factor levels: Placebo, Low, High (the config's arm order).
    assert_eq!(
        cox.iter().map(|c| c.arm.as_str()).collect::<Vec<_>>(),
        ["LOW", "HIGH"]
    );
    let w = &want["cox_efron"];
    for (j, row) in cox.iter().enumerate() {
        assert!(rel_close(row.hr, w["hr"][j].as_f64().unwrap()), "{row:?}");
        assert!(
            rel_close(row.ci95[0], w["lower"][j].as_f64().unwrap()),
            "{row:?}"
        );
        assert!(
            rel_close(row.ci95[1], w["upper"][j].as_f64().unwrap()),
            "{row:?}"
        );
        assert!(
            rel_close(row.p, w["wald_p"][j].as_f64().unwrap()),
            "{row:?}"
        );
    }
    // Kaplan-Meier medians and numbers at risk by arm, as survfit gives
    // them (R's risk times are 0, 30, ..., 180: the first seven here).
    assert_eq!(
        &s.risk_times[..7],
        &[0.0, 30.0, 60.0, 90.0, 120.0, 150.0, 180.0]
    );
    for (code, level) in [("PBO", 0), ("LOW", 1), ("HIGH", 2)] {
        let km = &s.kaplan_meier[code];
        let wk = &want["km"][level];
        let r_at_risk: Vec<u32> = wk["at_risk"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap() as u32)
            .collect();
        assert_eq!(&km.at_risk[..7], &r_at_risk[..], "{code} at risk");
        // The curve's last step is the survfit estimate after the last event.
        let r_surv: Vec<f64> = wk["surv"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        let r_events: Vec<f64> = wk["n_event"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        let last_event = r_events.iter().rposition(|&d| d > 0.0).unwrap();
        assert!(
            rel_close(km.curve.last().unwrap()[1], r_surv[last_event]),
            "{code}"
        );
        assert_eq!(km.median, wk["median"].as_f64(), "{code}");
        assert_eq!(km.median_ci95[0], wk["median_lower"].as_f64(), "{code}");
        assert_eq!(km.median_ci95[1], wk["median_upper"].as_f64(), "{code}");
    }
    // The open view carries none of it.
    let open = open_report(
        &load(
            &root.join("cut-2015-03-05/unblinded"),
            &trial,
            &LoadOptions::open(),
        )
        .unwrap(),
        &trial,
    )
    .unwrap();
    let text = serde_json::to_string(&open).unwrap();
    for key in [
        "logrank_p",
        "cox",
        "kaplan_meier",
        "interim",
        "hr",
        "by_arm",
    ] {
        let quoted = format!("\"{key}\"");
        assert!(!text.contains(&quoted), "open view carries {key}");
    }
    // As values: an adverse-event term may hold the letters (LOWER
    // RESPIRATORY TRACT INFECTION).
    for code in ["\"PBO\"", "\"LOW\"", "\"HIGH\"", "Xanomeline"] {
        assert!(!text.contains(code), "open view names arm {code}");
    }
}

/// Subgroup hazard ratios and interaction tests of the CDISC pilot (high
/// dose against placebo) against survival::coxph, Efron ties
/// (validation/cdisc_subgroups.R prints these):
///
/// ```text
/// age (-Inf,64]  5.439505258375 1.663165081776 17.790307035727
/// age (64,80]    5.323494398844 2.812589887474 10.075977568122
/// age (80, Inf]  2.806862977192 1.119010880950  7.040574767281
/// age interaction 2.507899346358 (df 2) p 0.285375428335
/// SEX F 3.653332146722 1.981820976328 6.734632408121
/// SEX M 6.819888663206 3.217370161414 14.456179750882
/// SEX interaction 2.659360152237 (df 1) p 0.102942137325
/// ```
#[test]
fn the_cdisc_subgroup_hazard_ratios_and_interactions_match_r() {
    let root = repo().join("demo/cdisc-pilot01");
    let trial = dsmb::server::config::TrialConfig::load(&root.join("trial.toml")).unwrap();
    let snap = load(
        &root.join("cut-2015-03-05/unblinded"),
        &trial,
        &LoadOptions::closed(None),
    )
    .unwrap_or_else(|p| panic!("{p}"));
    let r = closed_report(&snap, &trial).unwrap();
    let want = [
        (
            "AGE",
            "<=64",
            [5.439_505_258_375, 1.663_165_081_776, 17.790_307_035_727],
        ),
        (
            "AGE",
            "(64,80]",
            [5.323_494_398_844, 2.812_589_887_474, 10.075_977_568_122],
        ),
        (
            "AGE",
            ">80",
            [2.806_862_977_192, 1.119_010_880_950, 7.040_574_767_281],
        ),
        (
            "SEX",
            "F",
            [3.653_332_146_722, 1.981_820_976_328, 6.734_632_408_121],
        ),
        (
            "SEX",
            "M",
            [6.819_888_663_206, 3.217_370_161_414, 14.456_179_750_882],
        ),
    ];
    for (var, level, w) in want {
        let row = r
            .subgroups
            .iter()
            .find(|s| s.variable == var && s.level == level)
            .unwrap_or_else(|| panic!("{var} {level}"));
        let hr = row.hazard_ratio.as_ref().unwrap();
        for (g, w) in [hr.hr, hr.ci95[0], hr.ci95[1]].iter().zip(w) {
            assert!(rel_close(*g, w), "{var} {level}: {hr:?}");
        }
    }
    for (var, chisq, df, p) in [
        ("AGE", 2.507_899_346_358, 2, 0.285_375_428_335),
        ("SEX", 2.659_360_152_237, 1, 0.102_942_137_325),
    ] {
        let t = r
            .subgroup_interactions
            .iter()
            .find(|t| t.variable == var)
            .unwrap();
        assert!(
            rel_close(t.chisq, chisq) && t.df == df && rel_close(t.p, p),
            "{t:?}"
        );
    }
}

/// Exposure-adjusted event rates in the demo safety tables against R's
/// poisson.test (validation/incidence_demo.R prints these):
///
/// ```text
/// CDISC Dermatologic events, TRTDUR: Placebo 73 207.981669266771 [163.024428341988, 261.505723883261]
///   High dose 199 870.580309019044 [753.818836615385, 1000.304391472663]
///   rate ratio 4.18585114779 [3.18588388791, 5.55150560668] p 2.13354376772e-29
/// Altshock-2 BARC>=3 bleeding, PRIMEP follow-up: SOC 5 75.840946843854 [24.625349002938, 176.987470596869]
///   IABP 11 143.439842913245 [71.604652771626, 256.653501141861]
///   rate ratio 1.89132452695 [0.60580775612, 6.94364115461] p 0.317079096961
/// ```
#[test]
fn exposure_adjusted_rates_match_r_poisson_test() {
    let root = repo().join("demo/cdisc-pilot01");
    let trial = dsmb::server::config::TrialConfig::load(&root.join("trial.toml")).unwrap();
    let snap = load(
        &root.join("cut-2015-03-05/unblinded"),
        &trial,
        &LoadOptions::closed(None),
    )
    .unwrap_or_else(|p| panic!("{p}"));
    let cdisc = closed_report(&snap, &trial).unwrap();
    let altshock = closed(&altshock2().join("cut-2024-12-31"), true);
    let cases = [
        (
            &cdisc,
            "Dermatologic events",
            "HIGH",
            "PBO",
            [
                73.0,
                207.981_669_266_771,
                163.024_428_341_988,
                261.505_723_883_261,
            ],
            [
                199.0,
                870.580_309_019_044,
                753.818_836_615_385,
                1_000.304_391_472_663,
            ],
            [
                4.185_851_147_79,
                3.185_883_887_91,
                5.551_505_606_68,
                2.133_543_767_72e-29,
            ],
        ),
        (
            &altshock,
            "BARC>=3 bleeding",
            "IABP",
            "SOC",
            [
                5.0,
                75.840_946_843_854,
                24.625_349_002_938,
                176.987_470_596_869,
            ],
            [
                11.0,
                143.439_842_913_245,
                71.604_652_771_626,
                256.653_501_141_861,
            ],
            [
                1.891_324_526_95,
                0.605_807_756_12,
                6.943_641_154_61,
                0.317_079_096_961,
            ],
        ),
    ];
    for (r, category, arm, reference, want_ref, want_arm, want_ratio) in cases {
        let row = r.safety.iter().find(|c| c.category == category).unwrap();
        let inc = row
            .incidence
            .as_ref()
            .expect("the trial names the exposure");
        for (code, w) in [(reference, want_ref), (arm, want_arm)] {
            let got = &inc[code];
            assert_eq!(got.events as f64, w[0], "{category} {code}");
            for (g, w) in [got.per_100_patient_years, got.ci95[0], got.ci95[1]]
                .iter()
                .zip(&w[1..])
            {
                assert!(rel_close(*g, *w), "{category} {code}: {got:?}");
            }
        }
        let cmp = row.comparisons.iter().find(|c| c.arm == arm).unwrap();
        let rr = cmp.rate_ratio.unwrap();
        for (g, w) in [rr.estimate, rr.ci95[0], rr.ci95[1], rr.p_value]
            .iter()
            .zip(want_ratio)
        {
            assert!((g - w).abs() <= 1e-6 * w.abs(), "{category}: {rr:?}");
        }
    }
}
