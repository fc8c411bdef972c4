//! Adverse events by system organ class and preferred term: for each
//! category (any treatment-emergent event, serious, related, severe or
//! grade >= 3, leading to discontinuation, fatal), the subjects with at
//! least one event and the number of events, overall, per organ class and
//! per term within it, by group and in total; with the risk difference of
//! each group against the reference (closed report).
//!
//! Treatment-emergent: TRTEMFL = 'Y' where the cut carries it, else every
//! record. Denominator: the safety population (SAFFL = 'Y') where the cut
//! carries it, else every subject; groups are the randomized arms. A
//! category whose column the cut lacks (or leaves empty) is not collected.

use super::frames::u32_of;
use super::safety::risk_difference;
use super::types::Estimate;
use crate::server::config::{ColumnRole, TrialConfig};
use crate::server::data::load::Snapshot;
use polars::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;

/// The counting pass over integer codes.
mod count;
/// The pooled tables the sponsor sees, and their suppression series.
mod open;

use count::{count_events, Counts};
pub use open::{open_tables, pooled_group, OpenAeRow, OpenAeTable, AE_KEY};

/// The categories, in table order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AeCategory {
    Any,
    Serious,
    Related,
    Severe,
    Discontinuation,
    Fatal,
}

pub const CATEGORIES: [AeCategory; 6] = [
    AeCategory::Any,
    AeCategory::Serious,
    AeCategory::Related,
    AeCategory::Severe,
    AeCategory::Discontinuation,
    AeCategory::Fatal,
];

impl AeCategory {
    /// The short name pages and URLs use.
    pub fn slug(self) -> &'static str {
        match self {
            AeCategory::Any => "any",
            AeCategory::Serious => "serious",
            AeCategory::Related => "related",
            AeCategory::Severe => "severe",
            AeCategory::Discontinuation => "discontinuation",
            AeCategory::Fatal => "fatal",
        }
    }

    pub fn from_slug(s: &str) -> Option<AeCategory> {
        CATEGORIES.into_iter().find(|c| c.slug() == s)
    }
}

/// Subjects with at least one event, and events.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct AeCount {
    pub subjects: u32,
    pub events: u32,
}

/// A group against the reference arm.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AeDifference {
    pub arm: String,
    pub reference: String,
    /// Arm minus reference, subjects over the population, with the
    /// trial's interval (Newcombe by default); null when not defined.
    pub risk_difference: Option<Estimate>,
}

/// An organ class (`term` null) or a preferred term within it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AeRow {
    pub organ_class: String,
    pub term: Option<String>,
    pub total: AeCount,
    pub by_arm: BTreeMap<String, AeCount>,
    pub differences: Vec<AeDifference>,
}

/// One category's table.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AeTable {
    pub category: AeCategory,
    pub label: String,
    pub collected: bool,
    /// Subjects in the denominator, in total and by group.
    pub population: u32,
    pub population_by_arm: BTreeMap<String, u32>,
    /// Any event of the category.
    pub overall: AeRow,
    /// Organ classes by total subjects (most first), each followed by its
    /// terms likewise.
    pub rows: Vec<AeRow>,
}

/// The adverse-event tables of a cut.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AdverseEvents {
    /// "safety population" or "all subjects".
    pub population: &'static str,
    pub tables: Vec<AeTable>,
}

/// Whether each value of text column `key` is there (not blank) and passes
/// `f`; `None` when the frame lacks the column or leaves it blank
/// throughout (not collected).
fn test_values(df: &DataFrame, key: &str, f: &dyn Fn(&str) -> bool) -> Option<Vec<bool>> {
    let values = df.column(key).ok()?.str().ok()?;
    let mut collected = false;
    let out = values
        .iter()
        .map(|v| match v.filter(|s| !s.is_empty()) {
            Some(s) => {
                collected = true;
                f(s)
            }
            None => false,
        })
        .collect();
    collected.then_some(out)
}

/// A toxicity grade's number ("3", "GRADE 3", "3.0").
fn grade(s: &str) -> Option<f64> {
    let digits: String = s
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    digits.parse().ok()
}

