//! A registered cut cannot change, a record cannot fork, and every refusal
//! is on the trail: the nine ways a determined insider broke them, each
//! tried as the insider would (the adversarial case), then the proof that
//! nothing changed and that the audit entry exists.

use crate::fixtures::{copy_dir, fixture};
use crate::helpers::{
    altshock2_trial, block_on, csrf, get, post, send, sign_in, state, TestApp, PASSWORD,
};
use crate::uploads::{app_on, checked, entries, final_cut, register, upload, upload_root, Part};
use axum::http::StatusCode;
use dsmb::server::catalog::Catalog;
use dsmb::server::firewall::{closed_snapshot, load, open_snapshot, LoadOptions};
use dsmb::server::intake::staging::{Limits, Outcome};
use dsmb::server::web::session::Auth;
use std::path::Path;

/// The watch's scan of the served cuts, once.
async fn scan(app: &TestApp) {
    let watcher = Auth {
        user: None,
        token: None,
        address: "folder watch".into(),
    };
    dsmb::server::web::watch::withdraw_tampered(&app.state, &watcher).await;
}

/// The cut in `cut` as if registered with its `keep` part alone: the other
/// part (and, for an unblinded part, the list) removed from the folder and
/// from its manifest, as every web upload registers a cut.
fn registered_with_one_part(cut: &Path, keep: &str) {
    let path = cut.join("manifest.json");
    let mut m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let drop = if keep == "blinded" {
        "unblinded"
    } else {
        "blinded"
    };
    m["folders"].as_object_mut().unwrap().remove(drop);
    std::fs::remove_dir_all(cut.join(drop)).unwrap();
    if keep == "unblinded" {
        m.as_object_mut().unwrap().remove("randlist");
        std::fs::remove_file(cut.join("randlist.csv")).unwrap();
    }
    std::fs::write(&path, serde_json::to_string_pretty(&m).unwrap()).unwrap();
}

/// The arm of each subject in the list, SOC and IABP swapped.
fn swapped_arms(list: &Path) -> std::collections::HashMap<String, String> {
    let text = std::fs::read_to_string(list).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let (id, arm) = (
        header.iter().position(|h| *h == "USUBJID").unwrap(),
        header.iter().position(|h| *h == "ARMCD").unwrap(),
    );
    lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            let swapped = if f[arm] == "SOC" { "IABP" } else { "SOC" };
            (f[id].to_string(), swapped.to_string())
        })
        .collect()
}

/// An `unblinded/` part written beside a registered blinded one: the
/// blinded files with ADSL carrying the arms swapped.
fn add_swapped_unblinded_part(cut: &Path) {
    let (from, to) = (cut.join("blinded"), cut.join("unblinded"));
    copy_dir(&from, &to);
    let arms = swapped_arms(&cut.join("randlist.csv"));
    let adsl = std::fs::read_to_string(to.join("adsl.csv")).unwrap();
    let mut out = String::new();
    for (i, line) in adsl.lines().enumerate() {
        if i == 0 {
            out.push_str(&format!("ARMCD,{line}\n"));
        } else {
            let id = line.split(',').nth(1).unwrap();
            out.push_str(&format!("{},{line}\n", arms[id]));
        }
    }
    std::fs::write(to.join("adsl.csv"), out).unwrap();
}

fn rejected_with(catalog: &Catalog, cut: &Path, needle: &str) -> bool {
    catalog
        .trial("altshock2")
        .unwrap()
        .rejected
        .iter()
        .any(|r| r.dir == cut && r.problems.0.iter().any(|p| p.to_string().contains(needle)))
}

