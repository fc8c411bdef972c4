//! The laboratory section (safety page) and a subject's lab profile, named
//! as the viewer may see them: by group and in total for closed roles
//! (groups in letter order while coded), pooled for the sponsor. The
//! change from baseline with its comparisons is in `change.rs`, the Hy's
//! law listing and the lab profile in `profile.rs`, the figures in
//! `figures.rs`.

mod change;
pub mod figures;
mod profile;

pub use profile::{kept_profile, listing_page, profile};

use crate::components::format::percent;
use crate::dto::{BaselineLine, Figure, LabsView, LinesTableData, Role};
use crate::server::firewall::ArmNames;
use crate::server::report::labs::open::OpenLabs;
use crate::server::report::labs::{ByGroup, Category, LabReport, Quadrants, Quartiles, ALP_XULN};
use crate::server::report::{Cell, ClosedReport, OpenReport};

/// A lab value as tables show it: three significant digits, at most two
/// decimals.
pub fn value(x: f64) -> String {
    let a = x.abs();
    let digits = if a >= 100.0 {
        0
    } else if a >= 10.0 {
        1
    } else {
        2
    };
    format!("{x:.digits$}")
}

fn quartiles(q: &Option<Quartiles>) -> String {
    match q {
        Some(q) => format!(
            "{} ({}–{}), n = {}",
            value(q.median),
            value(q.q1),
            value(q.q3),
            q.n
        ),
        None => "–".into(),
    }
}

fn line(label: impl Into<String>, indent: bool, cells: Vec<String>) -> BaselineLine {
    BaselineLine {
        label: label.into(),
        indent,
        cells,
    }
}

fn share(k: u32, of: u32) -> String {
    if of > 0 {
        format!("{k} ({}%)", percent(k, of))
    } else {
        k.to_string()
    }
}

fn open_cell(c: Cell, of: Option<u32>) -> String {
    match (c, of) {
        (Cell::Count(k), Some(of)) => share(k, of),
        (Cell::Count(k), None) => k.to_string(),
        (Cell::NotCollected, _) => "not collected".into(),
        (Cell::Suppressed, _) => "suppressed".into(),
    }
}

/// The quadrants' row labels, in `Quadrants::levels` order.
const QUADRANT_LABELS: [&str; 5] = [
    "Hy's law range (ALT or AST ≥ 3× ULN and bilirubin ≥ 2× ULN)",
    "Temple's corollary (ALT or AST ≥ 3× ULN, bilirubin < 2× ULN)",
    "Cholestasis range (ALT and AST < 3× ULN, bilirubin ≥ 2× ULN)",
    "Normal range (ALT and AST < 3× ULN, bilirubin < 2× ULN)",
    "Without a post-baseline ALT or AST, or bilirubin, value",
];

const CATEGORY_LABELS: [&str; 4] = ["Low", "Normal", "High", "Missing"];

fn definitions(labs_liver: &[String; 4]) -> String {
    format!(
        "Peaks after baseline in multiples of the upper limit of normal (ULN): x = the larger of peak {} and peak {}, y = peak {}, not necessarily at the same visit. A potential Hy's law case is in the Hy's law range with peak {} below {ALP_XULN}× ULN (or no {} value after baseline, which cannot rule it out).",
        labs_liver[0], labs_liver[1], labs_liver[2], labs_liver[3], labs_liver[3]
    )
}

/// The section when the cut has no ADLB.
fn not_collected(trial: String, cut: String, role: Option<Role>, coded: bool) -> LabsView {
    LabsView {
        notes: vec!["Laboratory data: not collected (the cut carries no ADLB).".into()],
        ..blank(trial, cut, role, coded)
    }
}

