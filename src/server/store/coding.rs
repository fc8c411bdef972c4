//! The DSMB's coded groups (a random letter per arm, per trial) and the
//! record of each member's decode.

use super::action::{AuditAction, NewAudit};
use super::clock::now_text;
use super::db::Store;
use super::error::Result;
use rusqlite::{params, Connection, OptionalExtension};

impl Store {
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

    /// `trial`'s coded letters as assigned, assigning none (empty when the
    /// trial has none yet): for readers that must not re-letter a trial.
    pub fn assigned_arm_codes(&self, trial: &str) -> Result<Vec<(String, String)>> {
        self.with(|c| read_codes(c, trial))
    }

    /// Set `trial`'s coded letters to `codes` ((arm, letter) pairs, one per
    /// arm, letters distinct): restoring a trial's coding from a backup, and
    /// the blinding tests, which code a relabelled twin so that every
    /// subject keeps its letter.
    pub fn assign_arm_codes(&self, trial: &str, codes: &[(String, String)]) -> Result<()> {
        self.with(|c| {
            let tx = c.transaction()?;
            tx.execute("DELETE FROM arm_codes WHERE trial = ?1", [trial])?;
            for (arm, code) in codes {
                tx.execute(
                    "INSERT INTO arm_codes (trial, arm, code) VALUES (?1, ?2, ?3)",
                    params![trial, arm, code],
                )?;
            }
            tx.commit()?;
            Ok(())
        })
    }

    /// Record that DSMB member `user` (`username`) decoded `trial`'s groups,
    /// with its audit entry in the same transaction: no decode is in force
    /// unless it is in the audit trail.
    pub fn record_decode(
        &self,
        user: i64,
        username: &str,
        trial: &str,
        address: &str,
    ) -> Result<()> {
        let t = trial.to_string();
        self.audit_with(
            NewAudit {
                username,
                action: AuditAction::Decode,
                trial,
                detail: "decoded the arm groups",
                address,
            },
            move |tx| {
                tx.execute(
                    "INSERT OR REPLACE INTO decodes (user_id, trial, at) VALUES (?1, ?2, ?3)",
                    params![user, t, now_text()],
                )?;
                Ok(())
            },
        )
        .map(|_| ())
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
}

fn read_codes(c: &Connection, trial: &str) -> Result<Vec<(String, String)>> {
    let mut stmt = c.prepare("SELECT arm, code FROM arm_codes WHERE trial = ?1 ORDER BY code")?;
    let rows = stmt
        .query_map([trial], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<std::result::Result<_, _>>()?;
    Ok(rows)
}
