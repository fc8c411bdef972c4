//! The adverse-event counts in one pass over integer codes.

use super::{AeCount, UNCODED};
use crate::server::config::ColumnRole;
use crate::server::report::frames::u32_of;
use polars::prelude::*;
use std::collections::HashMap;

/// Per (group, organ class, term) and category: subjects and events.
pub(super) type Counts = HashMap<(String, String, Option<String>), Vec<AeCount>>;

/// Subjects and events per (group, class, term), (group, class) and group,
/// for each category of `bits` (a flag per ADAE row each; `subject_of` is
/// each row's ADSL row), in one pass over
/// the events with every text replaced by a number: the events of a term
/// are counted as they come, its subjects by sorting (term, subject)
/// pairs and counting each pair once.
pub(super) fn count_events(
    adae: &DataFrame,
    subject_of: &[u32],
    group_of: &[Option<u32>],
    group_names: &[&String],
    bits: &[&[bool]],
) -> PolarsResult<(Counts, Counts, Counts)> {
    let text = |key: &str| -> PolarsResult<Option<StringChunked>> {
        Ok(match adae.column(key) {
            Ok(c) => Some(c.str()?.clone()),
            Err(_) => None,
        })
    };
    let (soc, pt) = (text(ColumnRole::Soc.key())?, text(ColumnRole::Pt.key())?);
    let nc = bits.len();
    // Dictionary codes of the classes and the (class, term) pairs.
    let mut class_code: PlHashMap<&str, u32> = PlHashMap::new();
    let mut term_code: PlHashMap<(u32, &str), u32> = PlHashMap::new();
    let mut terms: Vec<(u32, &str)> = Vec::new();
    let mut classes: Vec<&str> = Vec::new();
    // (term, subject, category bits) of every event of a subject in the
    // population.
    let mut events: Vec<(u32, u32, u32)> = Vec::with_capacity(adae.height());
    for (r, &subject) in subject_of.iter().enumerate() {
        if group_of.get(subject as usize).copied().flatten().is_none() {
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
    // Distinct subjects: the events are put in subject order (a counting
    // sort), then each subject's few events are sorted by term and by class
    // so each (unit, subject) is counted once with the union of its
    // events' categories.
    let ns = group_of.len();
    let mut start = vec![0usize; ns + 1];
    for &(_, s, _) in &events {
        start[s as usize + 1] += 1;
    }
    for i in 0..ns {
        start[i + 1] += start[i];
    }
    let mut next = start.clone();
    let mut by_subject = vec![(0u32, 0u32); events.len()];
    for &(t, s, m) in &events {
        by_subject[next[s as usize]] = (t, m);
        next[s as usize] += 1;
    }
    let mut term_subjects = vec![0u32; nc * ng * nt];
    let mut class_subjects = vec![0u32; nc * ng * nk];
    let mut all_subjects = vec![0u32; nc * ng];
    let count_once = |units: &mut [(u32, u32)], out: &mut [u32], width: usize, g: usize| {
        units.sort_unstable();
        let mut i = 0;
        while i < units.len() {
            let (u, mut m) = units[i];
            let mut j = i + 1;
            while j < units.len() && units[j].0 == u {
                m |= units[j].1;
                j += 1;
            }
            for c in (0..nc).filter(|c| m & (1 << c) != 0) {
                out[(c * ng + g) * width + u as usize] += 1;
            }
            i = j;
        }
    };
    let mut classes_of: Vec<(u32, u32)> = Vec::new();
    for s in 0..ns {
        let own = &mut by_subject[start[s]..start[s + 1]];
        if own.is_empty() {
            continue;
        }
        let g = group_of[s].unwrap_or(0) as usize;
        let any = own.iter().fold(0u32, |m, &(_, x)| m | x);
        for c in (0..nc).filter(|c| any & (1 << c) != 0) {
            all_subjects[c * ng + g] += 1;
        }
        classes_of.clear();
        classes_of.extend(own.iter().map(|&(t, m)| (terms[t as usize].0, m)));
        count_once(own, &mut term_subjects, nt, g);
        count_once(&mut classes_of, &mut class_subjects, nk, g);
    }
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
