//! Small-cell suppression of pooled counts in the open view.
//!
//! A pooled count is shown only when no count from 1 to the trial's
//! threshold − 1 can be derived from what the sponsor sees: not the count
//! itself, not its complement (the subjects without the event, n − count),
//! and, since the sponsor can pick any good cut, not the difference of
//! either from the same count at any other cut the sponsor sees. Cuts are
//! decided oldest first and a decision never changes: a cut's count is
//! shown when it passes against every shown count of the earlier cuts (the
//! later ones are checked against it when they come). Zero is shown;
//! enrollment counts are not suppressed (see `docs/DECISIONS.md`).
//!
//! Counts of one cut can be differenced too when one set of subjects lies
//! inside another (septic shock within sepsis, a category within the
//! primary endpoint's events): for each such nested pair the difference,
//! and its change since any earlier cut where both were shown, must not be
//! small either, or the containing count is suppressed ([`shown_in_cuts`]).

/// One cut's pooled count: `count` of its `n` subjects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pooled {
    pub n: u32,
    pub count: u32,
}

/// Whether `x` is a small non-zero number (|x| in 1..threshold − 1).
fn small(x: i64, threshold: u32) -> bool {
    x != 0 && x.unsigned_abs() < u64::from(threshold)
}

/// Which counts of `series` (one per cut, oldest first) may be shown.
pub fn shown_in_series(series: &[Pooled], threshold: u32) -> Vec<bool> {
    let mut shown: Vec<Pooled> = Vec::new();
    series
        .iter()
        .map(|p| {
            let (c, rest) = (i64::from(p.count), i64::from(p.n) - i64::from(p.count));
            let ok = !small(c, threshold)
                && !small(rest, threshold)
                && shown.iter().all(|q| {
                    let (qc, qrest) = (i64::from(q.count), i64::from(q.n) - i64::from(q.count));
                    !small(c - qc, threshold) && !small(rest - qrest, threshold)
                });
            if ok {
                shown.push(*p);
            }
            ok
        })
        .collect()
}

/// One cut's pooled counts (several series, e.g. safety categories and the
/// primary endpoint) and which of them nest: `(i, j)` when every subject
/// counted in series `i` is counted in series `j`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CutCounts {
    pub n: u32,
    pub counts: Vec<u32>,
    pub nested: Vec<(usize, usize)>,
    /// Series that split the same subjects (the levels of one baseline
    /// variable, its missing included): when one is hidden, the others
    /// would give it away, so the smallest shown other is hidden too.
    pub partitions: Vec<Vec<usize>>,
}

