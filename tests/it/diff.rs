//! "Since the last review": the differences between the three Altshock-2
//! cuts against the differences of expected.json's counts, a fixture with
//! changed records (a re-graded bleed, an adjudicated death, a corrected
//! randomization) shown to closed roles and, pooled and arm-free, to the
//! sponsor, and the pairs of cuts that are refused.

use crate::fixtures::{cell, copy_dir, set_cell, unique};
use crate::helpers::{altshock2, altshock2_trial, expected, SAFETY_KEYS};
use dsmb::server::config::TrialConfig;
use dsmb::server::firewall::{closed_snapshot, open_snapshot};
use dsmb::server::report::diff::{
    closed_diff, open_diff, ChangeKind, ClosedDiff, DiffError, OpenDiff,
};
use dsmb::server::report::{closed_report, open_report};
use std::path::{Path, PathBuf};

const CUTS: [&str; 3] = ["cut-2022-06-30", "cut-2023-09-30", "cut-2024-12-31"];

fn closed_between(old: &Path, new: &Path, trial: &TrialConfig) -> Result<ClosedDiff, DiffError> {
    let (a, b) = (
        closed_snapshot(trial, old).unwrap(),
        closed_snapshot(trial, new).unwrap(),
    );
    let (ra, rb) = (
        closed_report(&a, trial).unwrap(),
        closed_report(&b, trial).unwrap(),
    );
    // The earlier cut's whole report, or only what the diff reads of it
    // (made by the diff): the same diff.
    let whole = closed_diff((&a, Some(ra.look())), (&b, &rb), trial);
    let made = closed_diff((&a, None), (&b, &rb), trial);
    assert_eq!(whole, made, "{} to {}", old.display(), new.display());
    made
}

fn open_between(old: &Path, new: &Path, trial: &TrialConfig) -> Result<OpenDiff, DiffError> {
    let (a, b) = (
        open_snapshot(trial, old).unwrap(),
        open_snapshot(trial, new).unwrap(),
    );
    let (ra, rb) = (
        open_report(&a, trial).unwrap(),
        open_report(&b, trial).unwrap(),
    );
    open_diff((&a, &ra), (&b, &rb), trial)
}

fn count(v: &serde_json::Value) -> i64 {
    v.as_i64().unwrap()
}

#[test]
fn every_new_since_number_is_the_difference_of_the_expected_counts() {
    let trial = altshock2_trial();
    let want = expected();
    let mut compared = 0;
    for (i, j) in [(0, 1), (1, 2), (0, 2)] {
        let (a, b) = (&want["cuts"][CUTS[i]], &want["cuts"][CUTS[j]]);
        let d = closed_between(
            &altshock2().join(CUTS[i]),
            &altshock2().join(CUTS[j]),
            &trial,
        )
        .unwrap();
        let new = |path: &[&str]| {
            let at = |v: &serde_json::Value| path.iter().fold(v.clone(), |v, k| v[*k].clone());
            count(&at(b)) - count(&at(a))
        };
        assert_eq!(d.subjects.new, Some(new(&["enrolled", "total"])));
        for arm in ["IABP", "SOC"] {
            assert_eq!(d.by_arm[arm].new, Some(new(&["enrolled", arm])), "{arm}");
            assert_eq!(
                d.deaths_by_arm[arm].new,
                Some(new(&["deaths_any_DTHFL", arm])),
                "deaths {arm}"
            );
            compared += 2;
        }
        for (site, c) in &d.by_site {
            assert_eq!(
                c.new,
                Some(new(&["enrolled_by_site", site, "total"])),
                "site {site}"
            );
            compared += 1;
        }
        assert_eq!(d.deaths.new, Some(new(&["deaths_any_DTHFL", "total"])));
        for (cat, (label, key)) in d.safety.iter().zip(SAFETY_KEYS) {
            assert_eq!(cat.category, label);
            assert_eq!(
                cat.subjects.new,
                Some(new(&["safety_subjects", key, "total"])),
                "{label}"
            );
            for arm in ["IABP", "SOC"] {
                assert_eq!(
                    cat.by_arm[arm].subjects.new,
                    Some(new(&["safety_subjects", key, arm])),
                    "{label} {arm}"
                );
                compared += 1;
            }
        }
        // The interim look then and now are each cut's own.
        let look = |cut: &str| {
            let s = closed_snapshot(&trial, &altshock2().join(cut)).unwrap();
            closed_report(&s, &trial).unwrap().interim.unwrap()
        };
        let (then, now) = (d.look_then.as_ref().unwrap(), d.look_now.as_ref().unwrap());
        assert_eq!(then.z, look(CUTS[i]).z);
        assert_eq!(now.information_fraction, look(CUTS[j]).information_fraction);
        compared += 6;
    }
    assert!(compared > 60, "{compared}");
}

