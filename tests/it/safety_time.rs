//! Safety over time against R: cumulative incidence of the Altshock-2
//! safety categories by arm (survival::survfit, multi-state; interim and
//! final cuts) and the serious/fatal listing's counts (base R tables), read from
//! both the unblinded files and the blinded files with the randomization
//! list.

use crate::helpers::{altshock2, altshock2_trial};
use dsmb::server::firewall::{load, LoadOptions};
use dsmb::server::report::{closed_report, ClosedReport};

fn closed(cut: &str, blinded: bool) -> ClosedReport {
    let trial = altshock2_trial();
    let cut = altshock2().join(format!("cut-{cut}"));
    let (dir, opts) = if blinded {
        (
            cut.join("blinded"),
            LoadOptions::closed(Some(cut.join("randlist.csv"))),
        )
    } else {
        (cut.join("unblinded"), LoadOptions::closed(None))
    };
    let snap = load(&dir, &trial, &opts).unwrap_or_else(|p| panic!("{p}"));
    closed_report(&snap, &trial).unwrap()
}

/// Rscript validation/cumulative_incidence_demo.R: survfit(Surv(time,
/// factor(status, 0:2)) ~ ARMCD), summary(fit, times = DAYS, extend = TRUE)
/// $pstate[, 2], 12 decimals.
const DAYS: [f64; 7] = [1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 365.0];
#[rustfmt::skip]
const R_CIF: [(&str, &str, &str, [f64; 7]); 16] = [
    ("2023-09-30", "BARC>=3 bleeding", "SOC", [0.000000000000, 0.000000000000, 0.024390243902, 0.024390243902, 0.074489123270, 0.074489123270, 0.074489123270]),
    ("2023-09-30", "BARC>=3 bleeding", "IABP", [0.000000000000, 0.000000000000, 0.000000000000, 0.023809523810, 0.119047619048, 0.119047619048, 0.119047619048]),
    ("2023-09-30", "Vascular complications", "SOC", [0.000000000000, 0.000000000000, 0.000000000000, 0.000000000000, 0.000000000000, 0.000000000000, 0.000000000000]),
    ("2023-09-30", "Vascular complications", "IABP", [0.047619047619, 0.047619047619, 0.071428571429, 0.071428571429, 0.071428571429, 0.071428571429, 0.071428571429]),
    ("2023-09-30", "Stroke", "SOC", [0.000000000000, 0.000000000000, 0.000000000000, 0.000000000000, 0.000000000000, 0.000000000000, 0.000000000000]),
    ("2023-09-30", "Stroke", "IABP", [0.000000000000, 0.000000000000, 0.000000000000, 0.000000000000, 0.023809523810, 0.047619047619, 0.047619047619]),
    ("2023-09-30", "Cardiac arrest", "SOC", [0.000000000000, 0.000000000000, 0.000000000000, 0.048780487805, 0.123983739837, 0.123983739837, 0.123983739837]),
    ("2023-09-30", "Cardiac arrest", "IABP", [0.000000000000, 0.000000000000, 0.000000000000, 0.023809523810, 0.023809523810, 0.095238095238, 0.095238095238]),
    ("2024-12-31", "BARC>=3 bleeding", "SOC", [0.000000000000, 0.000000000000, 0.020833333333, 0.020833333333, 0.083333333333, 0.083333333333, 0.083333333333]),
    ("2024-12-31", "BARC>=3 bleeding", "IABP", [0.000000000000, 0.000000000000, 0.018867924528, 0.056603773585, 0.132075471698, 0.169811320755, 0.169811320755]),
    ("2024-12-31", "Vascular complications", "SOC", [0.000000000000, 0.000000000000, 0.000000000000, 0.000000000000, 0.000000000000, 0.000000000000, 0.000000000000]),
    ("2024-12-31", "Vascular complications", "IABP", [0.037735849057, 0.037735849057, 0.075471698113, 0.075471698113, 0.075471698113, 0.075471698113, 0.075471698113]),
    ("2024-12-31", "Stroke", "SOC", [0.000000000000, 0.000000000000, 0.000000000000, 0.000000000000, 0.000000000000, 0.000000000000, 0.000000000000]),
    ("2024-12-31", "Stroke", "IABP", [0.000000000000, 0.000000000000, 0.000000000000, 0.000000000000, 0.037735849057, 0.056603773585, 0.056603773585]),
    ("2024-12-31", "Cardiac arrest", "SOC", [0.000000000000, 0.000000000000, 0.020833333333, 0.062500000000, 0.125000000000, 0.125000000000, 0.125000000000]),
    ("2024-12-31", "Cardiac arrest", "IABP", [0.000000000000, 0.000000000000, 0.000000000000, 0.056603773585, 0.075471698113, 0.132075471698, 0.132075471698]),
];

