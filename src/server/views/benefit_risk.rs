//! Benefit-risk in one view as the efficacy page and the closed report show
//! it (decoded viewers only: every number says which arm does better): what
//! each level of the hierarchy decided, the win statistics with their
//! intervals, the test, and the chart of wins, losses and ties.

use super::figures::benefit_risk as chart;
use crate::components::format::p_is;
use crate::dto::{BenefitRiskLevel, BenefitRiskView};
use crate::server::firewall::ArmNames;
use crate::server::report::benefit_risk::{BenefitRiskResult, WithCi};

/// `k` of `of` with its share, "578 (22.7%)".
fn share(k: u64, of: u64) -> String {
    if of == 0 {
        return k.to_string();
    }
    format!("{k} ({:.1}%)", 100.0 * k as f64 / of as f64)
}

fn with_ci(e: Option<WithCi>, digits: usize) -> String {
    e.map_or("not estimable".into(), |e| {
        format!(
            "{:.digits$} ({:.digits$} to {:.digits$})",
            e.estimate, e.ci95[0], e.ci95[1]
        )
    })
}

/// The view of `b`, the arms named as `names` names them.
pub fn benefit_risk_view(b: &BenefitRiskResult, names: &ArmNames) -> BenefitRiskView {
    let pairs = u64::from(b.n_treatment) * u64::from(b.n_control);
    let mut reached = pairs;
    let levels: Vec<BenefitRiskLevel> = b
        .levels
        .iter()
        .map(|l| {
            let row = BenefitRiskLevel {
                name: l.name.clone(),
                compared: l.compared.clone(),
                reached: share(reached, pairs),
                wins: share(l.wins, pairs),
                losses: share(l.losses, pairs),
            };
            reached -= l.wins + l.losses;
            row
        })
        .collect();
    let comparison = names.versus(&b.arm, &b.reference);
    let statistics = vec![
        ("Win ratio".to_string(), with_ci(b.win_ratio, 2)),
        ("Net benefit".into(), with_ci(b.net_benefit, 3)),
        ("Win odds".into(), with_ci(b.win_odds, 2)),
        ("DOOR probability".into(), with_ci(b.door, 3)),
    ];
    let test = b.p_value.map_or("not tested".into(), |p| {
        format!("Finkelstein-Schoenfeld test: {}", p_is(p))
    });
    BenefitRiskView {
        pairs: format!(
            "{} × {} = {pairs} pairs",
            b.n_treatment, b.n_control
        ),
        chart: chart(b, pairs),
        caption: format!(
            "Every subject of {} against every subject of {}, outcome by outcome in the order shown; the first outcome that tells the two apart decides the pair (by time: the one whose event came later, or who had none while followed, wins; by presence: the one free of the outcome wins). A win is a pair the first arm wins. Win ratio = wins / losses; net benefit = (wins − losses) / pairs; win odds = (wins + ties/2) / (losses + ties/2); DOOR probability = (wins + ties/2) / pairs. 95% intervals from the two-sample U-statistic variance (the log win ratio and log win odds by the delta method); the test scores each subject against the pooled sample (permutation variance).",
            names.name(&b.arm),
            names.name(&b.reference)
        ),
        comparison,
        levels,
        statistics,
        test,
    }
}
