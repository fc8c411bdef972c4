//! The audit trail exported: as CSV (every matching entry, streamed, after
//! a preamble of `#` lines) and as a document (PDF), each stating when it
//! was exported, by whom, which entries it holds and the result of the
//! chain's verification at that moment. Times are UTC as stored.
//!
//! Read the CSV in R with `read.csv(f, comment.char = "#")`.

use super::model::{Audience, Document, Section, Table};
use crate::server::store::{AuditEntry, AuditFilter, ChainBreak};
use std::io::Write;

/// The most entries a PDF export lays out; a longer trail is exported as
/// CSV, or narrowed by the filter (the document says so).
pub const PDF_ROWS: u64 = 20_000;

/// What an export states of itself.
pub struct Export<'a> {
    /// UTC, `YYYY-MM-DDTHH:MM:SSZ`.
    pub exported_at: &'a str,
    pub by: &'a str,
    pub filter: &'a AuditFilter,
    /// The chain verified at export time: entries checked, or where it
    /// breaks.
    pub chain: &'a Result<usize, ChainBreak>,
}

impl Export<'_> {
    /// The verification result in words.
    pub fn verification(&self) -> String {
        match self.chain {
            Ok(n) => format!("intact: {n} entries, every hash and link verified"),
            Err(ChainBreak { id, why }) => format!("BROKEN at entry {id}: {why}"),
        }
    }

    /// Which entries, in words.
    pub fn selection(&self) -> String {
        let f = self.filter;
        let any = |v: &Option<String>| v.clone().unwrap_or_else(|| "any".into());
        let day = |d: Option<chrono::NaiveDate>, none: &str| {
            d.map(|d| d.to_string()).unwrap_or_else(|| none.into())
        };
        format!(
            "user {}, action {}, trial {}, from {} to {} (UTC days)",
            any(&f.user),
            any(&f.action),
            any(&f.trial),
            day(f.from, "the first entry"),
            day(f.to, "the last entry"),
        )
    }

    /// The facts every export opens with.
    fn facts(&self, entries: Option<u64>) -> Vec<(String, String)> {
        let mut facts = vec![
            (
                "Exported".to_string(),
                format!("{} (UTC) by {}", self.exported_at, self.by),
            ),
            ("Entries selected".to_string(), self.selection()),
            ("Chain verified at export".to_string(), self.verification()),
            (
                "Times".to_string(),
                "UTC, as written to the trail".to_string(),
            ),
        ];
        if let Some(n) = entries {
            facts.insert(2, ("Entries exported".to_string(), n.to_string()));
        }
        facts
    }
}

/// The CSV's columns.
pub const CSV_HEADER: [&str; 9] = [
    "id",
    "at_utc",
    "user",
    "action",
    "trial",
    "detail",
    "address",
    "prev_hash",
    "hash",
];

/// The CSV export's preamble, each line starting `# `.
pub fn csv_preamble(e: &Export<'_>) -> String {
    let mut out = String::from("# DSMB monitor: audit trail export\n");
    for (k, v) in e.facts(None) {
        out.push_str(&format!("# {k}: {}\n", v.replace('\n', " ")));
    }
    out
}

/// A CSV writer for the entries, after the preamble is written to `w`.
pub struct CsvExport<W: Write> {
    csv: csv::Writer<W>,
}

impl<W: Write> CsvExport<W> {
    pub fn start(mut w: W, e: &Export<'_>) -> std::io::Result<Self> {
        w.write_all(csv_preamble(e).as_bytes())?;
        let mut csv = csv::Writer::from_writer(w);
        csv.write_record(CSV_HEADER)
            .map_err(std::io::Error::other)?;
        Ok(CsvExport { csv })
    }

    pub fn entry(&mut self, a: &AuditEntry) -> std::io::Result<()> {
        let id = a.id.to_string();
        self.csv
            .write_record([
                id.as_str(),
                &a.at,
                &a.username,
                &a.action,
                &a.trial,
                &a.detail,
                &a.address,
                &a.prev_hash,
                &a.hash,
            ])
            .map_err(std::io::Error::other)
    }

