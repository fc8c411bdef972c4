//! The blinding rules tested as an attacker would: a coded DSMB view must be
//! the same whichever true arm stands behind each letter, and the sponsor's
//! view the same whichever arm each subject was randomized to.
//!
//! Each test builds a twin of the demo trials whose randomization is
//! relabelled (the trial's arm column values permuted in its trial.toml, so
//! the subjects of one arm become another's) and codes the twin so that
//! every subject keeps its letter. A coded member who could tell the
//! treatment from the control in any page or server-function answer would
//! see the twin's answer differ from the original's.

use crate::fixtures::{copy_dir, unique};
use crate::helpers::{app_with, catalog, get, post, repo, send, sign_in, TestApp, PASSWORD};
use dsmb::dto::Role;
use dsmb::server::catalog::Catalog;
use dsmb::server::config::TrialConfig;
use dsmb::server::store::Store;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A copy of the demo folder in which, for each trial, the subjects of arm
/// `from` are in arm `moves[from]` (codes).
fn relabelled(moves: &BTreeMap<&str, BTreeMap<&str, &str>>) -> PathBuf {
    let root = std::env::temp_dir().join(format!("dsmb-twin-{}-{}", std::process::id(), unique()));
    let _ = std::fs::remove_dir_all(&root);
    for trial in ["altshock2", "cdisc-pilot01"] {
        let dir = root.join(trial);
        copy_dir(&repo().join("demo").join(trial), &dir);
        let Some(m) = moves.get(trial) else { continue };
        let mut config = TrialConfig::load(&dir.join("trial.toml")).unwrap();
        let value_of: BTreeMap<String, String> = config
            .arms
            .iter()
            .map(|a| {
                (
                    a.code.clone(),
                    a.value.clone().unwrap_or_else(|| a.code.clone()),
                )
            })
            .collect();
        // Arm `to` now means the column value that meant `from`.
        for arm in &mut config.arms {
            if let Some((from, _)) = m.iter().find(|(_, to)| **to == arm.code) {
                arm.value = Some(value_of[*from].clone());
            }
        }
        std::fs::write(dir.join("trial.toml"), toml::to_string(&config).unwrap()).unwrap();
    }
    root
}

/// The app on the data folder `root`, its users, and the coding of each
/// trial given as (arm, letter).
fn app_on(root: &Path, codes: &BTreeMap<&str, Vec<(String, String)>>) -> TestApp {
    let store = Store::in_memory().unwrap();
    store
        .add_user(
            "pilot-sponsor",
            PASSWORD,
            &[("cdisc-pilot01".into(), Role::Sponsor)],
        )
        .unwrap();
    for (trial, c) in codes {
        store.assign_arm_codes(trial, c).unwrap();
    }
    let catalog = std::thread::scope(|s| {
        s.spawn(|| Arc::new(Catalog::load(root).unwrap()))
            .join()
            .unwrap()
    });
    app_with(root, catalog, store)
}

/// What a viewer receives, with what changes from request to request (the
/// page's nonce, the session's CSRF token) scrubbed.
fn scrub(body: &str, csrf: &str) -> String {
    crate::helpers::without_nonce(body).replace(csrf, "CSRF")
}

async fn csrf_of(app: &TestApp, token: &str) -> String {
    let r = send(app, post("/api/get_me", Some(token), "")).await;
    let me: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    me["csrf"].as_str().unwrap().to_string()
}

