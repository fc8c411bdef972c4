//! The baseline characteristics table's data: every variable's lines,
//! formatted, by group (closed roles, in display order) and in total; for
//! two groups, a last column of absolute standardized differences.

use crate::components::format::{opt, percent};
use crate::dto::{BaselineLine, BaselineTable, Role};
use crate::server::firewall::ArmNames;
use crate::server::report::baseline::{ClosedBaseline, ContinuousSummary, GroupSummary};
use crate::server::report::{ClosedReport, OpenReport};

/// A number to at most `digits` decimals, trailing zeros dropped.
fn num(x: Option<f64>, digits: usize) -> String {
    match x {
        Some(v) => {
            let s = format!("{v:.digits$}");
            if s.contains('.') {
                s.trim_end_matches('0').trim_end_matches('.').to_string()
            } else {
                s
            }
        }
        None => "–".into(),
    }
}

/// The statistic lines of a continuous variable, one cell per summary.
pub(crate) fn continuous_lines(cells: &[Option<&ContinuousSummary>]) -> Vec<BaselineLine> {
    continuous_lines_to(cells, 1)
}

/// Two numbers as a range: "1.3–2" or, when either is negative (where a
/// dash would read as a minus), "-0.5 to -0.01".
fn range(a: Option<f64>, b: Option<f64>, digits: usize) -> String {
    if a.is_some_and(|x| x < 0.0) || b.is_some_and(|x| x < 0.0) {
        format!("{} to {}", num(a, digits), num(b, digits))
    } else {
        format!("{}–{}", num(a, digits), num(b, digits))
    }
}

/// [`continuous_lines`] with the mean and SD to `mean_digits` decimals
/// (a laboratory value's scale needs two).
pub(crate) fn continuous_lines_to(
    cells: &[Option<&ContinuousSummary>],
    mean_digits: usize,
) -> Vec<BaselineLine> {
    let line = |label: &str, f: &dyn Fn(&ContinuousSummary) -> String| BaselineLine {
        label: label.into(),
        indent: true,
        cells: cells.iter().map(|c| c.map_or("–".into(), f)).collect(),
    };
    vec![
        line("n (missing)", &|c| format!("{} ({})", c.n, c.missing)),
        line("Median (Q1–Q3)", &|c| {
            format!("{} ({})", num(c.median, 2), range(c.q1, c.q3, 2))
        }),
        line("Mean (SD)", &|c| {
            format!("{} ({})", num(c.mean, mean_digits), num(c.sd, mean_digits))
        }),
        line("Min–max", &|c| range(c.min, c.max, 2)),
    ]
}

/// n (%) of `count` among `of`.
fn share(count: Option<u32>, of: u32) -> String {
    match count {
        Some(c) if of > 0 => format!("{c} ({}%)", percent(c, of)),
        Some(c) => c.to_string(),
        None => "suppressed".into(),
    }
}

/// The lines of one variable: its heading, then its statistics or levels.
fn lines_of(
    label: &str,
    collected: bool,
    levels: &[String],
    groups: &[(&GroupSummary, Vec<Option<u32>>)],
) -> Vec<BaselineLine> {
    let mut out = vec![BaselineLine {
        label: label.into(),
        indent: false,
        cells: groups
            .iter()
            .map(|_| {
                if collected {
                    String::new()
                } else {
                    "not collected".into()
                }
            })
            .collect(),
    }];
    if !collected {
        return out;
    }
    if levels.is_empty() {
        let cells: Vec<Option<&ContinuousSummary>> =
            groups.iter().map(|(g, _)| g.continuous.as_ref()).collect();
        out.extend(continuous_lines(&cells));
    } else {
        for (i, level) in levels.iter().enumerate() {
            out.push(BaselineLine {
                label: level.clone(),
                indent: true,
                cells: groups
                    .iter()
                    .map(|(g, counts)| share(counts.get(i).copied().flatten(), g.subjects))
                    .collect(),
            });
        }
    }
    out
}

fn shown(g: &GroupSummary) -> Vec<Option<u32>> {
    g.counts.iter().map(|c| Some(*c)).collect()
}

/// The standardized-difference cell of each of a variable's `lines`: on
/// the mean's line of a continuous variable, on each level's line else.
fn std_diff_cells(b: &ClosedBaseline, lines: &mut [BaselineLine]) {
    let continuous = b.levels.is_empty();
    for (i, line) in lines.iter_mut().enumerate() {
        let d = match (continuous, i) {
            (_, 0) => None,
            (true, 3) => b.std_diff.first().copied(),
            (true, _) => None,
            (false, i) => b.std_diff.get(i - 1).copied(),
        };
        line.cells.push(d.map_or_else(String::new, |d| opt(d, 2)));
    }
}

/// The closed table: every group in display order, then the total (and,
/// for two groups, their standardized differences).
pub fn closed_table(
    trial: String,
    role: Role,
    closed: &ClosedReport,
    names: &ArmNames,
) -> BaselineTable {
    let order = names.display_order();
    let mut columns: Vec<String> = order.iter().map(|c| names.name(c)).collect();
    columns.push("Total".into());
    let two = closed.baseline.iter().any(|b| !b.std_diff.is_empty());
    if two {
        columns.push("Std. diff.".into());
    }
    let lines = closed
        .baseline
        .iter()
        .flat_map(|b: &ClosedBaseline| {
            let mut groups: Vec<(&GroupSummary, Vec<Option<u32>>)> = order
                .iter()
                .filter_map(|c| b.by_arm.get(c))
                .map(|g| (g, shown(g)))
                .collect();
            groups.push((&b.total, shown(&b.total)));
            let mut lines = lines_of(&b.label, b.collected, &b.levels, &groups);
            if two {
                std_diff_cells(b, &mut lines);
            }
            lines
        })
        .collect();
    BaselineTable {
        trial_id: trial,
        cut_date: closed.cut_date.clone(),
        viewer_role: Some(role),
        columns,
        lines,
        coded: names.coded,
    }
}

/// The open table: the total only, small level counts suppressed.
pub fn open_table(trial: String, role: Role, open: &OpenReport) -> BaselineTable {
    let lines = open
        .baseline
        .iter()
        .flat_map(|b| {
            let total = GroupSummary {
                subjects: b.subjects,
                continuous: b.continuous.clone(),
                counts: Vec::new(),
            };
            lines_of(
                &b.label,
                b.collected,
                &b.levels,
                &[(&total, b.counts.clone())],
            )
        })
        .collect();
    BaselineTable {
        trial_id: trial,
        cut_date: open.cut_date.clone(),
        viewer_role: Some(role),
        columns: vec!["Total".into()],
        lines,
        coded: false,
    }
}
