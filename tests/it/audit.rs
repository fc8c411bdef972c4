//! The audit chain under concurrent writers and after a hand edit.

use crate::helpers::{post, send, sign_in, state};
use axum::http::StatusCode;
use dsmb::server::store::Store;

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
            .audit(
                "member",
                "view-closed",
                "altshock2",
                &format!("page {i}"),
                "local",
            )
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