/// Every page and server-function answer `user` can get on `trial`, at
/// every good cut, keyed by request.
async fn everything(
    app: &TestApp,
    user: &str,
    trial: &str,
    closed: bool,
) -> BTreeMap<String, String> {
    let token = sign_in(app, user).await;
    let csrf = csrf_of(app, &token).await;
    let dates = catalog().trial(trial).unwrap().cut_dates();
    let mut out = BTreeMap::new();
    let mut pages = vec![
        format!("/trial/{trial}"),
        format!("/trial/{trial}/safety"),
        format!("/trial/{trial}/reviews"),
    ];
    let mut fns = vec![
        "get_enrollment",
        "get_open_safety",
        "get_safety",
        "get_baseline",
        "get_disposition",
        "get_adverse_events",
        "get_deaths",
        "get_labs",
        "get_conduct",
        "get_since_review",
        "get_standing",
    ];
    if closed {
        pages.extend([
            format!("/trial/{trial}/efficacy"),
            format!("/trial/{trial}/cuts"),
        ]);
        if user != "stat" {
            pages.push(format!("/trial/{trial}/decode"));
        }
        fns.extend(["get_arm_enrollment", "get_closed_safety", "get_efficacy"]);
        let r = send(
            app,
            post("/api/get_cuts", Some(&token), &format!("trial={trial}")),
        )
        .await;
        out.insert("get_cuts".to_string(), scrub(&r.body, &csrf));
    }
    for date in &dates {
        for p in &pages {
            let path = format!("{p}?cut={date}");
            let r = send(app, get(&path, Some(&token))).await;
            assert_eq!(r.status, 200, "{path} as {user}");
            out.insert(path, scrub(&r.body, &csrf));
        }
        for f in &fns {
            let r = send(
                app,
                post(
                    &format!("/api/{f}"),
                    Some(&token),
                    &format!("trial={trial}&cut={date}"),
                ),
            )
            .await;
            assert_eq!(r.status, 200, "{f} at {date} as {user}: {}", r.body);
            out.insert(format!("{f} {date}"), scrub(&r.body, &csrf));
        }
        // A subject in the Hy's law range at every demo cut (a profile the
        // report keeps) and one who never is (made on demand): the lab
        // profile, as data and as its page.
        for subject in ["ALTSHOCK2-02-001", "ALTSHOCK2-01-001"] {
            if !(closed && trial == "altshock2") {
                continue;
            }
            let r = send(
                app,
                post(
                    "/api/get_lab_profile",
                    Some(&token),
                    &format!("trial={trial}&cut={date}&usubjid={subject}"),
                ),
            )
            .await;
            assert_eq!(r.status, 200, "lab profile at {date} as {user}: {}", r.body);
            out.insert(
                format!("get_lab_profile {date} {subject}"),
                scrub(&r.body, &csrf),
            );
            let path = format!("/trial/{trial}/lab-profile?cut={date}&subject={subject}");
            let r = send(app, get(&path, Some(&token))).await;
            assert_eq!(r.status, 200, "{path} as {user}");
            out.insert(path, scrub(&r.body, &csrf));
        }
    }
    out
}

/// The first answer that differs between the two, for the failure message.
fn first_difference(a: &BTreeMap<String, String>, b: &BTreeMap<String, String>) -> Option<String> {
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    a.iter().find(|(k, v)| b[*k] != **v).map(|(k, v)| {
        let w = &b[k];
        let at = v
            .bytes()
            .zip(w.bytes())
            .position(|(x, y)| x != y)
            .unwrap_or(0);
        let from = at.saturating_sub(120);
        format!(
            "{k} differs at byte {at}:\n  original: …{}…\n  twin:     …{}…",
            &v[from..(at + 120).min(v.len())],
            &w[from..(at + 120).min(w.len())]
        )
    })
}

/// The letters of each trial's arms in the original, random as the store
/// assigns them.
fn original_codes() -> BTreeMap<&'static str, Vec<(String, String)>> {
    let store = Store::in_memory().unwrap();
    let mut out = BTreeMap::new();
    for (trial, arms) in [
        ("altshock2", vec!["SOC", "IABP"]),
        ("cdisc-pilot01", vec!["PBO", "LOW", "HIGH"]),
    ] {
        let arms: Vec<String> = arms.into_iter().map(String::from).collect();
        out.insert(trial, store.arm_codes(trial, &arms).unwrap());
    }
    out
}

/// The twin's letters: arm `to` holds the subjects of `from`, so it gets
/// `from`'s letter.
fn twin_codes(
    codes: &BTreeMap<&'static str, Vec<(String, String)>>,
    moves: &BTreeMap<&str, BTreeMap<&str, &str>>,
) -> BTreeMap<&'static str, Vec<(String, String)>> {
    codes
        .iter()
        .map(|(trial, c)| {
            let m = &moves[trial];
            let moved = c
                .iter()
                .map(|(arm, letter)| (m[arm.as_str()].to_string(), letter.clone()))
                .collect();
            (*trial, moved)
        })
        .collect()
}

fn swap_treatment_and_control() -> BTreeMap<&'static str, BTreeMap<&'static str, &'static str>> {
    BTreeMap::from([
        (
            "altshock2",
            BTreeMap::from([("SOC", "IABP"), ("IABP", "SOC")]),
        ),
        (
            "cdisc-pilot01",
            BTreeMap::from([("PBO", "HIGH"), ("HIGH", "PBO"), ("LOW", "LOW")]),
        ),
    ])
}

