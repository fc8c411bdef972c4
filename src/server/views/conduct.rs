//! The deaths table and listing (safety page) and the exposure and
//! deviation tables (overview), named as the viewer may see them: by group
//! and in total for closed roles, pooled for the sponsor.

use super::baseline::continuous_lines;
use crate::components::format::percent;
use crate::dto::{
    BaselineLine, ConductView, DeathRow, DeathsView, LinesTableData, Role, LISTING_PAGE,
};
use crate::server::firewall::ArmNames;
use crate::server::report::conduct::{Deviations, ExposureSummary};
use crate::server::report::deaths::{DeathCounts, Deaths};
use crate::server::report::{Cell, ClosedReport, OpenReport};

fn cell(c: Cell, of: u32) -> String {
    match c {
        Cell::Count(k) if of > 0 => format!("{k} ({}%)", percent(k, of)),
        Cell::Count(k) => k.to_string(),
        Cell::NotCollected => "not collected".into(),
        Cell::Suppressed => "suppressed".into(),
    }
}

fn line(label: &str, indent: bool, cells: Vec<String>) -> BaselineLine {
    BaselineLine {
        label: label.into(),
        indent,
        cells,
    }
}

/// The deaths table's lines over `columns`.
fn death_lines(columns: &[&DeathCounts], horizon: Option<f64>) -> Vec<BaselineLine> {
    let mut out = vec![line(
        "Deaths, any time",
        false,
        columns.iter().map(|d| cell(d.deaths, d.subjects)).collect(),
    )];
    if let Some(h) = horizon {
        out.push(line(
            &format!("Within the primary endpoint's {h}-day horizon"),
            true,
            columns
                .iter()
                .map(|d| {
                    d.within_horizon
                        .map_or_else(String::new, |c| cell(c, d.subjects))
                })
                .collect(),
        ));
    }
    if let Some(first) = columns.first() {
        if !first.by_cause.is_empty() {
            out.push(line("By cause", false, vec![String::new(); columns.len()]));
        }
        for (i, (cause, _)) in first.by_cause.iter().enumerate() {
            out.push(line(
                cause,
                true,
                columns
                    .iter()
                    .map(|d| {
                        d.by_cause
                            .get(i)
                            .map_or_else(String::new, |c| cell(c.1, d.subjects))
                    })
                    .collect(),
            ));
        }
    }
    out
}

fn death_notes(source: &str, cause: bool) -> Vec<String> {
    let mut out = Vec::new();
    match source {
        "not collected" => out.push(
            "The cut carries no death date (data.death_date) and no death flag (DTHFL): deaths are not collected.".into(),
        ),
        "death flag" => out.push("Deaths from the death flag (DTHFL): no dates, so none is placed within the horizon or listed with a study day.".into()),
        _ => {}
    }
    if !cause {
        out.push("Cause of death (DTHCAUS): not collected.".into());
    }
    out
}

/// The closed deaths table and page `page` of the listing.
pub fn closed_deaths(role: Role, closed: &ClosedReport, names: &ArmNames, page: u32) -> DeathsView {
    let d: &Deaths = &closed.deaths;
    let order = names.display_order();
    let mut cols: Vec<&DeathCounts> = order.iter().filter_map(|c| d.by_arm.get(c)).collect();
    cols.push(&d.total);
    let mut columns: Vec<String> = order.iter().map(|c| names.name(c)).collect();
    columns.push("Total".into());
    // Newest first as the report sorts it; deaths of one day by group
    // (letter or trial order), then subject.
    let rank = |code: &str| order.iter().position(|c| c == code).unwrap_or(usize::MAX);
    let mut listed: Vec<_> = d.listing.iter().collect();
    listed.sort_by(|a, b| {
        b.date
            .is_some()
            .cmp(&a.date.is_some())
            .then_with(|| b.date.cmp(&a.date))
            .then_with(|| rank(&a.arm).cmp(&rank(&b.arm)))
            .then_with(|| a.usubjid.cmp(&b.usubjid))
    });
    let pages = listed.len().div_ceil(LISTING_PAGE).max(1);
    let page = (page as usize).clamp(1, pages);
    let listing = listed
        .iter()
        .skip((page - 1) * LISTING_PAGE)
        .take(LISTING_PAGE)
        .map(|x| DeathRow {
            group: names.name(&x.arm),
            usubjid: x.usubjid.clone(),
            date: x.date.clone(),
            day: x.day,
            cause: x.cause.clone(),
        })
        .collect();
    DeathsView {
        trial_id: closed.trial.clone(),
        cut_date: closed.cut_date.clone(),
        viewer_role: Some(role),
        coded: names.coded,
        table: LinesTableData {
            title: "Deaths".into(),
            first: "Subjects".into(),
            columns,
            lines: death_lines(&cols, d.horizon_days),
            notes: death_notes(d.source, d.cause_collected),
        },
        listing,
        listing_total: u32::try_from(listed.len()).unwrap_or(u32::MAX),
        listing_page: u32::try_from(page).unwrap_or(1),
        listing_pages: u32::try_from(pages).unwrap_or(1),
    }
}