/// A section with nothing in it yet (no listing, chart or table): what
/// every view starts from.
fn blank(trial: String, cut: String, role: Option<Role>, coded: bool) -> LabsView {
    let empty = |title: &str| LinesTableData {
        title: title.into(),
        first: String::new(),
        columns: Vec::new(),
        lines: Vec::new(),
        notes: Vec::new(),
    };
    LabsView {
        trial_id: trial,
        cut_date: cut,
        viewer_role: role,
        coded,
        collected: false,
        notes: Vec::new(),
        quadrants: empty("eDISH quadrants"),
        edish_chart: Figure::default(),
        edish_binned: None,
        hys_law: Vec::new(),
        hys_law_total: 0,
        hys_law_page: 1,
        hys_law_pages: 1,
        shifts: Vec::new(),
        extremes: empty("Peaks and nadirs after baseline"),
        trend_params: Vec::new(),
        trend_param: String::new(),
        trend_chart: Figure::default(),
        trend_table: empty("Values by visit"),
        change: None,
    }
}

/// Each trend parameter's medians and quartiles by visit and group, groups
/// in `order`.
fn closed_series(
    labs: &LabReport,
    names: &ArmNames,
    order: &[String],
) -> Vec<figures::TrendSeries> {
    labs.trends
        .iter()
        .map(|t| figures::TrendSeries {
            param: labs.label(&t.param),
            uln: t.uln,
            groups: order
                .iter()
                .map(|code| {
                    (
                        names.name(code),
                        t.visits
                            .iter()
                            .filter_map(|v| {
                                Some((
                                    v.visit,
                                    v.name.clone(),
                                    v.values.by_arm.get(code)?.as_ref().copied()?,
                                ))
                            })
                            .collect(),
                    )
                })
                .collect(),
        })
        .collect()
}

/// Each trend parameter's pooled medians and quartiles by visit (the
/// summaries shown: over at least the threshold of subjects).
fn open_series(labs: &OpenLabs) -> Vec<figures::TrendSeries> {
    labs.trends
        .iter()
        .map(|t| figures::TrendSeries {
            param: labs.label(&t.param),
            uln: t.uln,
            groups: vec![(
                "All subjects".into(),
                t.visits
                    .iter()
                    .filter_map(|v| Some((v.visit, v.name.clone(), v.values.as_ref()?.quartiles?)))
                    .collect(),
            )],
        })
        .collect()
}

/// The closed section's trend chart of each parameter alone (the report
/// documents: the screen's menu picks one of them).
pub fn closed_trend_charts(closed: &ClosedReport, names: &ArmNames) -> Vec<(String, Figure)> {
    let series = closed_series(&closed.labs, names, &names.display_order());
    figures::one_chart_each(&series)
}

/// The sponsor's pooled trend chart of each parameter alone.
pub fn open_trend_charts(open: &OpenReport) -> Vec<(String, Figure)> {
    figures::one_chart_each(&open_series(&open.labs))
}

/// The columns of a closed table: each group in display order, then Total.
fn closed_columns<T: Clone + Default>(names: &ArmNames, by: &ByGroup<T>) -> (Vec<String>, Vec<T>) {
    let order = names.display_order();
    let mut columns: Vec<String> = order.iter().map(|c| names.name(c)).collect();
    columns.push("Total".into());
    let mut cells: Vec<T> = order
        .iter()
        .map(|c| by.by_arm.get(c).cloned().unwrap_or_default())
        .collect();
    cells.push(by.total.clone());
    (columns, cells)
}

