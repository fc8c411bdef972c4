//! The report documents' laboratory section, made from the screen's
//! laboratory DTO (`views::labs`): the eDISH quadrants and plot (closed
//! report), the potential Hy's law listing (closed report), the shift
//! tables, peaks and nadirs, values by visit with one trend chart per
//! parameter (the screen's menu shows one at a time), and the change from
//! baseline (closed report). Charts are drawn as SVG from the screen's
//! figures.

use super::model::{Section, Table};
use super::sections::{lines_data, listing_note, CHART_WIDTH, LISTING_ROWS};
use super::svg::svg;
use crate::dto::{Figure, HysLawRow, LabsView};

/// The section, with `listing` the Hy's law range's rows for the closed
/// report (at most `LISTING_ROWS`; empty for the open one) and `trends`
/// each trend parameter's chart alone.
pub fn labs(v: &LabsView, listing: &[HysLawRow], trends: &[(String, Figure)]) -> Section {
    let mut s = Section::new("Laboratory");
    for n in &v.notes {
        s.text(n.clone());
    }
    if !v.collected {
        return s;
    }
    s.table(lines_data(&v.quadrants));
    let closed = v.viewer_role.is_some_and(|r| r.is_closed());
    if closed {
        s.figure(
            "eDISH: each subject's peak ALT or AST against peak bilirubin after baseline, in multiples of the ULN (log scales), by group; dashed lines at 3× and 2× ULN",
            svg(&v.edish_chart, CHART_WIDTH),
        );
        if let Some(note) = &v.edish_binned {
            s.text(note.clone());
        }
        let mut t = Table::new(
            format!("Subjects in the Hy's law range ({})", v.hys_law_total),
            [
                "Subject",
                "Group",
                "ALT",
                "AST",
                "Bilirubin",
                "ALP",
                "ALP < 2× ULN",
                "Potential",
            ]
            .iter()
            .map(|h| h.to_string())
            .collect(),
        );
        for r in listing {
            t.row(vec![
                r.usubjid.clone(),
                r.group.clone(),
                r.alt.clone(),
                r.ast.clone(),
                r.bili.clone(),
                r.alp.clone(),
                r.alp_below_2xuln.clone(),
                if r.potential { "yes" } else { "no" }.into(),
            ]);
        }
        t.note("ALT, AST, bilirubin, ALP: each one's peak after baseline in multiples of the ULN, with its study day. Potential: a potential Hy's law case (peak ALP below 2× ULN, or not measured).");
        listing_note(&mut t, listing.len(), v.hys_law_total as usize);
        s.table(t);
    }
    for t in &v.shifts {
        s.table(lines_data(t));
    }
    s.table(lines_data(&v.extremes));
    s.table(lines_data(&v.trend_table));
    for (param, chart) in trends {
        s.figure(
            format!("{param}: median (Q1–Q3) by visit"),
            svg(chart, CHART_WIDTH),
        );
    }
    match &v.change {
        Some(c) => {
            s.table(lines_data(c));
        }
        None => {
            s.absent("The eDISH plot, the Hy's law listing, the lab profiles and the comparisons of groups are in the closed report only.");
        }
    }
    s
}

/// The Hy's law range's rows of the closed view, up to `LISTING_ROWS`,
/// page by page as the screen pages them.
pub fn listing_rows(view: &LabsView, page: impl Fn(u32) -> LabsView) -> Vec<HysLawRow> {
    let mut rows: Vec<HysLawRow> = Vec::new();
    let mut p = 1;
    while rows.len() < LISTING_ROWS && (rows.len() as u32) < view.hys_law_total {
        let v = page(p);
        if v.hys_law.is_empty() {
            break;
        }
        rows.extend(v.hys_law);
        p += 1;
    }
    rows.truncate(LISTING_ROWS);
    rows
}
