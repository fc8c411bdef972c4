//! The hash-chained audit trail: its entries, how each is chained to the
//! one before, the reads, and the check of the whole chain against the key
//! and the checkpoint (`dsmb audit verify`). The writer is in
//! `audit_writer`.
//!
//! Entries written since the trail became keyed carry an HMAC-SHA-256 under
//! the audit key over their id, the previous entry's hash and their fields;
//! older entries (`keyed = 0`) carry the plain SHA-256 chain they were
//! written with.

use super::audit_key::{AuditKey, Checkpoint};
use super::audit_query::{self, row_to_entry, AuditFilter};
use super::error::Result;
use crate::server::digest::hex;
use rusqlite::{Connection, OptionalExtension};
use sha2::{Digest, Sha256};
use std::path::Path;

/// The "previous hash" of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

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

/// The trail's last entry: its id and hash, if it has one.
pub fn last_entry(c: &Connection) -> rusqlite::Result<Option<(i64, String)>> {
    c.query_row(
        "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .optional()
}

/// The fields of an entry its hash covers, in their order.
#[derive(Clone, Copy, Debug)]
pub struct EntryFields<'a> {
    pub at: &'a str,
    pub username: &'a str,
    pub action: &'a str,
    pub trial: &'a str,
    pub detail: &'a str,
    pub address: &'a str,
}

impl<'a> EntryFields<'a> {
    pub fn of(e: &'a AuditEntry) -> Self {
        EntryFields {
            at: &e.at,
            username: &e.username,
            action: &e.action,
            trial: &e.trial,
            detail: &e.detail,
            address: &e.address,
        }
    }

    fn all(&self) -> [&'a str; 6] {
        [
            self.at,
            self.username,
            self.action,
            self.trial,
            self.detail,
            self.address,
        ]
    }
}

/// The hash of an unkeyed (older) audit entry: SHA-256 over the previous
/// hash and the entry's fields, each length-prefixed so that no two entries
/// collide by moving text between fields.
pub fn entry_hash(prev: &str, fields: &EntryFields<'_>) -> String {
    let mut h = Sha256::new();
    for field in std::iter::once(prev).chain(fields.all()) {
        h.update((field.len() as u64).to_le_bytes());
        h.update(field.as_bytes());
    }
    hex(&h.finalize())
}

/// What a keyed entry's MAC covers: its id, the previous hash and its
/// fields.
fn keyed_parts<'a>(id: &'a [u8; 8], prev: &'a str, fields: &EntryFields<'a>) -> Vec<&'a [u8]> {
    let mut parts: Vec<&[u8]> = vec![b"entry", id, prev.as_bytes()];
    parts.extend(fields.all().iter().map(|f| f.as_bytes()));
    parts
}

/// The hash of a keyed entry: HMAC-SHA-256 under the audit key over its id,
/// the previous hash and its fields.
pub fn keyed_hash(key: &AuditKey, id: i64, prev: &str, fields: &EntryFields<'_>) -> String {
    let id = id.to_le_bytes();
    key.mac(&keyed_parts(&id, prev, fields))
}

/// Whether `hash` is the keyed entry's MAC, compared in constant time.
fn keyed_hash_is(
    key: &AuditKey,
    id: i64,
    prev: &str,
    fields: &EntryFields<'_>,
    hash: &str,
) -> bool {
    let id = id.to_le_bytes();
    key.verify(&keyed_parts(&id, prev, fields), hash)
}

/// Where the audit trail's chain breaks: the first bad or missing entry,
/// and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainBreak {
    pub id: i64,
    pub why: String,
}

impl ChainBreak {
    fn at(id: i64, why: impl Into<String>) -> Self {
        ChainBreak {
            id,
            why: why.into(),
        }
    }
}

