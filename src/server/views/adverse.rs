//! The adverse-event table's data: one category's organ classes and terms,
//! cells as n (%) [events], by group with risk differences for closed roles
//! (decoded: each arm against the reference; coded: every pair of groups
//! in letter order, so no group stands out as the control), the subjects'
//! n (%) pooled for the sponsor; and the closed dot chart.

use super::figures;
use crate::components::format::percent;
use crate::dto::{AeChoice, AeLine, AeView, Figure, Role};
use crate::server::config::TrialConfig;
use crate::server::firewall::ArmNames;
use crate::server::report::adverse::{AeCategory, AeCount, AeRow, AeTable, OpenAeTable};
use crate::server::report::safety::risk_difference;
use crate::server::report::{Cell, ClosedReport, OpenReport};

/// The category `slug` names, or any event.
pub fn category(slug: Option<&str>) -> Result<AeCategory, String> {
    match slug.filter(|s| !s.is_empty()) {
        None => Ok(AeCategory::Any),
        Some(s) => AeCategory::from_slug(s).ok_or_else(|| {
            format!("{s:?} is not an adverse-event category (any, serious, related, severe, discontinuation, fatal)")
        }),
    }
}

/// n (%) [events] of `c` among `of`.
fn count_cell(c: AeCount, of: u32) -> String {
    if of == 0 {
        return format!("{} [{}]", c.subjects, c.events);
    }
    format!(
        "{} ({}%) [{}]",
        c.subjects,
        percent(c.subjects, of),
        c.events
    )
}

/// A risk difference in percentage points with its interval.
fn rd_cell(rd: Option<(f64, [f64; 2])>) -> String {
    match rd {
        Some((e, [lo, hi])) => format!("{:.1} ({:.1}, {:.1})", 100.0 * e, 100.0 * lo, 100.0 * hi),
        None => "–".into(),
    }
}

/// The label of a row: the class, or the term.
fn row_label(r: &AeRow) -> String {
    r.term.clone().unwrap_or_else(|| r.organ_class.clone())
}

/// The comparisons the viewer sees, as (later, earlier) arm codes: each
/// arm against the reference when decoded, every pair in letter order
/// while coded.
fn pairs(t: &AeTable, order: &[String], names: &ArmNames) -> Vec<(String, String)> {
    if names.coded {
        let mut out = Vec::new();
        for (j, later) in order.iter().enumerate() {
            for earlier in &order[..j] {
                out.push((later.clone(), earlier.clone()));
            }
        }
        out
    } else {
        let rank = |c: &str| order.iter().position(|o| o == c).unwrap_or(usize::MAX);
        let mut out: Vec<(String, String)> = t
            .overall
            .differences
            .iter()
            .map(|d| (d.arm.clone(), d.reference.clone()))
            .collect();
        out.sort_by_key(|(a, _)| rank(a));
        out
    }
}

/// Row `r`'s risk difference of `a` against `b`: the report's when it is
/// one of its comparisons, else computed (a coded pair), by the trial's
/// interval.
fn difference(
    trial: &TrialConfig,
    t: &AeTable,
    r: &AeRow,
    (a, b): &(String, String),
) -> Option<(f64, [f64; 2])> {
    if let Some(d) = r
        .differences
        .iter()
        .find(|d| &d.arm == a && &d.reference == b)
    {
        return d.risk_difference.map(|e| (e.estimate, e.ci95));
    }
    let (x, y) = (r.by_arm.get(a)?, r.by_arm.get(b)?);
    let (n1, n2) = (*t.population_by_arm.get(a)?, *t.population_by_arm.get(b)?);
    risk_difference(
        trial.analysis.risk_difference_ci,
        u64::from(x.subjects),
        u64::from(n1),
        u64::from(y.subjects),
        u64::from(n2),
    )
    .map(|e| (e.estimate, [e.ci.0, e.ci.1]))
}

fn choices_of(tables: &[(AeCategory, String, bool)]) -> Vec<AeChoice> {
    tables
        .iter()
        .map(|(c, label, collected)| AeChoice {
            slug: c.slug().into(),
            label: label.clone(),
            collected: *collected,
        })
        .collect()
}

