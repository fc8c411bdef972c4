//! Reading the audit trail as its readers ask: filtered (user, action,
//! trial, a range of UTC days, and the trials the reader may see), counted,
//! a page at a time newest first, or every matching entry oldest first for
//! an export, one row at a time so that a trail of any length streams. All
//! of it in SQL, on the indexes of migration 0007.

use super::audit::AuditEntry;
use super::error::{Result, StoreError};
use chrono::NaiveDate;
use rusqlite::Connection;

/// Which entries: every filter left `None` matches all.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub user: Option<String>,
    pub action: Option<String>,
    pub trial: Option<String>,
    /// The first UTC day, inclusive.
    pub from: Option<NaiveDate>,
    /// The last UTC day, inclusive.
    pub to: Option<NaiveDate>,
    /// The trials the reader may see: an entry of one of them, or a
    /// trial-less entry (a sign-in) of a user who holds a role on one.
    pub scope: Option<Vec<String>>,
}

/// The one condition every read shares; its parameters are `?1` to `?6`.
const WHERE: &str = "
    WHERE (?1 IS NULL OR username = ?1)
      AND (?2 IS NULL OR action = ?2)
      AND (?3 IS NULL OR trial = ?3)
      AND (?4 IS NULL OR at >= ?4)
      AND (?5 IS NULL OR at < ?5)
      AND (?6 IS NULL
           OR trial IN (SELECT value FROM json_each(?6))
           OR (trial = '' AND username IN (
               SELECT u.username FROM roles r JOIN users u ON u.id = r.user_id
               WHERE r.trial IN (SELECT value FROM json_each(?6)))))";

const COLUMNS: &str =
    "SELECT id, at, username, action, trial, detail, address, prev_hash, hash FROM audit";

type Params = (
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

impl AuditFilter {
    fn params(&self) -> Result<Params> {
        let scope = self
            .scope
            .as_ref()
            .map(serde_json::to_string)
            .transpose()
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        // Times are stored `YYYY-MM-DDTHH:MM:SS.ffffffZ`, so a day's
        // entries are those at or after its date and before the next's.
        let day = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
        Ok((
            self.user.clone(),
            self.action.clone(),
            self.trial.clone(),
            self.from.map(day),
            self.to.and_then(|d| d.succ_opt()).map(day),
            scope,
        ))
    }
}

/// How many entries match.
pub fn count(c: &Connection, f: &AuditFilter) -> Result<u64> {
    let sql = format!("SELECT COUNT(*) FROM audit {WHERE}");
    let mut stmt = c.prepare_cached(&sql)?;
    let n: i64 = stmt.query_row(f.params()?, |r| r.get(0))?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// Matching entries newest first, `limit` of them after skipping `offset`.
pub fn page(c: &Connection, f: &AuditFilter, offset: u64, limit: u64) -> Result<Vec<AuditEntry>> {
    let sql = format!("{COLUMNS} {WHERE} ORDER BY id DESC LIMIT ?7 OFFSET ?8");
    let mut stmt = c.prepare_cached(&sql)?;
    let (p1, p2, p3, p4, p5, p6) = f.params()?;
    let clamp = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
    let rows = stmt.query_map(
        rusqlite::params![p1, p2, p3, p4, p5, p6, clamp(limit), clamp(offset)],
        row_to_entry,
    )?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Every matching entry, oldest first, handed to `visit` one at a time
/// (an export writes each as it comes; nothing is held).
pub fn each(
    c: &Connection,
    f: &AuditFilter,
    mut visit: impl FnMut(&AuditEntry) -> Result<()>,
) -> Result<u64> {
    let sql = format!("{COLUMNS} {WHERE} ORDER BY id");
    let mut stmt = c.prepare(&sql)?;
    let mut rows = stmt.query(f.params()?)?;
    let mut n = 0;
    while let Some(r) = rows.next()? {
        visit(&row_to_entry(r)?)?;
        n += 1;
    }
    Ok(n)
}

/// The filter's choices within `scope`: the users who hold a role on one
/// of its trials, and its trials (every trial when `scope` is `None`),
/// each sorted. Read from the users and roles, not from the trail, so the
/// choices cost nothing however long the trail.
pub fn names(c: &Connection, scope: Option<&[String]>) -> Result<(Vec<String>, Vec<String>)> {
    let scope = scope
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| StoreError::Invalid(e.to_string()))?;
    let users = c
        .prepare_cached(
            "SELECT DISTINCT u.username FROM roles r JOIN users u ON u.id = r.user_id
             WHERE ?1 IS NULL OR r.trial IN (SELECT value FROM json_each(?1))
             ORDER BY u.username",
        )?
        .query_map([&scope], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    let trials = c
        .prepare_cached(
            "SELECT DISTINCT trial FROM roles
             WHERE ?1 IS NULL OR trial IN (SELECT value FROM json_each(?1))
             ORDER BY trial",
        )?
        .query_map([&scope], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok((users, trials))
}

pub(super) fn row_to_entry(r: &rusqlite::Row<'_>) -> rusqlite::Result<AuditEntry> {
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
