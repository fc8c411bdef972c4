//! Adverse events by system organ class and preferred term against R
//! (validation/report_tables.R on the CDISC pilot's unchanged ADAE and ADSL:
//! subjects and events per class and term by arm, and the Newcombe risk
//! difference from prop.test's Wilson intervals), and the open tables'
//! suppression.

use crate::disposition::tables;
use crate::helpers::{altshock2, altshock2_trial, expected, repo};
use dsmb::server::config::TrialConfig;
use dsmb::server::firewall::{load, LoadOptions};
use dsmb::server::report::adverse::{AeCategory, AeRow};
use dsmb::server::report::{closed_report, open_report, Cell, ClosedReport};
use serde_json::Value;

const ARMS: [(&str, &str); 3] = [
    ("PBO", "Placebo"),
    ("LOW", "Xanomeline Low Dose"),
    ("HIGH", "Xanomeline High Dose"),
];

fn pilot() -> (std::path::PathBuf, TrialConfig) {
    (
        repo().join("demo/cdisc-pilot01/cut-2015-03-05/unblinded"),
        TrialConfig::load(&repo().join("demo/cdisc-pilot01/trial.toml")).unwrap(),
    )
}

fn pilot_closed() -> ClosedReport {
    let (dir, trial) = pilot();
    let snap = load(&dir, &trial, &LoadOptions::closed(None)).unwrap();
    closed_report(&snap, &trial).unwrap()
}

fn n(v: &Value) -> u32 {
    v.as_u64().unwrap() as u32
}

