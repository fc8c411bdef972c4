//! Users, their passwords (argon2id) and their roles per trial.

use super::action::{AuditAction, NewAudit};
use super::clock::now_text;
use super::db::Store;
use super::error::{Result, StoreError};
use crate::dto::Role;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rusqlite::{params, Connection, OptionalExtension};

/// A user as the command line lists them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserInfo {
    pub id: i64,
    pub username: String,
    pub disabled: bool,
    pub roles: Vec<(String, Role)>,
}

/// Hash a password with argon2id (default parameters: m = 19 MiB, t = 2,
/// p = 1) and a random salt.
pub fn hash_password(password: &str) -> String {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).expect("the operating system's random source");
    let salt = SaltString::encode_b64(&salt).expect("a 16-byte salt encodes");
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 hashes any password")
        .to_string()
}

/// Check a password against a stored argon2 hash.
pub fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash to verify against when the user does not exist, so that a
/// missing user costs the same time as a wrong password.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("no such user"))
}

impl Store {
    /// Add a user with a role on each of `roles`' trials.
    pub fn add_user(
        &self,
        username: &str,
        password: &str,
        roles: &[(String, Role)],
    ) -> Result<i64> {
        let change = UserChange::add(username, password, roles)?;
        self.with(|c| {
            let tx = c.transaction()?;
            change.apply(&tx)?;
            let id = user_id(&tx, username)?;
            tx.commit()?;
            Ok(id)
        })
    }

    /// Give `username` `role` on `trial` (replacing a role they had there).
    pub fn grant(&self, username: &str, trial: &str, role: Role) -> Result<()> {
        self.with(|c| UserChange::grant(username, trial, role).apply(c))
    }

    /// Set a new password; ends the user's sessions.
    pub fn set_password(&self, username: &str, password: &str) -> Result<()> {
        let change = UserChange::passwd(username, password)?;
        self.with(|c| change.apply(c))
    }

    /// Disable (or enable) a user; disabling ends their sessions.
    pub fn set_disabled(&self, username: &str, disabled: bool) -> Result<()> {
        self.with(|c| UserChange::disabled(username, disabled).apply(c))
    }

    /// Make `change`, recorded in the audit trail in the same transaction as
    /// done by `by` (the command line's operating-system user) from
    /// `address`: both commit, or neither does.
    pub fn administer(&self, by: &str, address: &str, change: UserChange) -> Result<()> {
        let (action, detail, trial) = (
            change.action(),
            change.describe(),
            change.trial().to_string(),
        );
        let entry = NewAudit {
            username: by,
            action,
            trial: &trial,
            detail: &detail,
            address,
        };
        self.audit_with(entry, move |tx| change.apply(tx))
            .map(|_| ())
    }

    pub fn user_count(&self) -> Result<i64> {
        self.with(|c| Ok(c.query_row("SELECT COUNT(*) FROM users", [], |r| r.get(0))?))
    }

    pub fn list_users(&self) -> Result<Vec<UserInfo>> {
        self.with(|c| {
            let mut stmt =
                c.prepare("SELECT id, username, disabled FROM users ORDER BY username")?;
            let users: Vec<(i64, String, bool)> = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<std::result::Result<_, _>>()?;
            let mut out = Vec::new();
            for (id, username, disabled) in users {
                out.push(UserInfo {
                    id,
                    username,
                    disabled,
                    roles: roles_of(c, id)?,
                });
            }
            Ok(out)
        })
    }

