//! The disposition section's data: the CONSORT flow as a table (a line per
//! box, a cell per group and the total) and as an SVG diagram drawn here,
//! so it prints and works without JavaScript. Closed roles see a column of
//! boxes per group (coded for a DSMB member); the sponsor one pooled
//! column, without crossovers.

use crate::components::format::percent;
use crate::dto::{BaselineLine, DispositionTable, Role};
use crate::server::firewall::ArmNames;
use crate::server::report::disposition::DispositionCounts;
use crate::server::report::{Cell, ClosedReport, OpenReport};

/// A cell as n (% of the column's randomized).
fn cell(c: Cell, of: u32) -> String {
    match c {
        Cell::Count(n) if of > 0 => format!("{n} ({}%)", percent(n, of)),
        Cell::Count(n) => n.to_string(),
        Cell::NotCollected => "not collected".into(),
        Cell::Suppressed => "suppressed".into(),
    }
}

/// A cell as a bare number (the diagram's boxes).
fn bare(c: Cell) -> String {
    match c {
        Cell::Count(n) => n.to_string(),
        Cell::NotCollected => "not collected".into(),
        Cell::Suppressed => "suppressed".into(),
    }
}

/// The table's lines: one per box of the flow, a cell per column.
fn lines(columns: &[&DispositionCounts]) -> Vec<BaselineLine> {
    let line = |label: &str, indent: bool, f: &dyn Fn(&DispositionCounts) -> String| BaselineLine {
        label: label.into(),
        indent,
        cells: columns.iter().map(|d| f(d)).collect(),
    };
    let mut out = Vec::new();
    if let Some(first) = columns.last().filter(|d| d.screened.is_some()) {
        // The screening log counts all subjects: the total column only.
        let only_total = |text: String| {
            let mut cells = vec![String::new(); columns.len()];
            if let Some(last) = cells.last_mut() {
                *last = text;
            }
            cells
        };
        out.push(BaselineLine {
            label: "Screened".into(),
            indent: false,
            cells: only_total(first.screened.unwrap_or(0).to_string()),
        });
        let screened = first.screened.unwrap_or(0);
        let turned: u32 = first
            .not_randomized
            .iter()
            .filter_map(|r| r.subjects.count())
            .sum();
        let hidden = first
            .not_randomized
            .iter()
            .any(|r| r.subjects.count().is_none());
        out.push(BaselineLine {
            label: "Not randomized".into(),
            indent: false,
            cells: only_total(if hidden {
                cell(
                    Cell::Count(screened.saturating_sub(first.randomized)),
                    screened,
                )
            } else {
                cell(Cell::Count(turned), screened)
            }),
        });
        for r in &first.not_randomized {
            out.push(BaselineLine {
                label: r.reason.clone(),
                indent: true,
                cells: only_total(cell(r.subjects, screened)),
            });
        }
    }
    out.push(line("Randomized", false, &|d| d.randomized.to_string()));
    let treated = columns.iter().any(|d| d.received_allocated.is_some());
    if treated {
        out.push(line("Received the allocated intervention", true, &|d| {
            d.received_allocated
                .map_or_else(String::new, |c| cell(c, d.randomized))
        }));
        out.push(line("Crossed over to another group", true, &|d| {
            d.crossed_over
                .map_or_else(String::new, |c| cell(c, d.randomized))
        }));
        out.push(line("Received no intervention", true, &|d| {
            d.not_treated
                .map_or_else(String::new, |c| cell(c, d.randomized))
        }));
    }
    out.push(line("Completed the study", false, &|d| {
        cell(d.completed, d.randomized)
    }));
    out.push(line("Ongoing", false, &|d| cell(d.ongoing, d.randomized)));
    out.push(line("Discontinued", false, &|d| {
        cell(d.discontinued, d.randomized)
    }));
    if let Some(first) = columns.first() {
        for (i, r) in first.reasons.iter().enumerate() {
            out.push(line(&r.reason, true, &|d| {
                d.reasons
                    .get(i)
                    .map_or_else(String::new, |r| cell(r.subjects, d.randomized))
            }));
        }
    }
    out.push(line("Lost to follow-up", false, &|d| {
        cell(d.lost_to_follow_up, d.randomized)
    }));
    if columns.iter().any(|d| d.primary_due.is_some()) {
        out.push(line("Primary endpoint: horizon passed", false, &|d| {
            d.primary_due
                .map_or_else(String::new, |c| cell(c, d.randomized))
        }));
        out.push(line("Primary endpoint: outcome known", true, &|d| {
            d.primary_complete
                .map_or_else(String::new, |c| cell(c, d.randomized))
        }));
    }
    out.push(line("Analysed: intention to treat", false, &|d| {
        cell(d.itt, d.randomized)
    }));
    out.push(line("Analysed: safety population", false, &|d| {
        cell(d.safety, d.randomized)
    }));
    out.push(line("Analysed: per protocol", false, &|d| {
        cell(d.per_protocol, d.randomized)
    }));
    out
}

