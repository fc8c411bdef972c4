//! The audit writer: one thread appends every audit entry, with group
//! commit. The entries waiting when it wakes are chained and written in one
//! transaction, so one durable commit (one fsync) serves a whole closed
//! session's burst of page views; each caller returns only once its entry
//! is committed. Being the only writer of the audit table in this process,
//! it keeps the chain in order (writers of other processes, the command
//! line, wait for SQLite's write lock, and each batch chains to the last
//! committed entry inside its transaction).
//!
//! An entry may carry an action that must commit with it (a decode, a new
//! session): the action and the entry are one transaction of their own, so
//! neither is ever in force without the other. After each batch the writer
//! signs a checkpoint of the last entry (see `audit_key`).

use super::audit::{keyed_hash, last_entry, EntryFields, GENESIS};
use super::audit_key::{AuditKey, Checkpoint};
use super::clock::now_text;
use super::error::{Result, StoreError};
use rusqlite::{params, Connection, Transaction};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, sync_channel, Sender, SyncSender};
use std::sync::{Arc, Mutex};

/// What must commit in the same transaction as its audit entry.
pub type Effect = Box<dyn FnOnce(&Transaction<'_>) -> Result<()> + Send>;

/// An audit entry to append.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewEntry {
    pub username: String,
    pub action: String,
    pub trial: String,
    pub detail: String,
    pub address: String,
}

struct Job {
    entry: NewEntry,
    effect: Option<Effect>,
    reply: SyncSender<Result<i64>>,
}

/// The handle of the audit writer thread.
#[derive(Clone)]
pub struct AuditWriter {
    tx: Sender<Job>,
}

impl AuditWriter {
    /// Start the writer on its own connection, signing with `key` and
    /// keeping the checkpoint in `checkpoint` (none for an in-memory store).
    pub fn spawn(
        conn: Arc<Mutex<Connection>>,
        key: AuditKey,
        checkpoint: Option<PathBuf>,
    ) -> AuditWriter {
        let (tx, rx) = channel::<Job>();
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
                    let mut c = conn.lock().unwrap_or_else(|e| e.into_inner());
                    write_batch(&mut c, &key, checkpoint.as_deref(), batch);
                }
            })
            .expect("the audit writer thread starts");
        AuditWriter { tx }
    }

    /// Append `entry` (after running `effect` in the same transaction);
    /// returns its id once committed, or why it was not written.
    pub fn append(&self, entry: NewEntry, effect: Option<Effect>) -> Result<i64> {
        let stopped = || StoreError::Invalid("the audit writer has stopped".into());
        let (reply, done) = sync_channel(1);
        self.tx
            .send(Job {
                entry,
                effect,
                reply,
            })
            .map_err(|_| stopped())?;
        done.recv().map_err(|_| stopped())?
    }
}

/// Write a batch: runs of plain entries in one transaction each, every
/// entry with an effect in a transaction of its own; then the checkpoint.
fn write_batch(c: &mut Connection, key: &AuditKey, checkpoint: Option<&Path>, batch: Vec<Job>) {
    let mut results: Vec<(SyncSender<Result<i64>>, Result<i64>)> = Vec::new();
    let mut plain: Vec<Job> = Vec::new();
    let flush = |c: &mut Connection, plain: &mut Vec<Job>, results: &mut Vec<_>| {
        if plain.is_empty() {
            return;
        }
        let entries: Vec<&NewEntry> = plain.iter().map(|j| &j.entry).collect();
        let written = append_entries(c, key, &entries, None);
        for (i, job) in plain.drain(..).enumerate() {
            let r = match &written {
                Ok(ids) => Ok(ids[i]),
                Err(e) => Err(not_written(e)),
            };
            results.push((job.reply, r));
        }
    };
    for job in batch {
        if job.effect.is_some() {
            flush(c, &mut plain, &mut results);
            let Job {
                entry,
                effect,
                reply,
            } = job;
            let r = append_entries(c, key, &[&entry], effect)
                .map(|ids| ids[0])
                .map_err(|e| not_written(&e));
            results.push((reply, r));
        } else {
            plain.push(job);
        }
    }
    flush(c, &mut plain, &mut results);
    let signed = match checkpoint {
        Some(path) if results.iter().any(|(_, r)| r.is_ok()) => write_checkpoint(c, key, path),
        _ => Ok(()),
    };
    // The entries are committed and their actions in force: a checkpoint
    // that could not be signed leaves it behind (a shorter cut could then
    // go unnoticed), which is logged, not reported as an entry not written.
    if let Err(e) = signed {
        tracing::error!("the audit checkpoint was not signed: {e}");
    }
    for (reply, r) in results {
        let _ = reply.send(r);
    }
}

fn not_written(e: &StoreError) -> StoreError {
    StoreError::Invalid(format!("the audit entry was not written: {e}"))
}

/// Append `entries` in one transaction, each chained to the one before,
/// after running `effect` in it; the new ids in order.
fn append_entries(
    c: &mut Connection,
    key: &AuditKey,
    entries: &[&NewEntry],
    effect: Option<Effect>,
) -> Result<Vec<i64>> {
    let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    if let Some(effect) = effect {
        effect(&tx)?;
    }
    let last = last_entry(&tx)?;
    let (mut id, mut prev) = last.unwrap_or_else(|| (0, GENESIS.to_string()));
    let mut ids = Vec::with_capacity(entries.len());
    {
        let mut insert = tx.prepare_cached(
            "INSERT INTO audit (id, at, username, action, trial, detail, address, prev_hash, hash, keyed)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 1)",
        )?;
        for e in entries {
            id += 1;
            let at = now_text();
            let fields = EntryFields {
                at: &at,
                username: &e.username,
                action: &e.action,
                trial: &e.trial,
                detail: &e.detail,
                address: &e.address,
            };
            let hash = keyed_hash(key, id, &prev, &fields);
            insert.execute(params![
                id, at, e.username, e.action, e.trial, e.detail, e.address, prev, hash
            ])?;
            ids.push(id);
            prev = hash;
        }
    }
    tx.commit()?;
    Ok(ids)
}

/// Sign the trail's last entry into the checkpoint file, read while holding
/// the write lock so that no other writer's commit is half seen.
fn write_checkpoint(c: &mut Connection, key: &AuditKey, path: &Path) -> Result<()> {
    let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let last = last_entry(&tx)?;
    if let Some((id, hash)) = last {
        Checkpoint { id, hash }
            .write(path, key)
            .map_err(|e| StoreError::Invalid(format!("cannot write {}: {e}", path.display())))?;
    }
    tx.commit()?;
    Ok(())
}
