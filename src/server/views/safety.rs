//! The safety page's data: pooled rates for every role, and for closed
//! roles the rates by group, comparisons, cumulative incidence and the
//! serious-event listing, named as the viewer may see them.

use super::figures;
use crate::dto::{
    ClosedSafety, ClosedSafetyRow, GroupComparison, GroupIncidence, GroupRate, OpenRateRow,
    OpenSafety, Role, SeriousCount, SeriousRow,
};
use crate::server::config::{Analysis, RiskDifferenceCi};
use crate::server::firewall::ArmNames;
use crate::server::report::safety::risk_difference;
use crate::server::report::safety_time::SeriousEvent;
use crate::server::report::{ClosedRate, ClosedReport, OpenReport};
use crate::stats::proportions::{compare, TestName, TwoByTwo};

/// The pooled rates of the open report, as the page shows them to `role`
/// (any role: nothing here is split by arm).
pub fn open_safety(trial: String, role: Role, open: &OpenReport, cuts: Vec<String>) -> OpenSafety {
    OpenSafety {
        trial_id: trial,
        viewer_role: Some(role),
        cut_date: open.cut_date.clone(),
        small_cell_threshold: open.small_cell_threshold,
        rows: open
            .safety
            .iter()
            .map(|r| OpenRateRow {
                category: r.category.clone(),
                subjects: r.subjects,
                n: r.n,
                percent: r.percent,
                ci95: r.ci95,
                suppressed: r.suppressed,
            })
            .collect(),
        cuts,
    }
}

/// A test as the page names it.
pub(crate) fn test_name(t: TestName) -> String {
    match t {
        TestName::ChiSquare => "chi-square".into(),
        TestName::Fisher => "Fisher exact".into(),
    }
}

/// Safety comparisons as a DSMB member sees them while the groups are
/// coded: every pair of groups in letter order (B vs A, C vs A, C vs B), so
/// that no group stands out as the reference arm, which would tell the
/// control from the treatment. The risk-difference intervals and tests are
/// symmetric in the two groups, so each pair is what the report would give
/// with the groups' roles swapped.
fn coded_pairs(
    c: &ClosedRate,
    order: &[String],
    names: &ArmNames,
    analysis: &Analysis,
) -> Vec<GroupComparison> {
    let mut out = Vec::new();
    for (j, later) in order.iter().enumerate() {
        for earlier in &order[..j] {
            let (Some(a), Some(b)) = (c.by_arm.get(later), c.by_arm.get(earlier)) else {
                continue;
            };
            let (x1, n1, x2, n2) = (
                u64::from(a.subjects),
                u64::from(a.n),
                u64::from(b.subjects),
                u64::from(b.n),
            );
            let rd = risk_difference(analysis.risk_difference_ci, x1, n1, x2, n2);
            let t = TwoByTwo {
                events_1: x1,
                n_1: n1,
                events_2: x2,
                n_2: n2,
            };
            if let Some(cmp) = compare(&t, analysis.safety_test, analysis.continuity_correction) {
                out.push(GroupComparison {
                    label: format!("{} vs {}", names.name(later), names.name(earlier)),
                    risk_difference: rd.map(|r| r.estimate),
                    risk_difference_ci95: rd.map(|r| [r.ci.0, r.ci.1]),
                    p_value: cmp.p_value,
                    test: test_name(cmp.test),
                });
            }
        }
    }
    out
}

/// The closed safety page's data (tables and figures) from the report.
pub fn closed_safety(
    analysis: &Analysis,
    trial: String,
    closed: &ClosedReport,
    names: &ArmNames,
) -> ClosedSafety {
    let order = names.display_order();
    let method = analysis.risk_difference_ci;
    let rows = closed
        .safety
        .iter()
        .map(|c| ClosedSafetyRow {
            category: c.category.clone(),
            groups: order
                .iter()
                .filter_map(|code| {
                    c.by_arm.get(code).map(|r| GroupRate {
                        group: names.name(code),
                        subjects: r.subjects,
                        n: r.n,
                        percent: r.percent,
                        ci95: r.ci95,
                    })
                })
                .collect(),
            comparisons: if names.coded {
                coded_pairs(c, &order, names, analysis)
            } else {
                c.comparisons
                    .iter()
                    .map(|cmp| GroupComparison {
                        label: format!(
                            "{} vs {}",
                            names.name(&cmp.arm),
                            names.name(&cmp.reference)
                        ),
                        risk_difference: cmp.risk_difference.map(|e| e.estimate),
                        risk_difference_ci95: cmp.risk_difference.map(|e| e.ci95),
                        p_value: cmp.p_value,
                        test: test_name(cmp.test),
                    })
                    .collect()
            },
            incidence: order
                .iter()
                .filter_map(|code| {
                    c.cumulative_incidence.get(code).map(|k| GroupIncidence {
                        group: names.name(code),
                        at_days: k.at_days.clone(),
                        steps: k.time.iter().zip(&k.cif).map(|(t, y)| [*t, *y]).collect(),
                        end: k.end,
                        undated: k.undated,
                    })
                })
                .collect(),
        })
        .collect::<Vec<_>>();
    // The listing newest first as the report sorts it; events of one day
    // by group (coded letter or trial order), then subject.
    let rank = |code: &str| order.iter().position(|c| c == code).unwrap_or(usize::MAX);
    let mut listed: Vec<&SeriousEvent> = closed.serious_events.iter().collect();
    listed.sort_by(|a, b| {
        b.onset
            .is_some()
            .cmp(&a.onset.is_some())
            .then_with(|| b.onset.cmp(&a.onset))
            .then_with(|| rank(&a.arm).cmp(&rank(&b.arm)))
            .then_with(|| (&a.usubjid, &a.term).cmp(&(&b.usubjid, &b.term)))
    });
    let serious_summary = order
        .iter()
        .map(|code| {
            let of: Vec<&&SeriousEvent> = listed.iter().filter(|e| &e.arm == code).collect();
            let subjects: std::collections::BTreeSet<&str> =
                of.iter().map(|e| e.usubjid.as_str()).collect();
            SeriousCount {
                group: names.name(code),
                serious: u32::try_from(of.iter().filter(|e| e.serious).count()).unwrap_or(u32::MAX),
                fatal: u32::try_from(of.iter().filter(|e| e.fatal).count()).unwrap_or(u32::MAX),
                subjects: u32::try_from(subjects.len()).unwrap_or(u32::MAX),
            }
        })
        .collect();
    let serious: Vec<SeriousRow> = listed
        .into_iter()
        .map(|e| SeriousRow {
            group: names.name(&e.arm),
            usubjid: e.usubjid.clone(),
            term: e.term.clone(),
            day: e.day,
            onset: e.onset.clone(),
            serious: e.serious,
            fatal: e.fatal,
        })
        .collect();
    let incidence_chart = figures::cumulative_incidence(&rows, &closed.incidence_days);
    ClosedSafety {
        trial_id: trial,
        cut_date: closed.cut_date.clone(),
        coded: names.coded,
        risk_difference_method: match method {
            RiskDifferenceCi::Newcombe => "Newcombe hybrid score".into(),
            RiskDifferenceCi::MiettinenNurminen => "Miettinen-Nurminen".into(),
        },
        rows,
        incidence_days: closed.incidence_days.clone(),
        incidence_chart,
        serious_total: u32::try_from(serious.len()).unwrap_or(u32::MAX),
        serious_page: 1,
        serious_pages: 1,
        serious,
        serious_summary,
    }
}
