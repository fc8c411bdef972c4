//! The adverse-event counts in one pass over integer codes.

use super::{AeCount, UNCODED};
use crate::server::config::ColumnRole;
use crate::server::report::frames::u32_of;
use polars::prelude::*;
use std::collections::HashMap;

/// Per (group, organ class, term) and category: subjects and events.
pub(super) type Counts = HashMap<(String, String, Option<String>), Vec<AeCount>>;

/// Subjects and events per (group, class, term), (group, class) and group,
/// for each category of `bits` (a flag per ADAE row each), in one pass over
/// the events with every text replaced by a number: the events of a term
/// are counted as they come, its subjects by sorting (term, subject)
/// pairs and counting each pair once.
pub(super) fn count_events(
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