#[test]
fn the_sponsors_diff_shows_a_difference_only_where_both_counts_are_shown() {
    let trial = altshock2_trial();
    let d = open_between(
        &altshock2().join(CUTS[0]),
        &altshock2().join(CUTS[1]),
        &trial,
    )
    .unwrap();
    assert_eq!(d.subjects.new, Some(83 - 46));
    for s in &d.safety {
        match (s.subjects.then, s.subjects.now) {
            (Some(a), Some(b)) => assert_eq!(s.subjects.new, Some(i64::from(b) - i64::from(a))),
            _ => assert_eq!(s.subjects.new, None, "{}", s.category),
        }
    }
    // The pooled information fraction is the closed look's: two arms, a
    // binary endpoint counted in subjects with a known outcome.
    let closed = closed_between(
        &altshock2().join(CUTS[0]),
        &altshock2().join(CUTS[1]),
        &trial,
    )
    .unwrap();
    let (then, now) = (
        d.information_fraction.then.unwrap(),
        d.information_fraction.now.unwrap(),
    );
    assert!((then - closed.look_then.unwrap().information_fraction).abs() < 1e-12);
    assert!((now - closed.look_now.unwrap().information_fraction).abs() < 1e-12);
}

/// Two cuts of a trial folder of their own: the final cut as it is, and a
/// later one with a re-graded bleed, an adjudicated death and a corrected
/// randomization (when `arm_corrected`). Blinded parts with their
/// randomization lists, unregistered.
fn changed_cuts(arm_corrected: bool) -> (PathBuf, PathBuf, Changes) {
    let base = std::env::temp_dir().join(format!("dsmb-diff-{}-{}", std::process::id(), unique()));
    let _ = std::fs::remove_dir_all(&base);
    // A trial folder, so the catalog can serve it too.
    let root = base.join("altshock2");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::copy(altshock2().join("trial.toml"), root.join("trial.toml")).unwrap();
    let (old, new) = (root.join("cut-2024-12-31"), root.join("cut-2025-03-31"));
    for c in [&old, &new] {
        copy_dir(&altshock2().join("cut-2024-12-31"), c);
        let _ = std::fs::remove_file(c.join("manifest.json"));
        std::fs::remove_dir_all(c.join("unblinded")).unwrap();
    }
    let adae = new.join("blinded/adae.csv");
    let rows = |p: &Path| std::fs::read_to_string(p).unwrap().lines().count() - 1;
    // A BARC 2 bleed becomes BARC 3a.
    let bleed = (1..=rows(&adae))
        .find(|&r| cell(&adae, r, "AECAT") == "BLEEDING" && cell(&adae, r, "BARC") == "2")
        .unwrap();
    set_cell(&adae, bleed, "BARC", "3a");
    // A subject alive at day 60 without adverse events is found to have
    // died on day 30: the primary endpoint's event appears within the time
    // the earlier cut had already observed.
    let (adsl, adtte) = (new.join("blinded/adsl.csv"), new.join("blinded/adtte.csv"));
    let with_events: Vec<String> = (1..=rows(&adae))
        .map(|r| cell(&adae, r, "USUBJID"))
        .collect();
    let primep = (1..=rows(&adtte))
        .find(|&r| {
            cell(&adtte, r, "PARAMCD") == "PRIMEP"
                && cell(&adtte, r, "CNSR") == "1"
                && cell(&adtte, r, "AVAL") == "60"
                && !with_events.contains(&cell(&adtte, r, "USUBJID"))
        })
        .unwrap();
    let died = cell(&adtte, primep, "USUBJID");
    set_cell(&adtte, primep, "CNSR", "0");
    set_cell(&adtte, primep, "AVAL", "30");
    let row = (1..=rows(&adsl))
        .find(|&r| cell(&adsl, r, "USUBJID") == died)
        .unwrap();
    let rand = chrono::NaiveDate::parse_from_str(&cell(&adsl, row, "RANDDT"), "%Y-%m-%d").unwrap();
    set_cell(
        &adsl,
        row,
        "DTHDT",
        &(rand + chrono::Duration::days(29)).to_string(),
    );
    set_cell(&adsl, row, "DTHFL", "Y");
    // The randomization of another subject is corrected.
    let list = new.join("randlist.csv");
    let swapped = cell(&list, 5, "USUBJID");
    if arm_corrected {
        let (code, label) = match cell(&list, 5, "ARMCD").as_str() {
            "SOC" => ("IABP", "IABP"),
            _ => ("SOC", "SoC"),
        };
        set_cell(&list, 5, "ARMCD", code);
        set_cell(&list, 5, "ARM", label);
    }
    (
        old,
        new,
        Changes {
            bled: cell(&adae, bleed, "USUBJID"),
            died,
            swapped,
        },
    )
}

