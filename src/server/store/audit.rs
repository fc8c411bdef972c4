//! The hash-chained audit trail: its entries, the writer that appends them
//! with group commit, and the reads and the check of the chain.

use super::clock::now_text;
use super::error::{Result, StoreError};
use crate::server::digest::hex;
use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};
use std::sync::{Arc, Mutex};

/// One audit entry.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    pub username: String,
    pub action: String,
    pub trial: String,
    pub detail: String,
    pub address: String,
    pub prev_hash: String,
    pub hash: String,
}

/// The hash of an audit entry: SHA-256 over the previous hash and the
/// entry's fields, each length-prefixed so that no two entries collide by
/// moving text between fields.
pub fn entry_hash(
    prev: &str,
    at: &str,
    user: &str,
    action: &str,
    trial: &str,
    detail: &str,
    address: &str,
) -> String {
    let mut h = Sha256::new();
    for field in [prev, at, user, action, trial, detail, address] {
        h.update((field.len() as u64).to_le_bytes());
        h.update(field.as_bytes());
    }
    hex(&h.finalize())
}

/// An audit entry waiting to be written, and where to send its id.
type AuditJob = (NewAuditEntry, std::sync::mpsc::SyncSender<Result<i64>>);

struct NewAuditEntry {
    username: String,
    action: String,
    trial: String,
    detail: String,
    address: String,
}

/// The handle of the audit writer thread.
#[derive(Clone)]
pub struct AuditWriter {
    tx: std::sync::mpsc::Sender<AuditJob>,
}

impl AuditWriter {
    /// Start the writer on its own connection.
    pub fn spawn(conn: Arc<Mutex<Connection>>) -> AuditWriter {
        AuditWriter {
            tx: spawn_audit_writer(conn),
        }
    }

    /// Append an entry, chained to the last one; returns once it is
    /// committed.
    pub fn append(
        &self,
        username: &str,
        action: &str,
        trial: &str,
        detail: &str,
        address: &str,
    ) -> Result<i64> {
        let stopped = || StoreError::Invalid("the audit writer has stopped".into());
        let (reply, done) = std::sync::mpsc::sync_channel(1);
        let entry = NewAuditEntry {
            username: username.to_string(),
            action: action.to_string(),
            trial: trial.to_string(),
            detail: detail.to_string(),
            address: address.to_string(),
        };
        self.tx.send((entry, reply)).map_err(|_| stopped())?;
        done.recv().map_err(|_| stopped())?
    }
}

/// The audit writer: one thread appends every audit entry, with group
/// commit. The entries waiting when it wakes are chained and written in one
/// transaction, so one durable commit (one fsync) serves a whole closed
/// session's burst of page views; each caller returns only once its entry
/// is committed. Being the only writer of the audit table, it also keeps
/// the hash chain in order. It stops when the last `Store` is dropped.
fn spawn_audit_writer(conn: Arc<Mutex<Connection>>) -> std::sync::mpsc::Sender<AuditJob> {
    let (tx, rx) = std::sync::mpsc::channel::<AuditJob>();
    std::thread::Builder::new()
        .name("dsmb-audit".into())
        .spawn(move || {
            while let Ok(first) = rx.recv() {
                let mut batch = vec![first];
                while batch.len() < 1024 {
                    match rx.try_recv() {
                        Ok(job) => batch.push(job),
                        Err(_) => break,
                    }
                }
                let written = {
                    let mut c = conn.lock().unwrap_or_else(|e| e.into_inner());
                    write_audit_batch(&mut c, &batch)
                };
                match written {
                    Ok(ids) => {
                        for ((_, reply), id) in batch.into_iter().zip(ids) {
                            let _ = reply.send(Ok(id));
                        }
                    }
                    Err(e) => {
                        let msg = e.to_string();
                        for (_, reply) in batch {
                            let _ = reply.send(Err(StoreError::Invalid(format!(
                                "the audit entry was not written: {msg}"
                            ))));
                        }
                    }
                }
            }
        })
        .expect("the audit writer thread starts");
    tx
}

