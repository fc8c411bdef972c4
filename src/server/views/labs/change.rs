//! The change from baseline at the configured visit, by group, with the
//! difference of means of each pair of groups and Welch's interval and
//! test: every pair in letter order while coded, each arm against the
//! reference arm once decoded.

use super::{closed_columns, line, value};
use crate::components::format::p_is;
use crate::dto::LinesTableData;
use crate::server::firewall::ArmNames;
use crate::server::report::labs::{ChangeStats, LabReport};
use crate::stats::descriptive::welch_difference;

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
pub(super) fn change_table(labs: &LabReport, names: &ArmNames, order: &[String]) -> LinesTableData {
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
                            "{} ({} to {}), {}",
                            value(d.estimate),
                            value(d.ci95.0),
                            value(d.ci95.1),
                            p_is(d.p_value)
                        )
                    },
                ));
            }
            line(labs.label(&c.param), false, out)
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
