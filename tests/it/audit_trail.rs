//! The audit trail as its readers use it: one entry per page view naming
//! every section seen, the page filtered and paged on the server, and the
//! export (CSV and PDF) with the chain's verification, itself audited.

use crate::helpers::{block_on, get, post, send, sign_in, state};
use axum::http::StatusCode;
use dsmb::server::store::{AuditAction, NewAudit};

fn view_entries(app: &crate::helpers::TestApp) -> Vec<dsmb::server::store::AuditEntry> {
    app.access
        .store
        .audit_entries(None, Some("view-closed"), None, 1_000_000)
        .unwrap()
}

/// The overview gathers six closed sections; its one view writes one
/// entry naming the page and each section with its cut (it wrote six).
#[test]
fn a_page_view_writes_one_entry_naming_every_section_seen() {
    block_on(async {
        let app = state();
        let m = sign_in(&app, "member").await;
        let before = view_entries(&app).len();
        let r = send(&app, get("/trial/altshock2?cut=2024-12-31", Some(&m))).await;
        assert_eq!(r.status, StatusCode::OK);
        let after = view_entries(&app);
        assert_eq!(after.len(), before + 1, "one entry for one page view");
        let e = &after[0];
        assert_eq!(
            (e.username.as_str(), e.trial.as_str()),
            ("member", "altshock2")
        );
        assert!(
            e.detail
                .starts_with("page /trial/altshock2?cut=2024-12-31: "),
            "{}",
            e.detail
        );
        for section in [
            "enrollment by arm, cut 2024-12-31",
            "baseline characteristics, cut 2024-12-31",
            "disposition, cut 2024-12-31",
            "exposure and deviations, cut 2024-12-31",
            "where the trial stands, cut 2024-12-31",
        ] {
            assert!(e.detail.contains(section), "{section}: {}", e.detail);
        }
        // Another view of the same page is another entry.
        send(&app, get("/trial/altshock2?cut=2024-12-31", Some(&m))).await;
        assert_eq!(view_entries(&app).len(), before + 2);
        // The sponsor's pooled page is no closed view.
        let s = sign_in(&app, "sponsor").await;
        send(&app, get("/trial/altshock2", Some(&s))).await;
        assert_eq!(view_entries(&app).len(), before + 2);
    });
}

fn page(body: &str) -> serde_json::Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

/// 250 entries of one action: the page holds 100, counts all 250, pages
/// to the last, and filters by user, action, trial and day in SQL.
#[test]
fn the_audit_page_is_paged_and_filtered_on_the_server() {
    block_on(async {
        let app = state();
        for i in 0..250 {
            app.access
                .store
                .audit(NewAudit {
                    username: if i % 2 == 0 { "member" } else { "stat" },
                    action: AuditAction::ViewMeeting,
                    trial: "altshock2",
                    detail: &format!("meeting {i}"),
                    address: "",
                })
                .unwrap();
        }
        let stat = sign_in(&app, "stat").await;
        let ask = |q: &str| post("/api/get_audit", Some(&stat), q);
        let r = send(&app, ask("query[action]=view-meeting")).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let p = page(&r.body);
        assert_eq!(
            (p["total"].as_u64(), p["pages"].as_u64()),
            (Some(250), Some(3))
        );
        assert_eq!(p["rows"].as_array().unwrap().len(), 100);
        assert_eq!(p["rows"][0]["detail"], "meeting 249", "newest first");
        let at = p["rows"][0]["at"].as_str().unwrap();
        assert!(
            at.ends_with(" UTC") && at.len() == 23,
            "to the second, with the zone: {at}"
        );
        let p = page(
            &send(&app, ask("query[action]=view-meeting&query[page]=3"))
                .await
                .body,
        );
        assert_eq!(p["rows"].as_array().unwrap().len(), 50);
        assert_eq!(p["rows"][49]["detail"], "meeting 0");
        // A page past the last is the last.
        let p = page(
            &send(&app, ask("query[action]=view-meeting&query[page]=99"))
                .await
                .body,
        );
        assert_eq!(p["page"], 3);
        let p = page(
            &send(&app, ask("query[action]=view-meeting&query[user]=member"))
                .await
                .body,
        );
        assert_eq!(p["total"], 125);
        let today = chrono::Utc::now().date_naive();
        let q = format!("query[action]=view-meeting&query[from]={today}&query[to]={today}");
        assert_eq!(page(&send(&app, ask(&q)).await.body)["total"], 250);
        let tomorrow = today.succ_opt().unwrap();
        let q = format!("query[action]=view-meeting&query[from]={tomorrow}");
        assert_eq!(page(&send(&app, ask(&q)).await.body)["total"], 0);
        // Every action the trail records is a choice of the filter.
        let p = page(&send(&app, ask("")).await.body);
        assert_eq!(
            p["actions"].as_array().unwrap().len(),
            AuditAction::ALL.len()
        );
        assert!(p["users"].as_array().unwrap().iter().any(|u| u == "member"));
        // Bad filters are 400s naming the field; a trial not the reader's
        // is one.
        for (q, field) in [
            ("query[action]=nothing", "action"),
            ("query[trial]=cdisc-pilot01", "trial"),
            ("query[from]=2024-1-5", "from"),
            ("query[from]=2025-01-02&query[to]=2025-01-01", "to"),
        ] {
            let r = send(&app, ask(q)).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{q}: {}", r.body);
            assert!(r.body.contains(field), "{q}: {}", r.body);
        }
        // The page itself, without JavaScript: the count and the links.
        let r = send(&app, get("/audit?action=view-meeting&page=2", Some(&stat))).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains("Entries 101–200 of 250"), "{}", r.body);
        assert!(r
            .body
            .contains("href=\"/audit?action=view-meeting&amp;page=3\""));
        assert!(r
            .body
            .contains("href=\"/audit/export?format=csv&amp;action=view-meeting\""));
    });
}

