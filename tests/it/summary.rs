//! Closed and open summaries of the demo cuts against the reconstruction's
//! expected.json; the unblinded cut and the blinded cut + randomization list
//! must give identical closed summaries.

use crate::helpers::{altshock2, altshock2_trial, expected, SAFETY_KEYS};
use dsmb::server::data::layout::cut_dirs;
use dsmb::server::firewall::{load, LoadOptions};
use dsmb::server::report::{closed_report, open_report, ClosedReport};
use dsmb::stats::proportions::TestName;

/// The closed report of an Altshock-2 cut, from its blinded part and
/// randomization list, or from its unblinded part.
pub fn closed(cut: &std::path::Path, blinded: bool) -> ClosedReport {
    let trial = altshock2_trial();
    let opts = if blinded {
        LoadOptions::closed(Some(cut.join("randlist.csv")))
    } else {
        LoadOptions::closed(None)
    };
    let dir = cut.join(if blinded { "blinded" } else { "unblinded" });
    let snap = load(&dir, &trial, &opts).unwrap_or_else(|p| panic!("{p}"));
    closed_report(&snap, &trial).unwrap()
}

#[test]
fn closed_summaries_match_expected_json_by_both_routes() {
    let expected = expected();
    for cut in cut_dirs(&altshock2()).unwrap() {
        let name = cut.file_name().unwrap().to_str().unwrap().to_string();
        let want = &expected["cuts"][&name];
        let unblinded = closed(&cut, false);
        let blinded = closed(&cut, true);
        let mut a = serde_json::to_value(&unblinded).unwrap();
        let mut b = serde_json::to_value(&blinded).unwrap();
        // Only the files (and their hashes) differ between the two routes.
        a.as_object_mut().unwrap().remove("files");
        b.as_object_mut().unwrap().remove("files");
        assert_eq!(a, b, "{name}: unblinded and blinded + randlist differ");

        let r = unblinded;
        for arm in ["IABP", "SOC"] {
            assert_eq!(
                u64::from(r.enrollment.by_arm[arm]),
                want["enrolled"][arm].as_u64().unwrap(),
                "{name} enrolled {arm}"
            );
            for (site, n) in &r.enrollment.by_site_arm {
                assert_eq!(
                    u64::from(n[arm]),
                    want["enrolled_by_site"][site][arm].as_u64().unwrap(),
                    "{name} site {site} {arm}"
                );
            }
            assert_eq!(
                u64::from(r.primary.by_arm[arm].events),
                want["primary_endpoint"]["failures_death_within_60d"][arm]
                    .as_u64()
                    .unwrap(),
                "{name} primary failures {arm}"
            );
        }
        assert_eq!(r.safety.len(), SAFETY_KEYS.len());
        for (cat, (label, key)) in r.safety.iter().zip(SAFETY_KEYS) {
            assert_eq!(cat.category, label);
            for arm in ["IABP", "SOC"] {
                assert_eq!(
                    u64::from(cat.by_arm[arm].subjects),
                    want["safety_subjects"][key][arm].as_u64().unwrap(),
                    "{name} {label} {arm}"
                );
            }
            assert_eq!(
                u64::from(cat.subjects),
                want["safety_subjects"][key]["total"].as_u64().unwrap(),
                "{name} {label} total"
            );
        }
        for row in &r.subgroups {
            for arm in ["IABP", "SOC"] {
                let w = &want["subgroups_primep"][&row.variable][&row.level][arm];
                assert_eq!(
                    u64::from(row.by_arm[arm].events),
                    w["events"].as_u64().unwrap(),
                    "{name} {} {} {arm} events",
                    row.variable,
                    row.level
                );
                assert_eq!(
                    u64::from(row.by_arm[arm].n),
                    w["n"].as_u64().unwrap(),
                    "{name} {} {} {arm} n",
                    row.variable,
                    row.level
                );
            }
        }
        assert_eq!(r.subgroups.len(), 14, "{name}: 7 variables x 2 levels");
    }
}

#[test]
fn the_final_cut_safety_tests_follow_the_chi_square_or_fisher_rule() {
    let cut = altshock2().join("cut-2024-12-31");
    let r = closed(&cut, false);
    let by_name = |n: &str| r.safety.iter().find(|c| c.category == n).unwrap();
    // Bleeding 9/53 vs 4/48: all expected counts >= 5 -> chi-square with
    // continuity correction. R: chisq.test(matrix(c(9, 44, 4, 44), 2))$p.value
    let bleeding = by_name("BARC>=3 bleeding");
    assert_eq!(bleeding.test, Some(TestName::ChiSquare));
    assert!((bleeding.p_value.unwrap() - 0.318_024_980_573_758_2).abs() < 1e-9);
    // Vascular 4/53 vs 0/48 -> Fisher. R: fisher.test(matrix(c(4, 49, 0, 48), 2))$p.value
    let vascular = by_name("Vascular complications");
    assert_eq!(vascular.test, Some(TestName::Fisher));
    assert!((vascular.p_value.unwrap() - 0.119_376_427_438_662_2).abs() < 1e-9);
    // Stroke 3/53 vs 0/48. R: fisher.test(matrix(c(3, 50, 0, 48), 2))$p.value
    let stroke = by_name("Stroke");
    assert!((stroke.p_value.unwrap() - 0.244_356_435_643_564_2).abs() < 1e-9);
}

#[test]
fn the_open_summary_has_no_arm_and_suppresses_small_cells() {
    let trial = altshock2_trial();
    let cut = altshock2().join("cut-2024-12-31");
    for part in ["blinded", "unblinded"] {
        let snap = load(&cut.join(part), &trial, &LoadOptions::open()).unwrap();
        let r = open_report(&snap, &trial).unwrap();
        let text = serde_json::to_string(&r).unwrap();
        for arm_word in ["IABP", "SOC", "SoC", "by_arm", "ARM"] {
            assert!(
                !text.contains(arm_word),
                "{part}: open report mentions {arm_word}: {text}"
            );
        }
        assert_eq!(r.enrollment.total, 101);
        // Stroke: 3 subjects pooled, below the threshold of 5 -> suppressed.
        let stroke = r.safety.iter().find(|c| c.category == "Stroke").unwrap();
        assert!(stroke.suppressed && stroke.subjects.is_none() && stroke.ci95.is_none());
        // BARC>=3 bleeding: 13 pooled, shown with its exact CI.
        let bleeding = r
            .safety
            .iter()
            .find(|c| c.category == "BARC>=3 bleeding")
            .unwrap();
        assert_eq!(bleeding.subjects, Some(13));
        // R: binom.test(13, 101)$conf.int
        let ci = bleeding.ci95.unwrap();
        assert!((ci[0] - 0.070_350_181_473_413_74).abs() < 1e-9);
        assert!((ci[1] - 0.210_042_011_205_691_3).abs() < 1e-9);
    }
}
