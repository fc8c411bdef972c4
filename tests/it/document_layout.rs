//! The documents' layout as a reader meets it, page by page (`pdftotext`
//! per page, Debian's poppler-utils): every figure fits the page it starts
//! on, no figure or table runs off a page (each page rendered by
//! `pdftoppm`), and a table's group label is never left alone at a page's foot.

use crate::documents::{ok, out_dir, pdf_pages, report};
use crate::helpers::repo;
use std::path::Path;
use std::process::Command;

/// The lines of page `n`, as `pdftotext -layout` reads them, blank ones
/// dropped.
fn page_lines(pdf: &Path, n: usize) -> Vec<String> {
    let p = n.to_string();
    let o = Command::new("pdftotext")
        .args(["-layout", "-f", &p, "-l", &p])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils)");
    assert!(o.status.success());
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect()
}

fn altshock2_final(view: &str) -> std::path::PathBuf {
    let demo = repo().join("demo").join("altshock2");
    let cut = demo.join("cut-2024-12-31");
    let cut = if view == "open" {
        cut.join("blinded")
    } else {
        cut.join("unblinded")
    };
    let pdf = out_dir().join(format!("layout-{view}.pdf"));
    ok(
        &report(&cut, &demo.join("trial.toml"), view, "pdf", &pdf, &[]),
        view,
    );
    pdf
}

/// The one-column CONSORT flow of the open report is taller than wide: it
/// is drawn on the page of its heading, caption included, not cut at the
/// page's top and bottom.
#[test]
fn the_open_reports_consort_flow_fits_the_page_of_its_heading() {
    let pdf = altshock2_final("open");
    let pages = pdf_pages(&pdf);
    let heading = (1..=pages)
        .find(|&n| {
            page_lines(&pdf, n)
                .iter()
                .any(|l| l.ends_with("Disposition (CONSORT)") && !l.contains(". ."))
        })
        .expect("the CONSORT section");
    let lines = page_lines(&pdf, heading);
    assert!(
        lines.iter().any(|l| l.contains("The flow of subjects")),
        "the figure's caption is on its heading's page {heading}: {lines:?}"
    );
}

/// In the closed report's tables of groups (shift tables, lab summaries), a
/// group's label row is never the last row of a page: it goes with its
/// group's rows, and the header repeats on the next page.
#[test]
fn no_group_label_is_left_alone_at_a_pages_foot() {
    let pdf = altshock2_final("closed");
    let labels = ["SoC", "IABP + SoC", "Total", "Group A", "Group B"];
    for n in 1..=pdf_pages(&pdf) {
        let lines = page_lines(&pdf, n);
        // The last line is the footer ("CLOSED REPORT: DSMB ONLY Page n of
        // m"); the one before it ends the page's body.
        let body_end = lines.iter().rev().nth(1).map(String::as_str).unwrap_or("");
        assert!(
            !labels.contains(&body_end),
            "page {n} ends with the group label {body_end:?}"
        );
    }
}

/// A page rendered grey by `pdftoppm` (PGM, binary): width, height, pixels.
fn grey_pages(pdf: &Path, dpi: u32) -> Vec<(usize, usize, Vec<u8>)> {
    let dir = pdf.with_extension("pages");
    std::fs::create_dir_all(&dir).unwrap();
    let prefix = dir.join("p");
    let o = Command::new("pdftoppm")
        .args(["-gray", "-r", &dpi.to_string()])
        .arg(pdf)
        .arg(&prefix)
        .output()
        .expect("pdftoppm (poppler-utils)");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
        .iter()
        .map(|f| {
            let bytes = std::fs::read(f).unwrap();
            // "P5", width, height, maximum, then one byte a pixel.
            let mut fields = Vec::new();
            let mut at = 0;
            while fields.len() < 4 {
                while bytes[at].is_ascii_whitespace() {
                    at += 1;
                }
                let start = at;
                while !bytes[at].is_ascii_whitespace() {
                    at += 1;
                }
                fields.push(String::from_utf8_lossy(&bytes[start..at]).to_string());
            }
            assert_eq!(fields[0], "P5", "{}", f.display());
            let (w, h): (usize, usize) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
            let pixels = bytes[at + 1..].to_vec();
            assert_eq!(pixels.len(), w * h, "{}", f.display());
            (w, h, pixels)
        })
        .collect()
}

/// No figure or table runs off a page: every page of both Altshock-2
/// reports and of the CDISC pilot's closed report, rendered, has no ink in
/// the outermost 3 mm at any edge (well inside the page's margins, where
/// only a figure wider or taller than its page box would reach).
#[test]
fn no_figure_or_table_runs_off_a_page() {
    let pilot = repo().join("demo").join("cdisc-pilot01");
    let cdisc = out_dir().join("layout-cdisc-closed.pdf");
    ok(
        &report(
            &pilot.join("cut-2015-03-05").join("unblinded"),
            &pilot.join("trial.toml"),
            "closed",
            "pdf",
            &cdisc,
            &[],
        ),
        "cdisc closed",
    );
    let dpi = 50;
    let band = (3.0 / 25.4 * f64::from(dpi)).ceil() as usize;
    for pdf in [altshock2_final("closed"), altshock2_final("open"), cdisc] {
        let pages = grey_pages(&pdf, dpi);
        assert_eq!(pages.len(), pdf_pages(&pdf));
        for (n, (w, h, px)) in pages.iter().enumerate() {
            let inked = |x: usize, y: usize| px[y * w + x] < 200;
            let edge = (0..*h)
                .flat_map(|y| (0..*w).map(move |x| (x, y)))
                .find(|&(x, y)| {
                    (x < band || y < band || x >= w - band || y >= h - band) && inked(x, y)
                });
            assert!(
                edge.is_none(),
                "{} page {}: ink at the page's edge, at {:?} of {w}x{h}",
                pdf.display(),
                n + 1,
                edge
            );
        }
    }
}