/// The closed table of category `cat`.
pub fn closed_table(
    trial_cfg: &TrialConfig,
    role: Role,
    closed: &ClosedReport,
    names: &ArmNames,
    cat: AeCategory,
) -> AeView {
    let ae = &closed.adverse_events;
    let order = names.display_order();
    let t = ae
        .tables
        .iter()
        .find(|t| t.category == cat)
        .unwrap_or(&ae.tables[0]);
    let cmp = pairs(t, &order, names);
    let mut columns: Vec<String> = order
        .iter()
        .map(|c| {
            format!(
                "{} (N = {})",
                names.name(c),
                t.population_by_arm.get(c).copied().unwrap_or(0)
            )
        })
        .collect();
    columns.push(format!("Total (N = {})", t.population));
    columns.extend(
        cmp.iter()
            .map(|(a, b)| format!("{} − {}, % (95% CI)", names.name(a), names.name(b))),
    );
    let line = |r: &AeRow, class_row: bool| {
        let mut cells: Vec<String> = order
            .iter()
            .map(|c| {
                count_cell(
                    r.by_arm.get(c).copied().unwrap_or_default(),
                    t.population_by_arm.get(c).copied().unwrap_or(0),
                )
            })
            .collect();
        cells.push(count_cell(r.total, t.population));
        cells.extend(cmp.iter().map(|p| rd_cell(difference(trial_cfg, t, r, p))));
        AeLine {
            label: row_label(r),
            class_row,
            cells,
        }
    };
    let overall = if t.collected {
        line(&t.overall, true)
    } else {
        AeLine {
            label: t.label.clone(),
            class_row: true,
            cells: vec!["not collected".into(); columns.len()],
        }
    };
    let lines = t.rows.iter().map(|r| line(r, r.term.is_none())).collect();
    // The dot chart: the most frequent terms of the category.
    let mut terms: Vec<&AeRow> = t.rows.iter().filter(|r| r.term.is_some()).collect();
    terms.sort_by(|a, b| {
        b.total
            .subjects
            .cmp(&a.total.subjects)
            .then(a.term.cmp(&b.term))
    });
    terms.truncate(trial_cfg.adverse_events.dot_chart_terms);
    terms.retain(|r| r.total.subjects > 0);
    let groups: Vec<(String, Vec<f64>)> = order
        .iter()
        .map(|c| {
            let n = t.population_by_arm.get(c).copied().unwrap_or(0);
            let pct = terms
                .iter()
                .map(|r| {
                    let s = r.by_arm.get(c).map_or(0, |x| x.subjects);
                    if n > 0 {
                        100.0 * f64::from(s) / f64::from(n)
                    } else {
                        0.0
                    }
                })
                .collect();
            (names.name(c), pct)
        })
        .collect();
    let diffs: Vec<figures::Differences> = cmp
        .iter()
        .map(|p| {
            (
                format!("{} − {}", names.name(&p.0), names.name(&p.1)),
                order.iter().position(|c| *c == p.0).unwrap_or(0),
                terms
                    .iter()
                    .map(|r| difference(trial_cfg, t, r, p))
                    .collect(),
            )
        })
        .collect();
    let chart_terms: Vec<String> = terms.iter().map(|r| row_label(r)).collect();
    let chart = if chart_terms.is_empty() {
        Figure::default()
    } else {
        figures::ae_dot_chart(&chart_terms, &groups, &diffs)
    };
    AeView {
        trial_id: closed.trial.clone(),
        cut_date: closed.cut_date.clone(),
        viewer_role: Some(role),
        coded: names.coded,
        choices: choices_of(
            &ae.tables
                .iter()
                .map(|t| (t.category, t.label.clone(), t.collected))
                .collect::<Vec<_>>(),
        ),
        category: t.category.slug().into(),
        label: t.label.clone(),
        collected: t.collected,
        population: format!("{}: {} subjects", ae.population, t.population),
        columns,
        overall,
        lines,
        chart,
        chart_terms,
        signals: (cat == AeCategory::Any)
            .then_some(closed.ae_signals.as_ref())
            .flatten()
            .map(|s| super::ae_signals::signals_view(s, names)),
    }
}

/// A pooled cell: n (%) or why there is none.
fn open_cell(c: Cell, of: u32) -> String {
    match c {
        Cell::Count(k) if of > 0 => format!("{k} ({}%)", percent(k, of)),
        Cell::Count(k) => k.to_string(),
        Cell::Suppressed => "suppressed".into(),
        Cell::NotCollected => "not collected".into(),
    }
}

/// The pooled table of category `cat`.
pub fn open_table(role: Role, open: &OpenReport, cat: AeCategory) -> AeView {
    let tables = &open.adverse_events;
    let fallback = OpenAeTable {
        category: cat,
        label: String::new(),
        collected: false,
        population: 0,
        overall: crate::server::report::adverse::OpenAeRow {
            organ_class: String::new(),
            term: None,
            subjects: Cell::NotCollected,
        },
        rows: Vec::new(),
    };
    let t = tables
        .iter()
        .find(|t| t.category == cat)
        .unwrap_or(&fallback);
    let lines = t
        .rows
        .iter()
        .map(|r| AeLine {
            label: r.term.clone().unwrap_or_else(|| r.organ_class.clone()),
            class_row: r.term.is_none(),
            cells: vec![open_cell(r.subjects, t.population)],
        })
        .collect();
    AeView {
        trial_id: open.trial.clone(),
        cut_date: open.cut_date.clone(),
        viewer_role: Some(role),
        coded: false,
        choices: choices_of(
            &tables
                .iter()
                .map(|t| (t.category, t.label.clone(), t.collected))
                .collect::<Vec<_>>(),
        ),
        category: cat.slug().into(),
        label: t.label.clone(),
        collected: t.collected,
        population: format!(
            "{}: {} subjects",
            open.adverse_event_population, t.population
        ),
        columns: vec![format!("Total (N = {})", t.population)],
        overall: AeLine {
            label: t.label.clone(),
            class_row: true,
            cells: vec![open_cell(t.overall.subjects, t.population)],
        },
        lines,
        chart: Figure::default(),
        chart_terms: Vec::new(),
        signals: None,
    }
}

/// The view cache's name for category `cat`'s closed table.
pub fn cache_name(cat: AeCategory) -> &'static str {
    match cat {
        AeCategory::Any => "adverse_events:any",
        AeCategory::Serious => "adverse_events:serious",
        AeCategory::Related => "adverse_events:related",
        AeCategory::Severe => "adverse_events:severe",
        AeCategory::Discontinuation => "adverse_events:discontinuation",
        AeCategory::Fatal => "adverse_events:fatal",
    }
}
