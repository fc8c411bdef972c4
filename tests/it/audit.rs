//! The audit chain under concurrent writers and after a hand edit.

use crate::helpers::{get, post, send, sign_in, state};
use axum::http::StatusCode;
use dsmb::server::store::Store;
use dsmb::server::store::{AuditAction, NewAudit};

/// Hundreds of concurrent audited requests lose no entry and keep the chain.
#[test]
fn concurrent_writers_lose_no_audit_entry() {
    crate::helpers::block_on(concurrent_writers_lose_no_audit_entry_body());
}

async fn concurrent_writers_lose_no_audit_entry_body() {
    let state = state();
    let m = sign_in(&state, "member").await;
    let before = state
        .access
        .store
        .audit_entries(None, None, None, 100_000)
        .unwrap()
        .len();
    let n = 300;
    let mut tasks = Vec::new();
    for _ in 0..n {
        let (state, m) = (state.clone(), m.clone());
        tasks.push(tokio::spawn(async move {
            send(
                &state,
                post("/api/get_arm_enrollment", Some(&m), "trial=altshock2"),
            )
            .await
            .status
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), StatusCode::OK);
    }
    let after = state
        .access
        .store
        .audit_entries(None, None, None, 100_000)
        .unwrap();
    assert_eq!(after.len(), before + n);
    assert_eq!(
        after.iter().filter(|e| e.action == "view-closed").count(),
        n
    );
    assert_eq!(state.access.store.verify_audit().unwrap(), Ok(before + n));
}

/// A row edited by hand in the database file is caught by `dsmb audit
/// verify`, which names the first broken entry.
#[test]
fn a_hand_edited_audit_row_is_caught() {
    let dir = std::env::temp_dir().join(format!("dsmb-audit-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let db = dir.join("dsmb.sqlite");
    let store = Store::open(&db).unwrap();
    for i in 0..10 {
        store
            .audit(NewAudit {
                username: "member",
                action: AuditAction::ViewClosed,
                trial: "altshock2",
                detail: &format!("page {i}"),
                address: "local",
            })
            .unwrap();
    }
    let verify = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_dsmb"))
            .args(["audit", "verify", "--db"])
            .arg(&db)
            .output()
            .unwrap()
    };
    let ok = verify();
    assert!(ok.status.success(), "{ok:?}");
    assert!(String::from_utf8_lossy(&ok.stdout).contains("10 entries"));
    // The triggers refuse edits through SQL...
    let conn = rusqlite::Connection::open(&db).unwrap();
    assert!(conn
        .execute("UPDATE audit SET detail = 'nothing' WHERE id = 4", [])
        .is_err());
    assert!(conn.execute("DELETE FROM audit WHERE id = 4", []).is_err());
    // ...so an attacker with the file drops them first.
    conn.execute_batch(
        "DROP TRIGGER audit_no_update; UPDATE audit SET username = 'someone else' WHERE id = 4;",
    )
    .unwrap();
    let broken = verify();
    assert!(!broken.status.success());
    let out = String::from_utf8_lossy(&broken.stdout);
    assert!(out.contains("entry 4"), "{out}");
    // Deleting an entry (and re-linking is impossible without the hashes)
    // is caught too.
    conn.execute_batch("UPDATE audit SET username = 'member' WHERE id = 4; DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE id = 7;")
        .unwrap();
    let gap = verify();
    assert!(!gap.status.success());
    assert!(String::from_utf8_lossy(&gap.stdout).contains("entry 7"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// A trail of `n` entries in a fresh database file; its path.
fn trail(n: usize) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "dsmb-chain-{}-{}",
        std::process::id(),
        crate::fixtures::unique()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    let db = dir.join("dsmb.sqlite");
    let store = Store::open(&db).unwrap();
    for i in 0..n {
        store
            .audit(NewAudit {
                username: "member",
                action: AuditAction::ViewClosed,
                trial: "altshock2",
                detail: &format!("page {i}"),
                address: "local",
            })
            .unwrap();
    }
    db
}

/// `dsmb audit verify` of `db`: (exit success, standard output + error).
fn verify(db: &std::path::Path) -> (bool, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_dsmb"))
        .args(["audit", "verify", "--db"])
        .arg(db)
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

/// Cutting the last entries off is caught by the signed checkpoint, which
/// lives outside the database; so is removing the checkpoint too.
#[test]
fn a_trail_cut_short_is_caught() {
    let db = trail(12);
    assert!(verify(&db).0);
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch("DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE id > 9;")
        .unwrap();
    let (ok, out) = verify(&db);
    assert!(!ok);
    assert!(
        out.contains("truncated") && out.contains("entry 10"),
        "{out}"
    );
    std::fs::remove_file(db.with_extension("audit-checkpoint")).unwrap();
    let (ok, out) = verify(&db);
    assert!(
        !ok && out.contains("checkpoint") && out.contains("missing"),
        "{out}"
    );
}

/// Without the key, a rewritten entry cannot be chained again: not with a
/// guessed key, and not by turning the trail into the older, unkeyed chain
/// that anyone can recompute (the checkpoint signed the real last hash).
#[test]
fn a_rewritten_and_rechained_trail_is_caught_without_the_key() {
    use dsmb::server::store::{entry_hash, EntryFields};
    let db = trail(8);
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch("DROP TRIGGER audit_no_update;").unwrap();
    // Re-chain every entry with the public SHA-256 scheme, entry 3 edited.
    let rows: Vec<(i64, String, String, String, String, String, String)> = {
        let mut q = conn
            .prepare(
                "SELECT id, at, username, action, trial, detail, address FROM audit ORDER BY id",
            )
            .unwrap();
        q.query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect()
    };
    let mut prev = "0".repeat(64);
    for (id, at, user, action, trial, detail, address) in rows {
        let user = if id == 3 {
            "someone else".to_string()
        } else {
            user
        };
        let hash = entry_hash(
            &prev,
            &EntryFields {
                at: &at,
                username: &user,
                action: &action,
                trial: &trial,
                detail: &detail,
                address: &address,
            },
        );
        conn.execute(
            "UPDATE audit SET username = ?1, prev_hash = ?2, hash = ?3, keyed = 0 WHERE id = ?4",
            rusqlite::params![user, prev, hash, id],
        )
        .unwrap();
        prev = hash;
    }
    let (ok, out) = verify(&db);
    assert!(!ok, "{out}");
    assert!(
        out.contains("entry 8") && out.contains("checkpoint"),
        "{out}"
    );
    // One entry re-keyed with a key of the attacker's: its MAC fails.
    let db = trail(5);
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(
        "DROP TRIGGER audit_no_update; UPDATE audit SET detail = 'nothing to see', hash = 'ab' || substr(hash, 3) WHERE id = 2;",
    )
    .unwrap();
    let (ok, out) = verify(&db);
    assert!(!ok && out.contains("entry 2"), "{out}");
}

/// INSERT OR REPLACE and REPLACE would rewrite a row without firing the
/// delete trigger: both are refused, as are UPDATE and DELETE.
#[test]
fn replacing_updating_or_deleting_an_entry_is_refused() {
    let db = trail(4);
    let conn = rusqlite::Connection::open(&db).unwrap();
    for sql in [
        "INSERT OR REPLACE INTO audit (id, at, username, action, trial, detail, address, prev_hash, hash, keyed) SELECT id, at, 'x', action, trial, detail, address, prev_hash, hash, keyed FROM audit WHERE id = 2",
        "REPLACE INTO audit (id, at, username, action, trial, detail, address, prev_hash, hash, keyed) SELECT id, at, 'x', action, trial, detail, address, prev_hash, hash, keyed FROM audit WHERE id = 2",
        "UPDATE audit SET username = 'x' WHERE id = 2",
        "UPDATE OR REPLACE audit SET username = 'x' WHERE id = 2",
        "DELETE FROM audit WHERE id = 2",
    ] {
        let r = conn.execute(sql, []);
        assert!(r.is_err(), "{sql} was allowed");
        assert!(r.unwrap_err().to_string().contains("append-only"), "{sql}");
    }
    assert!(verify(&db).0);
}

/// The key lives outside the database: without it the trail can be neither
/// checked nor extended, and no new key is made in its place.
#[test]
fn a_missing_audit_key_is_an_error_not_a_new_key() {
    let db = trail(3);
    let key = db.with_extension("audit-key");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the key file is readable by others");
    }
    std::fs::remove_file(&key).unwrap();
    let (ok, out) = verify(&db);
    assert!(
        !ok && out.contains("audit key") && out.contains("missing"),
        "{out}"
    );
    assert!(!key.exists(), "a new key was made");
    assert!(Store::open(&db).is_err());
}

/// A decode and its audit entry commit together: when the entry cannot be
/// written, the decode is not in force.
#[test]
fn a_decode_without_its_audit_entry_is_not_made() {
    let db = trail(1);
    let store = Store::open(&db).unwrap();
    store
        .add_user(
            "member",
            "correct horse battery staple",
            &[("altshock2".into(), dsmb::dto::Role::Dsmb)],
        )
        .unwrap();
    let id = store.list_users().unwrap()[0].id;
    // The audit table refuses every new entry from now on.
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(
        "CREATE TRIGGER no_more BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'disk full'); END;",
    )
    .unwrap();
    assert!(store
        .record_decode(id, "member", "altshock2", "local")
        .is_err());
    assert_eq!(store.decoded_at(id, "altshock2").unwrap(), None);
    conn.execute_batch("DROP TRIGGER no_more;").unwrap();
    store
        .record_decode(id, "member", "altshock2", "local")
        .unwrap();
    assert!(store.decoded_at(id, "altshock2").unwrap().is_some());
}

/// The statistician of one trial reads that trial's trail: its views,
/// refusals and decodes, and the sign-ins of its members, not those of
/// another trial's members. Closed views of the cuts page are in it.
#[test]
fn the_statisticians_audit_view_is_scoped_to_their_trials() {
    crate::helpers::block_on(async {
        let state = state();
        let stat = sign_in(&state, "stat").await;
        let member = sign_in(&state, "member").await;
        let outsider = sign_in(&state, "outsider").await;
        let r = send(
            &state,
            post("/api/get_cuts", Some(&member), "trial=altshock2"),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK);
        let r = send(
            &state,
            post("/api/get_cuts", Some(&outsider), "trial=cdisc-pilot01"),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK);
        let r = send(&state, post("/api/get_audit", Some(&stat), "")).await;
        let page: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        let rows = page["rows"].as_array().unwrap();
        let has = |user: &str, action: &str| {
            rows.iter()
                .any(|e| e["username"] == user && e["action"] == action)
        };
        assert!(has("member", "sign-in") && has("member", "view-cuts"));
        assert!(
            !has("outsider", "sign-in"),
            "another trial's sign-in is shown"
        );
        assert!(
            !has("outsider", "view-cuts"),
            "another trial's views are shown"
        );
        assert!(rows
            .iter()
            .all(|e| e["trial"] == "" || e["trial"] == "altshock2"));
    });
}

/// `--demo` creates users only on trials marked as demonstrations: on a
/// folder of real trials it refuses to start.
#[test]
fn demo_users_are_refused_on_trials_not_marked_demo() {
    let root = std::env::temp_dir().join(format!("dsmb-nodemo-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    crate::fixtures::copy_dir(&crate::helpers::altshock2(), &root.join("altshock2"));
    let toml = root.join("altshock2/trial.toml");
    let text = std::fs::read_to_string(&toml)
        .unwrap()
        .replace("demo = true", "");
    std::fs::write(&toml, text).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_dsmb"))
        .args(["serve", "--demo", "--addr", "127.0.0.1:0", "--data"])
        .arg(&root)
        .arg("--db")
        .arg(root.join("dsmb.sqlite"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("demo = true"), "{err}");
    let store = Store::open(&root.join("dsmb.sqlite")).unwrap();
    assert_eq!(store.user_count().unwrap(), 0, "demo users were created");
    let _ = std::fs::remove_dir_all(&root);
}

/// Rewriting the trail as the older, unkeyed chain and removing the
/// checkpoint does not make a new start: the next open signs nothing, and
/// the trail is reported broken; without the key it does not open at all.
#[test]
fn a_trail_rewritten_as_unkeyed_is_not_blessed_on_the_next_start() {
    use dsmb::server::store::{entry_hash, EntryFields};
    let db = trail(4);
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE id > 2;")
        .unwrap();
    let mut prev = "0".repeat(64);
    for id in 1..=2i64 {
        let (at, user, action, trial, detail, address): (
            String,
            String,
            String,
            String,
            String,
            String,
        ) = conn
            .query_row(
                "SELECT at, username, action, trial, detail, address FROM audit WHERE id = ?1",
                [id],
                |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                    ))
                },
            )
            .unwrap();
        let hash = entry_hash(
            &prev,
            &EntryFields {
                at: &at,
                username: &user,
                action: &action,
                trial: &trial,
                detail: &detail,
                address: &address,
            },
        );
        conn.execute(
            "UPDATE audit SET prev_hash = ?1, hash = ?2, keyed = 0 WHERE id = ?3",
            rusqlite::params![prev, hash, id],
        )
        .unwrap();
        prev = hash;
    }
    let checkpoint = db.with_extension("audit-checkpoint");
    std::fs::remove_file(&checkpoint).unwrap();
    // A restart: the store opens, and signs nothing.
    drop(Store::open(&db).unwrap());
    assert!(!checkpoint.exists(), "the forged trail was signed");
    let (ok, out) = verify(&db);
    assert!(
        !ok && out.contains("checkpoint") && out.contains("missing"),
        "{out}"
    );
    std::fs::remove_file(db.with_extension("audit-key")).unwrap();
    assert!(
        Store::open(&db).is_err(),
        "a new key was made for a keyed trail"
    );
}

/// Every server function of the report tables that shows closed data
/// leaves its own view entry, naming what was viewed, before it answers;
/// the sponsor's pooled answer of the same function is not a closed view.
#[test]
fn every_report_table_view_of_closed_data_is_audited() {
    crate::helpers::block_on(async {
        let state = state();
        let entries = || {
            state
                .access
                .store
                .audit_entries(None, Some("view-closed"), None, 100_000)
                .unwrap()
        };
        let m = sign_in(&state, "member").await;
        let p = sign_in(&state, "sponsor").await;
        for (f, what) in [
            ("get_baseline", "baseline characteristics"),
            ("get_disposition", "disposition"),
            (
                "get_adverse_events",
                "adverse events by organ class and term",
            ),
            ("get_deaths", "deaths"),
            ("get_labs", "laboratory safety"),
            ("get_conduct", "exposure and deviations"),
            (
                "get_since_review",
                "since the review of the cut of 2023-09-30",
            ),
            ("get_standing", "where the trial stands"),
        ] {
            let before = entries().len();
            let r = send(
                &state,
                post(&format!("/api/{f}"), Some(&m), "trial=altshock2"),
            )
            .await;
            assert_eq!(r.status, StatusCode::OK, "{f}: {}", r.body);
            let after = entries();
            assert_eq!(after.len(), before + 1, "{f}: one view entry");
            let last = after.iter().max_by_key(|e| e.id).unwrap();
            assert_eq!(last.username, "member", "{f}");
            assert!(last.detail.contains(what), "{f}: {}", last.detail);
            let r = send(
                &state,
                post(&format!("/api/{f}"), Some(&p), "trial=altshock2"),
            )
            .await;
            assert_eq!(r.status, StatusCode::OK, "{f} as sponsor");
            assert_eq!(
                entries().len(),
                before + 1,
                "{f}: the sponsor's answer is pooled"
            );
        }
    });
}

#[test]
fn a_lab_profile_view_names_its_subject_and_an_unknown_subject_is_an_audited_404() {
    crate::helpers::block_on(async {
        let state = state();
        let all = |action: &str| {
            state
                .access
                .store
                .audit_entries(None, Some(action), None, 100_000)
                .unwrap()
        };
        let m = sign_in(&state, "member").await;
        // A potential Hy's law case at the final cut (the data's answer key).
        let subject = "ALTSHOCK2-02-001";
        for (how, request) in [
            (
                "server function",
                post(
                    "/api/get_lab_profile",
                    Some(&m),
                    &format!("trial=altshock2&usubjid={subject}"),
                ),
            ),
            (
                "page",
                get(
                    &format!("/trial/altshock2/lab-profile?subject={subject}"),
                    Some(&m),
                ),
            ),
        ] {
            let before = all("view-closed").len();
            let r = send(&state, request).await;
            assert_eq!(r.status, StatusCode::OK, "{how}: {}", r.body);
            let after = all("view-closed");
            assert_eq!(after.len(), before + 1, "{how}: one view entry");
            let last = after.iter().max_by_key(|e| e.id).unwrap();
            assert_eq!(last.username, "member", "{how}");
            assert!(
                last.detail
                    .contains(&format!("laboratory profile of {subject}")),
                "{how}: {}",
                last.detail
            );
        }
        // A subject the cut does not have: 404, and the refusal is an
        // entry of its own.
        let refused = all("refused").len();
        let r = send(
            &state,
            post(
                "/api/get_lab_profile",
                Some(&m),
                "trial=altshock2&usubjid=ALTSHOCK2-99-999",
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
        let after = all("refused");
        assert_eq!(after.len(), refused + 1, "the 404 is audited");
        let last = after.iter().max_by_key(|e| e.id).unwrap();
        assert!(last.detail.contains("404"), "{}", last.detail);
        assert!(last.detail.contains("get_lab_profile"), "{}", last.detail);
    });
}