#[test]
fn cumulative_incidence_matches_survfit() {
    for (cut, blinded) in [
        ("2023-09-30", false),
        ("2024-12-31", false),
        ("2024-12-31", true),
    ] {
        let r = closed(cut, blinded);
        for (_, category, arm, want) in R_CIF.iter().filter(|c| c.0 == cut) {
            let row = r.safety.iter().find(|c| c.category == *category).unwrap();
            let curve = &row.cumulative_incidence[*arm];
            for (day, w) in DAYS.iter().zip(want) {
                let got = curve.at(*day);
                assert!(
                    (got - w).abs() < 1e-9,
                    "{cut} {category} {arm} day {day}: {got} vs survfit {w} (blinded: {blinded})"
                );
            }
            // The tabulated days (7, 14, 30, 60 for a 60-day endpoint) are
            // read off the same curve.
            assert_eq!(r.incidence_days, [7.0, 14.0, 30.0, 60.0]);
            for (d, v) in r.incidence_days.iter().zip(&curve.at_days) {
                assert_eq!(curve.at(*d), *v);
            }
        }
    }
}

/// R: merge(ae[ae$AESER == "Y" | ae$AEOUT == "FATAL", ], randlist):
/// events by arm IABP 61, SOC 49; all serious; fatal IABP 10, SOC 12 (one
/// per 60-day death, as the data's README says); subjects IABP 33, SOC 24.
#[test]
fn serious_and_fatal_listing_matches_r() {
    for blinded in [false, true] {
        let r = closed("2024-12-31", blinded);
        for (arm, events, fatal, subjects) in [("IABP", 61, 10, 33), ("SOC", 49, 12, 24)] {
            let of = || r.serious_events.iter().filter(|e| &*e.arm == arm);
            assert_eq!(of().count(), events, "{arm}");
            assert_eq!(of().filter(|e| e.serious).count(), events, "{arm}");
            assert_eq!(of().filter(|e| e.fatal).count(), fatal, "{arm}");
            let ids: std::collections::BTreeSet<&str> = of().map(|e| &*e.usubjid).collect();
            assert_eq!(ids.len(), subjects, "{arm}");
        }
        assert!(r
            .serious_events
            .iter()
            .all(|e| e.day.is_some_and(|d| (1..=60).contains(&d))));
    }
}

/// A subject whose qualifying events have no onset date is left out of the
/// curve, not counted as event-free. At the final cut everyone has 60 days
/// of follow-up and events stop by day 60, so the curve at day 365 is the
/// crude proportion: with one such subject, (events - 1) / (n - 1).
#[test]
fn undated_events_leave_the_subject_out_of_the_curve() {
    let src = altshock2().join("cut-2024-12-31");
    let n = std::process::id();
    let dir = std::env::temp_dir().join(format!("dsmb-undated-{n}/cut-2024-12-31"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("blinded")).unwrap();
    for f in ["adsl.csv", "adtte.csv"] {
        std::fs::copy(src.join("blinded").join(f), dir.join("blinded").join(f)).unwrap();
    }
    std::fs::copy(src.join("randlist.csv"), dir.join("randlist.csv")).unwrap();
    let ae = std::fs::read_to_string(src.join("blinded/adae.csv")).unwrap();
    let qualifies = |l: &str| {
        l.contains(",BLEEDING,")
            && ["3a", "3b", "3c", "4", "5"]
                .iter()
                .any(|b| l.ends_with(&format!(",{b}")))
    };
    let subject: String = ae
        .lines()
        .find(|l| qualifies(l))
        .and_then(|l| l.split(',').nth(1))
        .unwrap()
        .to_string();
    let edited: Vec<String> = ae
        .lines()
        .map(|l| {
            if qualifies(l) && l.split(',').nth(1) == Some(subject.as_str()) {
                // ...,BLEEDING,YYYY-MM-DD,... -> ...,BLEEDING,,...
                let at = l.find(",BLEEDING,").unwrap() + ",BLEEDING,".len();
                format!("{}{}", &l[..at], &l[at + 10..])
            } else {
                l.to_string()
            }
        })
        .collect();
    std::fs::write(dir.join("blinded/adae.csv"), edited.join("\n") + "\n").unwrap();
    let rand = std::fs::read_to_string(src.join("randlist.csv")).unwrap();
    let arm = rand
        .lines()
        .find(|l| l.starts_with(&format!("{subject},")))
        .and_then(|l| l.split(',').nth(2))
        .unwrap()
        .to_string();

    let trial = altshock2_trial();
    let snap = load(
        &dir.join("blinded"),
        &trial,
        &LoadOptions::closed(Some(dir.join("randlist.csv"))),
    )
    .unwrap_or_else(|p| panic!("{p}"));
    let r = closed_report(&snap, &trial).unwrap();
    let row = r
        .safety
        .iter()
        .find(|c| c.category == "BARC>=3 bleeding")
        .unwrap();
    let curve = &row.cumulative_incidence[&arm];
    assert_eq!(curve.undated, 1);
    let e = crate::helpers::expected();
    let cut = &e["cuts"]["cut-2024-12-31"];
    let k = cut["safety_subjects"]["bleeding_barc_ge3"][&arm]
        .as_f64()
        .unwrap();
    let n = cut["enrolled"][&arm].as_f64().unwrap();
    assert!(
        (curve.at(365.0) - (k - 1.0) / (n - 1.0)).abs() < 1e-12,
        "{arm}: {} vs {}",
        curve.at(365.0),
        (k - 1.0) / (n - 1.0)
    );
    // The subject still counts in the table of subjects with an event.
    assert_eq!(f64::from(row.by_arm[&arm].subjects), k);
    let _ = std::fs::remove_dir_all(dir.parent().unwrap());
}
