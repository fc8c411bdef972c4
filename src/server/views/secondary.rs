//! The secondary endpoints as the efficacy page and the closed report show
//! them: events/n (%) by group in display order and the comparison in
//! words. While the groups are coded the counts and a two-group test stay
//! (both are the same whichever arm stands behind each letter); a hazard
//! ratio, and a test of two arms among more, wait for the decode. A
//! continuous endpoint's summary lines are by letter and its two-group
//! test likewise; the difference of means is directional and waits.

use crate::components::format::p_is;
use crate::dto::{ContinuousRow, SecondaryRow};
use crate::server::config::secondary::{ContinuousTest, SecondaryKind};
use crate::server::firewall::ArmNames;
use crate::server::report::secondary::ContinuousResult;
use crate::server::report::ClosedReport;

/// The secondary endpoints as a viewer sees them.
pub struct SecondaryView {
    /// The groups in display order.
    pub groups: Vec<String>,
    /// The binary and time-to-event endpoints.
    pub rows: Vec<SecondaryRow>,
    /// The continuous endpoints.
    pub continuous: Vec<ContinuousRow>,
}

/// The groups in display order and one row per secondary endpoint.
pub fn secondary_rows(closed: &ClosedReport, names: &ArmNames) -> SecondaryView {
    let order = names.display_order();
    let groups = order.iter().map(|c| names.name(c)).collect();
    let two_groups = order.len() == 2;
    let reference = closed.arms.first().map_or("", |a| a.code.as_str());
    let continuous = closed
        .secondary
        .iter()
        .filter_map(|s| {
            let c = s.continuous.as_ref()?;
            Some(continuous_row(&s.name, &s.definition, c, &order, names))
        })
        .collect();
    let rows = closed
        .secondary
        .iter()
        .filter(|s| s.kind != SecondaryKind::Continuous)
        .map(|s| {
            let cells = order
                .iter()
                .map(|c| match s.by_arm.get(c) {
                    Some(e) if e.n > 0 => format!(
                        "{}/{} ({:.1}%)",
                        e.events,
                        e.n,
                        100.0 * f64::from(e.events) / f64::from(e.n)
                    ),
                    Some(e) => format!("{}/{}", e.events, e.n),
                    None => "–".into(),
                })
                .collect();
            let comparison = match s.kind {
                SecondaryKind::Binary => match &s.comparison {
                    // Coded: the two groups' test, which is the same
                    // whichever group is which, without naming a direction.
                    Some(c) if two_groups && names.coded => {
                        format!("{} ({})", p_is(c.p_value), super::safety::test_name(c.test))
                    }
                    Some(c) if !names.coded => format!(
                        "{}: {} ({})",
                        names.versus(&c.arm, &c.reference),
                        p_is(c.p_value),
                        super::safety::test_name(c.test)
                    ),
                    Some(_) => "tested after the decode".into(),
                    None => "not tested".into(),
                },
                SecondaryKind::Continuous => String::new(),
                SecondaryKind::TimeToEvent => {
                    let sv = s.survival.as_ref();
                    let mut parts = vec![match sv.and_then(|v| v.logrank_p) {
                        Some(p) => format!("log-rank {}", p_is(p)),
                        None => "no events: not tested".into(),
                    }];
                    if !names.coded {
                        for h in sv.and_then(|v| v.cox.as_ref()).into_iter().flatten() {
                            parts.push(format!(
                                "HR, {}: {:.2} ({:.2} to {:.2})",
                                names.versus(&h.arm, reference),
                                h.hr,
                                h.ci95[0],
                                h.ci95[1]
                            ));
                        }
                    }
                    parts.join("; ")
                }
            };
            SecondaryRow {
                name: s.name.clone(),
                kind: match s.kind {
                    SecondaryKind::Binary => "binary".into(),
                    SecondaryKind::Continuous => "continuous".into(),
                    SecondaryKind::TimeToEvent => "time to event".into(),
                },
                definition: s.definition.clone(),
                cells,
                comparison,
            }
        })
        .collect();
    SecondaryView {
        groups,
        rows,
        continuous,
    }
}

/// The test's name as captions give it.
pub fn continuous_test_name(t: ContinuousTest) -> &'static str {
    match t {
        ContinuousTest::Welch => "Welch's t-test",
        ContinuousTest::Wilcoxon => "Wilcoxon rank-sum test",
    }
}

/// One continuous endpoint: its summary lines by group in `order`, the
/// difference of the compared groups' means and the configured test.
fn continuous_row(
    name: &str,
    definition: &str,
    c: &ContinuousResult,
    order: &[String],
    names: &ArmNames,
) -> ContinuousRow {
    let cells: Vec<_> = order.iter().map(|code| c.by_arm.get(code)).collect();
    let lines = super::baseline::continuous_lines_to(&cells, 2);
    let test = continuous_test_name(c.test);
    let (difference, comparison) = match (&c.arm, &c.reference, c.p_value) {
        _ if names.coded && order.len() != 2 => (
            "after the decode".to_string(),
            "tested after the decode".to_string(),
        ),
        (_, _, p) if names.coded => (
            "after the decode".to_string(),
            p.map_or("not tested".into(), |p| format!("{} ({test})", p_is(p))),
        ),
        (Some(arm), Some(reference), p) => {
            let vs = names.versus(arm, reference);
            let difference = match (c.difference, c.ci95) {
                (Some(d), Some([lo, hi])) => {
                    format!("{vs}: {} ({} to {})", signif(d), signif(lo), signif(hi))
                }
                _ => format!("{vs}: not estimable"),
            };
            let comparison = p.map_or("not tested".into(), |p| format!("{} ({test})", p_is(p)));
            (difference, comparison)
        }
        _ => ("–".into(), "not tested".into()),
    };
    ContinuousRow {
        name: name.to_string(),
        definition: definition.to_string(),
        lines,
        difference,
        comparison,
    }
}

/// A difference to three significant digits (two decimals at least for
/// values under 10), as a table prints it.
fn signif(x: f64) -> String {
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