/// The pooled deaths table (no listing).
pub fn open_deaths(role: Role, open: &OpenReport) -> DeathsView {
    let d = &open.deaths;
    DeathsView {
        trial_id: open.trial.clone(),
        cut_date: open.cut_date.clone(),
        viewer_role: Some(role),
        coded: false,
        table: LinesTableData {
            title: "Deaths, all subjects pooled".into(),
            first: "Subjects".into(),
            columns: vec!["Total".into()],
            lines: death_lines(&[&d.total], d.horizon_days),
            notes: death_notes(d.source, d.cause_collected),
        },
        listing: Vec::new(),
        listing_total: 0,
        listing_page: 1,
        listing_pages: 1,
    }
}

/// The exposure table over `columns` (name, summary).
fn exposure_table(
    source: Option<&str>,
    columns: &[(String, Option<&ExposureSummary>)],
) -> LinesTableData {
    let mut lines = vec![line(
        "Exposure, days",
        false,
        vec![String::new(); columns.len()],
    )];
    if source.is_some() {
        let cells: Vec<_> = columns.iter().map(|(_, s)| s.map(|s| &s.days)).collect();
        lines.extend(continuous_lines(&cells));
        lines.push(line(
            "Patient-years",
            false,
            columns
                .iter()
                .map(|(_, s)| s.map_or_else(|| "–".into(), |s| format!("{:.1}", s.patient_years)))
                .collect(),
        ));
    }
    LinesTableData {
        title: "Exposure".into(),
        first: "Exposure".into(),
        columns: columns.iter().map(|(n, _)| n.clone()).collect(),
        lines,
        notes: vec![match source {
            Some(s) => format!("Days from {s}; patient-years are days / 365.25."),
            None => "Exposure: not collected (no treatment duration in ADSL, and trial.toml names no time at risk).".into(),
        }],
    }
}

/// The deviation table (pooled for every role).
fn deviation_table(d: &Deviations, n: u32) -> LinesTableData {
    let mut lines = vec![line(
        "Subjects with any deviation",
        false,
        vec![cell(d.any, n)],
    )];
    for (f, c) in &d.by_category {
        lines.push(line(f, true, vec![cell(*c, n)]));
    }
    if !d.by_site.is_empty() {
        lines.push(line("By site", false, vec![String::new()]));
    }
    for (s, c) in &d.by_site {
        lines.push(line(&format!("Site {s}"), true, vec![cell(*c, n)]));
    }
    LinesTableData {
        title: "Protocol deviations".into(),
        first: "Subjects".into(),
        columns: vec!["All subjects".into()],
        lines,
        notes: if d.collected {
            vec!["Subjects flagged in ADSL (columns.deviation_flags in trial.toml), pooled over the groups for every role.".into()]
        } else {
            vec!["Protocol deviations: not collected (no deviation flag in trial.toml, or none in the cut).".into()]
        },
    }
}

/// The closed exposure (by group and total) and the pooled deviations.
pub fn closed_conduct(role: Role, closed: &ClosedReport, names: &ArmNames) -> ConductView {
    let e = &closed.exposure;
    let order = names.display_order();
    let mut cols: Vec<(String, Option<&ExposureSummary>)> = order
        .iter()
        .map(|c| (names.name(c), e.by_arm.get(c)))
        .collect();
    cols.push(("Total".into(), e.total.as_ref()));
    ConductView {
        trial_id: closed.trial.clone(),
        cut_date: closed.cut_date.clone(),
        viewer_role: Some(role),
        coded: names.coded,
        exposure: exposure_table(e.source.as_deref(), &cols),
        deviations: deviation_table(&closed.deviations, closed.enrollment.total),
    }
}

/// The pooled exposure and deviations.
pub fn open_conduct(role: Role, open: &OpenReport) -> ConductView {
    let e = &open.exposure;
    ConductView {
        trial_id: open.trial.clone(),
        cut_date: open.cut_date.clone(),
        viewer_role: Some(role),
        coded: false,
        exposure: exposure_table(e.source.as_deref(), &[("Total".into(), e.total.as_ref())]),
        deviations: deviation_table(&open.deviations, open.enrollment.total),
    }
}
