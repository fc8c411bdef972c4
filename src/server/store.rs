//! The access store (SQLite): users and their role per trial, sessions, the
//! DSMB's coded arm groups and decodes, and the hash-chained audit trail.
//!
//! Every function here is blocking (rusqlite); the web layer calls them with
//! `spawn_blocking`. One connection behind a mutex serializes writers, so
//! the audit chain cannot fork under concurrent requests; WAL mode lets the
//! command line read and write beside a running server.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};
use std::path::Path;
use std::sync::{Arc, Mutex};

/// Migrations, applied in order; the schema version is their count.
const MIGRATIONS: [&str; 1] = [include_str!("../../migrations/0001_access.sql")];

/// A role on a trial.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Dsmb,
    Statistician,
    Sponsor,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Dsmb => "dsmb",
            Role::Statistician => "statistician",
            Role::Sponsor => "sponsor",
        }
    }

    /// Whether the role may see results by arm (closed views).
    pub fn is_closed(self) -> bool {
        matches!(self, Role::Dsmb | Role::Statistician)
    }
}

impl std::str::FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "dsmb" => Ok(Role::Dsmb),
            "statistician" => Ok(Role::Statistician),
            "sponsor" => Ok(Role::Sponsor),
            other => Err(format!(
                "unknown role {other:?}: dsmb, statistician or sponsor"
            )),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("{0}")]
    Invalid(String),
}

type Result<T> = std::result::Result<T, StoreError>;

/// A user as the command line lists them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserInfo {
    pub id: i64,
    pub username: String,
    pub disabled: bool,
    pub roles: Vec<(String, Role)>,
}

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

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `n` random bytes from the operating system, as hex.
pub fn random_hex(n: usize) -> String {
    let mut buf = vec![0u8; n];
    getrandom::fill(&mut buf).expect("the operating system's random source");
    hex(&buf)
}

fn sha256_hex(s: &str) -> String {
    hex(&Sha256::digest(s.as_bytes()))
}

fn now_unix() -> i64 {
    chrono::Utc::now().timestamp()
}

