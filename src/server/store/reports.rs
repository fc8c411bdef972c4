//! The report documents as built: each version of a trial's open, coded
//! closed or closed report on a cut, its two renderings and their SHA-256,
//! stored immutably (database triggers) and released to its readers once.
//! Every build, release and download is audited in the same transaction
//! as what it records.

use super::action::{AuditAction, NewAudit};
use super::clock::now_text;
use super::db::Store;
use super::error::{Result, StoreError};
use crate::server::digest::sha256_hex;
use rusqlite::{params, OptionalExtension, Row};
use std::sync::{Arc, Mutex};

/// Which report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportKind {
    Open,
    ClosedCoded,
    Closed,
}

impl ReportKind {
    pub const ALL: [ReportKind; 3] = [
        ReportKind::Open,
        ReportKind::ClosedCoded,
        ReportKind::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReportKind::Open => "open",
            ReportKind::ClosedCoded => "closed-coded",
            ReportKind::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<ReportKind> {
        ReportKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn is_closed(self) -> bool {
        self != ReportKind::Open
    }

    /// In words, for a page.
    pub fn label(self) -> &'static str {
        match self {
            ReportKind::Open => "Open report",
            ReportKind::ClosedCoded => "Closed report, coded groups",
            ReportKind::Closed => "Closed report, arms decoded",
        }
    }
}

/// A report to store: what was built.
pub struct NewReport {
    pub trial: String,
    pub cut_date: String,
    pub kind: ReportKind,
    pub manifest_sha256: Option<String>,
    pub software: String,
    pub built_at: String,
    pub document: String,
    pub pdf: Vec<u8>,
    pub html: Vec<u8>,
}

/// A stored report version, without its files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredReport {
    pub id: i64,
    pub trial: String,
    pub cut_date: String,
    pub kind: ReportKind,
    pub version: u32,
    pub manifest_sha256: Option<String>,
    pub software: String,
    pub built_by: String,
    pub built_at: String,
    pub pdf_sha256: String,
    pub html_sha256: String,
    pub pdf_bytes: u64,
    pub html_bytes: u64,
    pub released_by: Option<String>,
    pub released_at: Option<String>,
}

impl StoredReport {
    pub fn released(&self) -> bool {
        self.released_at.is_some()
    }
}

const RELEASED_ALREADY: &str = "the report is released already";

const COLUMNS: &str = "id, trial, cut_date, audience, version, manifest_sha256, software, \
    built_by, built_at, pdf_sha256, html_sha256, length(pdf), length(html), released_by, released_at";

fn stored(r: &Row<'_>) -> rusqlite::Result<StoredReport> {
    let kind: String = r.get(3)?;
    Ok(StoredReport {
        id: r.get(0)?,
        trial: r.get(1)?,
        cut_date: r.get(2)?,
        kind: ReportKind::parse(&kind).unwrap_or(ReportKind::Closed),
        version: r.get(4)?,
        manifest_sha256: r.get(5)?,
        software: r.get(6)?,
        built_by: r.get(7)?,
        built_at: r.get(8)?,
        pdf_sha256: r.get(9)?,
        html_sha256: r.get(10)?,
        pdf_bytes: r.get(11)?,
        html_bytes: r.get(12)?,
        released_by: r.get(13)?,
        released_at: r.get(14)?,
    })
}

impl Store {
    /// Store a built report as the next version of its trial, cut and kind,
    /// audited in the same transaction (`build-report`; a decoded closed
    /// report is recorded as a decode, `decode-report`). Its id.
    pub fn add_report(&self, by: &str, address: &str, r: NewReport) -> Result<i64> {
        self.store_report(by, address, r, None)
    }

    /// [`Store::add_report`] of a document that prints version `version`:
    /// refused (nothing stored) when another build took that version first.
    pub fn add_report_as(
        &self,
        by: &str,
        address: &str,
        r: NewReport,
        version: u32,
    ) -> Result<i64> {
        self.store_report(by, address, r, Some(version))
    }

