//! The secondary endpoints as the efficacy page and the closed report show
//! them: events/n (%) by group in display order and the comparison in
//! words. While the groups are coded the counts and a two-group test stay
//! (both are the same whichever arm stands behind each letter); a hazard
//! ratio, and a test of two arms among more, wait for the decode.

use crate::components::format::p_is;
use crate::dto::SecondaryRow;
use crate::server::config::secondary::SecondaryKind;
use crate::server::firewall::ArmNames;
use crate::server::report::ClosedReport;

/// The groups in display order and one row per secondary endpoint.
pub fn secondary_rows(closed: &ClosedReport, names: &ArmNames) -> (Vec<String>, Vec<SecondaryRow>) {
    let order = names.display_order();
    let groups = order.iter().map(|c| names.name(c)).collect();
    let two_groups = order.len() == 2;
    let reference = closed.arms.first().map_or("", |a| a.code.as_str());
    let rows = closed
        .secondary
        .iter()
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
                    SecondaryKind::TimeToEvent => "time to event".into(),
                },
                definition: s.definition.clone(),
                cells,
                comparison,
            }
        })
        .collect();
    (groups, rows)
}
