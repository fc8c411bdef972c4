//! The store's database: one SQLite connection behind a mutex for sessions
//! and pages, and the audit writer on a connection of its own.

use super::audit::{self, AuditEntry, AuditWriter};
use super::error::{Result, StoreError};
use rusqlite::Connection;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// Migrations, applied in order; the schema version is their count.
const MIGRATIONS: [&str; 1] = [include_str!("../../../migrations/0001_access.sql")];

/// The store: one SQLite connection behind a mutex, and the audit writer.
#[derive(Clone)]
pub struct Store {
    conn: Arc<Mutex<Connection>>,
    audit: AuditWriter,
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
            audit: AuditWriter::spawn(audit),
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
            audit: AuditWriter::spawn(conn.clone()),
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

    pub(crate) fn with<T>(&self, f: impl FnOnce(&mut Connection) -> Result<T>) -> Result<T> {
        let mut guard = self.conn.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut guard)
    }

    /// Append an entry to the audit trail, chained to the last one; returns
    /// once it is committed (see `audit::AuditWriter`).
    pub fn audit(
        &self,
        username: &str,
        action: &str,
        trial: &str,
        detail: &str,
        address: &str,
    ) -> Result<i64> {
        self.audit.append(username, action, trial, detail, address)
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

    /// Recompute the chain: `Ok(count)` when every entry's hash matches its
    /// fields and its predecessor, else the id of the first broken entry
    /// and why.
    pub fn verify_audit(&self) -> Result<std::result::Result<usize, (i64, String)>> {
        self.with(|c| audit::verify(c))
    }
}
