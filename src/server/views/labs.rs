//! The laboratory section (safety page) and a subject's lab profile, named
//! as the viewer may see them: by group and in total for closed roles
//! (groups in letter order while coded), pooled for the sponsor. The
//! figures are in `lab_figures.rs`.

use super::lab_figures;
use crate::components::format::{p_fmt, percent};
use crate::dto::{
    BaselineLine, Figure, HysLawRow, LabProfileView, LabsView, LinesTableData, Role, LISTING_PAGE,
};
use crate::server::firewall::ArmNames;
use crate::server::report::labs::open::OpenLabs;
use crate::server::report::labs::{
    ByGroup, Category, ChangeStats, LabReport, Peak, Quadrants, Quartiles, ALP_XULN, ALT_AST_XULN,
    BILI_XULN,
};
use crate::server::report::{Cell, ClosedReport, OpenReport};
use crate::stats::descriptive::welch_difference;

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
        notes: vec!["Laboratory data: not collected (the cut carries no ADLB).".into()],
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

fn peak(p: Option<Peak>) -> String {
    p.map_or_else(
        || "–".into(),
        |p| format!("{} (day {})", value(p.xuln), p.day),
    )
}

/// Page `page` (1-based) of the Hy's law listing in `view`, by subject as
/// the report sorts it.
pub fn listing_page(
    mut view: LabsView,
    closed: &ClosedReport,
    names: &ArmNames,
    page: u32,
) -> LabsView {
    let labs = &closed.labs;
    let pages = labs.hys_law.len().div_ceil(LISTING_PAGE).max(1);
    let page = (page as usize).clamp(1, pages);
    view.hys_law = labs
        .hys_law
        .iter()
        .skip((page - 1) * LISTING_PAGE)
        .take(LISTING_PAGE)
        .map(|c| HysLawRow {
            group: names.name(&c.arm),
            usubjid: c.usubjid.clone(),
            alt: peak(c.alt),
            ast: peak(c.ast),
            bili: peak(Some(c.bili)),
            alp: peak(c.alp),
            alp_below_2xuln: match c.alp_below_2xuln {
                Some(true) => "yes".into(),
                Some(false) => "no".into(),
                None => "not measured".into(),
            },
            potential: c.potential,
        })
        .collect();
    view.hys_law_total = u32::try_from(labs.hys_law.len()).unwrap_or(u32::MAX);
    view.hys_law_page = page as u32;
    view.hys_law_pages = pages as u32;
    view
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
    let (edish_chart, edish_binned) = lab_figures::edish(labs, names, &order);
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
            shift_table(&t.param, t.worst, lines)
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
                    format!("{}, {}", e.param, e.statistic),
                    false,
                    cells.iter().map(quartiles).collect(),
                )
            })
            .collect(),
        notes: vec!["Each subject's largest (peak) or smallest (nadir, where low values are worse) value after baseline; quartiles by R's default (type 7).".into()],
    };
    let trend_params: Vec<String> = labs.trends.iter().map(|t| t.param.clone()).collect();
    let mut t_lines = Vec::new();
    for t in &labs.trends {
        t_lines.push(line(
            t.param.clone(),
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
    let series: Vec<lab_figures::TrendSeries> = labs
        .trends
        .iter()
        .map(|t| lab_figures::TrendSeries {
            param: t.param.clone(),
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
        .collect();
    let trend_chart = lab_figures::trends(&series);
    let change = Some(change_table(labs, names, &order));
    LabsView {
        trial_id: closed.trial.clone(),
        cut_date: closed.cut_date.clone(),
        viewer_role: Some(role),
        coded: names.coded,
        collected: true,
        notes: vec![format!(
            "{} laboratory records ({} without a value). Post-baseline: a record other than the baseline record (ABLFL), dated after randomization.",
            labs.records, labs.records_missing_value
        )],
        quadrants,
        edish_chart,
        edish_binned,
        hys_law: Vec::new(),
        hys_law_total: 0,
        hys_law_page: 1,
        hys_law_pages: 1,
        shifts,
        extremes,
        trend_param: trend_params.first().cloned().unwrap_or_default(),
        trend_params,
        trend_chart,
        trend_table,
        change,
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

fn change_cell(c: &Option<ChangeStats>) -> String {
    match c {
        Some(c) => format!(
            "{} ({}), n = {}{}",
            value(c.mean),
            c.sd.map_or_else(|| "–".into(), value),
            c.n,
            c.mean_percent
                .map_or_else(String::new, |p| format!("; {:.1}%", p))
        ),
        None => "–".into(),
    }
}

/// Change from baseline by group with the difference of means of each
/// pair: every pair in letter order while coded (the Welch interval is
/// symmetric in the two groups, so no group stands out as the reference),
/// each arm against the reference arm otherwise.
fn change_table(labs: &LabReport, names: &ArmNames, order: &[String]) -> LinesTableData {
    let mut pairs: Vec<(String, String)> = Vec::new();
    if names.coded {
        for (j, later) in order.iter().enumerate() {
            for earlier in &order[..j] {
                pairs.push((later.clone(), earlier.clone()));
            }
        }
    } else if let Some((reference, rest)) = names.arms.split_first() {
        for arm in rest {
            pairs.push((arm.0.clone(), reference.0.clone()));
        }
    }
    let mut columns: Vec<String> = order.iter().map(|c| names.name(c)).collect();
    columns.push("Total".into());
    for (a, b) in &pairs {
        columns.push(format!(
            "{} − {}: difference (95% CI), p",
            names.name(a),
            names.name(b)
        ));
    }
    let lines = labs
        .change
        .iter()
        .map(|c| {
            let (_, cells) = closed_columns(names, &c.values);
            let mut out: Vec<String> = cells.iter().map(change_cell).collect();
            for (a, b) in &pairs {
                let (x, y) = (
                    c.values.by_arm.get(a).copied().flatten(),
                    c.values.by_arm.get(b).copied().flatten(),
                );
                let d = match (x, y) {
                    (Some(x), Some(y)) => welch_difference(
                        x.mean,
                        x.sd.unwrap_or(f64::NAN),
                        u64::from(x.n),
                        y.mean,
                        y.sd.unwrap_or(f64::NAN),
                        u64::from(y.n),
                    ),
                    _ => None,
                };
                out.push(d.map_or_else(
                    || "–".into(),
                    |d| {
                        format!(
                            "{} ({} to {}), p = {}",
                            value(d.estimate),
                            value(d.ci95.0),
                            value(d.ci95.1),
                            p_fmt(d.p_value)
                        )
                    },
                ));
            }
            line(c.param.clone(), false, out)
        })
        .collect();
    let visit = labs
        .change
        .first()
        .map(|c| {
            c.visit_name
                .clone()
                .unwrap_or_else(|| format!("visit {}", c.visit))
        })
        .unwrap_or_default();
    LinesTableData {
        title: format!("Change from baseline at {visit}: mean (SD), n; mean % change"),
        first: "Parameter".into(),
        columns,
        lines,
        notes: vec!["Subjects with a baseline value and a value at the visit. Differences of means with Welch's 95% interval and t-test (R: t.test(x, y)).".into()],
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
            shift_table(&t.param, t.worst, lines)
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
                    format!("{}, {}", e.param, e.statistic),
                    false,
                    vec![summary(&e.values)],
                )
            })
            .collect(),
        notes: Vec::new(),
    };
    let mut t_lines = Vec::new();
    for t in &labs.trends {
        t_lines.push(line(t.param.clone(), false, vec![String::new()]));
        for v in &t.visits {
            t_lines.push(line(v.name.clone(), true, vec![summary(&v.values)]));
        }
    }
    let series: Vec<lab_figures::TrendSeries> = labs
        .trends
        .iter()
        .map(|t| lab_figures::TrendSeries {
            param: t.param.clone(),
            uln: t.uln,
            groups: vec![(
                "All subjects".into(),
                t.visits
                    .iter()
                    .filter_map(|v| Some((v.visit, v.name.clone(), v.values.as_ref()?.quartiles?)))
                    .collect(),
            )],
        })
        .collect();
    let threshold = open.small_cell_threshold;
    LabsView {
        trial_id: open.trial.clone(),
        cut_date: open.cut_date.clone(),
        viewer_role: Some(role),
        coded: false,
        collected: true,
        notes: vec![format!(
            "{} laboratory records, pooled over all groups. Counts below {threshold}, or that would give one away, are suppressed; a summary over fewer than {threshold} subjects is not shown. Subjects' values, the Hy's law listing and the comparisons of groups are for the closed session only.",
            labs.records
        )],
        quadrants,
        edish_chart: Figure::default(),
        edish_binned: None,
        hys_law: Vec::new(),
        hys_law_total: 0,
        hys_law_page: 1,
        hys_law_pages: 1,
        shifts,
        extremes,
        trend_param: labs.trends.first().map(|t| t.param.clone()).unwrap_or_default(),
        trend_params: labs.trends.iter().map(|t| t.param.clone()).collect(),
        trend_chart: lab_figures::trends(&series),
        trend_table: LinesTableData {
            title: "Values by visit (pooled): median (Q1–Q3)".into(),
            first: "Parameter and visit".into(),
            columns: vec!["Total".into()],
            lines: t_lines,
            notes: Vec::new(),
        },
        change: None,
    }
}

/// A subject's lab profile, or `None` when the subject is not in the Hy's
/// law range at the cut (the profiles the report keeps).
pub fn profile(closed: &ClosedReport, names: &ArmNames, usubjid: &str) -> Option<LabProfileView> {
    let p = closed.labs.profiles.iter().find(|p| p.usubjid == usubjid)?;
    let chart = lab_figures::profile(p);
    let mut days: Vec<i64> = p
        .series
        .iter()
        .flat_map(|s| s.points.iter().map(|x| x.day))
        .collect();
    days.sort_unstable();
    days.dedup();
    let lines = days
        .iter()
        .map(|d| {
            let cells = p
                .series
                .iter()
                .map(|s| {
                    s.points
                        .iter()
                        .filter(|x| x.day == *d)
                        .map(|x| value(x.xuln))
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .collect();
            let base = p
                .series
                .iter()
                .any(|s| s.points.iter().any(|x| x.day == *d && x.baseline));
            line(
                if base {
                    format!("Day {d} (baseline)")
                } else {
                    format!("Day {d}")
                },
                false,
                cells,
            )
        })
        .collect();
    let mut events: Vec<BaselineLine> = p
        .events
        .iter()
        .map(|e| {
            line(
                e.day.map_or_else(|| "Day –".into(), |d| format!("Day {d}")),
                false,
                vec![
                    e.term.clone(),
                    if e.serious { "serious" } else { "" }.into(),
                ],
            )
        })
        .collect();
    if let Some(d) = p.death_day {
        events.push(line(
            format!("Day {d}"),
            false,
            vec!["Death".into(), String::new()],
        ));
    }
    Some(LabProfileView {
        trial_id: closed.trial.clone(),
        cut_date: closed.cut_date.clone(),
        usubjid: p.usubjid.clone(),
        group: names.name(&p.arm),
        coded: names.coded,
        chart,
        table: LinesTableData {
            title: "Liver tests in multiples of the ULN".into(),
            first: "Study day".into(),
            columns: p.series.iter().map(|s| s.param.clone()).collect(),
            lines,
            notes: vec![format!(
                "Reference lines: {ALT_AST_XULN}× ULN (ALT, AST) and {BILI_XULN}× ULN (bilirubin). Study day: randomization = day 1."
            )],
        },
        events: LinesTableData {
            title: "Adverse events and death".into(),
            first: "Onset".into(),
            columns: vec!["Event".into(), "Serious".into()],
            lines: events,
            notes: Vec::new(),
        },
    })
}
