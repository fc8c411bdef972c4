//! The access store (SQLite): users and their role per trial ([`users`]),
//! sessions ([`sessions`]), the DSMB's coded arm groups and decodes
//! ([`coding`]), the DSMB's meetings and their signatures ([`meetings`]),
//! and the hash-chained audit trail ([`audit`]).
//!
//! Every function here is blocking (rusqlite); the web layer calls them with
//! `spawn_blocking`. One connection behind a mutex serializes writers; the
//! audit trail has one writer of its own, so its chain cannot fork under
//! concurrent requests; WAL mode lets the command line read and write beside
//! a running server.
//!
//! May not: know about pages, reports or data cuts.

pub mod action;
pub mod audit;
pub mod audit_key;
pub mod audit_query;
pub mod audit_writer;
pub mod clock;
pub mod coding;
pub mod db;
pub mod error;
pub mod looks;
pub mod meetings;
pub mod recommendation;
pub mod reports;
pub mod sessions;
pub mod users;

pub use action::{AuditAction, NewAudit};
pub use audit::{entry_hash, AuditEntry, ChainBreak, EntryFields};
pub use audit_key::AuditFiles;
pub use audit_query::AuditFilter;
pub use clock::random_hex;
pub use db::Store;
pub use error::StoreError;
pub use recommendation::Recommendation;
pub use sessions::{SessionUser, ABSOLUTE_TIMEOUT_SECS, IDLE_TIMEOUT_SECS};
pub use users::{hash_password, verify_password, UserInfo};