struct Changes {
    bled: String,
    died: String,
    swapped: String,
}

#[test]
fn changed_records_are_listed_for_closed_roles_and_counted_arm_free_for_the_sponsor() {
    let trial = altshock2_trial();
    let (old, new, who) = changed_cuts(true);
    let d = closed_between(&old, &new, &trial).unwrap();
    let find = |id: &str, kind: ChangeKind| {
        d.changed_records
            .iter()
            .find(|r| r.usubjid == id && r.kind == kind)
            .unwrap_or_else(|| panic!("no {kind:?} change of {id}: {:#?}", d.changed_records))
    };
    let bleed = find(&who.bled, ChangeKind::Regraded);
    assert_eq!((bleed.dataset, bleed.field.as_str()), ("ADAE", "BARC"));
    assert_eq!(
        (bleed.old.as_deref(), bleed.new.as_deref()),
        (Some("2"), Some("3a"))
    );
    let death = find(&who.died, ChangeKind::Adjudicated);
    assert_eq!((death.dataset, death.record.as_str()), ("ADTTE", "PRIMEP"));
    assert_eq!(death.new.as_deref(), Some("event on day 30"));
    let arm = find(&who.swapped, ChangeKind::Randomization);
    assert_eq!((arm.dataset, arm.field.as_str()), ("ADSL", "ARM"));
    assert_ne!(arm.old, arm.new);
    assert_eq!(d.changed_records_total, d.changed_records.len());
    assert_eq!(d.subjects.new, Some(0));
    assert_eq!(d.deaths.new, Some(1));

    let open = open_between(&old, &new, &trial).unwrap();
    let kinds: Vec<ChangeKind> = open.changed_records.iter().map(|k| k.kind).collect();
    assert!(kinds.contains(&ChangeKind::Regraded) && kinds.contains(&ChangeKind::Adjudicated));
    assert!(!kinds.contains(&ChangeKind::Randomization), "{kinds:?}");
    let json = serde_json::to_string(&open).unwrap();
    for word in [
        "IABP",
        "SOC",
        "SoC",
        "ARM",
        "arm",
        &who.bled,
        &who.died,
        &who.swapped,
    ] {
        assert!(
            !json.contains(word),
            "the sponsor's diff says {word}: {json}"
        );
    }
    // The corrected randomization changes nothing the sponsor sees.
    let (old2, new2, _) = changed_cuts(false);
    let same = open_between(&old2, &new2, &trial).unwrap();
    let strip = |d: &OpenDiff| {
        let mut v = serde_json::to_value(d).unwrap();
        v.as_object_mut().unwrap().remove("trial");
        v
    };
    assert_eq!(strip(&open), strip(&same));
}

#[test]
fn a_cut_with_itself_a_cut_of_another_trial_and_cuts_in_the_wrong_order_are_refused() {
    let trial = altshock2_trial();
    let a = altshock2().join(CUTS[1]);
    assert!(matches!(
        closed_between(&a, &a, &trial),
        Err(DiffError::SameCut(_))
    ));
    assert!(matches!(
        open_between(&a, &a, &trial),
        Err(DiffError::SameCut(_))
    ));
    assert!(matches!(
        closed_between(&altshock2().join(CUTS[2]), &a, &trial),
        Err(DiffError::Order { .. })
    ));
}

/// The catalog counts each good cut's changed records against the previous
/// one at start (the sponsor's default since-review without reading two
/// cuts again): the same counts as comparing the two cuts on demand.
#[test]
fn the_catalogs_kept_changes_are_the_on_demand_ones() {
    let trial = altshock2_trial();
    let (old, new, _) = changed_cuts(true);
    let catalog =
        dsmb::server::catalog::Catalog::load(old.parent().unwrap().parent().unwrap()).unwrap();
    let entry = catalog.trial("altshock2").unwrap();
    assert_eq!(entry.cuts.len(), 2);
    assert!(entry.cuts[0].changes_since_previous.is_none());
    let kept = entry.cuts[1].changes_since_previous.as_ref().unwrap();
    let fresh = open_between(&old, &new, &trial).unwrap();
    assert!(!kept.is_empty());
    assert_eq!(**kept, fresh.changed_records);
    assert_eq!(entry.cuts[1].open_fraction, fresh.information_fraction.now);
    assert_eq!(entry.cuts[0].open_fraction, fresh.information_fraction.then);
    // The demo's cuts too.
    let demo = crate::helpers::catalog();
    let cuts = &demo.trial("altshock2").unwrap().cuts;
    for w in cuts.windows(2) {
        let fresh = open_between(&w[0].dir, &w[1].dir, &trial).unwrap();
        assert_eq!(
            w[1].changes_since_previous.as_deref(),
            Some(&fresh.changed_records)
        );
    }
}
