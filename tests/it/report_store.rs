//! The report documents through the app (the Reports tab): the
//! statistician builds (a new version each time, never overwritten) and
//! releases; each download is personalised on every page and audited with
//! the report's version and hash; the sponsor gets released open reports
//! only and carries no arm word; a decoded report waits for a member's
//! decode. The role x endpoint matrix (`access.rs`) covers every route.

use crate::documents::has_word;
use crate::helpers::{block_on, csrf, get, post, send, sign_in, state, TestApp};
use crate::sponsor_leak::ARM_WORDS;
use axum::http::StatusCode;
use std::process::Command;

async fn build(app: &TestApp, stat: &str, cut: &str, kind: &str) -> StatusCode {
    let body = format!("csrf={}&cut={cut}&kind={kind}", csrf(app, stat).await);
    send(app, post("/trial/altshock2/reports", Some(stat), &body))
        .await
        .status
}

async fn release(app: &TestApp, stat: &str, id: i64) -> StatusCode {
    let body = format!("csrf={}", csrf(app, stat).await);
    send(
        app,
        post(
            &format!("/trial/altshock2/reports/{id}/release"),
            Some(stat),
            &body,
        ),
    )
    .await
    .status
}

fn entries(app: &TestApp, action: &str) -> Vec<String> {
    app.access
        .store
        .audit_entries(None, Some(action), None, 10_000)
        .unwrap()
        .into_iter()
        .map(|e| format!("{} {}", e.username, e.detail))
        .collect()
}