/// Each category's flag per ADAE row (`None`: not collected) and its label.
fn flags(adae: &DataFrame, trial: &TrialConfig) -> Vec<(AeCategory, String, Option<Vec<bool>>)> {
    let n = adae.height();
    // A cut without TRTEMFL counts every event as treatment-emergent.
    let te: Vec<bool> = match adae.column(ColumnRole::Emergent.key()) {
        Ok(_) => test_values(adae, ColumnRole::Emergent.key(), &|s| s == "Y")
            .unwrap_or_else(|| vec![false; n]),
        Err(_) => vec![true; n],
    };
    let with = |v: Option<Vec<bool>>| v.map(|v| v.iter().zip(&te).map(|(a, b)| *a && *b).collect());
    let is = |key: &str, f: &dyn Fn(&str) -> bool| test_values(adae, key, f);
    let related: Vec<String> = trial
        .adverse_events
        .related_values
        .iter()
        .map(|s| s.to_ascii_uppercase())
        .collect();
    let grades = is(ColumnRole::Grade.key(), &|s| {
        grade(s).is_some_and(|g| g >= 3.0)
    });
    let (severe, severe_label) = match grades {
        Some(g) => (Some(g), "Grade >= 3"),
        None => (
            is(ColumnRole::Severity.key(), &|s| {
                s.eq_ignore_ascii_case("SEVERE")
            }),
            "Severe",
        ),
    };
    let sdth = is(ColumnRole::Fatal.key(), &|s| s.eq_ignore_ascii_case("Y"));
    let out = is(ColumnRole::Outcome.key(), &|s| {
        s.eq_ignore_ascii_case("FATAL")
    });
    let fatal = match (sdth, out) {
        (Some(a), Some(b)) => Some(a.iter().zip(&b).map(|(x, y)| *x || *y).collect()),
        (a, b) => a.or(b),
    };
    vec![
        (
            AeCategory::Any,
            "Any treatment-emergent adverse event".into(),
            Some(te.clone()),
        ),
        (
            AeCategory::Serious,
            "Serious".into(),
            with(is(ColumnRole::Serious.key(), &|s| {
                s.eq_ignore_ascii_case("Y")
            })),
        ),
        (
            AeCategory::Related,
            "Related to the intervention".into(),
            with(is(ColumnRole::Related.key(), &|s| {
                related.contains(&s.to_ascii_uppercase())
            })),
        ),
        (AeCategory::Severe, severe_label.into(), with(severe)),
        (
            AeCategory::Discontinuation,
            "Leading to discontinuation of the intervention".into(),
            with(is(ColumnRole::Action.key(), &|s| {
                s.eq_ignore_ascii_case("DRUG WITHDRAWN")
            })),
        ),
        (AeCategory::Fatal, "Fatal".into(), with(fatal)),
    ]
}

pub(crate) const UNCODED: &str = "Not coded";

