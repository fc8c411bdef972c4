//! An export of the audit trail, as the command line (`dsmb audit export`)
//! and the statistician's download make it: the export is written to the
//! trail first (no entry, no export), then the chain is verified, then the
//! matching entries are written out, CSV streamed row by row or PDF laid
//! out by the document layer.

use crate::server::document::audit::{self as doc, CsvExport, Export, PDF_ROWS};
use crate::server::document::{build::now, pdf};
use crate::server::store::{AuditAction, AuditFilter, NewAudit, Store, StoreError};
use std::io::Write;

/// An export's format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    Csv,
    Pdf,
}

impl ExportFormat {
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Pdf => "pdf",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            ExportFormat::Csv => "text/csv; charset=utf-8",
            ExportFormat::Pdf => "application/pdf",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The export could not be written to the trail, so none is made.
    #[error("the export could not be recorded in the audit trail: {0}")]
    NotRecorded(StoreError),
    #[error("reading the audit trail: {0}")]
    Store(#[from] StoreError),
    #[error("writing the export: {0}")]
    Write(#[from] std::io::Error),
    #[error("laying out the PDF: {0}")]
    Pdf(String),
}

/// Who exports, from where.
pub struct Exporter<'a> {
    pub username: &'a str,
    pub address: &'a str,
}

/// An export recorded and its chain verified, ready to be written.
pub struct Prepared {
    exported_at: String,
    chain: Result<usize, crate::server::store::ChainBreak>,
}

/// Write the export to the trail (none is made if that fails), then verify
/// the chain as it stands with that entry.
pub fn prepare(
    store: &Store,
    who: &Exporter<'_>,
    filter: &AuditFilter,
    format: ExportFormat,
) -> Result<Prepared, ExportError> {
    let exported_at = now();
    let selection = Export {
        exported_at: &exported_at,
        by: who.username,
        filter,
        chain: &Ok(0),
    }
    .selection();
    store
        .audit(NewAudit {
            username: who.username,
            action: AuditAction::ExportAudit,
            trial: filter.trial.as_deref().unwrap_or(""),
            detail: &format!(
                "{} export of the audit trail: {selection}",
                format.extension().to_uppercase()
            ),
            address: who.address,
        })
        .map_err(ExportError::NotRecorded)?;
    let chain = store.verify_audit()?;
    Ok(Prepared { exported_at, chain })
}

/// Write a prepared export of the entries `filter` selects to `out`; the
/// number of entries written.
pub fn write(
    store: &Store,
    who: &Exporter<'_>,
    filter: &AuditFilter,
    format: ExportFormat,
    prepared: &Prepared,
    mut out: impl Write,
) -> Result<u64, ExportError> {
    let e = Export {
        exported_at: &prepared.exported_at,
        by: who.username,
        filter,
        chain: &prepared.chain,
    };
    match format {
        ExportFormat::Csv => {
            let mut csv = CsvExport::start(out, &e)?;
            let n = store.audit_each(filter, |a| {
                csv.entry(a)
                    .map_err(|err| StoreError::Invalid(err.to_string()))
            })?;
            csv.finish()?.flush()?;
            Ok(n)
        }
        ExportFormat::Pdf => {
            let (total, entries) = first_entries(store, filter)?;
            let bytes = pdf::pdf(&doc::document(&e, &entries, total))
                .map_err(|err| ExportError::Pdf(err.to_string()))?;
            out.write_all(&bytes)?;
            out.flush()?;
            Ok(entries.len() as u64)
        }
    }
}

/// Prepare and write an export (the command line's).
pub fn export(
    store: &Store,
    who: &Exporter<'_>,
    filter: &AuditFilter,
    format: ExportFormat,
    out: impl Write,
) -> Result<u64, ExportError> {
    let prepared = prepare(store, who, filter, format)?;
    write(store, who, filter, format, &prepared, out)
}

/// The first [`PDF_ROWS`] matching entries, oldest first, and how many
/// match.
fn first_entries(
    store: &Store,
    filter: &AuditFilter,
) -> Result<(u64, Vec<crate::server::store::AuditEntry>), StoreError> {
    let mut entries = Vec::new();
    let total = store.audit_each(filter, |a| {
        if (entries.len() as u64) < PDF_ROWS {
            entries.push(a.clone());
        }
        Ok(())
    })?;
    Ok((total, entries))
}