/// The boxes of one column, stage by stage (each a heading and lines).
fn stages(name: &str, d: &DispositionCounts) -> Vec<Vec<String>> {
    let heading = if name.is_empty() {
        "All groups, pooled".to_string()
    } else {
        format!("Allocated to {name}")
    };
    let mut allocated = vec![heading, format!("n = {}", d.randomized)];
    if let (Some(a), Some(x), Some(n)) = (d.received_allocated, d.crossed_over, d.not_treated) {
        allocated.push(format!("Received allocated: {}", bare(a)));
        allocated.push(format!("Crossed over: {}", bare(x)));
        allocated.push(format!("Not treated: {}", bare(n)));
    }
    let mut follow = vec![
        "Follow-up".to_string(),
        format!("Completed: {}", bare(d.completed)),
        format!("Ongoing: {}", bare(d.ongoing)),
        format!("Discontinued: {}", bare(d.discontinued)),
    ];
    follow.extend(
        d.reasons
            .iter()
            .map(|r| format!("   {}: {}", r.reason, bare(r.subjects))),
    );
    follow.push(format!("Lost to follow-up: {}", bare(d.lost_to_follow_up)));
    let mut out = vec![allocated, follow];
    if let (Some(due), Some(done)) = (d.primary_due, d.primary_complete) {
        out.push(vec![
            "Primary endpoint follow-up".into(),
            format!("Horizon passed: {}", bare(due)),
            format!("Outcome known: {}", bare(done)),
        ]);
    }
    out.push(vec![
        "Analysed".into(),
        format!("Intention to treat: {}", bare(d.itt)),
        format!("Safety: {}", bare(d.safety)),
        format!("Per protocol: {}", bare(d.per_protocol)),
    ]);
    out
}

const BOX_W: usize = 250;
const GAP: usize = 24;
const LINE_H: usize = 16;
const PAD: usize = 8;
const ARROW: usize = 28;

