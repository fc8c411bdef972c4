//! A report document before it is typeset: sections of text, facts,
//! tables and figures, every word and number already as the reader sees
//! it. The PDF (`pdf.rs`, through typst) and the HTML (`html.rs`) are two
//! renderings of the same model; neither computes or names anything.

use serde::{Deserialize, Serialize};

/// Which report: the open one (the sponsor's, pooled) or the closed one
/// (the DSMB's, by coded or decoded group).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    Open,
    Closed {
        coded: bool,
    },
    /// An export of the audit trail (no trial data).
    AuditTrail,
}

impl Audience {
    /// The band on every page.
    pub fn band(self) -> &'static str {
        match self {
            Audience::Open => "OPEN REPORT",
            Audience::Closed { .. } => "CLOSED REPORT: DSMB ONLY",
            Audience::AuditTrail => "AUDIT TRAIL",
        }
    }
}

/// A document: its stamp (trial, cut, version, audience) and sections.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Document {
    pub trial_id: String,
    pub trial_title: String,
    pub cut_date: String,
    pub version: u32,
    pub audience: Audience,
    pub band: String,
    /// The running head of every page (trial, cut and version of a
    /// report; what and when of an export).
    pub head: String,
    /// When it was built, UTC, `YYYY-MM-DDTHH:MM:SSZ`.
    pub built_at: String,
    /// The title page's lines under the title.
    pub subtitle: Vec<String>,
    pub sections: Vec<Section>,
    /// A reader's watermark on every page (a personalised download).
    pub watermark: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Section {
    pub title: String,
    pub blocks: Vec<Block>,
}

impl Section {
    pub fn new(title: impl Into<String>) -> Section {
        Section {
            title: title.into(),
            blocks: Vec::new(),
        }
    }

    pub fn heading(&mut self, s: impl Into<String>) -> &mut Self {
        self.blocks.push(Block::Heading { text: s.into() });
        self
    }

    pub fn text(&mut self, s: impl Into<String>) -> &mut Self {
        self.blocks.push(Block::Text { text: s.into() });
        self
    }

    /// A statement that a part is not collected or not available, in place
    /// of the table it would be.
    pub fn absent(&mut self, s: impl Into<String>) -> &mut Self {
        self.blocks.push(Block::Absent { text: s.into() });
        self
    }

    pub fn facts(&mut self, facts: Vec<(String, String)>) -> &mut Self {
        if !facts.is_empty() {
            self.blocks.push(Block::Facts { facts });
        }
        self
    }

    pub fn table(&mut self, t: Table) -> &mut Self {
        self.blocks.push(Block::Table(t));
        self
    }

    /// A figure from its SVG, when there is one.
    pub fn figure(&mut self, caption: impl Into<String>, svg: Option<String>) -> &mut Self {
        if let Some(svg) = svg {
            self.blocks.push(Block::Figure {
                caption: caption.into(),
                svg,
            });
        }
        self
    }

    /// Monospaced text (the trial's configuration).
    pub fn code(&mut self, s: impl Into<String>) -> &mut Self {
        self.blocks.push(Block::Code { text: s.into() });
        self
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Block {
    Heading { text: String },
    Text { text: String },
    Absent { text: String },
    Facts { facts: Vec<(String, String)> },
    Table(Table),
    Figure { caption: String, svg: String },
    Code { text: String },
}

/// A table: a header row, body rows of cells as shown, and notes under it.
/// Rows marked `strong` are class or total rows; `indent` rows sit under
/// the row before.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Table {
    pub caption: String,
    pub header: Vec<String>,
    pub rows: Vec<Row>,
    pub notes: Vec<String>,
    /// Which columns hold numbers (right-aligned, as on the page); set by
    /// [`Table::mark_numeric`] when the document is typeset.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub numeric: Vec<bool>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Row {
    pub cells: Vec<String>,
    pub strong: bool,
    pub indent: bool,
}

impl Table {
    pub fn new(caption: impl Into<String>, header: Vec<String>) -> Table {
        Table {
            caption: caption.into(),
            header,
            ..Table::default()
        }
    }

    pub fn row(&mut self, cells: Vec<String>) -> &mut Self {
        self.rows.push(Row {
            cells,
            ..Row::default()
        });
        self
    }

    pub fn styled(&mut self, cells: Vec<String>, strong: bool, indent: bool) -> &mut Self {
        self.rows.push(Row {
            cells,
            strong,
            indent,
        });
        self
    }

    /// Mark the columns of numbers: every cell but the first column's is a
    /// number, a count with its percentage, an interval or a p-value ("12",
    /// "3 (1.5%)", "0.85 to 1.20", "<0.001"), or says there is none ("–",
    /// "not reached"), and at least one is a number.
    pub fn mark_numeric(&mut self) {
        let neutral = |c: &str| matches!(c.trim(), "" | "–" | "-" | "not reached" | "NE" | "n/a");
        let number = |c: &str| {
            c.trim_start().chars().next().is_some_and(|ch| {
                ch.is_ascii_digit() || matches!(ch, '<' | '>' | '−' | '-' | '+' | '≤' | '≥')
            })
        };
        self.numeric = (0..self.header.len())
            .map(|col| {
                col > 0 && {
                    let cells = || self.rows.iter().filter_map(|r| r.cells.get(col));
                    cells().any(|c| number(c)) && cells().all(|c| neutral(c) || number(c))
                }
            })
            .collect();
    }

    pub fn note(&mut self, s: impl Into<String>) -> &mut Self {
        self.notes.push(s.into());
        self
    }
}
