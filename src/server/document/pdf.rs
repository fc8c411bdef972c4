//! A document typeset as PDF by typst, used as a library: a `World` of one
//! layout (`report.typ`, compiled in), the document model as `doc.json`,
//! and the fonts typst-assets compiles in. Nothing is read from disk or
//! fetched; the build time is the PDF's date, so the same document gives
//! the same bytes.

use super::model::Document;
use std::sync::LazyLock;
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt};

const LAYOUT: &str = include_str!("report.typ");

/// The fonts typst-assets ships, parsed once per process.
static FONTS: LazyLock<(LazyHash<FontBook>, Vec<Font>)> = LazyLock::new(|| {
    let fonts: Vec<Font> = typst_assets::fonts()
        .flat_map(|data| Font::iter(Bytes::new(data)))
        .collect();
    (LazyHash::new(FontBook::from_fonts(&fonts)), fonts)
});

static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::default()));

fn file_id(name: &str) -> FileId {
    let path = VirtualPath::new(name).unwrap_or_else(|_| unreachable!("a fixed, valid name"));
    RootedPath::new(VirtualRoot::Project, path).intern()
}

struct World {
    main: Source,
    data_id: FileId,
    data: Bytes,
    today: Option<Datetime>,
}

impl typst::World for World {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &FONTS.0
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::NotSource)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.data_id {
            Ok(self.data.clone())
        } else if id == self.main.id() {
            Ok(Bytes::from_string(self.main.clone()))
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        FONTS.1.get(index).cloned()
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        self.today
    }
}

/// Why a document could not be typeset.
#[derive(Debug, thiserror::Error)]
#[error("typesetting the report failed: {0}")]
pub struct PdfError(pub String);

/// `YYYY-MM-DDTHH:MM:SSZ` as a typst date and time.
fn datetime(at: &str) -> Option<Datetime> {
    let n = |r: std::ops::Range<usize>| at.get(r).and_then(|s| s.parse::<i32>().ok());
    Datetime::from_ymd_hms(
        n(0..4)?,
        u8::try_from(n(5..7)?).ok()?,
        u8::try_from(n(8..10)?).ok()?,
        u8::try_from(n(11..13)?).ok()?,
        u8::try_from(n(14..16)?).ok()?,
        u8::try_from(n(17..19)?).ok()?,
    )
}

/// The document as PDF bytes.
pub fn pdf(doc: &Document) -> Result<Vec<u8>, PdfError> {
    let mut doc = doc.clone();
    // Every row as wide as its header: the layout lays cells out in order.
    for s in &mut doc.sections {
        for b in &mut s.blocks {
            if let super::model::Block::Table(t) = b {
                let n = t.header.len().max(1);
                if t.header.is_empty() {
                    t.header.push(String::new());
                }
                for r in &mut t.rows {
                    r.cells.resize(n, String::new());
                }
                t.mark_numeric();
            }
        }
    }
    let json = serde_json::to_vec(&doc).map_err(|e| PdfError(e.to_string()))?;
    let when = datetime(&doc.built_at);
    let world = World {
        main: Source::new(file_id("report.typ"), LAYOUT.to_string()),
        data_id: file_id("doc.json"),
        data: Bytes::new(json),
        today: when,
    };
    let compiled = typst::compile::<typst_layout::PagedDocument>(&world);
    let paged = compiled.output.map_err(|errors| {
        PdfError(
            errors
                .iter()
                .map(|e| e.message.to_string())
                .collect::<Vec<_>>()
                .join("; "),
        )
    })?;
    let options = typst_pdf::PdfOptions {
        // A stable identifier: the same report, the same document id.
        ident: Smart::Custom(format!(
            "dsmb/{}/{}/{}/{}",
            doc.trial_id, doc.cut_date, doc.band, doc.version
        )),
        creator: Smart::Custom(Some(super::build::software())),
        timestamp: when.map(typst_pdf::Timestamp::new_utc),
        ..typst_pdf::PdfOptions::default()
    };
    let bytes = typst_pdf::pdf(&paged, &options).map_err(|errors| {
        PdfError(
            errors
                .iter()
                .map(|e| e.message.to_string())
                .collect::<Vec<_>>()
                .join("; "),
        )
    });
    // typst memoizes across compilations; a server compiling reports now
    // and then need not keep what the last one memoized.
    typst::comemo::evict(0);
    bytes
}
