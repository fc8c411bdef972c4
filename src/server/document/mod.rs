//! The open and closed DMC reports as documents: built from the DTOs the
//! screen shows (`server::views`), so a document carries the screen's
//! numbers and words, and rendered as PDF (typst) or one self-contained
//! HTML file, charts drawn as SVG from the screen's figure data.
//!
//! - `model.rs`: the document before it is typeset (sections of text,
//!   facts, tables, figures).
//! - `build.rs`: the two documents; the open one takes only the open report
//!   type, the closed one names groups as the viewer's coding says.
//! - `sections.rs`, `standing.rs` (page 1), `efficacy.rs`, `labs.rs`: the
//!   sections, one per job.
//! - `svg/`: plotly figure JSON → SVG (`axis.rs` the scales and ticks).
//! - `html.rs`, `pdf.rs` (+ `report.typ`, the layout): the renderings.
//!
//! May not: compute statistics, read data files, know who asks.

pub mod audit;
pub mod build;
mod efficacy;
pub mod html;
mod labs;
pub mod model;
pub mod pdf;
pub mod sections;
mod standing;
pub mod svg;

pub use build::{closed_document, open_document, ClosedParts, Meta};
pub use model::{Audience, Document};
pub use sections::Previous;

/// A rendering of a document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Pdf,
    Html,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Html => "html",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Pdf => "application/pdf",
            Format::Html => "text/html; charset=utf-8",
        }
    }
}

/// The document in `format`.
pub fn render(doc: &Document, format: Format) -> Result<Vec<u8>, pdf::PdfError> {
    match format {
        Format::Pdf => pdf::pdf(doc),
        Format::Html => Ok(html::html(doc).into_bytes()),
    }
}
