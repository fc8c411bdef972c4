//! The adverse-event tables as the sponsor sees them: pooled subjects,
//! every row a suppression series with the nesting the sponsor could
//! difference.

use super::{AdverseEvents, AeCategory};
use crate::server::report::pooled::PooledGroup;
use crate::server::report::types::Cell;
use serde::Serialize;

/// A pooled table's row for the sponsor: subjects only.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OpenAeRow {
    pub organ_class: String,
    pub term: Option<String>,
    pub subjects: Cell,
}

/// A pooled table for the sponsor.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OpenAeTable {
    pub category: AeCategory,
    pub label: String,
    pub collected: bool,
    pub population: u32,
    pub overall: OpenAeRow,
    pub rows: Vec<OpenAeRow>,
}

/// The pooled-series key of the adverse-event counts.
pub const AE_KEY: &str = "adverse_events";

/// The series name of a row of category `c`.
fn level(c: AeCategory, organ_class: &str, term: Option<&str>) -> String {
    match term {
        Some(t) => format!("{}\u{1f}{organ_class}\u{1f}{t}", c.slug()),
        None => format!("{}\u{1f}{organ_class}", c.slug()),
    }
}

/// The level of a category's overall row.
fn overall_level(c: AeCategory) -> String {
    format!("{}\u{1f}", c.slug())
}

/// The pooled counts of the tables (pooled `adverse_events`), for
/// suppression: every row's subjects, with the nesting the sponsor could
/// difference (a term within its class, a class within the category's
/// overall row, and every category's row within the same row of any
/// event).
pub fn pooled_group(ae: &AdverseEvents) -> PooledGroup {
    let mut levels = Vec::new();
    let mut within = Vec::new();
    for t in ae.tables.iter().filter(|t| t.collected) {
        let c = t.category;
        let top = overall_level(c);
        levels.push((top.clone(), t.overall.total.subjects));
        if c != AeCategory::Any {
            within.push((top.clone(), overall_level(AeCategory::Any)));
        }
        for r in &t.rows {
            let name = level(c, &r.organ_class, r.term.as_deref());
            levels.push((name.clone(), r.total.subjects));
            let outer = match &r.term {
                Some(_) => level(c, &r.organ_class, None),
                None => top.clone(),
            };
            within.push((name.clone(), outer));
            if c != AeCategory::Any {
                within.push((
                    name,
                    level(AeCategory::Any, &r.organ_class, r.term.as_deref()),
                ));
            }
        }
    }
    PooledGroup {
        key: AE_KEY.into(),
        levels,
        partition: false,
        within,
    }
}

/// The pooled tables as the sponsor may see them.
pub fn open_tables(
    ae: &AdverseEvents,
    shown: &dyn Fn(&str, &str, u32) -> Option<u32>,
) -> Vec<OpenAeTable> {
    let cell = |name: String, n: u32| shown(AE_KEY, &name, n).map_or(Cell::Suppressed, Cell::Count);
    ae.tables
        .iter()
        .map(|t| OpenAeTable {
            category: t.category,
            label: t.label.clone(),
            collected: t.collected,
            population: t.population,
            overall: OpenAeRow {
                organ_class: t.label.clone(),
                term: None,
                subjects: if t.collected {
                    cell(overall_level(t.category), t.overall.total.subjects)
                } else {
                    Cell::NotCollected
                },
            },
            rows: t
                .rows
                .iter()
                .map(|r| OpenAeRow {
                    organ_class: r.organ_class.clone(),
                    term: r.term.clone(),
                    subjects: cell(
                        level(t.category, &r.organ_class, r.term.as_deref()),
                        r.total.subjects,
                    ),
                })
                .collect(),
        })
        .collect()
}
