//! The DSMB's meetings: the record of each review (the cut, attendees, open
//! and closed minutes, the recommendation and its rationale), signed by
//! the trial's chair, and immutable once signed; a correction is a new
//! record that names the one it amends. Every write is one transaction with
//! its audit entry (`Store::audit_with`): no record exists, or is signed,
//! that the audit trail does not show.

use super::action::{AuditAction, NewAudit};
use super::clock::now_text;
use super::db::Store;
use super::error::{Result, StoreError};
use super::recommendation::Recommendation;
use crate::server::digest::sha256_hex;
use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension, Row};
use std::sync::{Arc, Mutex};

/// What a signature means, recorded with it.
pub const SIGNATURE_MEANING: &str = "approved as the DSMB's recommendation";

/// Where a trial stands by the signed meeting `m`: "stopped for futility
/// (signed recommendation of 2024-10-09)", "ongoing (...)".
pub fn status_words(m: &Meeting) -> String {
    let status = m.fields.recommendation.status().unwrap_or("ongoing");
    format!(
        "{status} (signed recommendation of the meeting of {})",
        m.fields.meeting_date
    )
}

/// A date as the meetings keep and show it (`2024-10-09`), or what is
/// wrong with it (`what` names the field).
pub fn parse_date(raw: &str, what: &str) -> std::result::Result<NaiveDate, String> {
    let raw = raw.trim();
    NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|_| {
        let shown: String = raw.chars().take(40).collect();
        format!("{what} {shown:?} is not a date (YYYY-MM-DD)")
    })
}

/// A meeting as written by the statistician.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NewMeeting {
    pub meeting_date: NaiveDate,
    pub cut_date: NaiveDate,
    pub open_attendees: String,
    pub closed_attendees: String,
    pub open_minutes: String,
    pub closed_minutes: String,
    pub recommendation: Recommendation,
    pub recommendation_text: String,
    pub rationale: String,
    /// The record this one corrects.
    pub amends: Option<i64>,
}

/// A meeting record as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Meeting {
    pub id: i64,
    pub trial: String,
    pub fields: NewMeeting,
    pub created_by: String,
    pub created_at: String,
    pub signed_by: Option<String>,
    pub signed_at: Option<String>,
    pub signature_meaning: Option<String>,
    pub signature_hash: Option<String>,
    /// The record that corrects this one, if any.
    pub amended_by: Option<i64>,
}

impl Meeting {
    pub fn signed(&self) -> bool {
        self.signed_at.is_some()
    }
}

/// Why a signature was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum SignRefusal {
    NoMeeting,
    NotChair,
    WrongPassword,
    AlreadySigned,
    Superseded,
}

impl SignRefusal {
    pub fn reason(&self) -> &'static str {
        match self {
            SignRefusal::NoMeeting => "no such meeting",
            SignRefusal::NotChair => "only the chair of the trial's DSMB signs its meetings",
            SignRefusal::WrongPassword => "the password is not right; the meeting was not signed",
            SignRefusal::AlreadySigned => {
                "the meeting is signed already: a correction is a new version"
            }
            SignRefusal::Superseded => "this version was corrected by a later one: sign that one",
        }
    }
}

const COLUMNS: &str = "m.id, m.trial, m.meeting_date, m.cut_date, m.open_attendees, m.closed_attendees, \
    m.open_minutes, m.closed_minutes, m.recommendation, m.recommendation_text, m.rationale, m.amends, \
    m.created_by, m.created_at, m.signed_by, m.signed_at, m.signature_meaning, m.signature_hash, \
    (SELECT MIN(n.id) FROM meetings n WHERE n.amends = m.id)";

/// Column `i` of a row, read by `parse` (a value the store did not write
/// as this code would is a conversion failure, not a guess).
fn parsed<T>(
    r: &Row<'_>,
    i: usize,
    parse: impl Fn(&str) -> std::result::Result<T, String>,
) -> rusqlite::Result<T> {
    let raw: String = r.get(i)?;
    parse(&raw).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, e.into())
    })
}

fn meeting(r: &Row<'_>) -> rusqlite::Result<Meeting> {
    Ok(Meeting {
        id: r.get(0)?,
        trial: r.get(1)?,
        fields: NewMeeting {
            meeting_date: parsed(r, 2, |d| parse_date(d, "the meeting date"))?,
            cut_date: parsed(r, 3, |d| parse_date(d, "the cut reviewed"))?,
            open_attendees: r.get(4)?,
            closed_attendees: r.get(5)?,
            open_minutes: r.get(6)?,
            closed_minutes: r.get(7)?,
            recommendation: parsed(r, 8, Recommendation::parse)?,
            recommendation_text: r.get(9)?,
            rationale: r.get(10)?,
            amends: r.get(11)?,
        },
        created_by: r.get(12)?,
        created_at: r.get(13)?,
        signed_by: r.get(14)?,
        signed_at: r.get(15)?,
        signature_meaning: r.get(16)?,
        signature_hash: r.get(17)?,
        amended_by: r.get(18)?,
    })
}

