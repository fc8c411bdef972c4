//! The audit trail's secret key and its signed checkpoint, both kept
//! outside the database: a copy of the database file alone can neither
//! re-chain a rewritten entry (the chain is an HMAC under the key) nor be
//! cut short unnoticed (the checkpoint names the last entry and its hash,
//! signed with the key).
//!
//! The key file is created once, with mode 0600, when the trail has no keyed
//! entry yet; after that a missing key is an error, never a new key.

use super::error::{Result, StoreError};
use crate::server::digest::hex;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::path::{Path, PathBuf};
use std::sync::Arc;

type HmacSha256 = Hmac<Sha256>;

/// Where the key and the checkpoint of a database's audit trail are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditFiles {
    pub key: PathBuf,
    pub checkpoint: PathBuf,
}

impl AuditFiles {
    /// The default: beside the database, named after it
    /// (`dsmb.sqlite` -> `dsmb.audit-key`, `dsmb.audit-checkpoint`).
    pub fn beside(db: &Path) -> AuditFiles {
        AuditFiles {
            key: db.with_extension("audit-key"),
            checkpoint: db.with_extension("audit-checkpoint"),
        }
    }
}

/// The secret key of the audit chain (32 random bytes).
#[derive(Clone)]
pub struct AuditKey(Arc<[u8; 32]>);

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuditKey(..)")
    }
}

impl AuditKey {
    /// A new random key (an in-memory store's, or a new trail's).
    pub fn random() -> AuditKey {
        let mut k = [0u8; 32];
        getrandom::fill(&mut k).expect("the operating system's random source");
        AuditKey(Arc::new(k))
    }

    /// The key in `path`; created (mode 0600) only when `may_create`, that
    /// is by the open that makes the trail keyed.
    pub fn load_or_create(path: &Path, may_create: bool) -> Result<AuditKey> {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::parse(text.trim()).ok_or_else(|| {
                StoreError::Invalid(format!(
                    "the audit key {} is not a key written by dsmb",
                    path.display()
                ))
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && may_create => {
                let key = Self::random();
                key.create_file(path)?;
                Ok(key)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Err(StoreError::Invalid(format!(
                    "the audit key {} is missing: the audit trail cannot be verified or extended without it (restore the file; a new key is never made for a trail that has keyed entries)",
                    path.display()
                )))
            }
            Err(e) => Err(StoreError::Invalid(format!(
                "cannot read the audit key {}: {e}",
                path.display()
            ))),
        }
    }

    fn parse(hex_text: &str) -> Option<AuditKey> {
        if hex_text.len() != 64 {
            return None;
        }
        let mut k = [0u8; 32];
        for (i, b) in k.iter_mut().enumerate() {
            *b = u8::from_str_radix(hex_text.get(2 * i..2 * i + 2)?, 16).ok()?;
        }
        Some(AuditKey(Arc::new(k)))
    }

    fn create_file(&self, path: &Path) -> Result<()> {
        use std::io::Write;
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let fail = |e: std::io::Error| {
            StoreError::Invalid(format!(
                "cannot create the audit key {}: {e}",
                path.display()
            ))
        };
        let mut f = opts.open(path).map_err(fail)?;
        f.write_all(format!("{}\n", hex(&self.0[..])).as_bytes())
            .map_err(fail)?;
        f.sync_all().map_err(fail)
    }

    /// HMAC-SHA-256 of `parts`, each length-prefixed so that no two inputs
    /// collide by moving bytes between parts, as hex.
    pub fn mac(&self, parts: &[&[u8]]) -> String {
        let mut m = HmacSha256::new_from_slice(&self.0[..]).expect("HMAC takes a key of any size");
        for p in parts {
            m.update(&(p.len() as u64).to_le_bytes());
            m.update(p);
        }
        hex(&m.finalize().into_bytes())
    }

    /// Whether `expected` (hex) is the HMAC of `parts`, compared in
    /// constant time.
    pub fn verify(&self, parts: &[&[u8]], expected: &str) -> bool {
        let Some(tag) = crate::server::digest::unhex(expected) else {
            return false;
        };
        let mut m = HmacSha256::new_from_slice(&self.0[..]).expect("HMAC takes a key of any size");
        for p in parts {
            m.update(&(p.len() as u64).to_le_bytes());
            m.update(p);
        }
        m.verify_slice(&tag).is_ok()
    }
}

/// The last entry of the trail as its writer last saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    pub id: i64,
    pub hash: String,
}

impl Checkpoint {
    fn mac(&self, key: &AuditKey) -> String {
        key.mac(&[b"checkpoint", &self.id.to_le_bytes(), self.hash.as_bytes()])
    }

    /// Whether `mac` signs this checkpoint, compared in constant time.
    fn signed_by(&self, key: &AuditKey, mac: &str) -> bool {
        key.verify(
            &[b"checkpoint", &self.id.to_le_bytes(), self.hash.as_bytes()],
            mac,
        )
    }

    /// Write the signed checkpoint to `path`, replacing the old one at once
    /// (written beside it, then renamed).
    pub fn write(&self, path: &Path, key: &AuditKey) -> std::io::Result<()> {
        let tmp = path.with_extension("tmp");
        std::fs::write(
            &tmp,
            format!("{} {} {}\n", self.id, self.hash, self.mac(key)),
        )?;
        std::fs::rename(&tmp, path)
    }

    /// The checkpoint in `path`: `Ok(None)` when there is none, an error
    /// naming what is wrong when it is unreadable or its signature fails.
    pub fn read(path: &Path, key: &AuditKey) -> std::result::Result<Option<Checkpoint>, String> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
        };
        let mut parts = text.split_whitespace();
        let (Some(id), Some(hash), Some(mac), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(format!("{} is not an audit checkpoint", path.display()));
        };
        let id: i64 = id
            .parse()
            .map_err(|_| format!("{} is not an audit checkpoint", path.display()))?;
        let cp = Checkpoint {
            id,
            hash: hash.to_string(),
        };
        if !cp.signed_by(key, mac) {
            return Err(format!(
                "the signature of {} does not match the audit key",
                path.display()
            ));
        }
        Ok(Some(cp))
    }
}

#[cfg(test)]
mod tests {
    use super::AuditKey;

    #[test]
    fn a_mac_is_verified_only_when_it_is_the_macs_every_byte() {
        let key = AuditKey::random();
        let parts: [&[u8]; 2] = [b"entry", b"fields"];
        let mac = key.mac(&parts);
        assert!(key.verify(&parts, &mac));
        assert!(
            key.verify(&parts, &mac.to_uppercase()),
            "hex in either case"
        );
        // One hex digit changed, first or last; cut short; not hex; another
        // key's; other parts.
        let flip = |i: usize| {
            let mut b = mac.clone().into_bytes();
            b[i] = if b[i] == b'0' { b'1' } else { b'0' };
            String::from_utf8(b).unwrap()
        };
        assert!(!key.verify(&parts, &flip(0)));
        assert!(!key.verify(&parts, &flip(mac.len() - 1)));
        assert!(!key.verify(&parts, &mac[..62]));
        assert!(!key.verify(&parts, &format!("{}zz", &mac[..62])));
        assert!(!key.verify(&parts, ""));
        assert!(!AuditKey::random().verify(&parts, &mac));
        assert!(!key.verify(&[b"entry", b"field", b"s"], &mac));
    }
}
