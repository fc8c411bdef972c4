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
use super::pooled::PooledGroup;
use super::safety::risk_difference;
use super::types::{Cell, Estimate};
use crate::server::config::{ColumnRole, TrialConfig};
use crate::server::data::load::Snapshot;
use polars::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

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

/// Text values of ADAE column `key` (blank as `None`), if the frame has it.
fn texts<'a>(df: &'a DataFrame, key: &str) -> Option<Vec<Option<&'a str>>> {
    let c = df.column(key).ok()?.str().ok()?;
    Some(c.iter().map(|v| v.filter(|s| !s.is_empty())).collect())
}

/// Whether some value is there.
fn any_value(v: &Option<Vec<Option<&str>>>) -> bool {
    v.as_ref().is_some_and(|v| v.iter().any(Option::is_some))
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
    let emergent = texts(adae, ColumnRole::Emergent.key());
    let te: Vec<bool> = match &emergent {
        Some(v) => v.iter().map(|x| *x == Some("Y")).collect(),
        None => vec![true; n],
    };
    let with = |v: Option<Vec<bool>>| v.map(|v| v.iter().zip(&te).map(|(a, b)| *a && *b).collect());
    let is = |key: &str, f: &dyn Fn(&str) -> bool| {
        let v = texts(adae, key);
        any_value(&v).then(|| {
            v.unwrap_or_default()
                .iter()
                .map(|x| x.is_some_and(f))
                .collect::<Vec<bool>>()
        })
    };
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

/// Per (group, organ class, term) and category: subjects and events.
type Counts = HashMap<(String, String, Option<String>), Vec<AeCount>>;

/// Subjects and events per (group, class, term), (group, class) and group,
/// for each category of `bits` (a flag per ADAE row each), in one pass over
/// the events with every text replaced by a number: the events of a term
/// are counted as they come, its subjects by sorting (term, subject)
/// pairs and counting each pair once.
fn count_events(
    adae: &DataFrame,
    subject_of: &HashMap<&str, u32>,
    group_of: &[Option<u32>],
    group_names: &[&String],
    bits: &[Vec<bool>],
) -> PolarsResult<(Counts, Counts, Counts)> {
    let text = |key: &str| -> PolarsResult<Option<StringChunked>> {
        Ok(match adae.column(key) {
            Ok(c) => Some(c.str()?.clone()),
            Err(_) => None,
        })
    };
    let ids = adae.column("USUBJID")?.str()?.clone();
    let (soc, pt) = (text(ColumnRole::Soc.key())?, text(ColumnRole::Pt.key())?);
    let nc = bits.len();
    // Dictionary codes of the classes and the (class, term) pairs.
    let mut class_code: HashMap<&str, u32> = HashMap::new();
    let mut term_code: HashMap<(u32, &str), u32> = HashMap::new();
    let mut terms: Vec<(u32, &str)> = Vec::new();
    let mut classes: Vec<&str> = Vec::new();
    // (term, subject, category bits) of every event of a subject in the
    // population.
    let mut events: Vec<(u32, u32, u32)> = Vec::with_capacity(adae.height());
    for (r, id) in ids.iter().enumerate() {
        let Some(subject) = id.and_then(|id| subject_of.get(id)).copied() else {
            continue;
        };
        if group_of[subject as usize].is_none() {
            continue;
        }
        let mask = (0..nc).fold(0u32, |m, k| m | (u32::from(bits[k][r]) << k));
        if mask == 0 {
            continue;
        }
        let c = soc
            .as_ref()
            .and_then(|s| s.get(r))
            .filter(|s| !s.is_empty())
            .unwrap_or(UNCODED);
        let t = pt
            .as_ref()
            .and_then(|s| s.get(r))
            .filter(|s| !s.is_empty())
            .unwrap_or(UNCODED);
        let ci = *class_code.entry(c).or_insert_with(|| {
            classes.push(c);
            u32_of(classes.len() - 1)
        });
        let ti = *term_code.entry((ci, t)).or_insert_with(|| {
            terms.push((ci, t));
            u32_of(terms.len() - 1)
        });
        events.push((ti, subject, mask));
    }
    let ng = group_names.len();
    let (nt, nk) = (terms.len(), classes.len());
    // [category][group][term or class]
    let mut term_events = vec![0u32; nc * ng * nt];
    let mut class_events = vec![0u32; nc * ng * nk];
    let mut all_events = vec![0u32; nc * ng];
    for &(t, s, m) in &events {
        let g = group_of[s as usize].unwrap_or(0) as usize;
        let k = terms[t as usize].0 as usize;
        for c in (0..nc).filter(|c| m & (1 << c) != 0) {
            term_events[(c * ng + g) * nt + t as usize] += 1;
            class_events[(c * ng + g) * nk + k] += 1;
            all_events[c * ng + g] += 1;
        }
    }
    // Distinct subjects: sort, then count each (unit, subject) once with
    // the union of its events' categories.
    let distinct = |mut pairs: Vec<(u32, u32, u32)>, units: usize| -> Vec<u32> {
        pairs.sort_unstable_by_key(|&(u, s, _)| (u, s));
        let mut out = vec![0u32; nc * ng * units];
        let mut i = 0;
        while i < pairs.len() {
            let (u, s, mut m) = pairs[i];
            let mut j = i + 1;
            while j < pairs.len() && pairs[j].0 == u && pairs[j].1 == s {
                m |= pairs[j].2;
                j += 1;
            }
            let g = group_of[s as usize].unwrap_or(0) as usize;
            for c in (0..nc).filter(|c| m & (1 << c) != 0) {
                out[(c * ng + g) * units + u as usize] += 1;
            }
            i = j;
        }
        out
    };
    let term_subjects = distinct(events.clone(), nt);
    let class_subjects = distinct(
        events
            .iter()
            .map(|&(t, s, m)| (terms[t as usize].0, s, m))
            .collect(),
        nk,
    );
    let all_subjects = distinct(events.iter().map(|&(_, s, m)| (0, s, m)).collect(), 1);
    let pick = |ev: &[u32], subj: &[u32], units: usize, g: usize, u: usize| -> Vec<AeCount> {
        (0..nc)
            .map(|c| AeCount {
                subjects: subj[(c * ng + g) * units + u],
                events: ev[(c * ng + g) * units + u],
            })
            .collect()
    };
    let (mut by_term, mut by_class, mut overall) = (Counts::new(), Counts::new(), Counts::new());
    for (g, name) in group_names.iter().enumerate() {
        for (t, (k, term)) in terms.iter().enumerate() {
            by_term.insert(
                (
                    (*name).clone(),
                    classes[*k as usize].to_string(),
                    Some(term.to_string()),
                ),
                pick(&term_events, &term_subjects, nt, g, t),
            );
        }
        for (k, class) in classes.iter().enumerate() {
            by_class.insert(
                ((*name).clone(), class.to_string(), None),
                pick(&class_events, &class_subjects, nk, g, k),
            );
        }
        overall.insert(
            ((*name).clone(), String::new(), None),
            pick(&all_events, &all_subjects, 1, g, 0),
        );
    }
    Ok((by_term, by_class, overall))
}

const UNCODED: &str = "Not coded";

/// The adverse-event tables over the groups of `groups` (group -> ADSL
/// rows; empty for the pooled tables, whose one group is all subjects).
pub fn adverse_events(
    snap: &Snapshot,
    trial: &TrialConfig,
    groups: &BTreeMap<String, Vec<usize>>,
    reference: Option<&str>,
) -> PolarsResult<AdverseEvents> {
    let adsl = &snap.adsl;
    let ids: Vec<Option<&str>> = adsl.column("USUBJID")?.str()?.iter().collect();
    let in_population: Vec<bool> = match texts(adsl, ColumnRole::SafetyFlag.key()) {
        Some(v) => v.iter().map(|x| *x == Some("Y")).collect(),
        None => vec![true; adsl.height()],
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
        let subject_of: HashMap<&str, u32> = ids
            .iter()
            .enumerate()
            .filter_map(|(r, id)| Some(((*id)?, u32_of(r))))
            .collect();
        let bits: Vec<Vec<bool>> = collected
            .iter()
            .map(|&k| cats[k].2.clone().unwrap_or_default())
            .collect();
        count_events(adae, &subject_of, &group_of, &group_names, &bits)?
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