fn get(c: &Connection, trial: &str, id: i64) -> Result<Option<Meeting>> {
    Ok(c.query_row(
        &format!("SELECT {COLUMNS} FROM meetings m WHERE m.trial = ?1 AND m.id = ?2"),
        params![trial, id],
        meeting,
    )
    .optional()?)
}

/// The hash a signature covers: every field of the record, the signer and
/// the time, in order, each length-prefixed.
fn signature_hash(m: &Meeting, signer: &str, at: &str) -> String {
    let f = &m.fields;
    let amends = f.amends.map(|a| a.to_string()).unwrap_or_default();
    let (meeting_date, cut_date) = (f.meeting_date.to_string(), f.cut_date.to_string());
    let parts = [
        m.id.to_string().as_str(),
        &m.trial,
        &meeting_date,
        &cut_date,
        &f.open_attendees,
        &f.closed_attendees,
        &f.open_minutes,
        &f.closed_minutes,
        f.recommendation.as_str(),
        &f.recommendation_text,
        &f.rationale,
        &amends,
        signer,
        at,
        SIGNATURE_MEANING,
    ]
    .iter()
    .map(|p| format!("{}:{p}", p.len()))
    .collect::<Vec<_>>()
    .join("|");
    sha256_hex(parts.as_bytes())
}

/// Check a new meeting's fields (its dates and recommendation are typed
/// already): a rationale, and no field past the limit.
pub fn check(m: &NewMeeting) -> std::result::Result<(), String> {
    if m.rationale.trim().is_empty() {
        return Err("a recommendation needs its rationale".into());
    }
    let long = [
        &m.open_attendees,
        &m.closed_attendees,
        &m.open_minutes,
        &m.closed_minutes,
        &m.recommendation_text,
        &m.rationale,
    ]
    .into_iter()
    .any(|t| t.len() > 100_000);
    if long {
        return Err("a field is longer than 100,000 characters".into());
    }
    Ok(())
}

impl Store {
    /// Whether `username` chairs `trial`'s DSMB.
    pub fn is_chair(&self, username: &str, trial: &str) -> Result<bool> {
        self.with(|c| {
            Ok(c.query_row(
                "SELECT r.chair FROM roles r JOIN users u ON u.id = r.user_id \
                 WHERE u.username = ?1 AND r.trial = ?2 AND r.role = 'dsmb'",
                params![username, trial],
                |r| r.get::<_, i64>(0),
            )
            .optional()?
            .is_some_and(|c| c != 0))
        })
    }

    /// Make DSMB member `username` the chair of `trial` (the one chair:
    /// any other is no longer), audited as `by`.
    pub fn set_chair(&self, by: &str, address: &str, username: &str, trial: &str) -> Result<()> {
        let dsmb: bool = self.with(|c| {
            Ok(c.query_row(
                "SELECT COUNT(*) FROM roles r JOIN users u ON u.id = r.user_id \
                 WHERE u.username = ?1 AND r.trial = ?2 AND r.role = 'dsmb'",
                params![username, trial],
                |r| r.get::<_, i64>(0),
            )? > 0)
        })?;
        if !dsmb {
            return Err(StoreError::Invalid(format!(
                "{username} is not a DSMB member of {trial}: only a DSMB member chairs it"
            )));
        }
        let (u, t) = (username.to_string(), trial.to_string());
        self.audit_with(
            NewAudit {
                username: by,
                action: AuditAction::Chair,
                trial,
                detail: &format!("{username} chairs the DSMB"),
                address,
            },
            move |tx| {
                tx.execute("UPDATE roles SET chair = 0 WHERE trial = ?1", [&t])?;
                tx.execute(
                    "UPDATE roles SET chair = 1 WHERE trial = ?1 AND role = 'dsmb' \
                     AND user_id = (SELECT id FROM users WHERE username = ?2)",
                    params![t, u],
                )?;
                Ok(())
            },
        )
        .map(|_| ())
    }