fn now_text() -> String {
    chrono::Utc::now()
        .format("%Y-%m-%dT%H:%M:%S%.6fZ")
        .to_string()
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

/// Sessions end after this long without a request.
pub const IDLE_TIMEOUT_SECS: i64 = 30 * 60;
/// And after this long in any case.
pub const ABSOLUTE_TIMEOUT_SECS: i64 = 12 * 60 * 60;

/// The store: one SQLite connection behind a mutex, and the audit writer.
#[derive(Clone)]
pub struct Store {
    conn: Arc<Mutex<Connection>>,
    audit_tx: std::sync::mpsc::Sender<AuditJob>,
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

impl Store {
    /// Open (creating if needed) the database at `path` and apply the
    /// migrations it lacks.
    pub fn open(path: &Path) -> Result<Store> {
        if let Some(dir) = path.parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir).map_err(|e| {
                    StoreError::Invalid(format!("cannot create {}: {e}", dir.display()))
                })?;
            }
        }
        let connect = || -> Result<Connection> {
            let conn = Connection::open(path)?;
            conn.busy_timeout(std::time::Duration::from_secs(10))?;
            conn.pragma_update(None, "journal_mode", "WAL")?;
            conn.pragma_update(None, "foreign_keys", "ON")?;
            Ok(conn)
        };
        // The audit writer gets a connection of its own: while it waits for
        // a commit to reach the disk, sessions and pages read through the
        // other (WAL lets readers run beside the writer).
        let conn = Self::migrate(connect()?)?;
        let audit = Arc::new(Mutex::new(connect()?));
        Ok(Store {
            audit_tx: spawn_audit_writer(audit),
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// An in-memory store (tests).
    pub fn in_memory() -> Result<Store> {
        let conn = Connection::open_in_memory()?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // One connection for both: a second in-memory connection would be a
        // second database.
        let conn = Arc::new(Mutex::new(Self::migrate(conn)?));
        Ok(Store {
            audit_tx: spawn_audit_writer(conn.clone()),
            conn,
        })
    }

    /// Apply the migrations `conn`'s database lacks.
    fn migrate(mut conn: Connection) -> Result<Connection> {
        conn.execute_batch("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")?;
        let have: i64 = conn
            .query_row("SELECT MAX(version) FROM schema_version", [], |r| {
                r.get::<_, Option<i64>>(0)
            })?
            .unwrap_or(0);
        for (i, sql) in MIGRATIONS.iter().enumerate() {
            let version = i as i64 + 1;
            if version > have {
                let tx = conn.transaction()?;
                tx.execute_batch(sql)?;
                tx.execute(
                    "INSERT INTO schema_version (version) VALUES (?1)",
                    [version],
                )?;
                tx.commit()?;
            }
        }
        Ok(conn)
    }

    fn with<T>(&self, f: impl FnOnce(&mut Connection) -> Result<T>) -> Result<T> {
        let mut guard = self.conn.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut guard)
    }

    // ---- users -----------------------------------------------------------

    /// Add a user with a role on each of `roles`' trials.
    pub fn add_user(
        &self,
        username: &str,
        password: &str,
        roles: &[(String, Role)],
    ) -> Result<i64> {
        validate_username(username)?;
        validate_password(password)?;
        let hash = hash_password(password);
        self.with(|c| {
            let tx = c.transaction()?;
            let exists: Option<i64> = tx
                .query_row(
                    "SELECT id FROM users WHERE username = ?1",
                    [username],
                    |r| r.get(0),
                )
                .optional()?;
            if exists.is_some() {
                return Err(StoreError::Invalid(format!("user {username:?} exists")));
            }
            tx.execute(
                "INSERT INTO users (username, password_hash, created_at) VALUES (?1, ?2, ?3)",
                params![username, hash, now_text()],
            )?;
            let id = tx.last_insert_rowid();
            for (trial, role) in roles {
                tx.execute(
                    "INSERT OR REPLACE INTO roles (user_id, trial, role) VALUES (?1, ?2, ?3)",
                    params![id, trial, role.as_str()],
                )?;
            }
            tx.commit()?;
            Ok(id)
        })
    }

    /// Give `username` `role` on `trial` (replacing a role they had there).
    pub fn grant(&self, username: &str, trial: &str, role: Role) -> Result<()> {
        self.with(|c| {
            let id = user_id(c, username)?;
            c.execute(
                "INSERT OR REPLACE INTO roles (user_id, trial, role) VALUES (?1, ?2, ?3)",
                params![id, trial, role.as_str()],
            )?;
            Ok(())
        })
    }

    /// Set a new password; ends the user's sessions.
    pub fn set_password(&self, username: &str, password: &str) -> Result<()> {
        validate_password(password)?;
        let hash = hash_password(password);
        self.with(|c| {
            let id = user_id(c, username)?;
            c.execute(
                "UPDATE users SET password_hash = ?1 WHERE id = ?2",
                params![hash, id],
            )?;
            c.execute("UPDATE sessions SET ended = 1 WHERE user_id = ?1", [id])?;
            Ok(())
        })
    }

    /// Disable (or enable) a user; disabling ends their sessions.
    pub fn set_disabled(&self, username: &str, disabled: bool) -> Result<()> {
        self.with(|c| {
            let id = user_id(c, username)?;
            c.execute(
                "UPDATE users SET disabled = ?1 WHERE id = ?2",
                params![disabled, id],
            )?;
            if disabled {
                c.execute("UPDATE sessions SET ended = 1 WHERE user_id = ?1", [id])?;
            }
            Ok(())
        })
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

    // ---- sessions --------------------------------------------------------

    /// Start a session for user `id`; returns the token for the cookie (only
    /// its hash is stored).
    pub fn create_session(&self, id: i64) -> Result<String> {
        let token = random_hex(32);
        let csrf = random_hex(32);
        let now = now_unix();
        self.with(|c| {
            c.execute(
                "INSERT INTO sessions (token_hash, user_id, csrf, created_at, last_seen) VALUES (?1, ?2, ?3, ?4, ?4)",
                params![sha256_hex(&token), id, csrf, now],
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
        let key = sha256_hex(token);
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
                [sha256_hex(token)],
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
                params![secs, sha256_hex(token)],
            )?;
            Ok(())
        })
    }

    // ---- coded arms and decodes -------------------------------------------

    /// The coded group letter of each arm of `trial` (A, B, ...), assigned at
    /// random the first time it is asked for and kept from then on.
    pub fn arm_codes(&self, trial: &str, arms: &[String]) -> Result<Vec<(String, String)>> {
        self.with(|c| {
            let tx = c.transaction()?;
            let mut codes = read_codes(&tx, trial)?;
            if codes.len() != arms.len() || !arms.iter().all(|a| codes.iter().any(|(x, _)| x == a))
            {
                tx.execute("DELETE FROM arm_codes WHERE trial = ?1", [trial])?;
                let mut letters: Vec<String> = (0..arms.len())
                    .map(|i| char::from(b'A' + (i % 26) as u8).to_string())
                    .collect();
                // Fisher-Yates with the OS random source.
                for i in (1..letters.len()).rev() {
                    let mut b = [0u8; 8];
                    getrandom::fill(&mut b).expect("the operating system's random source");
                    let j = (u64::from_le_bytes(b) % (i as u64 + 1)) as usize;
                    letters.swap(i, j);
                }
                for (arm, code) in arms.iter().zip(&letters) {
                    tx.execute(
                        "INSERT INTO arm_codes (trial, arm, code) VALUES (?1, ?2, ?3)",
                        params![trial, arm, code],
                    )?;
                }
                codes = read_codes(&tx, trial)?;
            }
            tx.commit()?;
            Ok(codes)
        })
    }

    /// Record that DSMB member `user` decoded `trial`'s groups.
    pub fn record_decode(&self, user: i64, trial: &str) -> Result<()> {
        self.with(|c| {
            c.execute(
                "INSERT OR REPLACE INTO decodes (user_id, trial, at) VALUES (?1, ?2, ?3)",
                params![user, trial, now_text()],
            )?;
            Ok(())
        })
    }

    /// When `user` decoded `trial`, if they did.
    pub fn decoded_at(&self, user: i64, trial: &str) -> Result<Option<String>> {
        self.with(|c| {
            Ok(c.query_row(
                "SELECT at FROM decodes WHERE user_id = ?1 AND trial = ?2",
                params![user, trial],
                |r| r.get(0),
            )
            .optional()?)
        })
    }

    // ---- audit -------------------------------------------------------------

    /// Append an entry to the audit trail, chained to the last one; returns
    /// once it is committed (see `spawn_audit_writer`).
    pub fn audit(
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
        self.audit_tx.send((entry, reply)).map_err(|_| stopped())?;
        done.recv().map_err(|_| stopped())?
    }

    /// Audit entries, newest first, filtered by user, action and trial (any
    /// filter left `None` matches all), at most `limit`.
    pub fn audit_entries(
        &self,
        user: Option<&str>,
        action: Option<&str>,
        trials: Option<&[String]>,
        limit: usize,
    ) -> Result<Vec<AuditEntry>> {
        self.with(|c| {
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
        })
    }

    /// Recompute the chain: `Ok(count)` when every entry's hash matches its
    /// fields and its predecessor, else the id of the first broken entry
    /// and why.
    pub fn verify_audit(&self) -> Result<std::result::Result<usize, (i64, String)>> {
        self.with(|c| {
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
        })
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

fn read_codes(c: &Connection, trial: &str) -> Result<Vec<(String, String)>> {
    let mut stmt = c.prepare("SELECT arm, code FROM arm_codes WHERE trial = ?1 ORDER BY code")?;
    let rows = stmt
        .query_map([trial], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<std::result::Result<_, _>>()?;
    Ok(rows)
}

fn user_id(c: &Connection, username: &str) -> Result<i64> {
    c.query_row(
        "SELECT id FROM users WHERE username = ?1",
        [username],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| StoreError::Invalid(format!("no user {username:?}")))
}

fn roles_of(c: &Connection, id: i64) -> Result<Vec<(String, Role)>> {
    let mut stmt = c.prepare("SELECT trial, role FROM roles WHERE user_id = ?1 ORDER BY trial")?;
    let rows: Vec<(String, String)> = stmt
        .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<std::result::Result<_, _>>()?;
    rows.into_iter()
        .map(|(t, r)| Ok((t, r.parse().map_err(StoreError::Invalid)?)))
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
