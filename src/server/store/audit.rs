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

/// The hash of an unkeyed (older) audit entry: SHA-256 over the previous
/// hash and the entry's fields, each length-prefixed so that no two entries
/// collide by moving text between fields.
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

/// The hash of a keyed entry: HMAC-SHA-256 under the audit key over its id,
/// the previous hash and its fields (at, user, action, trial, detail,
/// address).
pub fn keyed_hash(key: &AuditKey, id: i64, prev: &str, fields: [&str; 6]) -> String {
    let id = id.to_le_bytes();
    let mut parts: Vec<&[u8]> = vec![b"entry", &id, prev.as_bytes()];
    parts.extend(fields.iter().map(|f| f.as_bytes()));
    key.mac(&parts)
}

/// Audit entries, newest first, filtered by user, action and trials (any
/// filter left `None` matches all), at most `limit`. With `trials`, an
/// entry of no trial (a sign-in, a refusal, a change of users) is kept only
/// when its user holds a role on one of them, so that the statistician of
/// one trial does not read another's sign-ins.
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
        let members: Option<std::collections::HashSet<String>> = match trials {
            Some(t) => {
                let mut q = c.prepare(
                    "SELECT DISTINCT u.username FROM roles r JOIN users u ON u.id = r.user_id WHERE r.trial = ?1",
                )?;
                let mut set = std::collections::HashSet::new();
                for trial in t {
                    for name in q.query_map([trial], |r| r.get::<_, String>(0))? {
                        set.insert(name?);
                    }
                }
                Some(set)
            }
            None => None,
        };
        let rows = stmt.query_map([], row_to_entry)?;
        let mut out = Vec::new();
        for e in rows {
            let e = e?;
            let out_of_scope = match (trials, &members) {
                (Some(t), Some(m)) => {
                    if e.trial.is_empty() {
                        !m.contains(&e.username)
                    } else {
                        !t.contains(&e.trial)
                    }
                }
                _ => false,
            };
            if user.is_some_and(|u| e.username != u)
                || action.is_some_and(|a| e.action != a)
                || out_of_scope
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
/// fields, its predecessor and (keyed entries) the key, and the trail ends
/// at or after the entry the checkpoint names; else the id of the first
/// bad or missing entry and why.
pub fn verify(
    c: &Connection,
    key: &AuditKey,
    checkpoint: Option<&Path>,
) -> Result<std::result::Result<usize, (i64, String)>> {
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
        if !keyed && keyed_seen {
            return Ok(Err((
                e.id,
                "an unkeyed entry follows keyed ones (written without the key)".into(),
            )));
        }
        keyed_seen |= keyed;
        let fields = [
            e.at.as_str(),
            &e.username,
            &e.action,
            &e.trial,
            &e.detail,
            &e.address,
        ];
        let want = if keyed {
            keyed_hash(key, e.id, &prev, fields)
        } else {
            entry_hash(
                &prev, fields[0], fields[1], fields[2], fields[3], fields[4], fields[5],
            )
        };
        if e.hash != want {
            return Ok(Err((e.id, "its contents do not match its hash".into())));
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
        Err(why) => Ok(Err((last_id, why))),
        // Signed when the trail became keyed and after every batch since:
        // never missing unless removed.
        Ok(None) => Ok(Err((
            last_id,
            format!(
                "the checkpoint {} is missing, so a trail cut short or rewritten cannot be told apart",
                path.display()
            ),
        ))),
        Ok(Some(cp)) if cp.id > last_id => Ok(Err((
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
                Ok(Err((
                    cp.id,
                    "its hash is not the one the checkpoint signed".into(),
                )))
            } else {
                Ok(Ok(n))
            }
        }
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