    /// Record a meeting of `trial` written by `by`; its id. A correction
    /// (`amends`) must name a meeting of the same trial that no other record
    /// corrects yet.
    pub fn add_meeting(&self, by: &str, address: &str, trial: &str, m: &NewMeeting) -> Result<i64> {
        check(m).map_err(StoreError::Invalid)?;
        if let Some(a) = m.amends {
            let earlier = self.meeting(trial, a)?.ok_or_else(|| {
                StoreError::Invalid(format!("meeting {a} of {trial} does not exist"))
            })?;
            if let Some(later) = earlier.amended_by {
                return Err(StoreError::Invalid(format!(
                    "meeting {a} is corrected already (by meeting {later}): amend that one"
                )));
            }
        }
        let id: Arc<Mutex<Option<i64>>> = Arc::default();
        let (out, t, f, who, at) = (
            id.clone(),
            trial.to_string(),
            m.clone(),
            by.to_string(),
            now_text(),
        );
        let detail = match m.amends {
            Some(a) => format!(
                "meeting of {} on the cut of {}, correcting meeting {a}",
                m.meeting_date, m.cut_date
            ),
            None => format!("meeting of {} on the cut of {}", m.meeting_date, m.cut_date),
        };
        let entry = NewAudit {
            username: by,
            action: AuditAction::Meeting,
            trial,
            detail: &detail,
            address,
        };
        self.audit_with(entry, move |tx| {
            // Checked again inside the transaction that inserts, and held by
            // the unique index on `amends`: two corrections sent at once
            // leave exactly one.
            if let Some(a) = f.amends {
                let (of_trial, corrected): (bool, bool) = tx.query_row(
                    "SELECT EXISTS (SELECT 1 FROM meetings WHERE id = ?1 AND trial = ?2), \
                     EXISTS (SELECT 1 FROM meetings WHERE amends = ?1)",
                    params![a, t],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?;
                if !of_trial {
                    return Err(StoreError::Invalid(format!(
                        "meeting {a} of {t} does not exist"
                    )));
                }
                if corrected {
                    return Err(StoreError::Invalid(format!(
                        "meeting {a} is corrected already: amend the correction"
                    )));
                }
            }
            tx.execute(
                "INSERT INTO meetings (trial, meeting_date, cut_date, open_attendees, closed_attendees, \
                 open_minutes, closed_minutes, recommendation, recommendation_text, rationale, amends, \
                 created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                params![
                    t,
                    f.meeting_date.to_string(),
                    f.cut_date.to_string(),
                    f.open_attendees,
                    f.closed_attendees,
                    f.open_minutes,
                    f.closed_minutes,
                    f.recommendation.as_str(),
                    f.recommendation_text,
                    f.rationale,
                    f.amends,
                    who,
                    at
                ],
            )?;
            *out.lock().unwrap_or_else(|e| e.into_inner()) = Some(tx.last_insert_rowid());
            Ok(())
        })
        .map_err(|e| match e {
            StoreError::Sql(rusqlite::Error::SqliteFailure(f, _))
                if f.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                StoreError::Invalid("the meeting is corrected already: amend the correction".into())
            }
            e => e,
        })?;
        let id = *id.lock().unwrap_or_else(|e| e.into_inner());
        id.ok_or_else(|| StoreError::Invalid("the meeting was not recorded".into()))
    }

    /// Meeting `id` of `trial`.
    pub fn meeting(&self, trial: &str, id: i64) -> Result<Option<Meeting>> {
        self.with(|c| get(c, trial, id))
    }

    /// Every meeting record of `trial`, newest meeting first (later
    /// versions of one meeting before earlier ones).
    pub fn meetings(&self, trial: &str) -> Result<Vec<Meeting>> {
        self.with(|c| {
            let mut st = c.prepare(&format!(
                "SELECT {COLUMNS} FROM meetings m WHERE m.trial = ?1 ORDER BY m.meeting_date DESC, m.id DESC"
            ))?;
            let rows = st.query_map([trial], meeting)?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    /// The chair `username` signs meeting `id` of `trial`, having given
    /// their password again: the signer, the time, the meaning and a hash
    /// of the record are kept, and the record is immutable from then on
    /// (a trigger refuses any later update). A refusal is returned, not
    /// recorded: the caller audits it.
    pub fn sign_meeting(
        &self,
        username: &str,
        password: &str,
        address: &str,
        trial: &str,
        id: i64,
    ) -> Result<std::result::Result<Meeting, SignRefusal>> {
        let Some(m) = self.meeting(trial, id)? else {
            return Ok(Err(SignRefusal::NoMeeting));
        };
        if !self.is_chair(username, trial)? {
            return Ok(Err(SignRefusal::NotChair));
        }
        if self.authenticate(username, password)?.is_none() {
            return Ok(Err(SignRefusal::WrongPassword));
        }
        if m.signed() {
            return Ok(Err(SignRefusal::AlreadySigned));
        }
        if m.amended_by.is_some() {
            return Ok(Err(SignRefusal::Superseded));
        }
        let at = now_text();
        let hash = signature_hash(&m, username, &at);
        let (who, when, h) = (username.to_string(), at.clone(), hash.clone());
        let detail = format!(
            "signed meeting {id} ({}): {SIGNATURE_MEANING}; sha256 {hash}",
            m.fields.meeting_date
        );
        let entry = NewAudit {
            username,
            action: AuditAction::Sign,
            trial,
            detail: &detail,
            address,
        };
        self.audit_with(entry, move |tx| {
            let n = tx.execute(
                "UPDATE meetings SET signed_by = ?1, signed_at = ?2, signature_meaning = ?3, \
                 signature_hash = ?4 WHERE id = ?5 AND signed_at IS NULL \
                 AND NOT EXISTS (SELECT 1 FROM meetings n WHERE n.amends = ?5)",
                params![who, when, SIGNATURE_MEANING, h, id],
            )?;
            if n != 1 {
                return Err(StoreError::Invalid(
                    "the meeting is signed or corrected already".into(),
                ));
            }
            Ok(())
        })?;
        Ok(self.meeting(trial, id)?.ok_or(SignRefusal::NoMeeting))
    }

    /// The cut reviewed at `trial`'s last signed meeting on a cut before
    /// `before` (the newest meeting date), if any.
    pub fn last_reviewed_cut(&self, trial: &str, before: &str) -> Result<Option<String>> {
        self.last_reviewed_where(trial, |cut| cut < before)
    }

    /// The cut reviewed at `trial`'s last signed meeting on cut `cut` or an
    /// earlier one, if any.
    pub fn last_reviewed_cut_through(&self, trial: &str, cut: &str) -> Result<Option<String>> {
        self.last_reviewed_where(trial, |c| c <= cut)
    }

    /// `trial`'s last signed meeting on a cut before `before`, if any (the
    /// report documents' "previous meeting").
    pub fn last_signed_meeting(&self, trial: &str, before: &str) -> Result<Option<Meeting>> {
        self.last_signed_where(trial, |cut| cut < before)
    }

    fn last_reviewed_where(
        &self,
        trial: &str,
        keep: impl Fn(&str) -> bool,
    ) -> Result<Option<String>> {
        Ok(self
            .last_signed_where(trial, keep)?
            .map(|m| m.fields.cut_date.to_string()))
    }

    fn last_signed_where(
        &self,
        trial: &str,
        keep: impl Fn(&str) -> bool,
    ) -> Result<Option<Meeting>> {
        Ok(self
            .meetings(trial)?
            .into_iter()
            .filter(|m| m.signed() && keep(&m.fields.cut_date.to_string()))
            .max_by_key(|m| (m.fields.meeting_date, m.id)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dto::Role;

    #[test]
    fn a_signed_record_cannot_be_changed_or_deleted_even_with_the_database() {
        let store = Store::in_memory().unwrap();
        store
            .add_user(
                "chair",
                "a long enough password",
                &[("t".into(), Role::Dsmb)],
            )
            .unwrap();
        store.set_chair("test", "test", "chair", "t").unwrap();
        let m = NewMeeting {
            meeting_date: parse_date("2025-01-01", "").unwrap(),
            cut_date: parse_date("2024-12-31", "").unwrap(),
            recommendation: Recommendation::Continue,
            rationale: "r".into(),
            ..Default::default()
        };
        let id = store.add_meeting("stat", "test", "t", &m).unwrap();
        // Unsigned, the record can still be written to (it is a draft).
        store
            .with(|c| Ok(c.execute("UPDATE meetings SET open_minutes = 'x' WHERE id = ?1", [id])?))
            .unwrap();
        let signed = store
            .sign_meeting("chair", "a long enough password", "test", "t", id)
            .unwrap()
            .unwrap();
        assert!(signed.signed());
        for sql in [
            "UPDATE meetings SET recommendation = 'stop_harm' WHERE id = ?1",
            "UPDATE meetings SET signed_by = NULL, signed_at = NULL WHERE id = ?1",
            "DELETE FROM meetings WHERE id = ?1",
        ] {
            let r = store.with(|c| Ok(c.execute(sql, [id])?));
            assert!(r.is_err(), "{sql} went through");
        }
        assert_eq!(store.meeting("t", id).unwrap(), Some(signed));
        // A signature by someone who is not the chair, or with a wrong
        // password, is refused.
        let id2 = store.add_meeting("stat", "test", "t", &m).unwrap();
        assert_eq!(
            store
                .sign_meeting("chair", "wrong", "test", "t", id2)
                .unwrap(),
            Err(SignRefusal::WrongPassword)
        );
        assert_eq!(
            store
                .sign_meeting("stat", "a long enough password", "test", "t", id2)
                .unwrap(),
            Err(SignRefusal::NotChair)
        );
    }
}
