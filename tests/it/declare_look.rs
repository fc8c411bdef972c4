//! The statistician declares a cut a formal look in the app: the page
//! proposes it, the declaration is checked against the design, written
//! once and audited, and every analysis of the trial is made again (the
//! monitoring cut becomes a tested look with a verdict). Anyone else is
//! refused, audited; a declaration is never changed; the server starts
//! with the declared looks, and refuses a trial.toml that contradicts them.

use crate::fixtures::copy_dir;
use crate::helpers::{csrf, post, repo, send, sign_in, TestApp};
use axum::http::StatusCode;
use dsmb::server::catalog::Catalog;
use dsmb::server::store::Store;
use serde_json::Value;
use std::path::PathBuf;
use std::sync::Arc;

/// A data folder with Altshock-2 whose trial.toml declares no formal look.
fn undeclared_root() -> PathBuf {
    let root = std::env::temp_dir().join(format!("dsmb-declare-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    copy_dir(&repo().join("demo/altshock2"), &root.join("altshock2"));
    let toml = root.join("altshock2/trial.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    let kept: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with("formal_looks"))
        .collect();
    assert_eq!(
        kept.len() + 1,
        text.lines().count(),
        "one line declares the look"
    );
    std::fs::write(&toml, kept.join("\n")).unwrap();
    root
}

async fn efficacy(app: &TestApp, token: &str, cut: &str) -> Value {
    let r = send(
        app,
        post(
            "/api/get_efficacy",
            Some(token),
            &format!("trial=altshock2&cut={cut}"),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    serde_json::from_str(&r.body).unwrap()
}

async fn declare(app: &TestApp, token: &str, look: &str, cut: &str) -> crate::helpers::Reply {
    let body = format!("csrf={}&look={look}&cut={cut}", csrf(app, token).await);
    send(app, post("/trial/altshock2/looks", Some(token), &body)).await
}

#[test]
fn the_statistician_declares_the_proposed_look_once_and_the_verdict_follows() {
    let root = undeclared_root();
    let catalog = Arc::new(Catalog::load(&root).unwrap());
    let store = Store::in_memory().unwrap();
    let app = crate::helpers::app_with(&root, catalog, store.clone());
    crate::helpers::block_on(async {
        let stat = sign_in(&app, "stat").await;
        // Undeclared, the interim is a monitoring cut, and the page proposes
        // it as look 1 (its information reached look 1's planned 0.5).
        let e = efficacy(&app, &stat, "2024-12-31").await;
        let i = &e["interim"];
        assert_eq!(i["formal"], false, "{i}");
        assert_eq!(i["verdict_kind"], "no-formal-test");
        assert_eq!(i["declare"]["look"], 1);
        assert_eq!(i["declare"]["proposed"], true, "{i}");

        // The page's form carries the viewer's own token, whoever saw the
        // page first (its closed sections are cached per view).
        let other = sign_in(&app, "stat").await;
        for token in [&stat, &other] {
            let page = send(
                &app,
                crate::helpers::get("/trial/altshock2/efficacy?cut=2024-12-31", Some(token)),
            )
            .await;
            assert_eq!(page.status, StatusCode::OK);
            assert!(page.body.contains("data-testid=\"declare-look\""));
            let mine = csrf(&app, token).await;
            assert!(page.body.contains(&mine), "the viewer's token");
            let theirs = csrf(&app, if token == &stat { &other } else { &stat }).await;
            assert!(!page.body.contains(&theirs), "another session's token");
        }

        // Nobody else declares; each refusal is audited.
        let refusals = || {
            store
                .audit_entries(None, Some("refused"), None, 1000)
                .unwrap()
                .len()
        };
        for user in ["member", "sponsor"] {
            let before = refusals();
            let t = sign_in(&app, user).await;
            let r = declare(&app, &t, "1", "2024-12-31").await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{user}");
            assert_eq!(refusals(), before + 1, "{user}");
        }
        // The member's efficacy page offers no declaration, coded or
        // decoded (a decoded member shares the statistician's view cache).
        let member = sign_in(&app, "member").await;
        let m = efficacy(&app, &member, "2024-12-31").await;
        assert!(m["interim"].is_null() || m["interim"]["declare"].is_null());
        let c = csrf(&app, &member).await;
        let r = send(
            &app,
            post(
                "/trial/altshock2/decode",
                Some(&member),
                &format!("csrf={c}&confirm=yes"),
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let m = efficacy(&app, &member, "2024-12-31").await;
        assert!(m["interim"]["declare"].is_null(), "{}", m["interim"]);
        let page = send(
            &app,
            crate::helpers::get("/trial/altshock2/efficacy?cut=2024-12-31", Some(&member)),
        )
        .await;
        assert!(!page.body.contains("declare-look"));

        // Bad declarations are 400s naming what is wrong.
        let r = declare(&app, &stat, "2", "2024-12-31").await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
        assert!(r.body.contains("in order"), "{}", r.body);
        let r = declare(&app, &stat, "3", "2024-12-31").await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
        let r = declare(&app, &stat, "1", "2099-01-01").await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
        assert!(r.body.contains("not a good cut"), "{}", r.body);
        let r = declare(&app, &stat, "one", "2024-12-31").await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);

        // The declaration: audited, and the page follows with the verdict.
        let r = declare(&app, &stat, "1", "2024-12-31").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(
            r.headers["location"],
            "/trial/altshock2/efficacy?cut=2024-12-31"
        );
        let entries = store
            .audit_entries(Some("stat"), Some("declare-look"), None, 10)
            .unwrap();
        assert_eq!(entries.len(), 1);
        assert!(entries[0]
            .detail
            .contains("the cut of 2024-12-31 declared formal look 1"));
        let e = efficacy(&app, &stat, "2024-12-31").await;
        let i = &e["interim"];
        assert_eq!(i["formal"], true, "{i}");
        assert_eq!(i["look_label"], "formal look 1 of 2");
        assert_eq!(i["verdict_kind"], "futility");
        assert!(i["declare"].is_null());
        // An earlier cut is no longer offered (look 1 is later).
        let e = efficacy(&app, &stat, "2023-09-30").await;
        assert!(e["interim"]["declare"].is_null(), "{}", e["interim"]);

        // Never changed: the same look at another cut, another look at the
        // same cut, are conflicts (audited).
        let before = refusals();
        let r = declare(&app, &stat, "1", "2023-09-30").await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
        let r = declare(&app, &stat, "2", "2024-12-31").await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
        assert_eq!(refusals(), before + 2);
    });

    // At the next start the declared look joins trial.toml's.
    let fresh = Catalog::load(&root).unwrap();
    let served = dsmb::server::looks::with_declared_looks(&fresh, &store).unwrap();
    let looks = &served
        .trial("altshock2")
        .unwrap()
        .config
        .design
        .formal_looks;
    assert_eq!(looks.len(), 1);
    assert_eq!((looks[0].look, looks[0].cut.as_str()), (1, "2024-12-31"));
    // A trial.toml edited since to contradict it stops the start, naming
    // both.
    let toml = root.join("altshock2/trial.toml");
    let text = std::fs::read_to_string(&toml).unwrap().replace(
        "[design.futility]",
        "formal_looks = [{ look = 1, cut = \"2023-09-30\" }]\n\n[design.futility]",
    );
    std::fs::write(&toml, text).unwrap();
    let edited = Catalog::load(&root).unwrap();
    let err = dsmb::server::looks::with_declared_looks(&edited, &store).unwrap_err();
    assert!(err.contains("look 1 at the cut of 2024-12-31"), "{err}");
    assert!(err.contains("declared in the app by stat"), "{err}");
    let _ = std::fs::remove_dir_all(&root);
}