    fn store_report(
        &self,
        by: &str,
        address: &str,
        r: NewReport,
        expected: Option<u32>,
    ) -> Result<i64> {
        let id: Arc<Mutex<Option<i64>>> = Arc::default();
        let out = id.clone();
        let who = by.to_string();
        let (pdf_sha, html_sha) = (sha256_hex(&r.pdf), sha256_hex(&r.html));
        let detail = format!(
            "{} of the cut of {}: pdf {pdf_sha}, html {html_sha}",
            r.kind.label(),
            r.cut_date
        );
        // A decoded closed report is recorded as a decode.
        let action = if r.kind == ReportKind::Closed {
            AuditAction::DecodeReport
        } else {
            AuditAction::BuildReport
        };
        let trial = r.trial.clone();
        let entry = NewAudit {
            username: by,
            action,
            trial: &trial,
            detail: &detail,
            address,
        };
        self.audit_with(entry, move |tx| {
            let version: u32 = tx.query_row(
                "SELECT COALESCE(MAX(version), 0) + 1 FROM reports WHERE trial = ?1 AND cut_date = ?2 AND audience = ?3",
                params![r.trial, r.cut_date, r.kind.as_str()],
                |row| row.get(0),
            )?;
            if let Some(want) = expected.filter(|w| *w != version) {
                return Err(StoreError::Invalid(format!(
                    "another build stored version {want} first; build again for version {version}"
                )));
            }
            tx.execute(
                "INSERT INTO reports (trial, cut_date, audience, version, manifest_sha256, software, \
                 built_by, built_at, document, pdf, pdf_sha256, html, html_sha256) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                params![
                    r.trial,
                    r.cut_date,
                    r.kind.as_str(),
                    version,
                    r.manifest_sha256,
                    r.software,
                    who,
                    r.built_at,
                    r.document,
                    r.pdf,
                    pdf_sha,
                    r.html,
                    html_sha
                ],
            )?;
            *out.lock().unwrap_or_else(|e| e.into_inner()) = Some(tx.last_insert_rowid());
            Ok(())
        })?;
        let id = *id.lock().unwrap_or_else(|e| e.into_inner());
        id.ok_or_else(|| StoreError::Invalid("the report was not stored".into()))
    }

    /// The next version number a build of `trial`'s `kind` report on
    /// `cut` would get.
    pub fn next_report_version(&self, trial: &str, cut: &str, kind: ReportKind) -> Result<u32> {
        self.with(|c| {
            Ok(c.query_row(
                "SELECT COALESCE(MAX(version), 0) + 1 FROM reports WHERE trial = ?1 AND cut_date = ?2 AND audience = ?3",
                params![trial, cut, kind.as_str()],
                |row| row.get(0),
            )?)
        })
    }

    /// Every report version of `trial`, newest cut first, then kind and
    /// version (newest first).
    pub fn reports(&self, trial: &str) -> Result<Vec<StoredReport>> {
        self.with(|c| {
            let mut st = c.prepare(&format!(
                "SELECT {COLUMNS} FROM reports WHERE trial = ?1 ORDER BY cut_date DESC, audience, version DESC"
            ))?;
            let rows = st.query_map([trial], stored)?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    /// Report `id` of `trial`.
    pub fn report(&self, trial: &str, id: i64) -> Result<Option<StoredReport>> {
        self.with(|c| {
            Ok(c.query_row(
                &format!("SELECT {COLUMNS} FROM reports WHERE trial = ?1 AND id = ?2"),
                params![trial, id],
                stored,
            )
            .optional()?)
        })
    }

    /// The document model of report `id` (from which downloads are made).
    pub fn report_document(&self, trial: &str, id: i64) -> Result<Option<String>> {
        self.with(|c| {
            Ok(c.query_row(
                "SELECT document FROM reports WHERE trial = ?1 AND id = ?2",
                params![trial, id],
                |r| r.get(0),
            )
            .optional()?)
        })
    }

    /// Release report `id` of `trial` to its readers, audited; `false` when
    /// it was released already (nothing changes).
    pub fn release_report(&self, by: &str, address: &str, trial: &str, id: i64) -> Result<bool> {
        let r = self
            .report(trial, id)?
            .ok_or_else(|| StoreError::Invalid(format!("report {id} of {trial} does not exist")))?;
        if r.released() {
            return Ok(false);
        }
        let (who, at) = (by.to_string(), now_text());
        let detail = format!(
            "{} version {} of the cut of {} (pdf {}, html {})",
            r.kind.label(),
            r.version,
            r.cut_date,
            r.pdf_sha256,
            r.html_sha256
        );
        let t = trial.to_string();
        let entry = NewAudit {
            username: by,
            action: AuditAction::ReleaseReport,
            trial,
            detail: &detail,
            address,
        };
        let done = self.audit_with(entry, move |tx| {
            let changed = tx.execute(
                "UPDATE reports SET released_by = ?1, released_at = ?2 WHERE trial = ?3 AND id = ?4 AND released_at IS NULL",
                params![who, at, t, id],
            )?;
            // Released by another request meanwhile: no entry, no change.
            if changed == 0 {
                return Err(StoreError::Invalid(RELEASED_ALREADY.into()));
            }
            Ok(())
        });
        match done {
            Ok(_) => Ok(true),
            Err(StoreError::Invalid(why)) if why == RELEASED_ALREADY => Ok(false),
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(kind: ReportKind) -> NewReport {
        NewReport {
            trial: "t".into(),
            cut_date: "2024-12-31".into(),
            kind,
            manifest_sha256: None,
            software: "dsmb test".into(),
            built_at: "2026-12-01T09:30:00Z".into(),
            document: "{}".into(),
            pdf: b"%PDF".to_vec(),
            html: b"<html>".to_vec(),
        }
    }

    #[test]
    fn a_built_report_is_versioned_released_once_and_never_changed() {
        let store = Store::in_memory().unwrap();
        let a = store
            .add_report("stat", "-", new(ReportKind::Closed))
            .unwrap();
        let b = store
            .add_report("stat", "-", new(ReportKind::Closed))
            .unwrap();
        let o = store
            .add_report("stat", "-", new(ReportKind::Open))
            .unwrap();
        let version = |id| store.report("t", id).unwrap().unwrap().version;
        assert_eq!((version(a), version(b), version(o)), (1, 2, 1));
        assert_eq!(
            store.report("t", a).unwrap().unwrap().pdf_sha256,
            sha256_hex(b"%PDF")
        );
        assert!(store.release_report("stat", "-", "t", a).unwrap());
        assert!(!store.release_report("stat", "-", "t", a).unwrap(), "once");
        let r = store.report("t", a).unwrap().unwrap();
        assert_eq!(r.released_by.as_deref(), Some("stat"));
        // Not even the database itself changes or deletes a built report.
        store
            .with(|c| {
                for sql in [
                    "UPDATE reports SET pdf = x'00' WHERE id = 2",
                    "UPDATE reports SET released_at = NULL WHERE id = 1",
                    "DELETE FROM reports WHERE id = 2",
                ] {
                    assert!(c.execute(sql, []).is_err(), "{sql}");
                }
                Ok(())
            })
            .unwrap();
        let actions: Vec<String> = store
            .audit_entries(None, None, None, 20)
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
        for want in ["build-report", "decode-report", "release-report"] {
            assert!(actions.iter().any(|a| a == want), "{want}: {actions:?}");
        }
    }
}
