//! The adverse-event signal screen (closed report only): every preferred
//! term of the any-event table, the design's treatment arm against its
//! control by Fisher's exact test (subjects with the term over the safety
//! population; a term enters when one of the two arms has at least the
//! trial's minimum of subjects with it, 4 by default), the p-values adjusted by the double FDR procedure over the
//! organ classes (`stats::fdr`), the flagged terms those at most the
//! trial's level. The risk difference and relative risk are the views'
//! (they depend on which group is named first).

use super::adverse::{AdverseEvents, AeCategory};
use crate::server::config::TrialConfig;
use crate::stats::fdr::double_fdr;
use crate::stats::proportions::{fisher_exact, TwoByTwo};
use serde::Serialize;

/// One preferred term in the screen.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SignalTerm {
    pub organ_class: String,
    pub term: String,
    /// Subjects with the term: the treatment arm, the control.
    pub subjects: [u32; 2],
    /// Fisher's exact two-sided p.
    pub p: f64,
    /// BH-adjusted within the organ class.
    pub within: f64,
    /// BH-adjusted in the pooled family of the selected classes.
    pub pooled: Option<f64>,
    pub flagged: bool,
}

/// One organ class in the screen.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SignalClass {
    pub organ_class: String,
    /// The smallest within-class adjusted p, and it adjusted across classes.
    pub p: f64,
    pub adjusted: f64,
    pub selected: bool,
}

/// The screen of the design's compared arms.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AeSignals {
    pub arm: String,
    pub reference: String,
    /// The safety population of each: the treatment arm, the control.
    pub population: [u32; 2],
    pub fdr: f64,
    /// The least subjects of one arm a term needs to enter.
    pub min_subjects: u32,
    pub classes: Vec<SignalClass>,
    pub terms: Vec<SignalTerm>,
}

/// An organ class and its terms: (term, subjects of the treatment arm and
/// the control, Fisher's p).
type ClassTerms = (String, Vec<(String, [u32; 2], f64)>);

/// Fisher's p of two groups' counts, the same whichever group comes first
/// (the table is put in one order before the test).
fn fisher(a: (u32, u32), b: (u32, u32)) -> f64 {
    let (x, y) = if a <= b { (a, b) } else { (b, a) };
    fisher_exact(&TwoByTwo {
        events_1: u64::from(x.0),
        n_1: u64::from(x.1),
        events_2: u64::from(y.0),
        n_2: u64::from(y.1),
    })
    .unwrap_or(1.0)
}

/// The screen, when the design names two compared arms and the cut's
/// adverse events were collected.
pub fn ae_signals(trial: &TrialConfig, ae: &AdverseEvents) -> Option<AeSignals> {
    let (ri, ti) = super::interim::compared_arms(trial)?;
    let (r, t) = (&trial.arms[ri].code, &trial.arms[ti].code);
    let table = ae
        .tables
        .iter()
        .find(|t| t.category == AeCategory::Any && t.collected)?;
    let nt = table.population_by_arm.get(t).copied().unwrap_or(0);
    let nr = table.population_by_arm.get(r).copied().unwrap_or(0);
    if nt == 0 || nr == 0 {
        return None;
    }
    // Terms by organ class, in the table's order.
    let mut classes: Vec<ClassTerms> = Vec::new();
    for row in &table.rows {
        let Some(term) = &row.term else {
            classes.push((row.organ_class.clone(), Vec::new()));
            continue;
        };
        let count = |code: &str| row.by_arm.get(code).map_or(0, |c| c.subjects);
        let subjects = [count(t), count(r)];
        if subjects[0].max(subjects[1]) < trial.adverse_events.signal_min_subjects {
            continue;
        }
        let p = fisher((subjects[0], nt), (subjects[1], nr));
        match classes.last_mut() {
            Some((soc, terms)) if *soc == row.organ_class => {
                terms.push((term.clone(), subjects, p))
            }
            _ => classes.push((row.organ_class.clone(), vec![(term.clone(), subjects, p)])),
        }
    }
    classes.retain(|(_, terms)| !terms.is_empty());
    let fdr = trial.adverse_events.signal_fdr;
    let ps: Vec<Vec<f64>> = classes
        .iter()
        .map(|(_, terms)| terms.iter().map(|x| x.2).collect())
        .collect();
    let d = double_fdr(&ps, fdr);
    let mut terms = Vec::new();
    for (b, (soc, ts)) in classes.iter().enumerate() {
        for (j, (term, subjects, p)) in ts.iter().enumerate() {
            terms.push(SignalTerm {
                organ_class: soc.clone(),
                term: term.clone(),
                subjects: *subjects,
                p: *p,
                within: d.within[b][j],
                pooled: d.pooled[b][j],
                flagged: d.flagged(b, j, fdr),
            });
        }
    }
    Some(AeSignals {
        arm: t.clone(),
        reference: r.clone(),
        population: [nt, nr],
        fdr,
        min_subjects: trial.adverse_events.signal_min_subjects,
        classes: classes
            .iter()
            .enumerate()
            .map(|(b, (soc, _))| SignalClass {
                organ_class: soc.clone(),
                p: d.class_p[b],
                adjusted: d.class_adjusted[b],
                selected: d.selected[b],
            })
            .collect(),
        terms,
    })
}