/// The closed section without its listing (see [`listing_page`]).
pub fn closed_labs(role: Role, closed: &ClosedReport, names: &ArmNames) -> LabsView {
    let labs: &LabReport = &closed.labs;
    if !labs.collected {
        return not_collected(
            closed.trial.clone(),
            closed.cut_date.clone(),
            Some(role),
            names.coded,
        );
    }
    let (columns, pops) = closed_columns(names, &labs.population);
    let (_, quads) = closed_columns::<Quadrants>(names, &labs.quadrants);
    let mut q_lines = vec![line(
        "Subjects with a post-baseline value",
        false,
        pops.iter().map(u32::to_string).collect(),
    )];
    for (i, label) in QUADRANT_LABELS.iter().enumerate() {
        q_lines.push(line(
            *label,
            true,
            quads
                .iter()
                .zip(&pops)
                .map(|(q, n)| share(q.levels()[i].1, *n))
                .collect(),
        ));
        if i == 0 {
            q_lines.push(line(
                format!(
                    "Potential Hy's law (peak {} < {ALP_XULN}× ULN)",
                    labs.liver[3]
                ),
                true,
                quads
                    .iter()
                    .zip(&pops)
                    .map(|(q, n)| share(q.potential_hys_law, *n))
                    .collect(),
            ));
        }
    }
    let quadrants = LinesTableData {
        title: "eDISH quadrants".into(),
        first: "Subjects".into(),
        columns: columns.clone(),
        lines: q_lines,
        notes: vec![definitions(&labs.liver)],
    };
    let order = names.display_order();
    let (edish_chart, edish_binned) = figures::edish(labs, names, &order);
    let shifts = labs
        .shifts
        .iter()
        .map(|t| {
            let (cols, tables) = closed_columns(names, &t.counts);
            let mut lines = Vec::new();
            for (name, table) in cols.iter().zip(&tables) {
                lines.push(line(name.clone(), false, vec![String::new(); 5]));
                for from in Category::ALL {
                    let row = table[from.index()];
                    let total: u32 = row.iter().sum();
                    let mut cells: Vec<String> = row.iter().map(u32::to_string).collect();
                    cells.push(total.to_string());
                    lines.push(line(CATEGORY_LABELS[from.index()], true, cells));
                }
            }
            shift_table(&labs.label(&t.param), t.worst, lines)
        })
        .collect();
    let extremes = LinesTableData {
        title: "Peaks and nadirs after baseline: median (Q1–Q3)".into(),
        first: "Parameter".into(),
        columns: columns.clone(),
        lines: labs
            .extremes
            .iter()
            .map(|e| {
                let (_, cells) = closed_columns(names, &e.values);
                line(
                    format!("{}, {}", labs.label(&e.param), e.statistic),
                    false,
                    cells.iter().map(quartiles).collect(),
                )
            })
            .collect(),
        notes: vec!["Each subject's largest (peak) or smallest (nadir, where low values are worse) value after baseline; quartiles by R's default (type 7).".into()],
    };
    let trend_params: Vec<String> = labs.trends.iter().map(|t| labs.label(&t.param)).collect();
    let mut t_lines = Vec::new();
    for t in &labs.trends {
        t_lines.push(line(
            labs.label(&t.param),
            false,
            vec![String::new(); columns.len()],
        ));
        for v in &t.visits {
            let (_, cells) = closed_columns(names, &v.values);
            t_lines.push(line(
                v.name.clone(),
                true,
                cells.iter().map(quartiles).collect(),
            ));
        }
    }
    let trend_table = LinesTableData {
        title: "Values by visit: median (Q1–Q3)".into(),
        first: "Parameter and visit".into(),
        columns: columns.clone(),
        lines: t_lines,
        notes: Vec::new(),
    };
    let trend_chart = figures::trends(&closed_series(labs, names, &order));
    let change = Some(change::change_table(labs, names, &order));
    LabsView {
        collected: true,
        notes: vec![format!(
            "{} laboratory records ({} without a value). Post-baseline: a record other than the baseline record (ABLFL), dated after randomization.",
            labs.records, labs.records_missing_value
        )],
        quadrants,
        edish_chart,
        edish_binned,
        shifts,
        extremes,
        trend_param: trend_params.first().cloned().unwrap_or_default(),
        trend_params,
        trend_chart,
        trend_table,
        change,
        ..blank(
            closed.trial.clone(),
            closed.cut_date.clone(),
            Some(role),
            names.coded,
        )
    }
}

fn shift_table(param: &str, worst: &str, lines: Vec<BaselineLine>) -> LinesTableData {
    let mut columns: Vec<String> = CATEGORY_LABELS
        .iter()
        .map(|c| format!("Worst: {c}"))
        .collect();
    columns.push("Total".into());
    LinesTableData {
        title: format!("{param}: baseline against the worst post-baseline category ({worst} is worse)"),
        first: "Baseline".into(),
        columns,
        lines,
        notes: vec!["Reference-range categories: below the lower limit, above the upper, or within it (limits included); missing without a baseline record, or without a post-baseline value.".into()],
    }
}

