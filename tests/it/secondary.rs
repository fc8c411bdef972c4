//! The configured secondary endpoints against the seed's Table 3 (SoC vs
//! IABP + SoC at the final cut) and R, in the closed report, on the
//! efficacy page's data (coded and decoded) and nowhere in the open view.
//!
//! R (the trial's rule: Pearson's chi-square without correction, Fisher's
//! exact test when an expected count is below 5; IABP 53, SoC 48):
//!
//! ```r
//! f <- function(a, b) {
//!   m <- matrix(c(a, 53 - a, b, 48 - b), 2)
//!   e <- suppressWarnings(chisq.test(m, correct = FALSE))
//!   if (any(e$expected < 5)) fisher.test(m)$p.value else e$p.value
//! }
//! f(12, 7)  # durable LVAD       0.300744684687 (chi-square; Table 3: 0.30)
//! f(9, 9)   # transplantation    0.816558192581 (chi-square; 0.82)
//! f(1, 1)   # Impella            1              (Fisher; printed 0.99)
//! f(3, 1)   # VA-ECMO            0.619296460258 (Fisher; 0.62)
//! # Overall survival (ADTTE OS, blinded CSV with the randomization list):
//! survdiff(Surv(AVAL, 1 - CNSR) ~ trt)  # p 0.438645317216
//! coxph(Surv(AVAL, 1 - CNSR) ~ trt, ties = "efron")
//! # HR 0.737703200738 (0.341123699010 to 1.595333346695)
//! ```

use crate::helpers::{altshock2, altshock2_efficacy, repo};
use crate::summary::closed;
use dsmb::dto::Role;
use dsmb::stats::proportions::TestName;

#[test]
fn table_3s_secondary_endpoints_come_out_exactly_at_the_final_cut() {
    for blinded in [false, true] {
        let r = closed(&altshock2().join("cut-2024-12-31"), blinded);
        let rows: Vec<(&str, u32, u32, u32, u32, TestName, f64)> = vec![
            (
                "Durable LVAD",
                7,
                48,
                12,
                53,
                TestName::ChiSquare,
                0.300_744_684_687,
            ),
            (
                "Heart transplantation",
                9,
                48,
                9,
                53,
                TestName::ChiSquare,
                0.816_558_192_581,
            ),
            ("Escalation to Impella", 1, 48, 1, 53, TestName::Fisher, 1.0),
            (
                "Escalation to VA-ECMO",
                1,
                48,
                3,
                53,
                TestName::Fisher,
                0.619_296_460_258,
            ),
        ];
        assert_eq!(r.secondary.len(), 7);
        for (got, (name, soc, n_soc, iabp, n_iabp, test, p)) in r.secondary.iter().zip(rows) {
            assert_eq!(got.name, name);
            assert_eq!(
                (got.by_arm["SOC"].events, got.by_arm["SOC"].n),
                (soc, n_soc),
                "{name}"
            );
            assert_eq!(
                (got.by_arm["IABP"].events, got.by_arm["IABP"].n),
                (iabp, n_iabp),
                "{name}"
            );
            let c = got.comparison.as_ref().unwrap();
            assert_eq!(c.test, test, "{name}");
            assert!((c.p_value - p).abs() < 1e-9, "{name}: {}", c.p_value);
        }
        let os = &r.secondary[4];
        assert_eq!((os.by_arm["SOC"].events, os.by_arm["SOC"].n), (14, 48));
        assert_eq!((os.by_arm["IABP"].events, os.by_arm["IABP"].n), (12, 53));
        let s = os.survival.as_ref().unwrap();
        assert!((s.logrank_p.unwrap() - 0.438_645_317_216).abs() < 1e-9);
        let hr = &s.cox.as_ref().unwrap()[0];
        assert!((hr.hr - 0.737_703_200_738).abs() < 1e-6, "{hr:?}");
        assert!((hr.ci95[0] - 0.341_123_699_010).abs() < 1e-6);
        assert!((hr.ci95[1] - 1.595_333_346_695).abs() < 1e-6);
    }
}