    pub fn finish(self) -> std::io::Result<W> {
        self.csv.into_inner().map_err(|e| e.into_error())
    }
}

/// The PDF export's document: the facts, then the entries (at most
/// [`PDF_ROWS`]; `total` is how many matched), oldest first, the table's
/// header repeated on every page.
pub fn document(e: &Export<'_>, entries: &[AuditEntry], total: u64) -> Document {
    let mut facts = e.facts(Some(entries.len() as u64));
    if total > entries.len() as u64 {
        facts.push((
            "Not in this document".into(),
            format!(
                "{} later matching entries: a PDF holds at most {PDF_ROWS}; export CSV or narrow the filter",
                total - entries.len() as u64
            ),
        ));
    }
    let mut about = Section::new("Audit trail");
    about.facts(facts);
    let mut table = Table::new(
        "",
        [
            "#",
            "When (UTC)",
            "User",
            "Action",
            "Trial",
            "Detail",
            "Address",
        ]
        .map(String::from)
        .to_vec(),
    );
    for a in entries {
        table.row(vec![
            a.id.to_string(),
            to_second(&a.at),
            a.username.clone(),
            a.action.clone(),
            a.trial.clone(),
            a.detail.clone(),
            a.address.clone(),
        ]);
    }
    about.table(table);
    Document {
        trial_id: String::new(),
        trial_title: "Audit trail".into(),
        cut_date: String::new(),
        version: 1,
        audience: Audience::AuditTrail,
        band: Audience::AuditTrail.band().to_string(),
        head: format!("Audit trail · exported {} by {}", e.exported_at, e.by),
        built_at: e.exported_at.to_string(),
        subtitle: vec![
            format!("Exported {} (UTC) by {}", e.exported_at, e.by),
            format!("Chain verified at export: {}", e.verification()),
        ],
        sections: vec![about],
        watermark: None,
    }
}

pub use crate::components::format::utc_second as to_second;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_time_is_shown_to_the_second_with_its_zone() {
        assert_eq!(
            to_second("2026-12-07T17:14:51.702601Z"),
            "2026-12-07 17:14:51 UTC"
        );
        assert_eq!(to_second("2026-12-07T17:14:51Z"), "2026-12-07 17:14:51 UTC");
        assert_eq!(to_second("not a time"), "not a time");
    }

    #[test]
    fn the_csv_states_the_verification_and_quotes_what_needs_it() {
        let filter = AuditFilter {
            action: Some("view-closed".into()),
            ..AuditFilter::default()
        };
        let chain = Err(ChainBreak {
            id: 7,
            why: "its contents do not match its hash".into(),
        });
        let e = Export {
            exported_at: "2026-12-07T17:00:00Z",
            by: "stat",
            filter: &filter,
            chain: &chain,
        };
        let mut w = CsvExport::start(Vec::new(), &e).unwrap();
        w.entry(&AuditEntry {
            id: 3,
            at: "2026-12-07T16:00:00.000001Z".into(),
            username: "stat".into(),
            action: "view-closed".into(),
            trial: "altshock2".into(),
            detail: "page /trial/altshock2: enrollment by arm, cut 2024-12-31; \"x\"".into(),
            address: "127.0.0.1".into(),
            prev_hash: "a".into(),
            hash: "b".into(),
        })
        .unwrap();
        let text = String::from_utf8(w.finish().unwrap()).unwrap();
        assert!(
            text.contains("# Chain verified at export: BROKEN at entry 7"),
            "{text}"
        );
        assert!(text.contains("action view-closed"), "{text}");
        assert!(text.contains(
            "3,2026-12-07T16:00:00.000001Z,stat,view-closed,altshock2,\"page /trial/altshock2: enrollment by arm, cut 2024-12-31; \"\"x\"\"\",127.0.0.1,a,b"
        ), "{text}");
    }
}