/// The export: a DSMB member is refused (audited); the statistician's CSV
/// states the verification, holds every selected entry with the export's
/// own entry written before it, and the PDF is a PDF. A trail edited by
/// hand is exported as BROKEN.
#[test]
fn the_export_states_the_chain_and_is_audited() {
    block_on(async {
        let app = state();
        let stat = sign_in(&app, "stat").await;
        let member = sign_in(&app, "member").await;
        let refused = |app: &crate::helpers::TestApp| {
            app.access
                .store
                .audit_entries(Some("member"), Some("refused"), None, 1000)
                .unwrap()
                .len()
        };
        let before = refused(&app);
        let r = send(&app, get("/audit/export?format=csv", Some(&member))).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert_eq!(refused(&app), before + 1);
        let r = send(
            &app,
            get("/audit/export?format=csv&action=sign-in", Some(&stat)),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains(".csv"));
        assert!(
            r.body.contains("# Chain verified at export: intact"),
            "{}",
            r.body
        );
        let rows: Vec<&str> = r.body.lines().filter(|l| !l.starts_with('#')).collect();
        assert_eq!(
            rows[0],
            "id,at_utc,user,action,trial,detail,address,prev_hash,hash"
        );
        assert_eq!(rows.len(), 1 + 2, "the two sign-ins: {rows:?}");
        let exports = app
            .access
            .store
            .audit_entries(Some("stat"), Some("export-audit"), None, 10)
            .unwrap();
        assert_eq!(exports.len(), 1);
        assert!(
            exports[0].detail.contains("CSV export")
                && exports[0].detail.contains("action sign-in")
        );
        let r = send(&app, get("/audit/export?format=pdf", Some(&stat))).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.bytes.starts_with(b"%PDF"));
        let r = send(&app, get("/audit/export?format=xlsx", Some(&stat))).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
    });
}

/// `dsmb audit export` on a trail edited by hand says BROKEN where it
/// breaks, and writes the CSV all the same (the record is the evidence).
#[test]
fn the_command_line_export_reports_a_broken_chain() {
    let dir = std::env::temp_dir().join(format!("dsmb-audit-export-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let db = dir.join("dsmb.sqlite");
    {
        let store = dsmb::server::store::Store::open(&db).unwrap();
        for i in 0..5 {
            store
                .audit(NewAudit {
                    username: "stat",
                    action: AuditAction::SignIn,
                    trial: "",
                    detail: &format!("{i}"),
                    address: "",
                })
                .unwrap();
        }
    }
    let run = |out: &std::path::Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_dsmb"))
            .args(["audit", "export", "--format", "csv", "--out"])
            .arg(out)
            .arg("--db")
            .arg(&db)
            .output()
            .unwrap()
    };
    let out = dir.join("a.csv");
    assert!(run(&out).status.success());
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(
        text.contains("# Chain verified at export: intact: 6 entries"),
        "{text}"
    );
    {
        let c = rusqlite::Connection::open(&db).unwrap();
        c.execute_batch(
            "DROP TRIGGER audit_no_update; UPDATE audit SET detail = 'x' WHERE id = 3;",
        )
        .unwrap();
    }
    let out = dir.join("b.csv");
    let o = run(&out);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(
        text.contains("# Chain verified at export: BROKEN at entry 3"),
        "{text}"
    );
}
