//! The closed roles' listing of the Hy's law range, a page at a time, and
//! a subject's lab profile (values in multiples of the ULN by study day,
//! with the subject's adverse events and death).

use super::{figures, line, value};
use crate::dto::{BaselineLine, HysLawRow, LabProfileView, LabsView, LinesTableData, LISTING_PAGE};
use crate::server::firewall::ArmNames;
use crate::server::report::labs::{Peak, ALT_AST_XULN, BILI_XULN};
use crate::server::report::ClosedReport;

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

/// A subject's lab profile, or `None` when the subject is not in the Hy's
/// law range at the cut (the profiles the report keeps).
pub fn profile(closed: &ClosedReport, names: &ArmNames, usubjid: &str) -> Option<LabProfileView> {
    let p = closed.labs.profiles.iter().find(|p| p.usubjid == usubjid)?;
    let chart = figures::profile(p);
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