    /// Check a username and password. `Ok(None)` for a wrong password, an
    /// unknown or a disabled user (indistinguishable to the caller; the
    /// same argon2 work is done in every case).
    pub fn authenticate(&self, username: &str, password: &str) -> Result<Option<i64>> {
        let row: Option<(i64, String, bool)> = self.with(|c| {
            Ok(c.query_row(
                "SELECT id, password_hash, disabled FROM users WHERE username = ?1",
                [username],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?)
        })?;
        match row {
            Some((id, hash, disabled)) => {
                let ok = verify_password(password, &hash);
                Ok((ok && !disabled).then_some(id))
            }
            None => {
                verify_password(password, dummy_hash());
                Ok(None)
            }
        }
    }
}

/// A change to the users and their roles, made by `dsmb user`.
#[derive(Clone, Debug)]
pub enum UserChange {
    /// A new user with a password hash and roles.
    Add {
        username: String,
        hash: String,
        roles: Vec<(String, Role)>,
    },
    /// A new password hash; the user's sessions end.
    Passwd { username: String, hash: String },
    /// Disable (sessions end) or enable.
    Disabled { username: String, disabled: bool },
    /// A role on a trial, replacing the one held there.
    Grant {
        username: String,
        trial: String,
        role: Role,
    },
    /// No role on the trial any more. Roles are read on every request, so
    /// the next request of a signed-in user is refused already.
    Revoke { username: String, trial: String },
}

impl UserChange {
    /// Adding `username` with `password` (checked, then hashed) and `roles`.
    pub fn add(username: &str, password: &str, roles: &[(String, Role)]) -> Result<UserChange> {
        validate_username(username)?;
        validate_password(password)?;
        Ok(UserChange::Add {
            username: username.to_string(),
            hash: hash_password(password),
            roles: roles.to_vec(),
        })
    }

    /// A new `password` (checked, then hashed) for `username`.
    pub fn passwd(username: &str, password: &str) -> Result<UserChange> {
        validate_password(password)?;
        Ok(UserChange::Passwd {
            username: username.to_string(),
            hash: hash_password(password),
        })
    }

    pub fn disabled(username: &str, disabled: bool) -> UserChange {
        UserChange::Disabled {
            username: username.to_string(),
            disabled,
        }
    }

    pub fn grant(username: &str, trial: &str, role: Role) -> UserChange {
        UserChange::Grant {
            username: username.to_string(),
            trial: trial.to_string(),
            role,
        }
    }

    pub fn revoke(username: &str, trial: &str) -> UserChange {
        UserChange::Revoke {
            username: username.to_string(),
            trial: trial.to_string(),
        }
    }

    /// The audit action.
    pub fn action(&self) -> AuditAction {
        match self {
            UserChange::Add { .. } => AuditAction::UserAdd,
            UserChange::Passwd { .. } => AuditAction::UserPasswd,
            UserChange::Disabled { disabled: true, .. } => AuditAction::UserDisable,
            UserChange::Disabled {
                disabled: false, ..
            } => AuditAction::UserEnable,
            UserChange::Grant { .. } => AuditAction::RoleGrant,
            UserChange::Revoke { .. } => AuditAction::RoleRevoke,
        }
    }

    /// The trial the change concerns, if one (for the audit entry).
    pub fn trial(&self) -> &str {
        match self {
            UserChange::Grant { trial, .. } | UserChange::Revoke { trial, .. } => trial,
            _ => "",
        }
    }

    /// What changed, in words (never the password or its hash).
    pub fn describe(&self) -> String {
        match self {
            UserChange::Add {
                username, roles, ..
            } => {
                let roles: Vec<String> = roles
                    .iter()
                    .map(|(t, r)| format!("{t}={}", r.as_str()))
                    .collect();
                format!("added {username} with roles {}", roles.join(" "))
            }
            UserChange::Passwd { username, .. } => {
                format!("set the password of {username}; their sessions ended")
            }
            UserChange::Disabled {
                username,
                disabled: true,
            } => format!("disabled {username}; their sessions ended"),
            UserChange::Disabled {
                username,
                disabled: false,
            } => format!("enabled {username}"),
            UserChange::Grant {
                username,
                trial,
                role,
            } => format!("{username} is {} on {trial}", role.as_str()),
            UserChange::Revoke { username, trial } => {
                format!("{username} holds no role on {trial} any more")
            }
        }
    }