pub fn pdf_text(bytes: &[u8]) -> String {
    let path = std::env::temp_dir().join(format!(
        "dsmb-download-{}-{}.pdf",
        std::process::id(),
        crate::fixtures::unique()
    ));
    std::fs::write(&path, bytes).unwrap();
    let o = Command::new("pdftotext")
        .arg("-layout")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils)");
    let _ = std::fs::remove_file(&path);
    String::from_utf8_lossy(&o.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn reports_are_versioned_released_and_downloaded_personalised_and_audited() {
    block_on(async {
        let app = state();
        let stat = sign_in(&app, "stat").await;
        let (member, sponsor) = (
            sign_in(&app, "member").await,
            sign_in(&app, "sponsor").await,
        );

        // Two builds of the open report: two versions, neither overwritten.
        assert_eq!(
            build(&app, &stat, "2024-12-31", "open").await,
            StatusCode::SEE_OTHER
        );
        assert_eq!(
            build(&app, &stat, "2024-12-31", "open").await,
            StatusCode::SEE_OTHER
        );
        assert_eq!(
            build(&app, &stat, "2024-12-31", "closed-coded").await,
            StatusCode::SEE_OTHER
        );
        let stored = app.access.store.reports("altshock2").unwrap();
        let versions: Vec<(i64, &str, u32)> = stored
            .iter()
            .map(|r| (r.id, r.kind.as_str(), r.version))
            .collect();
        assert!(versions.contains(&(1, "open", 1)) && versions.contains(&(2, "open", 2)));
        assert!(versions.contains(&(3, "closed-coded", 1)), "{versions:?}");
        assert_ne!(stored[0].pdf_sha256, "");
        assert_eq!(entries(&app, "build-report").len(), 3);

        // Unreleased: the sponsor neither sees nor downloads it.
        let r = send(
            &app,
            post("/api/get_reports", Some(&sponsor), "trial=altshock2"),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(!r.body.contains("\"id\":1"), "{}", r.body);
        let r = send(
            &app,
            get("/trial/altshock2/reports/1/download", Some(&sponsor)),
        )
        .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);

        assert_eq!(release(&app, &stat, 1).await, StatusCode::SEE_OTHER);
        assert_eq!(
            release(&app, &stat, 1).await,
            StatusCode::CONFLICT,
            "released once"
        );
        assert_eq!(release(&app, &stat, 3).await, StatusCode::SEE_OTHER);
        assert_eq!(entries(&app, "release-report").len(), 2);

        // The sponsor's download: personalised on every page, no arm word.
        let r = send(
            &app,
            get("/trial/altshock2/reports/1/download", Some(&sponsor)),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.headers["content-type"], "application/pdf");
        assert!(r.headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains("altshock2-2024-12-31-open-v1.pdf"));
        let text = pdf_text(&r.bytes);
        let pages = text.matches("Page ").count();
        let marks = text.matches("CONFIDENTIAL · sponsor · downloaded").count();
        assert!(
            pages > 5 && marks >= pages,
            "{marks} watermarks on {pages} pages"
        );
        for word in ARM_WORDS {
            assert!(
                !has_word(&text, word),
                "the sponsor's report names {word:?}"
            );
        }
        let stored_pdf = &stored.iter().find(|s| s.id == 1).unwrap().pdf_sha256;
        let downloads = entries(&app, "download-report");
        assert_eq!(downloads.len(), 1);
        let d = &downloads[0];
        assert!(
            d.starts_with("sponsor report 1: Open report version 1")
                && d.contains(stored_pdf.as_str())
                && d.contains(&dsmb::server::digest::sha256_hex(&r.bytes)),
            "{d}"
        );
        // The HTML download carries the watermark too.
        let r = send(
            &app,
            get(
                "/trial/altshock2/reports/1/download?format=html",
                Some(&sponsor),
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains("CONFIDENTIAL · sponsor · downloaded"));
        assert!(r.body.contains("class=\"watermark\""));

        // The sponsor asking for the closed report: 404 (as for a report
        // that does not exist), audited.
        let before = entries(&app, "refused").len();
        let r = send(
            &app,
            get("/trial/altshock2/reports/3/download", Some(&sponsor)),
        )
        .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let refused = entries(&app, "refused");
        assert_eq!(refused.len(), before + 1);
        assert!(refused
            .iter()
            .any(|e| e.contains("sponsor") && e.contains("no such report")));
        let r = send(
            &app,
            post("/api/get_reports", Some(&sponsor), "trial=altshock2"),
        )
        .await;
        assert!(!r.body.contains("closed-coded"), "{}", r.body);

        // The member downloads the coded closed report: letters only.
        let r = send(
            &app,
            get(
                "/trial/altshock2/reports/3/download?format=html",
                Some(&member),
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains("CLOSED REPORT: DSMB ONLY"));
        assert!(!r.body.contains("IABP + SoC"), "coded");

        // A decoded closed report is recorded as a decode, and waits for
        // the member's own decode.
        assert_eq!(
            build(&app, &stat, "2024-12-31", "closed").await,
            StatusCode::SEE_OTHER
        );
        assert_eq!(entries(&app, "decode-report").len(), 1);
        assert_eq!(release(&app, &stat, 4).await, StatusCode::SEE_OTHER);
        let r = send(
            &app,
            get("/trial/altshock2/reports/4/download", Some(&member)),
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = send(
            &app,
            post("/api/get_reports", Some(&member), "trial=altshock2"),
        )
        .await;
        assert!(r.body.contains("decode the groups first"), "{}", r.body);
        let body = format!("confirm=yes&csrf={}", csrf(&app, &member).await);
        let r = send(&app, post("/trial/altshock2/decode", Some(&member), &body)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let r = send(
            &app,
            get(
                "/trial/altshock2/reports/4/download?format=html",
                Some(&member),
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains("IABP + SoC"));
        assert!(r.body.contains("CONFIDENTIAL · member · downloaded"));

        // Bad input is the request's fault, and stores nothing.
        let n = app.access.store.reports("altshock2").unwrap().len();
        assert_eq!(
            build(&app, &stat, "2024-12-31", "weekly").await,
            StatusCode::BAD_REQUEST
        );
        assert_eq!(
            build(&app, &stat, "2031-01-01", "open").await,
            StatusCode::BAD_REQUEST
        );
        let r = send(
            &app,
            get(
                "/trial/altshock2/reports/1/download?format=docx",
                Some(&stat),
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(r.body.contains("pdf or html"), "{}", r.body);
        let r = send(
            &app,
            post(
                "/trial/altshock2/reports",
                Some(&stat),
                "csrf=wrong&cut=2024-12-31&kind=open",
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert_eq!(app.access.store.reports("altshock2").unwrap().len(), n);
    });
}
