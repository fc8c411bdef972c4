//! One file of an upload as it is written: under the file's limit and
//! staging's quota (the bytes are counted as they arrive and given back if
//! the file is not kept), hashed as it streams.

use super::{FileRole, Limits, WriteError};
use crate::server::digest::Hasher;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use tokio::io::AsyncWriteExt;

pub(super) fn io_error(name: &str, e: std::io::Error) -> WriteError {
    // ENOSPC, EDQUOT: the disk (or the user's share of it) is full.
    if e.kind() == std::io::ErrorKind::StorageFull || matches!(e.raw_os_error(), Some(28 | 122)) {
        WriteError::Full {
            name: name.to_string(),
        }
    } else {
        WriteError::Io {
            name: name.to_string(),
            source: e,
        }
    }
}

/// One file of an upload as it is written.
pub struct FileSink {
    pub(super) role: FileRole,
    pub(super) name: String,
    pub(super) file: tokio::fs::File,
    pub(super) hasher: Hasher,
    pub(super) bytes: u64,
    pub(super) limits: Limits,
    pub(super) used: Arc<AtomicU64>,
    pub(super) done: bool,
}

impl FileSink {
    /// Append `chunk`: refused beyond the file's limit or staging's quota.
    pub async fn write(&mut self, chunk: &[u8]) -> Result<(), WriteError> {
        let n = chunk.len() as u64;
        if self.bytes + n > self.limits.max_file_bytes {
            return Err(WriteError::TooLarge {
                name: self.name.clone(),
                limit: self.limits.max_file_bytes,
            });
        }
        let before = self.used.fetch_add(n, Ordering::Relaxed);
        self.bytes += n;
        if self.limits.quota_bytes.is_some_and(|q| before + n > q) {
            return Err(WriteError::Full {
                name: self.name.clone(),
            });
        }
        self.file
            .write_all(chunk)
            .await
            .map_err(|e| io_error(&self.name, e))?;
        self.hasher.update(chunk);
        Ok(())
    }

    pub fn name(&self) -> &str {
        &self.name
    }
}

impl Drop for FileSink {
    fn drop(&mut self) {
        if !self.done {
            self.used.fetch_sub(self.bytes, Ordering::Relaxed);
        }
    }
}