/// One row against R's: subjects and events by arm and in total, and the
/// high-dose risk difference. Returns the values compared and the largest
/// difference of the risk differences.
fn compare_row(what: &str, r: &AeRow, want: &Value) -> (usize, f64) {
    let mut count = 0;
    for (code, name) in ARMS {
        assert_eq!(
            r.by_arm[code].subjects,
            n(&want["subjects"][name]),
            "{what} {code} subjects"
        );
        assert_eq!(
            r.by_arm[code].events,
            n(&want["events"][name]),
            "{what} {code} events"
        );
        count += 2;
    }
    let total: u32 = ARMS.iter().map(|(_, a)| n(&want["subjects"][*a])).sum();
    assert_eq!(r.total.subjects, total, "{what} total");
    count += 1;
    let rd = r
        .differences
        .iter()
        .find(|d| d.arm == "HIGH" && d.reference == "PBO")
        .and_then(|d| d.risk_difference)
        .unwrap_or_else(|| panic!("{what}: no high-dose risk difference"));
    let w: Vec<f64> = want["rd_high_vs_placebo"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect();
    let mut worst: f64 = 0.0;
    for (got, w) in [rd.estimate, rd.ci95[0], rd.ci95[1]].into_iter().zip(w) {
        assert!(
            (got - w).abs() < 1e-9,
            "{what}: risk difference {got} vs R {w}"
        );
        worst = worst.max((got - w).abs());
        count += 1;
    }
    (count, worst)
}

#[test]
fn the_pilot_tables_by_class_and_term_match_r_on_its_unchanged_adae() {
    let report = pilot_closed();
    let ae = &report.adverse_events;
    let fx = tables();
    assert_eq!(ae.population, "safety population");
    for (code, name) in ARMS {
        assert_eq!(
            ae.tables[0].population_by_arm[code],
            n(&fx["cdisc_ae_population"][name])
        );
    }
    let (mut values, mut worst) = (0, 0.0f64);
    for (category, key) in [
        (AeCategory::Any, "any"),
        (AeCategory::Serious, "serious"),
        (AeCategory::Severe, "severe"),
        (AeCategory::Fatal, "fatal"),
    ] {
        let table = ae.tables.iter().find(|t| t.category == category).unwrap();
        assert!(table.collected, "{key}");
        let want = fx["cdisc_ae"][key].as_object().unwrap();
        // Every R row (overall, classes, terms) is a row here, and no more.
        assert_eq!(table.rows.len() + 1, want.len(), "{key}: rows");
        let (c, w) = compare_row(&format!("{key} overall"), &table.overall, &want[""]);
        values += c;
        worst = worst.max(w);
        for r in &table.rows {
            let name = match &r.term {
                Some(t) => format!("{}/{t}", r.organ_class),
                None => r.organ_class.clone(),
            };
            let w = want
                .get(&name)
                .unwrap_or_else(|| panic!("{key}: {name} is not in R's table"));
            let (c, d) = compare_row(&format!("{key} {name}"), r, w);
            values += c;
            worst = worst.max(d);
        }
        // Classes by total subjects, each followed by its terms likewise.
        let classes: Vec<&AeRow> = table.rows.iter().filter(|r| r.term.is_none()).collect();
        assert!(classes
            .windows(2)
            .all(|w| w[0].total.subjects >= w[1].total.subjects));
        assert!(table.rows.first().is_none_or(|r| r.term.is_none()));
    }
    eprintln!("adverse events vs R: {values} values, largest risk-difference difference {worst:e}");
    assert!(values > 3000, "{values}");
    // AEACN is empty throughout the pilot's ADAE: not collected, not zero.
    let disc = ae
        .tables
        .iter()
        .find(|t| t.category == AeCategory::Discontinuation)
        .unwrap();
    assert!(!disc.collected && disc.rows.is_empty());
}

#[test]
fn altshock2_events_are_every_adae_record_by_arm() {
    let report = crate::summary::closed(&altshock2().join("cut-2024-12-31"), false);
    let any = &report.adverse_events.tables[0];
    let want = &expected()["cuts"]["cut-2024-12-31"]["adae_records"];
    for arm in ["IABP", "SOC"] {
        assert_eq!(any.overall.by_arm[arm].events, n(&want[arm]), "{arm}");
    }
    // No safety-population flag problem: SAFFL is Y for all 101.
    assert_eq!(any.population, 101);
    // Altshock-2 grades by AESEV (no AETOXGR).
    let severe = &report.adverse_events.tables[3];
    assert_eq!(severe.label, "Severe");
    assert!(severe.collected);
}

#[test]
fn the_sponsor_gets_pooled_subjects_with_small_cells_and_their_giveaways_hidden() {
    let (dir, trial) = pilot();
    let snap = load(&dir, &trial, &LoadOptions::open()).unwrap();
    let open = open_report(&snap, &trial).unwrap();
    let any = &open.adverse_events[0];
    assert_eq!(any.overall.subjects, Cell::Count(218));
    let closed = pilot_closed();
    let full = &closed.adverse_events.tables[0];
    let threshold = trial.open_view.small_cell_threshold;
    let mut shown = 0;
    for (o, c) in any.rows.iter().zip(&full.rows) {
        assert_eq!((&o.organ_class, &o.term), (&c.organ_class, &c.term));
        match o.subjects {
            Cell::Count(k) => {
                assert_eq!(k, c.total.subjects);
                assert!(k == 0 || k >= threshold, "{:?}: {k} shown", o.term);
                shown += 1;
            }
            Cell::Suppressed => {}
            Cell::NotCollected => panic!("collected"),
        }
    }
    assert!(shown > 20, "{shown} rows shown");
    // A class shown beside its terms never differs from one of them by a
    // small number: that would count the subjects with the other terms.
    let mut class: Option<(u32, bool)> = None;
    for r in &any.rows {
        match (&r.term, r.subjects) {
            (None, s) => class = s.count().map(|k| (k, true)),
            (Some(_), Cell::Count(k)) => {
                if let Some((c, _)) = class {
                    let d = c - k;
                    assert!(
                        d == 0 || d >= threshold,
                        "{:?}: class {c}, term {k}",
                        r.term
                    );
                }
            }
            _ => {}
        }
    }
    let json = serde_json::to_string(&open.adverse_events).unwrap();
    assert!(!json.contains("by_arm") && !json.contains("differences"));
}

#[test]
fn zero_rows_are_kept_when_configured() {
    let mut trial = altshock2_trial();
    let dir = altshock2().join("cut-2024-12-31/unblinded");
    let plain = closed_report(
        &load(&dir, &trial, &LoadOptions::closed(None)).unwrap(),
        &trial,
    )
    .unwrap();
    trial.adverse_events.keep_zero_rows = true;
    let kept = closed_report(
        &load(&dir, &trial, &LoadOptions::closed(None)).unwrap(),
        &trial,
    )
    .unwrap();
    let any_rows = plain.adverse_events.tables[0].rows.len();
    let serious = &plain.adverse_events.tables[1];
    let serious_kept = &kept.adverse_events.tables[1];
    assert!(serious.rows.len() < any_rows);
    assert_eq!(serious_kept.rows.len(), any_rows);
    assert!(serious_kept.rows.iter().any(|r| r.total.subjects == 0));
    assert!(serious.rows.iter().all(|r| r.total.subjects > 0));
}
