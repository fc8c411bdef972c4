//! The documents' layout as a reader meets it, page by page (`pdftotext`
//! per page, Debian's poppler-utils): every figure fits the page it starts
//! on, and a table's group label is never left alone at a page's foot.

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
