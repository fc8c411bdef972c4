//! A document as one self-contained HTML file: inline CSS, charts as
//! inline SVG, no script and nothing fetched, so it opens offline; printed,
//! the band (trial, cut, version, OPEN or CLOSED) and the reader's
//! watermark repeat on every page.

use super::model::{Block, Document, Table};
use super::svg::escape;
use std::fmt::Write;

const STYLE: &str = r#"
:root { color-scheme: light; }
body { font: 10.5pt/1.4 "Libertinus Serif", Georgia, serif; color: #111; margin: 0 auto; max-width: 60rem; padding: 3.2rem 1.5rem 3rem; }
.band { position: fixed; top: 0; left: 0; right: 0; background: #fff; border-bottom: 1px solid #999; font: 8.5pt sans-serif; display: flex; justify-content: space-between; padding: .35rem 1rem; }
.band strong { letter-spacing: .04em; }
.band.closed strong { color: #8b0000; }
.watermark { position: fixed; bottom: 0; left: 0; right: 0; text-align: center; font: 8.5pt sans-serif; color: #8b0000; background: #fff; padding: .25rem; border-top: 1px solid #ccc; }
h1.title { font-size: 20pt; margin: 2rem 0 .5rem; }
.subtitle { margin: 0; color: #333; }
nav.contents ol { padding-left: 1.4rem; }
section { break-inside: auto; }
h2 { font-size: 14pt; border-bottom: 1px solid #bbb; margin-top: 2rem; break-after: avoid; }
h3 { font-size: 11.5pt; margin: 1.2rem 0 .4rem; break-after: avoid; }
table { border-collapse: collapse; margin: .4rem 0 1rem; font-size: 9pt; width: 100%; }
caption { text-align: left; font-weight: bold; padding: .2rem 0; }
th, td { border-bottom: 1px solid #ddd; padding: .15rem .4rem; text-align: left; vertical-align: top; white-space: pre-line; }
thead th { border-bottom: 1.5px solid #444; }
tr.strong td { font-weight: bold; }
tr.indent td:first-child { padding-left: 1.4rem; }
tfoot td { border: 0; font-size: 8.5pt; color: #333; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: .4rem 0 1rem; }
dl.facts dt { font-weight: bold; }
dl.facts dd { margin: 0; }
p.absent { font-style: italic; color: #444; }
figure { margin: .6rem 0 1rem; break-inside: avoid; }
figure svg { max-width: 100%; height: auto; }
figcaption { font-size: 9pt; color: #333; }
pre { font: 8pt/1.3 "DejaVu Sans Mono", monospace; white-space: pre-wrap; background: #f6f6f6; padding: .5rem; }
@media print {
  body { max-width: none; padding: 2.2rem 0 2rem; }
  .title-page { break-after: page; }
  h2 { break-before: page; }
  a { color: inherit; text-decoration: none; }
}
"#;

fn table(out: &mut String, t: &Table) {
    out.push_str("<table>");
    if !t.caption.is_empty() {
        let _ = write!(out, "<caption>{}</caption>", escape(&t.caption));
    }
    out.push_str("<thead><tr>");
    for h in &t.header {
        let _ = write!(out, "<th scope=\"col\">{}</th>", escape(h));
    }
    out.push_str("</tr></thead><tbody>");
    for r in &t.rows {
        let class = match (r.strong, r.indent) {
            (true, _) => " class=\"strong\"",
            (false, true) => " class=\"indent\"",
            _ => "",
        };
        let _ = write!(out, "<tr{class}>");
        for c in &r.cells {
            let _ = write!(out, "<td>{}</td>", escape(c));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody>");
    if !t.notes.is_empty() {
        let _ = write!(out, "<tfoot><tr><td colspan=\"{}\">", t.header.len().max(1));
        for n in &t.notes {
            let _ = write!(out, "<div>{}</div>", escape(n));
        }
        out.push_str("</td></tr></tfoot>");
    }
    out.push_str("</table>");
}

/// The document as HTML.
pub fn html(doc: &Document) -> String {
    let mut out = String::with_capacity(64 * 1024);
    let title = format!("{} — {} — {}", doc.trial_title, doc.band, doc.head);
    let _ = write!(
        out,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{}</title><style>{STYLE}</style></head><body>",
        escape(&title)
    );
    let closed = !matches!(doc.audience, super::model::Audience::Open);
    let _ = write!(
        out,
        "<header class=\"band{}\"><span>{}</span><strong>{}</strong></header>",
        if closed { " closed" } else { "" },
        escape(&doc.head),
        escape(&doc.band)
    );
    if let Some(w) = &doc.watermark {
        let _ = write!(out, "<div class=\"watermark\">{}</div>", escape(w));
    }
    let _ = write!(
        out,
        "<div class=\"title-page\"><h1 class=\"title\">{}</h1><p class=\"subtitle\"><strong>{}</strong></p>",
        escape(&doc.trial_title),
        escape(&doc.band)
    );
    for l in &doc.subtitle {
        let _ = write!(out, "<p class=\"subtitle\">{}</p>", escape(l));
    }
    out.push_str("<nav class=\"contents\"><h2 style=\"break-before:auto\">Contents</h2><ol>");
    for (i, s) in doc.sections.iter().enumerate() {
        let _ = write!(
            out,
            "<li><a href=\"#s{}\">{}</a></li>",
            i + 1,
            escape(&s.title)
        );
    }
    out.push_str("</ol></nav></div>");
    for (i, s) in doc.sections.iter().enumerate() {
        let _ = write!(
            out,
            "<section id=\"s{}\"><h2>{}. {}</h2>",
            i + 1,
            i + 1,
            escape(&s.title)
        );
        for b in &s.blocks {
            match b {
                Block::Heading { text } => {
                    let _ = write!(out, "<h3>{}</h3>", escape(text));
                }
                Block::Text { text } => {
                    let _ = write!(out, "<p>{}</p>", escape(text));
                }
                Block::Absent { text } => {
                    let _ = write!(out, "<p class=\"absent\">{}</p>", escape(text));
                }
                Block::Facts { facts } => {
                    out.push_str("<dl class=\"facts\">");
                    for (k, v) in facts {
                        let _ = write!(out, "<dt>{}</dt><dd>{}</dd>", escape(k), escape(v));
                    }
                    out.push_str("</dl>");
                }
                Block::Table(t) => table(&mut out, t),
                Block::Figure { caption, svg } => {
                    // The SVG is drawn by this program (`svg.rs`, the CONSORT
                    // diagram), its text escaped there.
                    let _ = write!(
                        out,
                        "<figure>{svg}<figcaption>{}</figcaption></figure>",
                        escape(caption)
                    );
                }
                Block::Code { text } => {
                    let _ = write!(out, "<pre>{}</pre>", escape(text));
                }
            }
        }
        out.push_str("</section>");
    }
    out.push_str("</body></html>\n");
    out
}