/// Case 1: An `unblinded/` part added to a cut registered with its blinded part
/// alone (as every web upload is) would win the closed level and reverse
/// the arms. The cut is refused at once, withdrawn by the watch's next scan
/// (audited), the previous cut serves, and it stays refused after a
/// restart.
#[test]
fn a_part_added_to_a_registered_cut_is_refused_and_the_last_good_cut_serves() {
    let root = upload_root("cut-2024-12-31");
    let cut = root.join("altshock2/cut-2024-12-31");
    registered_with_one_part(&cut, "blinded");
    let app = app_on(&root, Limits::default());
    let config = altshock2_trial();
    let arms_before = closed_snapshot(&config, &cut)
        .unwrap()
        .adsl
        .column("ARM")
        .unwrap()
        .clone();
    assert_eq!(
        app.catalog().entry("altshock2").unwrap().latest().date,
        "2024-12-31"
    );

    add_swapped_unblinded_part(&cut);
    let refused = closed_snapshot(&config, &cut).unwrap_err().to_string();
    assert!(
        refused.contains("unblinded") && refused.contains("not part of the registered cut"),
        "{refused}"
    );
    assert!(
        open_snapshot(&config, &cut).is_err(),
        "the open level refuses it too"
    );
    block_on(async {
        scan(&app).await;
        let t = app.catalog().entry("altshock2").unwrap();
        assert_eq!(t.latest().date, "2023-09-30", "the last good cut serves");
        assert!(rejected_with(&app.catalog(), &cut, "unblinded"));
        let withdrawn = entries(&app, "withdraw-cut");
        assert_eq!(withdrawn.len(), 1, "{withdrawn:?}");
        assert!(withdrawn[0].contains("cut-2024-12-31") && withdrawn[0].contains("unblinded"));
        // The statistician's pages of the cut are gone, not reversed.
        let stat = sign_in(&app, "stat").await;
        let r = send(
            &app,
            post(
                "/api/get_deaths",
                Some(&stat),
                "trial=altshock2&cut=2024-12-31",
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
        // The cuts page names the problem within the cut, never a server path.
        let r = send(&app, post("/api/get_cuts", Some(&stat), "trial=altshock2")).await;
        assert!(r.body.contains("unblinded"), "{}", r.body);
        assert!(
            !r.body.contains(&root.display().to_string()),
            "a server path: {}",
            r.body
        );
    });
    // After a restart: refused, listed with its problem.
    let again = Catalog::load(&root).unwrap();
    assert_eq!(
        again.trial("altshock2").unwrap().latest().date,
        "2023-09-30"
    );
    assert!(rejected_with(&again, &cut, "unblinded"));
    // Taken away again, the cut is what was registered: the same arms.
    std::fs::remove_dir_all(cut.join("unblinded")).unwrap();
    let arms_after = closed_snapshot(&config, &cut)
        .unwrap()
        .adsl
        .column("ARM")
        .unwrap()
        .clone();
    assert!(arms_before.equals_missing(&arms_after));
}

/// Case 1b: A `blinded/` part with fewer subjects added to a cut registered as
/// unblinded would become the sponsor's numbers after a restart; and a file
/// added to a registered part is refused as well.
#[test]
fn a_blinded_part_or_a_file_added_to_a_registered_cut_is_refused_at_start() {
    let root = upload_root("cut-2024-12-31");
    let cut = root.join("altshock2/cut-2023-09-30");
    registered_with_one_part(&cut, "unblinded");
    let served = Catalog::load(&root).unwrap();
    let enrolled = |c: &Catalog| {
        c.trial("altshock2")
            .unwrap()
            .cut(Some("2023-09-30"))
            .map(|c| c.enrollment.total)
    };
    let before = enrolled(&served);
    assert!(before.is_some());
    // Twenty subjects fewer.
    let blinded = cut.join("blinded");
    copy_dir(&final_cut().join("blinded"), &blinded);
    let text = std::fs::read_to_string(blinded.join("adsl.csv")).unwrap();
    let fewer: Vec<&str> = text.lines().take(text.lines().count() - 20).collect();
    std::fs::write(blinded.join("adsl.csv"), fewer.join("\n") + "\n").unwrap();
    let after = Catalog::load(&root).unwrap();
    assert_eq!(enrolled(&after), None, "the cut is not served");
    assert!(rejected_with(&after, &cut, "blinded"));
    std::fs::remove_dir_all(&blinded).unwrap();
    assert_eq!(enrolled(&Catalog::load(&root).unwrap()), before);
    // A file added to the registered part.
    std::fs::write(cut.join("unblinded/notes.txt"), "x").unwrap();
    let after = Catalog::load(&root).unwrap();
    assert!(rejected_with(&after, &cut, "unblinded/notes.txt"));
}

fn blinded_upload() -> Vec<Part> {
    let mut files = crate::uploads::datasets(&final_cut().join("blinded"));
    files.push(crate::uploads::file(
        "randlist",
        &final_cut().join("randlist.csv"),
    ));
    files
}

/// The statistician's blinded upload of the final cut, its check passed:
/// the session, the upload's id and the check's report.
async fn checked_upload(
    app: &TestApp,
) -> (String, String, dsmb::server::intake::check::CheckReport) {
    let stat = sign_in(app, "stat").await;
    let (r, id) = upload(
        app,
        "altshock2",
        &stat,
        "2024-12-31",
        "blinded",
        &blinded_upload(),
    )
    .await;
    let id = id.unwrap_or_else(|| panic!("{}", r.body));
    let Outcome::Passed(report) = checked(app, &id).await else {
        panic!("the upload's check failed")
    };
    (stat, id, report)
}

/// Case 2: The randomization list changed in staging after the check passed is
/// not registered: registration records the list the check read and
/// verifies every file against the check's digests when it moves the cut.
#[test]
fn a_list_changed_after_its_check_is_not_registered() {
    let root = upload_root("cut-2023-09-30");
    let app = app_on(&root, Limits::default());
    block_on(async {
        let (stat, id, report) = checked_upload(&app).await;
        assert!(
            report.randlist.is_some(),
            "the check records the list's digest"
        );
        // The insider swaps the arms in staging.
        let staged = app.staging.get(&id).unwrap();
        let list = staged.cut_dir.join("randlist.csv");
        let text = std::fs::read_to_string(&list).unwrap();
        let swapped = text
            .replace(",SOC,", ",TMP,")
            .replace(",IABP,", ",SOC,")
            .replace(",TMP,", ",IABP,");
        std::fs::write(&list, swapped).unwrap();
        let r = register(&app, "altshock2", &stat, &id).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
        assert!(r.body.contains("randlist.csv has changed"), "{}", r.body);
        assert!(
            !root.join("altshock2/cut-2024-12-31").exists(),
            "nothing was moved"
        );
        assert_eq!(
            app.catalog().entry("altshock2").unwrap().latest().date,
            "2023-09-30"
        );
        assert!(entries(&app, "register-cut-failed")
            .iter()
            .chain(entries(&app, "refused").iter())
            .any(|e| e.contains("randlist.csv has changed")));
    });
}

/// Case 3: Sixteen corrections of one record sent at once leave exactly one;
/// the others are refused (409) and audited.
#[test]
fn concurrent_corrections_of_one_record_leave_exactly_one() {
    block_on(async {
        let app = state();
        let stat = sign_in(&app, "stat").await;
        let c = csrf(&app, &stat).await;
        let body = format!("csrf={c}&meeting_date=2025-01-20&cut_date=2024-12-31&recommendation=stop_futility&rationale=r");
        let r = send(&app, post("/trial/altshock2/reviews", Some(&stat), &body)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let id: i64 = r.headers["location"]
            .to_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let mut sends = Vec::new();
        for k in 0..16 {
            let (app, stat) = (app.clone(), stat.clone());
            let body = format!("{body}&recommendation_text=version+{k}&amends={id}");
            sends.push(tokio::spawn(async move {
                send(&app, post("/trial/altshock2/reviews", Some(&stat), &body))
                    .await
                    .status
            }));
        }
        let mut statuses = Vec::new();
        for s in sends {
            statuses.push(s.await.unwrap());
        }
        let made = statuses
            .iter()
            .filter(|s| **s == StatusCode::SEE_OTHER)
            .count();
        let refused = statuses
            .iter()
            .filter(|s| **s == StatusCode::CONFLICT)
            .count();
        assert_eq!((made, refused), (1, 15), "{statuses:?}");
        let corrections = app
            .access
            .store
            .meetings("altshock2")
            .unwrap()
            .iter()
            .filter(|m| m.fields.amends == Some(id))
            .count();
        assert_eq!(corrections, 1);
        let audited = entries(&app, "refused")
            .iter()
            .filter(|e| e.contains("corrected already"))
            .count();
        assert_eq!(audited, 15);
    });
}

/// Case 4: Markup in every free-text field of a meeting comes back as text in
/// the correction form (a `</textarea>` never closes the element), on the
/// record's page and in the HTML report.
#[test]
fn hostile_meeting_text_is_rendered_inert() {
    const HOSTILE: &str = "</textarea><meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\"><script>alert(1)</script>";
    block_on(async {
        let app = state();
        let stat = sign_in(&app, "stat").await;
        let h: String = url_encode(HOSTILE);
        let body = format!(
            "csrf={}&meeting_date=2025-01-20&cut_date=2023-09-30&recommendation=continue&open_attendees={h}&closed_attendees={h}&open_minutes={h}&closed_minutes={h}&recommendation_text={h}&rationale={h}",
            csrf(&app, &stat).await
        );
        let r = send(&app, post("/trial/altshock2/reviews", Some(&stat), &body)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let at = r.headers["location"].to_str().unwrap().to_string();
        let page = send(&app, get(&at, Some(&stat))).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body.contains("data-testid=\"meeting-form\""),
            "the correction form is there"
        );
        for live in [
            "<meta http-equiv=\"refresh\"",
            "<script>alert(1)",
            "</textarea><meta",
        ] {
            assert!(
                !page.body.contains(live),
                "live markup {live:?} on the page"
            );
        }
        // Each of the six textareas holds the text, escaped.
        let escaped = "&lt;/textarea&gt;&lt;meta http-equiv=";
        assert!(
            page.body.matches(escaped).count() >= 6,
            "{}",
            page.body.matches(escaped).count()
        );
        // Signed, the meeting is the open and the closed report's previous
        // meeting: its text is text there too, in HTML and in PDF.
        app.access
            .store
            .set_chair("test", "test", "member", "altshock2")
            .unwrap();
        let id: i64 = at.rsplit('/').next().unwrap().parse().unwrap();
        app.access
            .store
            .sign_meeting("member", PASSWORD, "test", "altshock2", id)
            .unwrap()
            .unwrap();
        for (n, kind) in [(1, "open"), (2, "closed")] {
            let c = csrf(&app, &stat).await;
            let r = send(
                &app,
                post(
                    "/trial/altshock2/reports",
                    Some(&stat),
                    &format!("csrf={c}&cut=2024-12-31&kind={kind}"),
                ),
            )
            .await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
            let html = send(
                &app,
                get(
                    &format!("/trial/altshock2/reports/{n}/download?format=html"),
                    Some(&stat),
                ),
            )
            .await;
            assert_eq!(html.status, StatusCode::OK);
            assert!(
                html.body.contains("&lt;/textarea&gt;&lt;meta"),
                "{kind}: the meeting's text is missing"
            );
            for live in ["<meta http-equiv=\"refresh\"", "<script>alert(1)"] {
                assert!(
                    !html.body.contains(live),
                    "{kind}: live markup {live:?} in the HTML report"
                );
            }
            let pdf = send(
                &app,
                get(
                    &format!("/trial/altshock2/reports/{n}/download?format=pdf"),
                    Some(&stat),
                ),
            )
            .await;
            let text = crate::report_store::pdf_text(&pdf.bytes);
            assert!(
                text.contains("</textarea>") && text.contains("alert(1)"),
                "{kind}: the PDF does not show the text as written"
            );
        }
    });
}

fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Case 5: The signing form's password check counts against the throttle: a
/// chair's session left open is no brute-force oracle. After five wrong
/// passwords even the right one is refused (429), and the record stays
/// unsigned; every attempt is audited.
#[test]
fn the_signing_form_is_throttled_like_the_sign_in() {
    block_on(async {
        let app = state();
        app.access
            .store
            .set_chair("test", "test", "member", "altshock2")
            .unwrap();
        let stat = sign_in(&app, "stat").await;
        let body = format!(
            "csrf={}&meeting_date=2025-01-20&cut_date=2024-12-31&recommendation=continue&rationale=r",
            csrf(&app, &stat).await
        );
        let r = send(&app, post("/trial/altshock2/reviews", Some(&stat), &body)).await;
        let at = r.headers["location"].to_str().unwrap().to_string();
        let member = sign_in(&app, "member").await;
        let c = csrf(&app, &member).await;
        let sign = |password: &str| {
            post(
                &format!("{at}/sign"),
                Some(&member),
                &format!("csrf={c}&approve=yes&password={password}"),
            )
        };
        for k in 0..5 {
            let r = send(&app, sign(&format!("guess{k}"))).await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
        }
        let r = send(&app, sign(&PASSWORD.replace(' ', "+"))).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
        let id: i64 = at.rsplit('/').next().unwrap().parse().unwrap();
        let m = app.access.store.meeting("altshock2", id).unwrap().unwrap();
        assert!(!m.signed(), "signed after five wrong passwords");
        let refused = entries(&app, "refused");
        assert_eq!(
            refused.iter().filter(|e| e.contains("/sign")).count(),
            6,
            "{refused:?}"
        );
        // The sign-in form shares the count: the account is held there too.
        let r = send(
            &app,
            post(
                "/auth/login",
                None,
                &format!("username=member&password={}", PASSWORD.replace(' ', "+")),
            ),
        )
        .await;
        assert!(r.headers["location"]
            .to_str()
            .unwrap()
            .contains("throttled"));
    });
}

/// Case 6: A cut folder whose files are symbolic links to files elsewhere (or
/// hard links to them) is never registered or served by the folder watch.
#[test]
fn the_folder_watch_follows_no_link() {
    let root = upload_root("cut-2023-09-30");
    let app = app_on(&root, Limits::default());
    let linked = root.join("altshock2/cut-2024-12-31");
    let hard = root.join("altshock2/cut-2025-03-31");
    for dir in [&linked, &hard] {
        std::fs::create_dir_all(dir.join("blinded")).unwrap();
    }
    // Outside the data folder: what the links point at.
    let elsewhere = root.with_extension("elsewhere");
    copy_dir(&final_cut(), &elsewhere);
    std::fs::remove_file(elsewhere.join("manifest.json")).unwrap();
    for name in ["adsl.csv", "adae.csv", "adtte.csv", "adlb.csv"] {
        let target = elsewhere.join("blinded").join(name);
        std::os::unix::fs::symlink(&target, linked.join("blinded").join(name)).unwrap();
        std::fs::hard_link(&target, hard.join("blinded").join(name)).unwrap();
    }
    std::os::unix::fs::symlink(elsewhere.join("randlist.csv"), linked.join("randlist.csv"))
        .unwrap();
    std::fs::hard_link(elsewhere.join("randlist.csv"), hard.join("randlist.csv")).unwrap();
    block_on(async {
        let watch = tokio::spawn(dsmb::server::web::watch::watch(
            app.state.clone(),
            std::time::Duration::from_millis(100),
            std::time::Duration::from_millis(300),
        ));
        let mut both = false;
        for _ in 0..200 {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            let t = app.catalog().entry("altshock2").unwrap();
            if t.rejected
                .iter()
                .filter(|r| r.dir == linked || r.dir == hard)
                .count()
                == 2
            {
                both = true;
                break;
            }
        }
        watch.abort();
        assert!(both, "both folders are listed as rejected");
        let t = app.catalog().entry("altshock2").unwrap();
        assert_eq!(t.latest().date, "2023-09-30", "neither is served");
        let said = |dir: &Path| {
            t.rejected
                .iter()
                .find(|r| r.dir == dir)
                .unwrap()
                .problems
                .to_string()
        };
        assert!(said(&linked).contains("symbolic link"), "{}", said(&linked));
        assert!(said(&hard).contains("hard links"), "{}", said(&hard));
        assert!(!linked.join("manifest.json").exists() && !hard.join("manifest.json").exists());
        assert_eq!(entries(&app, "reject-cut").len(), 2);
    });
    let _ = std::fs::remove_dir_all(&elsewhere);
}

/// Case 7: A manifest dropped in with the cut cannot turn off the blinded
/// part's check: a `blinded/` folder with ARMCD, registered as unblinded,
/// is refused.
#[test]
fn a_manifest_never_weakens_the_blinded_check() {
    let cut = fixture();
    let adsl = cut.join("blinded/adsl.csv");
    crate::fixtures::add_column(&adsl, "ARMCD", "SOC");
    // A manifest with the right hashes, saying the part is not blinded.
    dsmb::server::data::register::register(&cut, &altshock2_trial()).unwrap_err();
    let mut folders = serde_json::Map::new();
    for part in ["blinded", "unblinded"] {
        let files: Vec<serde_json::Value> = std::fs::read_dir(cut.join(part))
            .unwrap()
            .map(|e| e.unwrap().path())
            .map(|p| {
                serde_json::json!({
                    "name": p.file_name().unwrap().to_string_lossy(),
                    "sha256": dsmb::server::digest::file_sha256(&p).unwrap(),
                })
            })
            .collect();
        folders.insert(
            part.into(),
            serde_json::json!({"blinded": false, "files": files}),
        );
    }
    let m = serde_json::json!({
        "trial": "altshock2", "cut_date": "2024-12-31", "registered_at": "2025-01-01T00:00:00Z",
        "folders": folders,
        "randlist": {"name": "randlist.csv", "sha256": dsmb::server::digest::file_sha256(&cut.join("randlist.csv")).unwrap()},
    });
    std::fs::write(cut.join("manifest.json"), m.to_string()).unwrap();
    let refused = open_snapshot(&altshock2_trial(), &cut)
        .unwrap_err()
        .to_string();
    assert!(
        refused.contains("declared blinded") && refused.contains("ARMCD"),
        "{refused}"
    );
}

/// Case 8: A byte-order mark before ARMCD (or white space around it, or another
/// case) does not hide the arm column of a blinded ADSL.
#[test]
fn a_byte_order_mark_does_not_hide_an_arm_column() {
    for name in ["\u{feff}ARMCD", " armcd ", "\u{feff} ArmCd"] {
        let cut = fixture();
        let adsl = cut.join("blinded/adsl.csv");
        let text = std::fs::read_to_string(&adsl).unwrap();
        let mut out = String::new();
        for (i, line) in text.lines().enumerate() {
            let first = if i == 0 { name } else { "SOC" };
            out.push_str(&format!("{first},{line}\n"));
        }
        std::fs::write(&adsl, out).unwrap();
        let opts = LoadOptions {
            blinded: Some(true),
            ..LoadOptions::open()
        };
        let refused = match load(&cut.join("blinded"), &altshock2_trial(), &opts) {
            Ok(_) => panic!("{name:?}: a blinded ADSL with an arm column passed"),
            Err(p) => p.to_string(),
        };
        assert!(refused.contains("arm-identifying"), "{name:?}: {refused}");
    }
    // A byte-order mark before USUBJID is no problem at all.
    let cut = fixture();
    let adsl = cut.join("blinded/adsl.csv");
    let text = std::fs::read_to_string(&adsl).unwrap();
    std::fs::write(&adsl, format!("\u{feff}{text}")).unwrap();
    let opts = LoadOptions {
        blinded: Some(true),
        ..LoadOptions::open()
    };
    load(&cut.join("blinded"), &altshock2_trial(), &opts).unwrap();
}

/// Case 9: A malformed form from a caller without the role is refused for the
/// role (403), never answered as bad input first, and every refusal,
/// bad input included, is on the trail; a sponsor cannot tell a closed
/// report from one that does not exist.
#[test]
fn every_form_checks_the_role_first_and_every_refusal_is_audited() {
    block_on(async {
        let app = state();
        let (sponsor, member, stat) = (
            sign_in(&app, "sponsor").await,
            sign_in(&app, "member").await,
            sign_in(&app, "stat").await,
        );
        let forms = [
            "/trial/altshock2/reports",
            "/trial/altshock2/reports/1/release",
            "/trial/altshock2/reviews",
            "/trial/altshock2/cuts/uploads/0123456789abcdef01234567/register",
            "/trial/altshock2/cuts/uploads/0123456789abcdef01234567/discard",
        ];
        let refusals = || entries(&app, "refused").len();
        for path in forms {
            for token in [&sponsor, &member] {
                let before = refusals();
                let r = send(&app, post(path, Some(token), "%%%&=&kind")).await;
                assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}: {}", r.body);
                assert_eq!(refusals(), before + 1, "{path}: not audited");
            }
            let before = refusals();
            let r = send(&app, post(path, Some(&stat), "%%%&=&kind")).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{path}: {}", r.body);
            assert_eq!(refusals(), before + 1, "{path}: a 400 not audited");
        }
        for (path, token) in [
            (
                "/trial/altshock2/reports/1/download?format=../../etc",
                &member,
            ),
            ("/trial/altshock2/reports/one/download", &sponsor),
        ] {
            let before = refusals();
            let r = send(&app, get(path, Some(token))).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{path}");
            assert_eq!(refusals(), before + 1, "{path}: not audited");
        }
        // A closed report built and released, and one that does not exist:
        // the sponsor gets the same answer for both.
        let c = csrf(&app, &stat).await;
        let r = send(
            &app,
            post(
                "/trial/altshock2/reports",
                Some(&stat),
                &format!("csrf={c}&cut=2024-12-31&kind=closed-coded"),
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let r = send(
            &app,
            post(
                "/trial/altshock2/reports/1/release",
                Some(&stat),
                &format!("csrf={c}"),
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let closed = send(
            &app,
            get(
                "/trial/altshock2/reports/1/download?format=html",
                Some(&sponsor),
            ),
        )
        .await;
        let none = send(
            &app,
            get(
                "/trial/altshock2/reports/7/download?format=html",
                Some(&sponsor),
            ),
        )
        .await;
        assert_eq!(
            (closed.status, closed.body.as_str()),
            (none.status, none.body.as_str())
        );
        assert_eq!(closed.status, StatusCode::NOT_FOUND);
    });
}

/// The upload's own check: a cut staged with an extra part beside the one
/// uploaded, or a linked file, is refused at registration, whatever its
/// check said before.
#[test]
fn a_file_added_in_staging_after_the_check_is_not_registered() {
    let root = upload_root("cut-2023-09-30");
    let app = app_on(&root, Limits::default());
    block_on(async {
        let (stat, id, _) = checked_upload(&app).await;
        let staged = app.staging.get(&id).unwrap();
        copy_dir(
            &final_cut().join("unblinded"),
            &staged.cut_dir.join("unblinded"),
        );
        let r = register(&app, "altshock2", &stat, &id).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
        assert!(r.body.contains("unblinded"), "{}", r.body);
        assert!(!root.join("altshock2/cut-2024-12-31").exists());
    });
}