/// Append `batch` to the audit trail in one transaction, each entry chained
/// to the one before; the new ids in order.
fn write_audit_batch(c: &mut Connection, batch: &[AuditJob]) -> Result<Vec<i64>> {
    let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let mut prev: String = tx
        .query_row("SELECT hash FROM audit ORDER BY id DESC LIMIT 1", [], |r| {
            r.get(0)
        })
        .optional()?
        .unwrap_or_else(|| "0".repeat(64));
    let mut ids = Vec::with_capacity(batch.len());
    {
        let mut insert = tx.prepare_cached(
            "INSERT INTO audit (at, username, action, trial, detail, address, prev_hash, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?;
        for (e, _) in batch {
            let at = now_text();
            let hash = entry_hash(
                &prev,
                &at,
                &e.username,
                &e.action,
                &e.trial,
                &e.detail,
                &e.address,
            );
            insert.execute(params![
                at, e.username, e.action, e.trial, e.detail, e.address, prev, hash
            ])?;
            ids.push(tx.last_insert_rowid());
            prev = hash;
        }
    }
    tx.commit()?;
    Ok(ids)
}

/// Audit entries, newest first, filtered by user, action and trial (any
/// filter left `None` matches all), at most `limit`.
pub fn entries(
    c: &Connection,
    user: Option<&str>,
    action: Option<&str>,
    trials: Option<&[String]>,
    limit: usize,
) -> Result<Vec<AuditEntry>> {
    {
        let mut stmt = c.prepare(
            "SELECT id, at, username, action, trial, detail, address, prev_hash, hash
             FROM audit ORDER BY id DESC",
        )?;
        let rows = stmt.query_map([], row_to_entry)?;
        let mut out = Vec::new();
        for e in rows {
            let e = e?;
            if user.is_some_and(|u| e.username != u)
                || action.is_some_and(|a| e.action != a)
                || trials.is_some_and(|t| !e.trial.is_empty() && !t.contains(&e.trial))
            {
                continue;
            }
            out.push(e);
            if out.len() >= limit {
                break;
            }
        }
        Ok(out)
    }
}

/// Recompute the chain: `Ok(count)` when every entry's hash matches its
/// fields and its predecessor, else the id of the first broken entry
/// and why.
pub fn verify(c: &Connection) -> Result<std::result::Result<usize, (i64, String)>> {
    {
        let mut stmt = c.prepare(
            "SELECT id, at, username, action, trial, detail, address, prev_hash, hash
             FROM audit ORDER BY id",
        )?;
        let rows = stmt.query_map([], row_to_entry)?;
        let mut prev = "0".repeat(64);
        let mut n = 0;
        let mut last_id = 0;
        for e in rows {
            let e = e?;
            if e.id != last_id + 1 {
                return Ok(Err((
                    last_id + 1,
                    format!("entry {} is missing (next is {})", last_id + 1, e.id),
                )));
            }
            if e.prev_hash != prev {
                return Ok(Err((
                    e.id,
                    "its link to the previous entry is broken".into(),
                )));
            }
            let want = entry_hash(
                &prev,
                &e.at,
                &e.username,
                &e.action,
                &e.trial,
                &e.detail,
                &e.address,
            );
            if e.hash != want {
                return Ok(Err((e.id, "its contents do not match its hash".into())));
            }
            prev = e.hash;
            last_id = e.id;
            n += 1;
        }
        Ok(Ok(n))
    }
}

fn row_to_entry(r: &rusqlite::Row<'_>) -> rusqlite::Result<AuditEntry> {
    Ok(AuditEntry {
        id: r.get(0)?,
        at: r.get(1)?,
        username: r.get(2)?,
        action: r.get(3)?,
        trial: r.get(4)?,
        detail: r.get(5)?,
        address: r.get(6)?,
        prev_hash: r.get(7)?,
        hash: r.get(8)?,
    })
}
