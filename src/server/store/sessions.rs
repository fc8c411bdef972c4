//! Sessions: only the SHA-256 of a token is stored; idle and absolute
//! timeouts.

use super::action::{AuditAction, NewAudit};
use super::clock::{now_unix, random_hex};
use super::db::Store;
use super::error::Result;
use super::users::roles_of;
use crate::dto::Role;
use crate::server::digest::sha256_hex;
use rusqlite::{params, Connection, OptionalExtension};

/// A signed-in user, as a request sees them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionUser {
    pub id: i64,
    pub username: String,
    pub roles: Vec<(String, Role)>,
    pub csrf: String,
}

impl SessionUser {
    /// The user's role on `trial`, if any.
    pub fn role_on(&self, trial: &str) -> Option<Role> {
        self.roles.iter().find(|(t, _)| t == trial).map(|(_, r)| *r)
    }
}

/// Sessions end after this long without a request.
pub const IDLE_TIMEOUT_SECS: i64 = 30 * 60;
/// And after this long in any case.
pub const ABSOLUTE_TIMEOUT_SECS: i64 = 12 * 60 * 60;

/// A user's live sessions at most; signing in again ends the oldest.
pub const MAX_SESSIONS_PER_USER: usize = 5;

/// A session about to be stored.
struct NewSession {
    token: String,
    csrf: String,
    user: i64,
    now: i64,
}

impl NewSession {
    fn new(user: i64) -> NewSession {
        NewSession {
            token: random_hex(32),
            csrf: random_hex(32),
            user,
            now: now_unix(),
        }
    }

    fn insert(&self, c: &Connection) -> Result<()> {
        c.execute(
            "INSERT INTO sessions (token_hash, user_id, csrf, created_at, last_seen) VALUES (?1, ?2, ?3, ?4, ?4)",
            params![sha256_hex(self.token.as_bytes()), self.user, self.csrf, self.now],
        )?;
        Ok(())
    }
}

impl Store {
    /// Start a session for user `id`; returns the token for the cookie (only
    /// its hash is stored).
    pub fn create_session(&self, id: i64) -> Result<String> {
        let new = NewSession::new(id);
        self.with(|c| new.insert(c))?;
        Ok(new.token)
    }

    /// Sign `username` (user `id`) in: start a session and record the
    /// sign-in in the same transaction (no session without its audit entry),
    /// and end the user's older sessions beyond the newest
    /// [`MAX_SESSIONS_PER_USER`]. Returns the token for the cookie.
    pub fn sign_in(&self, id: i64, username: &str, address: &str) -> Result<String> {
        let new = NewSession::new(id);
        let token = new.token.clone();
        let entry = NewAudit {
            username,
            action: AuditAction::SignIn,
            trial: "",
            detail: "",
            address,
        };
        self.audit_with(entry, move |tx| {
            new.insert(tx)?;
            tx.execute(
                "UPDATE sessions SET ended = 1 WHERE user_id = ?1 AND ended = 0 AND token_hash NOT IN
                 (SELECT token_hash FROM sessions WHERE user_id = ?1 AND ended = 0
                  ORDER BY created_at DESC, rowid DESC LIMIT ?2)",
                params![id, MAX_SESSIONS_PER_USER as i64],
            )?;
            Ok(())
        })?;
        Ok(token)
    }

    /// The user of a live session: not ended, not idle for longer than the
    /// idle timeout, younger than the absolute timeout, user not disabled.
    /// Touches the session's last-seen time.
    pub fn session_user(&self, token: &str) -> Result<Option<SessionUser>> {
        let now = now_unix();
        let key = sha256_hex(token.as_bytes());
        self.with(|c| {
            let row: Option<(i64, String, i64, i64, bool, String, bool)> = c
                .query_row(
                    "SELECT s.user_id, s.csrf, s.created_at, s.last_seen, s.ended, u.username, u.disabled
                     FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?1",
                    [&key],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)),
                )
                .optional()?;
            let Some((id, csrf, created, last_seen, ended, username, disabled)) = row else {
                return Ok(None);
            };
            let expired = now - last_seen > IDLE_TIMEOUT_SECS || now - created > ABSOLUTE_TIMEOUT_SECS;
            if ended || disabled || expired {
                if expired && !ended {
                    c.execute("UPDATE sessions SET ended = 1 WHERE token_hash = ?1", [&key])?;
                }
                return Ok(None);
            }
            if now > last_seen {
                c.execute("UPDATE sessions SET last_seen = ?1 WHERE token_hash = ?2", params![now, key])?;
            }
            Ok(Some(SessionUser {
                id,
                username,
                roles: roles_of(c, id)?,
                csrf,
            }))
        })
    }

    /// End a session (sign-out).
    pub fn end_session(&self, token: &str) -> Result<()> {
        self.with(|c| {
            c.execute(
                "UPDATE sessions SET ended = 1 WHERE token_hash = ?1",
                [sha256_hex(token.as_bytes())],
            )?;
            Ok(())
        })
    }

    /// Move a session's last-seen time back by `secs` (tests of the idle
    /// timeout).
    pub fn age_session(&self, token: &str, secs: i64) -> Result<()> {
        self.with(|c| {
            c.execute(
                "UPDATE sessions SET last_seen = last_seen - ?1, created_at = created_at - ?1 WHERE token_hash = ?2",
                params![secs, sha256_hex(token.as_bytes())],
            )?;
            Ok(())
        })
    }
}