/// Entries newest first, filtered by user, by action and by trials (see
/// [`AuditFilter::scope`]), at most `limit`.
pub fn entries(
    c: &Connection,
    user: Option<&str>,
    action: Option<&str>,
    trials: Option<&[String]>,
    limit: usize,
) -> Result<Vec<AuditEntry>> {
    let filter = AuditFilter {
        user: user.map(str::to_string),
        action: action.map(str::to_string),
        scope: trials.map(<[String]>::to_vec),
        ..AuditFilter::default()
    };
    audit_query::page(c, &filter, 0, u64::try_from(limit).unwrap_or(u64::MAX))
}

/// Recompute the chain: `Ok(count)` when every entry's hash matches its
/// fields, its predecessor and (keyed entries) the key, and the trail ends
/// at or after the entry the checkpoint names; else where it breaks.
pub fn verify(
    c: &Connection,
    key: &AuditKey,
    checkpoint: Option<&Path>,
) -> Result<std::result::Result<usize, ChainBreak>> {
    let mut stmt = c.prepare(
        "SELECT id, at, username, action, trial, detail, address, prev_hash, hash, keyed
         FROM audit ORDER BY id",
    )?;
    let rows = stmt.query_map([], |r| Ok((row_to_entry(r)?, r.get::<_, bool>(9)?)))?;
    let signed = checkpoint.map(|path| (path, Checkpoint::read(path, key)));
    let signed_id = match &signed {
        Some((_, Ok(Some(cp)))) => Some(cp.id),
        _ => None,
    };
    let mut prev = GENESIS.to_string();
    let (mut n, mut last_id, mut keyed_seen) = (0, 0, false);
    let mut hash_at_checkpoint: Option<String> = None;
    for row in rows {
        let (e, keyed) = row?;
        if e.id != last_id + 1 {
            return Ok(Err(ChainBreak::at(
                last_id + 1,
                format!("entry {} is missing (next is {})", last_id + 1, e.id),
            )));
        }
        if e.prev_hash != prev {
            return Ok(Err(ChainBreak::at(
                e.id,
                "its link to the previous entry is broken",
            )));
        }
        if !keyed && keyed_seen {
            return Ok(Err(ChainBreak::at(
                e.id,
                "an unkeyed entry follows keyed ones (written without the key)",
            )));
        }
        keyed_seen |= keyed;
        let fields = EntryFields::of(&e);
        let matches = if keyed {
            keyed_hash_is(key, e.id, &prev, &fields, &e.hash)
        } else {
            e.hash == entry_hash(&prev, &fields)
        };
        if !matches {
            return Ok(Err(ChainBreak::at(
                e.id,
                "its contents do not match its hash",
            )));
        }
        if Some(e.id) == signed_id {
            hash_at_checkpoint = Some(e.hash.clone());
        }
        prev = e.hash;
        last_id = e.id;
        n += 1;
    }
    let Some((path, read)) = signed else {
        return Ok(Ok(n));
    };
    match read {
        Err(why) => Ok(Err(ChainBreak::at(
                last_id,
                why))),
        // Signed when the trail became keyed and after every batch since:
        // never missing unless removed.
        Ok(None) => Ok(Err(ChainBreak::at(
                last_id,
                format!(
                "the checkpoint {} is missing, so a trail cut short or rewritten cannot be told apart",
                path.display()
            ),
        ))),
        Ok(Some(cp)) if cp.id > last_id => Ok(Err(ChainBreak::at(
                last_id + 1,
                format!(
                "the trail is truncated: it ends at entry {last_id}, the checkpoint names entry {} (entries {} to {} are missing)",
                cp.id,
                last_id + 1,
                cp.id
            ),
        ))),
        Ok(Some(cp)) => {
            if cp.id > 0 && hash_at_checkpoint.as_ref() != Some(&cp.hash) {
                Ok(Err(ChainBreak::at(
                cp.id,
                "its hash is not the one the checkpoint signed",
                )))
            } else {
                Ok(Ok(n))
            }
        }
    }
}