/// Which counts of each cut (oldest first) may be shown: each series by
/// [`shown_in_series`], then, cut by cut, every nested pair whose
/// difference (or its change since an earlier cut where both were shown)
/// is small loses its containing count.
pub fn shown_in_cuts(cuts: &[CutCounts], threshold: u32) -> Vec<Vec<bool>> {
    let series = cuts.iter().map(|c| c.counts.len()).max().unwrap_or(0);
    let mut shown: Vec<Vec<bool>> = cuts.iter().map(|c| vec![false; c.counts.len()]).collect();
    let count = |k: usize, s: usize| i64::from(cuts[k].counts.get(s).copied().unwrap_or(0));
    for k in 0..cuts.len() {
        for s in 0..cuts[k].counts.len().min(series) {
            // Against the earlier cuts' shown counts of the same series.
            let history: Vec<Pooled> = (0..k)
                .filter(|&m| shown[m].get(s).copied().unwrap_or(false))
                .map(|m| Pooled {
                    n: cuts[m].n,
                    count: cuts[m].counts[s],
                })
                .chain([Pooled {
                    n: cuts[k].n,
                    count: cuts[k].counts[s],
                }])
                .collect();
            // Earlier shown counts passed already; only the last is new.
            let ok = shown_in_series(&history, threshold)
                .last()
                .copied()
                .unwrap_or(false);
            shown[k][s] = ok;
        }
        for &(inner, outer) in &cuts[k].nested {
            if !(shown[k].get(inner) == Some(&true) && shown[k].get(outer) == Some(&true)) {
                continue;
            }
            let d = count(k, outer) - count(k, inner);
            let moved = (0..k).any(|m| {
                shown[m].get(inner) == Some(&true)
                    && shown[m].get(outer) == Some(&true)
                    && small(d - (count(m, outer) - count(m, inner)), threshold)
            });
            if small(d, threshold) || moved {
                shown[k][outer] = false;
            }
        }
        for part in &cuts[k].partitions {
            let hidden = part.iter().filter(|&&s| !shown[k][s]).count();
            if hidden == 1 {
                let other = part
                    .iter()
                    .copied()
                    .filter(|&s| shown[k][s])
                    .min_by_key(|&s| cuts[k].counts[s]);
                if let Some(s) = other {
                    shown[k][s] = false;
                }
            }
        }
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(n: u32, count: u32) -> Pooled {
        Pooled { n, count }
    }

    #[test]
    fn a_count_that_differs_little_from_an_earlier_shown_one_is_suppressed() {
        // 8 shown, then 9 (one new subject with the event): suppressed; then
        // 14 is 6 more than the 8 shown: shown.
        assert_eq!(
            shown_in_series(&[p(46, 8), p(83, 9), p(101, 14)], 5),
            [true, false, true]
        );
        // Against the shown ones only: 14 - 9 = 5 is fine, and 9 was never shown.
        assert_eq!(shown_in_series(&[p(46, 3), p(83, 9)], 5), [false, true]);
    }

    #[test]
    fn a_nested_pair_whose_difference_is_small_loses_its_containing_count() {
        // Septic shock (series 0) inside sepsis (series 1): 12 and 14 at one
        // cut tell that 2 had sepsis without shock.
        let cut = |n, a, b| CutCounts {
            n,
            counts: vec![a, b],
            nested: vec![(0, 1)],
            ..Default::default()
        };
        assert_eq!(shown_in_cuts(&[cut(100, 12, 14)], 5), [[true, false]]);
        assert_eq!(shown_in_cuts(&[cut(100, 12, 20)], 5), [[true, true]]);
        // 12 and 20, then 30 and 40: the difference moved 8 -> 10, two new
        // subjects with sepsis but not shock.
        assert_eq!(
            shown_in_cuts(&[cut(100, 12, 20), cut(150, 30, 40)], 5),
            [[true, true], [true, false]]
        );
        // Not nested: the difference counts nobody.
        let apart = CutCounts {
            n: 100,
            counts: vec![12, 14],
            nested: vec![],
            ..Default::default()
        };
        assert_eq!(shown_in_cuts(&[apart], 5), [[true, true]]);
    }

    #[test]
    fn a_hidden_level_takes_a_second_one_with_it() {
        // SCAI B 28, C 70, D 3 of 101: D is small, and n - B - C would give
        // it; B (the smaller shown) is hidden with it.
        let cut = CutCounts {
            n: 101,
            counts: vec![28, 70, 3],
            partitions: vec![vec![0, 1, 2]],
            ..Default::default()
        };
        assert_eq!(shown_in_cuts(&[cut], 5), [[false, true, false]]);
    }

    #[test]
    fn zero_and_unchanged_counts_are_shown_small_ones_and_small_complements_not() {
        assert_eq!(shown_in_series(&[p(10, 0), p(20, 0)], 5), [true, true]);
        assert_eq!(shown_in_series(&[p(40, 12), p(60, 12)], 5), [true, true]);
        assert_eq!(shown_in_series(&[p(40, 4)], 5), [false]);
        // 38 of 40: two subjects without the event.
        assert_eq!(shown_in_series(&[p(40, 38)], 5), [false]);
        // 12 of 40, then 30 of 50: the subjects without it went 28 -> 20,
        // fine; 12 of 40 then 13 of 43 is one new event: suppressed.
        assert_eq!(shown_in_series(&[p(40, 12), p(50, 30)], 5), [true, true]);
        assert_eq!(shown_in_series(&[p(40, 12), p(43, 13)], 5), [true, false]);
        // Three new subjects, none with the event: the complement moved by 3.
        assert_eq!(shown_in_series(&[p(40, 12), p(43, 12)], 5), [true, false]);
    }
}