    /// Make the change through `c` (a connection or a transaction).
    pub fn apply(&self, c: &Connection) -> Result<()> {
        let end_sessions = |id: i64| -> Result<()> {
            c.execute("UPDATE sessions SET ended = 1 WHERE user_id = ?1", [id])?;
            Ok(())
        };
        match self {
            UserChange::Add {
                username,
                hash,
                roles,
            } => {
                let exists: Option<i64> = c
                    .query_row(
                        "SELECT id FROM users WHERE username = ?1",
                        [username],
                        |r| r.get(0),
                    )
                    .optional()?;
                if exists.is_some() {
                    return Err(StoreError::Invalid(format!("user {username:?} exists")));
                }
                c.execute(
                    "INSERT INTO users (username, password_hash, created_at) VALUES (?1, ?2, ?3)",
                    params![username, hash, now_text()],
                )?;
                let id = c.last_insert_rowid();
                for (trial, role) in roles {
                    c.execute(
                        "INSERT OR REPLACE INTO roles (user_id, trial, role) VALUES (?1, ?2, ?3)",
                        params![id, trial, role.as_str()],
                    )?;
                }
            }
            UserChange::Passwd { username, hash } => {
                let id = user_id(c, username)?;
                c.execute(
                    "UPDATE users SET password_hash = ?1 WHERE id = ?2",
                    params![hash, id],
                )?;
                end_sessions(id)?;
            }
            UserChange::Disabled { username, disabled } => {
                let id = user_id(c, username)?;
                c.execute(
                    "UPDATE users SET disabled = ?1 WHERE id = ?2",
                    params![disabled, id],
                )?;
                if *disabled {
                    end_sessions(id)?;
                }
            }
            UserChange::Grant {
                username,
                trial,
                role,
            } => {
                let id = user_id(c, username)?;
                c.execute(
                    "INSERT OR REPLACE INTO roles (user_id, trial, role) VALUES (?1, ?2, ?3)",
                    params![id, trial, role.as_str()],
                )?;
            }
            UserChange::Revoke { username, trial } => {
                let id = user_id(c, username)?;
                let removed = c.execute(
                    "DELETE FROM roles WHERE user_id = ?1 AND trial = ?2",
                    params![id, trial],
                )?;
                if removed == 0 {
                    return Err(StoreError::Invalid(format!(
                        "{username:?} holds no role on {trial:?}"
                    )));
                }
            }
        }
        Ok(())
    }
}

pub(crate) fn user_id(c: &Connection, username: &str) -> Result<i64> {
    c.query_row(
        "SELECT id FROM users WHERE username = ?1",
        [username],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| StoreError::Invalid(format!("no user {username:?}")))
}

pub(crate) fn roles_of(c: &Connection, id: i64) -> Result<Vec<(String, Role)>> {
    let mut stmt = c.prepare("SELECT trial, role FROM roles WHERE user_id = ?1 ORDER BY trial")?;
    let rows: Vec<(String, String)> = stmt
        .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<std::result::Result<_, _>>()?;
    rows.into_iter()
        .map(|(t, r)| {
            Ok((
                t,
                r.parse()
                    .map_err(|e: crate::dto::UnknownRole| StoreError::Invalid(e.to_string()))?,
            ))
        })
        .collect()
}

fn validate_username(u: &str) -> Result<()> {
    let ok = !u.is_empty()
        && u.len() <= 64
        && u.chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-@".contains(c));
    if ok {
        Ok(())
    } else {
        Err(StoreError::Invalid(
            "a username is 1-64 characters of letters, digits, . _ - @".into(),
        ))
    }
}

fn validate_password(p: &str) -> Result<()> {
    if p.chars().count() < 12 {
        return Err(StoreError::Invalid(
            "a password needs at least 12 characters".into(),
        ));
    }
    if p.len() > 1024 {
        return Err(StoreError::Invalid(
            "a password may have at most 1024 bytes".into(),
        ));
    }
    Ok(())
}