/// The CONSORT diagram: the randomized box, then a column of boxes per
/// group, stage by stage, joined by arrows.
fn svg(total: &DispositionCounts, columns: &[(String, &DispositionCounts)]) -> String {
    let cols: Vec<Vec<Vec<String>>> = columns.iter().map(|(n, d)| stages(n, d)).collect();
    let n_stages = cols.iter().map(Vec::len).max().unwrap_or(0);
    let width = columns.len().max(1) * (BOX_W + GAP) + GAP;
    let mut out = String::new();
    let mut y = GAP / 2;
    let top_h = 2 * LINE_H + 2 * PAD;
    let top_x = width / 2 - BOX_W / 2;
    let mut body = String::new();
    let text_box = |body: &mut String, x: usize, y: usize, lines: &[String], h: usize| {
        body.push_str(&format!(
            r##"<rect x="{x}" y="{y}" width="{BOX_W}" height="{h}" rx="3" fill="#fff" stroke="#222"/>"##
        ));
        for (i, l) in lines.iter().enumerate() {
            let class = if i == 0 {
                r#" class="head" font-weight="bold""#
            } else {
                ""
            };
            body.push_str(&format!(
                r##"<text x="{}" y="{}"{class} fill="#111" xml:space="preserve">{}</text>"##,
                x + PAD,
                y + PAD + (i + 1) * LINE_H - 4,
                super::xml_escape(l)
            ));
        }
    };
    if let Some(screened) = total.screened {
        let mut lines = vec!["Screened".to_string(), format!("n = {screened}")];
        lines.push(format!(
            "Not randomized: {}",
            screened.saturating_sub(total.randomized)
        ));
        lines.extend(
            total
                .not_randomized
                .iter()
                .map(|r| format!("   {}: {}", r.reason, bare(r.subjects))),
        );
        let h = lines.len() * LINE_H + 2 * PAD;
        text_box(&mut body, top_x, y, &lines, h);
        body.push_str(&format!(
            r##"<line x1="{0}" y1="{1}" x2="{0}" y2="{2}" marker-end="url(#arrow)" stroke="#222"/>"##,
            width / 2,
            y + h,
            y + h + ARROW
        ));
        y += h + ARROW;
    }
    text_box(
        &mut body,
        top_x,
        y,
        &[
            "Randomized".to_string(),
            format!("n = {}", total.randomized),
        ],
        top_h,
    );
    y += top_h;
    let center = |i: usize| GAP + i * (BOX_W + GAP) + BOX_W / 2;
    // The branch from the randomized box to each group's first box.
    let bar = y + ARROW / 2;
    body.push_str(&format!(
        r##"<line x1="{}" y1="{y}" x2="{}" y2="{bar}" stroke="#222"/>"##,
        width / 2,
        width / 2
    ));
    if columns.len() > 1 {
        body.push_str(&format!(
            r##"<line x1="{}" y1="{bar}" x2="{}" y2="{bar}" stroke="#222"/>"##,
            center(0),
            center(columns.len() - 1)
        ));
    }
    for i in 0..columns.len() {
        body.push_str(&format!(
            r##"<line x1="{0}" y1="{bar}" x2="{0}" y2="{1}" marker-end="url(#arrow)" stroke="#222"/>"##,
            center(i),
            y + ARROW
        ));
    }
    y += ARROW;
    for s in 0..n_stages {
        let lines_in = cols
            .iter()
            .map(|c| c.get(s).map_or(0, Vec::len))
            .max()
            .unwrap_or(0);
        let h = lines_in * LINE_H + 2 * PAD;
        for (i, c) in cols.iter().enumerate() {
            if let Some(lines) = c.get(s) {
                text_box(&mut body, center(i) - BOX_W / 2, y, lines, h);
                if s + 1 < n_stages {
                    body.push_str(&format!(
                        r##"<line x1="{0}" y1="{1}" x2="{0}" y2="{2}" marker-end="url(#arrow)" stroke="#222"/>"##,
                        center(i),
                        y + h,
                        y + h + ARROW
                    ));
                }
            }
        }
        y += h + ARROW;
    }
    let height = y - ARROW + GAP / 2;
    out.push_str(&format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="consort" viewBox="0 0 {width} {height}" width="{width}" height="{height}" font-family="sans-serif" font-size="12" stroke-width="1" role="img" aria-label="CONSORT flow diagram"><defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#222"/></marker></defs>"##
    ));
    out.push_str(&body);
    out.push_str("</svg>");
    out
}

/// Notes on what the flow cannot say.
fn notes(d: &DispositionCounts, closed: bool, actual: bool) -> Vec<String> {
    let mut out = Vec::new();
    if closed && !actual {
        out.push(
            "The actual treatment is not in this cut's source (a blinded cut with a randomization list): crossovers are not shown.".into(),
        );
    }
    if !closed {
        out.push(
            "Crossovers between groups need the arms and are shown to closed roles only.".into(),
        );
    }
    if d.completed == Cell::NotCollected {
        out.push("The cut carries no end-of-study status (EOSSTT) or discontinuation reason (DCSREAS, DCREASCD): completion is not collected.".into());
    }
    out
}

/// The closed flow: every group in display order, then the total.
pub fn closed_table(
    trial: String,
    role: Role,
    closed: &ClosedReport,
    names: &ArmNames,
) -> DispositionTable {
    let d = &closed.disposition;
    let order = names.display_order();
    let groups: Vec<(String, &DispositionCounts)> = order
        .iter()
        .filter_map(|c| d.by_arm.get(c).map(|g| (names.name(c), g)))
        .collect();
    let mut columns: Vec<String> = groups.iter().map(|(n, _)| n.clone()).collect();
    columns.push("Total".into());
    let mut cells: Vec<&DispositionCounts> = groups.iter().map(|(_, g)| *g).collect();
    cells.push(&d.total);
    DispositionTable {
        trial_id: trial,
        cut_date: closed.cut_date.clone(),
        viewer_role: Some(role),
        columns,
        lines: lines(&cells),
        svg: svg(&d.total, &groups),
        notes: notes(&d.total, true, d.actual_treatment),
        coded: names.coded,
    }
}

/// The open flow: all subjects in one column.
pub fn open_table(trial: String, role: Role, open: &OpenReport) -> DispositionTable {
    let d = &open.disposition;
    DispositionTable {
        trial_id: trial,
        cut_date: open.cut_date.clone(),
        viewer_role: Some(role),
        columns: vec!["Total".into()],
        lines: lines(&[d]),
        svg: svg(d, &[(String::new(), d)]),
        notes: notes(d, false, false),
        coded: false,
    }
}