/// The adverse-event tables over the groups of `groups` (group -> ADSL
/// rows; empty for the pooled tables, whose one group is all subjects).
pub fn adverse_events(
    snap: &Snapshot,
    trial: &TrialConfig,
    groups: &BTreeMap<String, Vec<usize>>,
    reference: Option<&str>,
) -> PolarsResult<AdverseEvents> {
    let adsl = &snap.adsl;
    let in_population: Vec<bool> = match adsl.column(ColumnRole::SafetyFlag.key()) {
        Ok(_) => test_values(adsl, ColumnRole::SafetyFlag.key(), &|s| s == "Y")
            .unwrap_or_else(|| vec![false; adsl.height()]),
        Err(_) => vec![true; adsl.height()],
    };
    let population = if adsl.column(ColumnRole::SafetyFlag.key()).is_ok() {
        "safety population"
    } else {
        "all subjects"
    };
    // Each subject's group (only subjects in the population).
    let pooled: BTreeMap<String, Vec<usize>> =
        BTreeMap::from([(String::new(), (0..adsl.height()).collect())]);
    let groups_or_all = if groups.is_empty() { &pooled } else { groups };
    let group_names: Vec<&String> = groups_or_all.keys().collect();
    let mut group_of: Vec<Option<u32>> = vec![None; adsl.height()];
    for (gi, rows) in groups_or_all.values().enumerate() {
        for &r in rows {
            if in_population[r] {
                group_of[r] = Some(u32_of(gi));
            }
        }
    }
    let denominators: BTreeMap<String, u32> = groups_or_all
        .iter()
        .map(|(g, rows)| {
            (
                g.clone(),
                u32_of(rows.iter().filter(|&&r| in_population[r]).count()),
            )
        })
        .collect();

    let adae = &snap.adae;
    let coded = adae.column(ColumnRole::Pt.key()).is_ok();
    let cats = flags(adae, trial);
    let collected: Vec<usize> = cats
        .iter()
        .enumerate()
        .filter(|(_, (_, _, f))| f.is_some() && coded)
        .map(|(k, _)| k)
        .collect();
    let (by_term, by_class, overall) = if collected.is_empty() {
        (Counts::new(), Counts::new(), Counts::new())
    } else {
        let bits: Vec<&[bool]> = collected
            .iter()
            .map(|&k| cats[k].2.as_deref().unwrap_or_default())
            .collect();
        count_events(adae, &snap.adae_subject, &group_of, &group_names, &bits)?
    };

    let names: Vec<&String> = denominators.keys().collect();
    let total_population: u32 = denominators.values().sum();
    let row = |soc: &str, pt: Option<&str>, counts: &Counts, i: usize| -> AeRow {
        let key = |g: &String| (g.clone(), soc.to_string(), pt.map(String::from));
        let by_arm: BTreeMap<String, AeCount> = names
            .iter()
            .map(|g| {
                let c = counts.get(&key(g)).map(|v| v[i]).unwrap_or_default();
                ((*g).clone(), c)
            })
            .collect();
        let total = AeCount {
            subjects: by_arm.values().map(|c| c.subjects).sum(),
            events: by_arm.values().map(|c| c.events).sum(),
        };
        let differences = match reference {
            Some(r) if !groups.is_empty() => by_arm
                .iter()
                .filter(|(g, _)| g.as_str() != r)
                .map(|(g, c)| {
                    let base = by_arm.get(r).copied().unwrap_or_default();
                    let rd = risk_difference(
                        trial.analysis.risk_difference_ci,
                        u64::from(c.subjects),
                        u64::from(denominators[g]),
                        u64::from(base.subjects),
                        u64::from(denominators.get(r).copied().unwrap_or(0)),
                    );
                    AeDifference {
                        arm: g.clone(),
                        reference: r.to_string(),
                        risk_difference: Estimate::from(rd),
                    }
                })
                .collect(),
            _ => Vec::new(),
        };
        AeRow {
            organ_class: soc.to_string(),
            term: pt.map(String::from),
            total,
            by_arm: if groups.is_empty() {
                BTreeMap::new()
            } else {
                by_arm
            },
            differences,
        }
    };

    // Terms, organ classes: those with an event of category `i`, or of the
    // any-event table when zero rows are kept.
    let mut tables = Vec::new();
    for (k, (category, label, flag)) in cats.iter().enumerate() {
        let collected_here = flag.is_some() && coded;
        let i = collected.iter().position(|&c| c == k);
        let listed_in = |idx: Option<usize>| -> Vec<(String, Option<String>)> {
            let Some(idx) = idx else { return Vec::new() };
            let mut seen: Vec<(String, Option<String>)> = by_term
                .iter()
                .filter(|(_, v)| v[idx].subjects > 0)
                .map(|((_, s, p), _)| (s.clone(), p.clone()))
                .collect();
            seen.sort();
            seen.dedup();
            seen
        };
        let mut terms = listed_in(i);
        if trial.adverse_events.keep_zero_rows && *category != AeCategory::Any {
            terms.extend(listed_in(collected.iter().position(|&c| c == 0)));
            terms.sort();
            terms.dedup();
        }
        let rows = match i {
            Some(i) => {
                let mut classes: BTreeMap<String, Vec<AeRow>> = BTreeMap::new();
                for (soc, pt) in &terms {
                    classes.entry(soc.clone()).or_default().push(row(
                        soc,
                        pt.as_deref(),
                        &by_term,
                        i,
                    ));
                }
                let mut blocks: Vec<(AeRow, Vec<AeRow>)> = classes
                    .into_iter()
                    .map(|(soc, mut pts)| {
                        pts.sort_by(|a, b| {
                            b.total
                                .subjects
                                .cmp(&a.total.subjects)
                                .then(a.term.cmp(&b.term))
                        });
                        (row(&soc, None, &by_class, i), pts)
                    })
                    .collect();
                blocks.sort_by(|(a, _), (b, _)| {
                    b.total
                        .subjects
                        .cmp(&a.total.subjects)
                        .then(a.organ_class.cmp(&b.organ_class))
                });
                blocks
                    .into_iter()
                    .flat_map(|(soc, pts)| std::iter::once(soc).chain(pts))
                    .collect()
            }
            None => Vec::new(),
        };
        let overall = match i {
            Some(i) => {
                let mut r = row("", None, &overall, i);
                r.organ_class = label.clone();
                r
            }
            None => AeRow {
                organ_class: label.clone(),
                term: None,
                total: AeCount::default(),
                by_arm: BTreeMap::new(),
                differences: Vec::new(),
            },
        };
        tables.push(AeTable {
            category: *category,
            label: label.clone(),
            collected: collected_here,
            population: total_population,
            population_by_arm: if groups.is_empty() {
                BTreeMap::new()
            } else {
                denominators.clone()
            },
            overall,
            rows,
        });
    }
    Ok(AdverseEvents { population, tables })
}
