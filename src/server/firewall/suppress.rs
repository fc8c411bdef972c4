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

/// Whether the last count of `series` may be shown.
pub fn shown_last(series: &[Pooled], threshold: u32) -> bool {
    shown_in_series(series, threshold)
        .last()
        .copied()
        .unwrap_or(false)
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
