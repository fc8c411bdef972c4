//! The store's database: one SQLite connection behind a mutex for sessions
//! and pages, and the audit writer on a connection of its own.

use super::action::NewAudit;
use super::audit::{self, AuditEntry};
use super::audit_key::{AuditFiles, AuditKey, Checkpoint};
use super::audit_query::{self, AuditFilter};
use super::audit_writer::{AuditWriter, Effect, NewEntry};
use super::error::{Result, StoreError};
use rusqlite::{Connection, Transaction};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Migrations, applied in order; the schema version is their count.
const MIGRATIONS: [&str; 7] = [
    include_str!("../../../migrations/0001_access.sql"),
    include_str!("../../../migrations/0002_audit_keyed.sql"),
    include_str!("../../../migrations/0003_meetings.sql"),
    include_str!("../../../migrations/0004_reports.sql"),
    include_str!("../../../migrations/0005_one_correction.sql"),
    include_str!("../../../migrations/0006_formal_looks.sql"),
    include_str!("../../../migrations/0007_audit_indexes.sql"),
];

/// The migration that makes the audit trail keyed.
const KEYED_MIGRATION: i64 = 2;

/// The store: one SQLite connection behind a mutex, the audit writer, and
/// the audit key and checkpoint it signs with.
#[derive(Clone)]
pub struct Store {
    conn: Arc<Mutex<Connection>>,
    audit: AuditWriter,
    key: AuditKey,
    checkpoint: Option<PathBuf>,
}

impl Store {
    /// Open (creating if needed) the database at `path`, with its audit key
    /// and checkpoint beside it ([`AuditFiles::beside`]).
    pub fn open(path: &Path) -> Result<Store> {
        Self::open_with(path, &AuditFiles::beside(path))
    }

    /// Open (creating if needed) the database at `path` and apply the
    /// migrations it lacks; the audit key is read from `files.key` (created
    /// only while the trail has no keyed entry).
    pub fn open_with(path: &Path, files: &AuditFiles) -> Result<Store> {
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
        let (conn, keyed_now) = Self::migrate(connect()?)?;
        // The key is made only by the open that makes the trail keyed (a new
        // database, or one upgraded from the unkeyed chain), and the trail's
        // last entry (or its start) is signed at once: from then on a missing
        // key or checkpoint is an error, never a fresh start.
        let key = AuditKey::load_or_create(&files.key, keyed_now)?;
        if keyed_now {
            let (id, hash) =
                audit::last_entry(&conn)?.unwrap_or_else(|| (0, audit::GENESIS.to_string()));
            Checkpoint { id, hash }
                .write(&files.checkpoint, &key)
                .map_err(|e| {
                    StoreError::Invalid(format!("cannot write {}: {e}", files.checkpoint.display()))
                })?;
        }
        let audit = Arc::new(Mutex::new(connect()?));
        Ok(Store {
            audit: AuditWriter::spawn(audit, key.clone(), Some(files.checkpoint.clone())),
            conn: Arc::new(Mutex::new(conn)),
            key,
            checkpoint: Some(files.checkpoint.clone()),
        })
    }

    /// An in-memory store (tests).
    pub fn in_memory() -> Result<Store> {
        let conn = Connection::open_in_memory()?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // One connection for both: a second in-memory connection would be a
        // second database.
        let conn = Arc::new(Mutex::new(Self::migrate(conn)?.0));
        let key = AuditKey::random();
        Ok(Store {
            audit: AuditWriter::spawn(conn.clone(), key.clone(), None),
            conn,
            key,
            checkpoint: None,
        })
    }

    /// Apply the migrations `conn`'s database lacks; whether this made the
    /// audit trail keyed (migration 2 applied now).
    fn migrate(mut conn: Connection) -> Result<(Connection, bool)> {
        conn.execute_batch("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")?;
        let have: i64 = conn
            .query_row("SELECT MAX(version) FROM schema_version", [], |r| {
                r.get::<_, Option<i64>>(0)
            })?
            .unwrap_or(0);
        let keyed_now = have < KEYED_MIGRATION;
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
        Ok((conn, keyed_now))
    }

    pub(crate) fn with<T>(&self, f: impl FnOnce(&mut Connection) -> Result<T>) -> Result<T> {
        let mut guard = self.conn.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut guard)
    }

    /// Append an entry to the audit trail, chained to the last one; returns
    /// once it is committed (see `audit::AuditWriter`).
    pub fn audit(&self, entry: NewAudit<'_>) -> Result<i64> {
        self.audit.append(new_entry(&entry), None)
    }

    /// Append an entry and run `effect` in the same transaction: both
    /// commit, or neither does (a decode, a new session).
    pub fn audit_with(
        &self,
        entry: NewAudit<'_>,
        effect: impl FnOnce(&Transaction<'_>) -> Result<()> + Send + 'static,
    ) -> Result<i64> {
        let effect: Effect = Box::new(effect);
        self.audit.append(new_entry(&entry), Some(effect))
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
        self.with(|c| audit::entries(c, user, action, trials, limit))
    }

    /// How many entries match.
    pub fn audit_count(&self, filter: &AuditFilter) -> Result<u64> {
        self.with(|c| audit_query::count(c, filter))
    }

    /// Matching entries newest first, `limit` of them after `offset`.
    pub fn audit_page(
        &self,
        filter: &AuditFilter,
        offset: u64,
        limit: u64,
    ) -> Result<Vec<AuditEntry>> {
        self.with(|c| audit_query::page(c, filter, offset, limit))
    }

    /// Every matching entry, oldest first, to `visit` (an export).
    pub fn audit_each(
        &self,
        filter: &AuditFilter,
        visit: impl FnMut(&AuditEntry) -> Result<()>,
    ) -> Result<u64> {
        self.with(|c| audit_query::each(c, filter, visit))
    }

    /// The users and trials the trail names within `scope`.
    pub fn audit_names(&self, scope: Option<&[String]>) -> Result<(Vec<String>, Vec<String>)> {
        self.with(|c| audit_query::names(c, scope))
    }

    /// Recompute the chain: `Ok(count)` when every entry's hash matches its
    /// fields, its predecessor and the key, and nothing after the signed
    /// checkpoint is missing; else the id of the first bad or missing entry
    /// and why.
    pub fn verify_audit(&self) -> Result<std::result::Result<usize, audit::ChainBreak>> {
        let checkpoint = self.checkpoint.clone();
        self.with(|c| audit::verify(c, &self.key, checkpoint.as_deref()))
    }
}

fn new_entry(e: &NewAudit<'_>) -> NewEntry {
    NewEntry {
        username: e.username.to_string(),
        action: e.action.as_str().to_string(),
        trial: e.trial.to_string(),
        detail: e.detail.to_string(),
        address: e.address.to_string(),
    }
}