#[test]
fn the_page_says_table_3s_numbers_and_a_coded_viewer_gets_no_hazard_ratio() {
    let r = closed(&altshock2().join("cut-2024-12-31"), false);
    let view = |role: Role| altshock2_efficacy(&r, role);
    let stat = view(Role::Statistician);
    assert_eq!(stat.secondary_groups, ["SoC", "IABP + SoC"]);
    let row = |v: &dsmb::dto::Efficacy, i: usize| v.secondary[i].clone();
    assert_eq!(row(&stat, 0).cells, ["7/48 (14.6%)", "12/53 (22.6%)"]);
    assert!(row(&stat, 0).comparison.contains("p = 0.301 (chi-square)"));
    assert!(row(&stat, 1).comparison.contains("p = 0.817 (chi-square)"));
    // Fisher's 1 as the paper prints it.
    assert!(row(&stat, 2).comparison.contains("p > 0.99 (Fisher exact)"));
    assert!(row(&stat, 3)
        .comparison
        .contains("p = 0.619 (Fisher exact)"));
    let os = row(&stat, 4).comparison;
    assert!(
        os.contains("log-rank p = 0.439")
            && os.contains("HR, IABP + SoC vs SoC: 0.74 (0.34 to 1.60)"),
        "{os}"
    );
    // Coded: the counts by letter and the symmetric tests stay; the hazard
    // ratio tells the arms apart and waits for the decode.
    let member = view(Role::Dsmb);
    assert!(member.coded);
    let os = row(&member, 4).comparison;
    assert!(
        os.contains("log-rank p = 0.439") && !os.contains("HR"),
        "{os}"
    );
    // A two-group test, the same whichever group is which: no direction.
    assert_eq!(row(&member, 0).comparison, "p = 0.301 (chi-square)");
    assert_eq!(row(&member, 2).comparison, "p > 0.99 (Fisher exact)");
    assert_eq!(member.secondary_groups.len(), 2);
}

#[test]
fn a_secondary_endpoint_must_say_where_its_data_are() {
    let text = std::fs::read_to_string(altshock2().join("trial.toml")).unwrap();
    for (bad, why) in [
        (
            "kind = \"binary\"\nvariable = \"HRTTYPE\"\n",
            "secondary[0]: a binary endpoint from ADSL needs both variable and values",
        ),
        (
            "kind = \"binary\"\nadtte_paramcd = \"OS\"\n",
            "secondary[0].horizon",
        ),
        (
            "kind = \"time-to-event\"\nvariable = \"X\"\nvalues = [\"Y\"]\n",
            "secondary[0]: a time-to-event endpoint takes adtte_paramcd only",
        ),
    ] {
        let start = text.find("[[secondary]]").unwrap();
        let first_end = start + text[start..].find("\n\n").unwrap();
        let edited = format!(
            "{}[[secondary]]\nname = \"X\"\n{bad}{}",
            &text[..start],
            &text[first_end..]
        );
        let err = dsmb::server::config::TrialConfig::parse(&edited)
            .err()
            .unwrap_or_else(|| panic!("{bad:?} was accepted"));
        assert!(err.contains(why), "{err}");
    }
}

/// The continuous secondary endpoints against validation/secondary_continuous.R
/// (tests/fixtures/r_secondary_continuous.json): every summary by arm, the
/// difference of means with Welch's interval and the configured test's p,
/// on Altshock-2's final cut by both routes and on the CDISC pilot.
#[test]
fn continuous_secondary_endpoints_equal_r_on_both_demo_trials() {
    let text =
        std::fs::read_to_string(repo().join("tests/fixtures/r_secondary_continuous.json")).unwrap();
    let want: serde_json::Value = serde_json::from_str(&text).unwrap();
    let check = |r: &dsmb::server::report::ClosedReport, want: &serde_json::Value, trial: &str| {
        let mut seen = 0;
        for s in r.secondary.iter().filter(|s| s.continuous.is_some()) {
            let w = &want[&s.name];
            assert!(w.is_object(), "{trial}: {} has no R value", s.name);
            let c = s.continuous.as_ref().unwrap();
            let near = |got: Option<f64>, w: &serde_json::Value, what: &str| {
                let (g, w) = (got.unwrap(), w.as_f64().unwrap());
                assert!(
                    (g - w).abs() < 1e-9 * w.abs().max(1.0),
                    "{trial} {}: {what} {g} vs R {w}",
                    s.name
                );
            };
            for (arm, wa) in w["by_arm"].as_object().unwrap() {
                let g = &c.by_arm[arm];
                assert_eq!(u64::from(g.n), wa["n"].as_u64().unwrap(), "{arm}");
                assert_eq!(
                    u64::from(g.missing),
                    wa["missing"].as_u64().unwrap(),
                    "{arm}"
                );
                for (what, got) in [
                    ("median", g.median),
                    ("q1", g.q1),
                    ("q3", g.q3),
                    ("mean", g.mean),
                    ("sd", g.sd),
                    ("min", g.min),
                    ("max", g.max),
                ] {
                    near(got, &wa[what], what);
                }
            }
            near(c.difference, &w["difference"], "difference");
            near(c.ci95.map(|c| c[0]), &w["lo95"], "lower limit");
            near(c.ci95.map(|c| c[1]), &w["hi95"], "upper limit");
            near(c.p_value, &w["p"], "p");
            seen += 1;
        }
        assert_eq!(seen, want.as_object().unwrap().len(), "{trial}");
    };
    for blinded in [false, true] {
        let r = closed(&altshock2().join("cut-2024-12-31"), blinded);
        check(&r, &want["altshock2"], "altshock2");
    }
    let (_, r) = crate::helpers::pilot_closed();
    check(&r, &want["cdisc-pilot01"], "cdisc-pilot01");
}