#[test]
fn a_coded_view_is_the_same_whichever_arm_stands_behind_each_letter() {
    crate::helpers::block_on(async {
        let moves = swap_treatment_and_control();
        let codes = original_codes();
        let original = app_on(&relabelled(&BTreeMap::new()), &codes);
        let twin = app_on(&relabelled(&moves), &twin_codes(&codes, &moves));
        let mut compared = 0;
        for (user, trial) in [("member", "altshock2"), ("outsider", "cdisc-pilot01")] {
            let a = everything(&original, user, trial, true).await;
            let b = everything(&twin, user, trial, true).await;
            if let Some(d) = first_difference(&a, &b) {
                panic!("the coded view of {trial} tells the arms apart: {d}");
            }
            compared += a.len();
        }
        // The statistician sees the arms: the twin must differ for them, or
        // the twin would prove nothing.
        let a = everything(&original, "stat", "altshock2", true).await;
        let b = everything(&twin, "stat", "altshock2", true).await;
        assert!(
            first_difference(&a, &b).is_some(),
            "the relabelled twin changed nothing the statistician sees"
        );
        eprintln!("coded views: {compared} answers identical in the relabelled twin");
    });
}

#[test]
fn the_sponsors_view_is_the_same_under_any_permutation_of_the_randomization() {
    crate::helpers::block_on(async {
        let codes = original_codes();
        let original = app_on(&relabelled(&BTreeMap::new()), &codes);
        let rotate = BTreeMap::from([
            (
                "altshock2",
                BTreeMap::from([("SOC", "IABP"), ("IABP", "SOC")]),
            ),
            (
                "cdisc-pilot01",
                BTreeMap::from([("PBO", "LOW"), ("LOW", "HIGH"), ("HIGH", "PBO")]),
            ),
        ]);
        for moves in [swap_treatment_and_control(), rotate] {
            let twin = app_on(&relabelled(&moves), &twin_codes(&codes, &moves));
            for (user, trial) in [("sponsor", "altshock2"), ("pilot-sponsor", "cdisc-pilot01")] {
                let a = everything(&original, user, trial, false).await;
                let b = everything(&twin, user, trial, false).await;
                if let Some(d) = first_difference(&a, &b) {
                    panic!("the sponsor's view of {trial} depends on the randomization: {d}");
                }
            }
        }
    });
}

/// A coded closed report (`dsmb report --view closed --coded`) follows the
/// coded-view rule: the relabelled twin, coded so that every subject keeps
/// its letter, gives the same document byte for byte, in HTML and in PDF.
#[test]
fn a_coded_closed_report_is_the_same_whichever_arm_stands_behind_each_letter() {
    use dsmb::server::store::AuditFiles;
    let moves = swap_treatment_and_control();
    let codes = original_codes();
    let moved = twin_codes(&codes, &moves);
    let finals = [
        ("altshock2", "cut-2024-12-31", true),
        ("cdisc-pilot01", "cut-2015-03-05", false),
    ];
    let mut built: Vec<Vec<Vec<u8>>> = Vec::new();
    for (root, letters) in [
        (relabelled(&BTreeMap::new()), &codes),
        (relabelled(&moves), &moved),
    ] {
        let db = root.join("access.sqlite");
        let store = Store::open_with(&db, &AuditFiles::beside(&db)).unwrap();
        for (trial, c) in letters.iter() {
            store.assign_arm_codes(trial, c).unwrap();
        }
        drop(store);
        let mut files = Vec::new();
        for (trial, cut, pdf_too) in finals {
            let formats: &[&str] = if pdf_too { &["html", "pdf"] } else { &["html"] };
            for format in formats {
                let out = root.join(format!("{trial}.{format}"));
                let o = std::process::Command::new(env!("CARGO_BIN_EXE_dsmb"))
                    .arg("report")
                    .arg(root.join(trial).join(cut).join("unblinded"))
                    .arg("--trial")
                    .arg(root.join(trial).join("trial.toml"))
                    .args(["--view", "closed", "--coded", "--format", format])
                    .arg("--out")
                    .arg(&out)
                    .args(["--built-at", "2026-12-01T09:30:00Z"])
                    .arg("--db")
                    .arg(&db)
                    .output()
                    .unwrap();
                assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
                files.push(std::fs::read(&out).unwrap());
            }
        }
        built.push(files);
    }
    let (original, twin) = (&built[0], &built[1]);
    assert_eq!(original.len(), 3);
    for (k, (a, b)) in original.iter().zip(twin).enumerate() {
        if a != b {
            let at = a.iter().zip(b).position(|(x, y)| x != y).unwrap_or(0);
            let from = at.saturating_sub(200);
            panic!(
                "coded report {k} differs at byte {at}:\n  original: …{}…\n  twin:     …{}…",
                String::from_utf8_lossy(&a[from..(at + 200).min(a.len())]),
                String::from_utf8_lossy(&b[from..(at + 200).min(b.len())])
            );
        }
    }
    // Coded: letters, never an arm's label.
    let html = String::from_utf8_lossy(&original[0]);
    assert!(
        html.contains("Group A") || html.contains(">A<"),
        "letters shown"
    );
    for word in ["IABP + SoC", "Xanomeline"] {
        assert!(!html.contains(word), "a coded report names {word:?}");
    }
}
