//! The closed roles' listing of the Hy's law range, a page at a time, and
//! a subject's lab profile (every configured parameter by study day in its
//! units, the liver tests charted in multiples of the ULN, the subject's
//! adverse events with their seriousness and death).

use super::{figures, line, value};
use crate::dto::{BaselineLine, HysLawRow, LabProfileView, LabsView, LinesTableData, LISTING_PAGE};
use crate::server::firewall::ArmNames;
use crate::server::report::labs::{LabProfile, Peak, ProfileSeries};
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

/// The profile the report keeps of subject `usubjid` (the subjects in the
/// Hy's law range at the cut); others are made on demand.
pub fn kept_profile<'a>(closed: &'a ClosedReport, usubjid: &str) -> Option<&'a LabProfile> {
    closed.labs.profiles.iter().find(|p| p.usubjid == usubjid)
}

/// A subject's lab profile as the page shows it: the liver tests' chart,
/// every configured parameter's values by study day in its units with
/// H/L against the record's reference range, the adverse events.
pub fn profile(closed: &ClosedReport, names: &ArmNames, p: &LabProfile) -> LabProfileView {
    let chart = if p.series.iter().any(|s| s.liver && !s.points.is_empty()) {
        figures::profile(p)
    } else {
        Default::default()
    };
    let shown: Vec<&ProfileSeries> = p.series.iter().filter(|s| !s.points.is_empty()).collect();
    let liver: Vec<&ProfileSeries> = shown.iter().copied().filter(|s| s.liver).collect();
    let others: Vec<&ProfileSeries> = shown.iter().copied().filter(|s| !s.liver).collect();
    let mut tables = Vec::new();
    if !liver.is_empty() {
        tables.push(flowsheet(
            "Liver tests by study day, in their units".into(),
            &liver,
        ));
    }
    let chunks: Vec<&[&ProfileSeries]> = others.chunks(PER_TABLE).collect();
    for (i, chunk) in chunks.iter().enumerate() {
        let title = if chunks.len() == 1 {
            "Other laboratory parameters by study day, in their units".to_string()
        } else {
            format!(
                "Other laboratory parameters by study day, in their units ({} of {})",
                i + 1,
                chunks.len()
            )
        };
        tables.push(flowsheet(title, chunk));
    }
    let missing: Vec<String> = p
        .series
        .iter()
        .filter(|s| s.points.is_empty())
        .map(|s| s.label.clone())
        .collect();
    let mut notes = vec![
        "H, L: above or below the record's reference range. Study day: randomization = day 1. The chart draws the liver tests in multiples of the ULN.".to_string(),
    ];
    if !missing.is_empty() {
        notes.push(format!("No values at this cut: {}.", missing.join("; ")));
    }
    if let Some(last) = tables.last_mut() {
        last.notes = notes;
    }
    let mut events: Vec<BaselineLine> = p
        .events
        .iter()
        .map(|e| {
            line(
                e.term.clone(),
                false,
                vec![
                    e.day.map_or_else(|| "–".into(), |d| d.to_string()),
                    if e.serious { "yes" } else { "no" }.into(),
                ],
            )
        })
        .collect();
    if let Some(d) = p.death_day {
        events.push(line(
            "Death".to_string(),
            false,
            vec![d.to_string(), String::new()],
        ));
    }
    LabProfileView {
        trial_id: closed.trial.clone(),
        cut_date: closed.cut_date.clone(),
        usubjid: p.usubjid.clone(),
        group: names.name(&p.arm),
        coded: names.coded,
        chart,
        tables,
        events: LinesTableData {
            title: "Adverse events and death".into(),
            first: "Event".into(),
            columns: vec!["Onset, study day".into(), "Serious".into()],
            lines: events,
            notes: Vec::new(),
        },
    }
}

/// Parameters a profile table shows side by side (more would not fit a
/// page's width).
const PER_TABLE: usize = 4;

/// `series`' values by study day, one column each, flagged H/L against
/// the record's range.
fn flowsheet(title: String, series: &[&ProfileSeries]) -> LinesTableData {
    let mut days: Vec<i64> = series
        .iter()
        .flat_map(|s| s.points.iter().map(|x| x.day))
        .collect();
    days.sort_unstable();
    days.dedup();
    let lines = days
        .iter()
        .map(|d| {
            let cells = series
                .iter()
                .map(|s| {
                    s.points
                        .iter()
                        .filter(|x| x.day == *d)
                        .map(|x| {
                            let flag = x.flag();
                            if flag.is_empty() {
                                value(x.value)
                            } else {
                                format!("{} {flag}", value(x.value))
                            }
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .collect();
            let base = series
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
    LinesTableData {
        title,
        first: "Study day".into(),
        columns: series.iter().map(|s| s.label.clone()).collect(),
        lines,
        notes: Vec::new(),
    }
}