#[test]
fn a_continuous_endpoint_shows_its_summaries_and_its_difference_only_after_the_decode() {
    let r = closed(&altshock2().join("cut-2024-12-31"), false);
    let stat = altshock2_efficacy(&r, Role::Statistician);
    assert_eq!(stat.continuous.len(), 2);
    let lact = &stat.continuous[0];
    assert_eq!(lact.name, "Lactate at day 1, mmol/L");
    // SoC first (the reference), then IABP + SoC, as the other tables.
    let line = |label: &str| {
        lact.lines
            .iter()
            .find(|l| l.label == label)
            .unwrap_or_else(|| panic!("{label}"))
            .cells
            .clone()
    };
    assert_eq!(line("n (missing)"), ["46 (2)", "53 (0)"]);
    assert_eq!(line("Median (Q1–Q3)"), ["1.3 (1.12–1.7)", "1.6 (1.3–2)"]);
    assert_eq!(line("Mean (SD)"), ["1.73 (1.21)", "1.82 (0.82)"]);
    // Negative values: a range reads "to", not a dash that looks a minus.
    let change = &stat.continuous[1];
    let median = &change
        .lines
        .iter()
        .find(|l| l.label == "Median (Q1–Q3)")
        .unwrap()
        .cells;
    assert_eq!(median[0], "-0.25 (-0.5 to -0.01)");
    assert_eq!(lact.difference, "IABP + SoC vs SoC: 0.09 (-0.33 to 0.51)");
    assert_eq!(lact.comparison, "p = 0.058 (Wilcoxon rank-sum test)");
    // Coded: the lines by letter and the two-group test; no difference.
    let member = altshock2_efficacy(&r, Role::Dsmb);
    let coded = &member.continuous[0];
    assert_eq!(coded.difference, "after the decode");
    assert_eq!(coded.comparison, "p = 0.058 (Wilcoxon rank-sum test)");
    assert!(!format!("{member:?}").contains("0.09 (-0.33"));
}

#[test]
fn a_continuous_endpoint_must_say_where_its_values_are() {
    let text = std::fs::read_to_string(altshock2().join("trial.toml")).unwrap();
    for (bad, why) in [
        (
            "kind = \"continuous\"\nadlb_paramcd = \"LACTATE\"\n",
            "secondary[0]: a continuous endpoint from ADLB needs both adlb_paramcd and visit",
        ),
        (
            "kind = \"continuous\"\nvariable = \"AGE\"\nvalues = [\"1\"]\n",
            "secondary[0]: a continuous endpoint from ADSL takes a variable (numeric) and no values",
        ),
        (
            "kind = \"binary\"\nvariable = \"HRTTYPE\"\nvalues = [\"LVAD\"]\ntest = \"welch\"\n",
            "secondary[0]: adlb_paramcd, visit, change and test belong to a continuous endpoint",
        ),
        (
            "kind = \"continuous\"\nvariable = \"AGE\"\ntest = \"median\"\n",
            "unknown variant",
        ),
    ] {
        let start = text.find("[[secondary]]").unwrap();
        let first_end = start + text[start..].find("\n\n").unwrap();
        let edited = format!(
            "{}[[secondary]]\nname = \"X\"\n{bad}{}",
            &text[..start],
            &text[first_end..]
        );
        let err = dsmb::server::config::TrialConfig::parse(&edited)
            .err()
            .unwrap_or_else(|| panic!("{bad:?} was accepted"));
        assert!(err.contains(why), "{err}");
    }
}
