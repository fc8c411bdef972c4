//! The formal looks the independent statistician declared in the app: look
//! k of the design at one cut, written once with its audit entry in one
//! transaction (`Store::audit_with`) and never changed: a look is declared
//! once, and a cut is at most one look.

use super::action::{AuditAction, NewAudit};
use super::clock::now_text;
use super::db::Store;
use super::error::{Result, StoreError};
use rusqlite::params;

/// A declared look as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeclaredLook {
    pub look: usize,
    pub cut: String,
    pub declared_by: String,
    pub declared_at: String,
}

impl Store {
    /// Declare the cut dated `cut` formal look `look` of `trial`, by `by`,
    /// audited as `declare-look`. The checks against the design (the look
    /// is the next one, at a later cut) are the caller's; the database
    /// refuses a look or a cut declared twice.
    pub fn declare_look(
        &self,
        by: &str,
        address: &str,
        trial: &str,
        look: usize,
        cut: &str,
    ) -> Result<()> {
        let (t, c, u) = (trial.to_string(), cut.to_string(), by.to_string());
        let k = i64::try_from(look).map_err(|_| StoreError::Invalid("look out of range".into()))?;
        self.audit_with(
NewAudit {
                username: by,
                action: AuditAction::DeclareLook,
                trial,
                detail: &format!("the cut of {cut} declared formal look {look}"),
                address,
            },
            move |tx| {
                let taken: i64 = tx.query_row(
                    "SELECT COUNT(*) FROM formal_looks WHERE trial = ?1 AND (look = ?2 OR cut = ?3)",
                    params![t, k, c],
                    |r| r.get(0),
                )?;
                if taken > 0 {
                    return Err(StoreError::Invalid(format!(
                        "look {k} or the cut of {c} is declared already; a declaration is never changed"
                    )));
                }
                tx.execute(
                    "INSERT INTO formal_looks (trial, look, cut, declared_by, declared_at) \
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![t, k, c, u, now_text()],
                )?;
                Ok(())
            },
        )
        .map(|_| ())
    }

    /// The looks declared in the app for `trial`, by look.
    pub fn declared_looks(&self, trial: &str) -> Result<Vec<DeclaredLook>> {
        self.with(|c| {
            let mut st = c.prepare(
                "SELECT look, cut, declared_by, declared_at FROM formal_looks \
                 WHERE trial = ?1 ORDER BY look",
            )?;
            let rows = st.query_map([trial], |r| {
                Ok(DeclaredLook {
                    look: usize::try_from(r.get::<_, i64>(0)?).unwrap_or(0),
                    cut: r.get(1)?,
                    declared_by: r.get(2)?,
                    declared_at: r.get(3)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }
}
