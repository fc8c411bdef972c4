//! An upload being written: each file named and placed by its role,
//! written through a [`FileSink`], kept in the upload when whole; an upload
//! dropped before it is kept removes its folder and gives its bytes back
//! to the quota.

use super::sink::{io_error, FileSink};
use super::{FileRole, Limits, Reserved, Staged, StagedFile, WriteError};
use crate::server::data::layout::{self, DATASETS};
use crate::server::data::read::FORMATS;
use crate::server::digest::Hasher;
use crate::server::firewall::RANDOMIZATION_LIST;
use chrono::NaiveDate;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use tokio::io::AsyncWriteExt;

/// An upload being written: dropped before it is kept (a failure, a
/// dropped connection), it removes its folder.
pub struct Pending {
    pub(super) writing: Reserved,
    pub(super) key: (String, NaiveDate, String),
    pub(super) staged: Option<Staged>,
    pub(super) limits: Limits,
    pub(super) used: Arc<AtomicU64>,
    pub(super) written: u64,
}

impl Pending {
    pub fn id(&self) -> &str {
        &self.staged.as_ref().expect("pending").id
    }

    /// Where file `name` of role `role` goes, or why it may not be
    /// uploaded.
    fn target(&self, role: FileRole, name: &str) -> Result<(String, PathBuf), WriteError> {
        let s = self.staged.as_ref().expect("pending");
        let bad = |message: &str| WriteError::Bad {
            name: name.to_string(),
            message: message.to_string(),
        };
        let plain = !name.is_empty()
            && name.len() <= 100
            && !name.starts_with('.')
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        if !plain {
            return Err(bad("a file name is letters, digits, '.', '_' and '-' only"));
        }
        let (kept, dir) = match role {
            FileRole::Dataset => {
                let p = Path::new(name);
                let stem = p.file_stem().and_then(|s| s.to_str()).unwrap_or("");
                let ext = p.extension().and_then(|s| s.to_str()).unwrap_or("");
                if !DATASETS.iter().any(|d| stem.eq_ignore_ascii_case(d))
                    || !FORMATS.iter().any(|f| ext.eq_ignore_ascii_case(f))
                {
                    return Err(bad(&format!(
                        "is not one of the cut's datasets ({}) as .csv, .parquet or .xpt",
                        DATASETS.join(", ")
                    )));
                }
                (name.to_string(), s.part_dir())
            }
            FileRole::RandomizationList => {
                if !name.to_ascii_lowercase().ends_with(".csv") {
                    return Err(bad("the randomization list is a CSV file (USUBJID, ARMCD)"));
                }
                (RANDOMIZATION_LIST.to_string(), s.cut_dir.clone())
            }
            FileRole::Manifest => {
                if name != layout::MANIFEST {
                    return Err(bad("a cut's manifest is named manifest.json"));
                }
                (name.to_string(), s.cut_dir.clone())
            }
        };
        if s.files
            .iter()
            .any(|f| f.name.eq_ignore_ascii_case(&kept) && f.role == role)
        {
            return Err(bad("is uploaded twice"));
        }
        Ok((kept.clone(), dir.join(kept)))
    }

    /// Open file `name` of role `role` for writing, under the limits.
    pub async fn open(&mut self, role: FileRole, name: &str) -> Result<FileSink, WriteError> {
        let (kept, path) = self.target(role, name)?;
        let file = tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .await
            .map_err(|e| io_error(&kept, e))?;
        Ok(FileSink {
            role,
            name: kept,
            file,
            hasher: Hasher::new(),
            bytes: 0,
            limits: self.limits.clone(),
            used: self.used.clone(),
            done: false,
        })
    }

    /// The file `sink` is written whole: flushed and kept in the upload.
    pub async fn close(&mut self, mut sink: FileSink) -> Result<(), WriteError> {
        let flushed = async {
            sink.file.flush().await?;
            sink.file.sync_data().await
        }
        .await;
        flushed.map_err(|e| io_error(&sink.name, e))?;
        sink.done = true;
        self.written += sink.bytes;
        let s = self.staged.as_mut().expect("pending");
        s.files.push(StagedFile {
            role: sink.role,
            name: sink.name.clone(),
            bytes: sink.bytes,
            sha256: std::mem::take(&mut sink.hasher).hex(),
        });
        Ok(())
    }

    /// The files written so far.
    pub fn files(&self) -> &[StagedFile] {
        &self.staged.as_ref().expect("pending").files
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        // Not kept: whatever was written goes.
        if let Some(s) = self.staged.take() {
            self.used.fetch_sub(self.written, Ordering::Relaxed);
            let _ = std::fs::remove_dir_all(&s.home);
            release(&self.writing, &self.key);
        }
    }
}

/// The upload `key` is no longer being written.
pub(super) fn release(writing: &Reserved, key: &(String, NaiveDate, String)) {
    let mut w = writing.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(k) = w.iter().position(|x| x == key) {
        w.remove(k);
    }
}