/// The sponsor's section: pooled counts (small cells suppressed) and
/// pooled summaries; no subject's point, listing or group.
pub fn open_labs(role: Role, open: &OpenReport) -> LabsView {
    let labs: &OpenLabs = &open.labs;
    if !labs.collected {
        return not_collected(open.trial.clone(), open.cut_date.clone(), Some(role), false);
    }
    let pop = labs.population.count();
    let mut q_lines = vec![line(
        "Subjects with a post-baseline value",
        false,
        vec![open_cell(labs.population, None)],
    )];
    for (i, (_, c)) in labs.quadrants.iter().enumerate() {
        q_lines.push(line(QUADRANT_LABELS[i], true, vec![open_cell(*c, pop)]));
    }
    let liver = labs.liver.clone();
    let quadrants = LinesTableData {
        title: "eDISH quadrants (pooled)".into(),
        first: "Subjects".into(),
        columns: vec!["Total".into()],
        lines: q_lines,
        notes: vec![definitions(&liver)],
    };
    let shifts = labs
        .shifts
        .iter()
        .map(|t| {
            let mut lines = vec![line("All subjects", false, vec![String::new(); 5])];
            for from in Category::ALL {
                let row = &t.cells[from.index()];
                let total = row
                    .iter()
                    .map(|c| c.count())
                    .sum::<Option<u32>>()
                    .map_or_else(|| "–".into(), |t| t.to_string());
                let mut cells: Vec<String> = row.iter().map(|c| open_cell(*c, None)).collect();
                cells.push(total);
                lines.push(line(CATEGORY_LABELS[from.index()], true, cells));
            }
            shift_table(&labs.label(&t.param), t.worst, lines)
        })
        .collect();
    let summary = |s: &Option<crate::server::report::labs::open::OpenSummary>| match s {
        Some(s) if s.quartiles.is_some() => quartiles(&s.quartiles),
        Some(s) => format!("n = {} (too few to summarise)", s.n),
        None => "–".into(),
    };
    let extremes = LinesTableData {
        title: "Peaks and nadirs after baseline (pooled): median (Q1–Q3)".into(),
        first: "Parameter".into(),
        columns: vec!["Total".into()],
        lines: labs
            .extremes
            .iter()
            .map(|e| {
                line(
                    format!("{}, {}", labs.label(&e.param), e.statistic),
                    false,
                    vec![summary(&e.values)],
                )
            })
            .collect(),
        notes: Vec::new(),
    };
    let mut t_lines = Vec::new();
    for t in &labs.trends {
        t_lines.push(line(labs.label(&t.param), false, vec![String::new()]));
        for v in &t.visits {
            t_lines.push(line(v.name.clone(), true, vec![summary(&v.values)]));
        }
    }
    let threshold = open.small_cell_threshold;
    LabsView {
        collected: true,
        notes: vec![format!(
            "{} laboratory records, pooled over all groups. Counts below {threshold}, or that would give one away, are suppressed; a summary over fewer than {threshold} subjects is not shown. Subjects' values, the Hy's law listing and the comparisons of groups are for the closed session only.",
            labs.records
        )],
        quadrants,
        shifts,
        extremes,
        trend_param: labs.trends.first().map(|t| labs.label(&t.param)).unwrap_or_default(),
        trend_params: labs.trends.iter().map(|t| labs.label(&t.param)).collect(),
        trend_chart: figures::trends(&open_series(labs)),
        trend_table: LinesTableData {
            title: "Values by visit (pooled): median (Q1–Q3)".into(),
            first: "Parameter and visit".into(),
            columns: vec!["Total".into()],
            lines: t_lines,
            notes: Vec::new(),
        },
        ..blank(open.trial.clone(), open.cut_date.clone(), Some(role), false)
    }
}
