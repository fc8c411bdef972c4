//! The safety page's data: pooled rates for every role, and for closed
//! roles the rates by group, comparisons, cumulative incidence and the
//! serious-event listing, named as the viewer may see them.

use super::figures;
use crate::dto::{
    ClosedSafety, ClosedSafetyRow, GroupComparison, GroupIncidence, GroupRate, OpenRateRow,
    OpenSafety, Role, SeriousCount, SeriousRow, LISTING_PAGE,
};
use crate::server::config::{Analysis, RiskDifferenceCi};
use crate::server::firewall::ArmNames;
use crate::server::report::safety::risk_difference;
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
    let rank = |code: &str| order.iter().position(|c| c == code).unwrap_or(usize::MAX);
    // Counts by group over the whole listing.
    let mut counts: Vec<(u32, u32, std::collections::HashSet<&str>)> =
        order.iter().map(|_| (0, 0, Default::default())).collect();
    for e in &closed.serious_events {
        if let Some(c) = counts.get_mut(rank(&e.arm)) {
            c.0 += u32::from(e.serious);
            c.1 += u32::from(e.fatal);
            c.2.insert(&e.usubjid);
        }
    }
    let serious_summary = order
        .iter()
        .zip(counts)
        .map(|(code, (serious, fatal, subjects))| SeriousCount {
            group: names.name(code),
            serious,
            fatal,
            subjects: u32::try_from(subjects.len()).unwrap_or(u32::MAX),
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
        test_caption: closed.safety_test.clone(),
        rules: rule_views(&closed.safety_rules, names),
        rows,
        incidence_days: closed.incidence_days.clone(),
        incidence_chart,
        serious_total: u32::try_from(closed.serious_events.len()).unwrap_or(u32::MAX),
        serious_page: 1,
        serious_pages: 1,
        serious: Vec::new(),
        serious_summary,
    }
}

/// The listing's order as the viewer sees it: newest onset first (undated
/// last), events of one day by group (coded letter or trial order), then
/// subject and term as the report has them. Indices into the report's
/// `serious_events`; kept with the cached view and paged per request.
pub fn listing_order(closed: &ClosedReport, names: &ArmNames) -> Vec<u32> {
    let order = names.display_order();
    let rank = |code: &str| order.iter().position(|c| c == code).unwrap_or(usize::MAX);
    let ev = &closed.serious_events;
    let mut keys: Vec<(std::cmp::Reverse<Option<i32>>, usize, u32)> = ev
        .iter()
        .enumerate()
        .map(|(i, e)| {
            (
                std::cmp::Reverse(e.onset_day),
                rank(&e.arm),
                u32::try_from(i).unwrap_or(u32::MAX),
            )
        })
        .collect();
    keys.sort_unstable();
    keys.into_iter().map(|(_, _, i)| i).collect()
}

/// The first `take` rows of the listing in `order`, groups named as the
/// viewer may see them.
pub fn listing_rows(
    closed: &ClosedReport,
    names: &ArmNames,
    order: &[u32],
    take: usize,
) -> Vec<SeriousRow> {
    order
        .iter()
        .take(take)
        .filter_map(|&i| closed.serious_events.get(i as usize))
        .map(|e| SeriousRow {
            group: names.name(&e.arm),
            usubjid: e.usubjid.to_string(),
            term: e.term.to_string(),
            day: e.day,
            onset: e.onset.as_deref().map(String::from),
            serious: e.serious,
            fatal: e.fatal,
        })
        .collect()
}

/// `view` with page `page` (1-based, clamped) of the listing in `order`.
pub fn listing_page(
    view: &ClosedSafety,
    closed: &ClosedReport,
    names: &ArmNames,
    order: &[u32],
    page: u32,
) -> ClosedSafety {
    let pages = order.len().div_ceil(LISTING_PAGE).max(1);
    let page = (page as usize).clamp(1, pages);
    let rows = listing_rows(
        closed,
        names,
        &order[((page - 1) * LISTING_PAGE).min(order.len())..],
        LISTING_PAGE,
    );
    ClosedSafety {
        serious: rows,
        serious_page: u32::try_from(page).unwrap_or(1),
        serious_pages: u32::try_from(pages).unwrap_or(1),
        ..view.clone()
    }
}

/// The safety monitoring rules with the groups named as the viewer may see
/// them (coded letters while coded; two-group rules carry both orders).
fn rule_views(
    rules: &[crate::server::report::rules::RuleResult],
    names: &ArmNames,
) -> Vec<crate::dto::SafetyRuleView> {
    use crate::dto::{BoundaryView, RuleGroupView, RulePairView, SafetyRuleView};
    rules
        .iter()
        .map(|r| {
            let mut groups: Vec<RuleGroupView> = r
                .groups
                .iter()
                .map(|g| RuleGroupView {
                    group: names.name(&g.arm),
                    events: g.events,
                    n: g.n,
                    posterior: g.posterior,
                    signal_at: g.signal_at,
                    signal: g.signal,
                })
                .collect();
            groups.sort_by(|a, b| a.group.cmp(&b.group));
            let mut pairs: Vec<RulePairView> = r
                .pairs
                .iter()
                .map(|p| RulePairView {
                    higher: names.name(&p.higher),
                    lower: names.name(&p.lower),
                    probability: p.probability,
                    signal: p.signal,
                })
                .collect();
            pairs.sort_by(|a, b| (&a.higher, &a.lower).cmp(&(&b.higher, &b.lower)));
            SafetyRuleView {
                rule: r.rule.clone(),
                kind: r.kind.to_string(),
                signal: r.signal,
                groups,
                pairs,
                boundary: r.boundary.as_ref().map(|b| BoundaryView {
                    runs: b.runs.iter().map(|x| (x.events, x.from, x.to)).collect(),
                    c: b.c,
                    size: b.size,
                    operating: b.operating.clone(),
                }),
            }
        })
        .collect()
}
