//! A cut's pooled counts before suppression, and which of them the sponsor
//! may see. Every count the open report shows is a series here: the safety
//! categories, the primary endpoint, then groups of counts by key (the
//! levels of a baseline variable, the disposition boxes, the adverse
//! events by SOC and PT, the deaths by cause). Series are matched across
//! cuts by key, so a count is checked against the same count at every
//! earlier cut the sponsor can see (`firewall::suppress`).

use crate::server::firewall::{shown_in_cuts, CutCounts};

/// Counts that belong together under one key, e.g. `baseline/SEX` with a
/// count per level.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PooledGroup {
    pub key: String,
    /// (level, count), in display order.
    pub levels: Vec<(String, u32)>,
    /// The levels split the same subjects (a variable's levels, its missing
    /// included): one hidden level would be given away by the others.
    pub partition: bool,
    /// (inner, outer) levels: every subject of `inner` is in `outer` (a
    /// preferred term within its organ class).
    pub within: Vec<(String, String)>,
}

impl PooledGroup {
    /// The count of `level`, 0 when the cut has none.
    pub fn count(&self, level: &str) -> u32 {
        self.levels
            .iter()
            .find(|(l, _)| l == level)
            .map_or(0, |(_, c)| *c)
    }
}

/// A cut's pooled counts before suppression: subjects, subjects with each
/// safety category, subjects with a primary-endpoint event, which of these
/// sets of subjects lie inside another, and the groups of further counts.
/// What the sponsor's view is built from; never shown as they are.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PooledCounts {
    pub n: u32,
    pub safety: Vec<u32>,
    pub primary: u32,
    /// `(i, j)`: every subject of series `i` is in series `j` (series: the
    /// safety categories in order, then the primary endpoint).
    pub nested: Vec<(usize, usize)>,
    pub groups: Vec<PooledGroup>,
}

/// Every (group, level) of `cuts`, grouped by key in the order first seen.
fn group_levels(cuts: &[&PooledCounts]) -> Vec<(String, String)> {
    let mut keys: Vec<(String, Vec<String>)> = Vec::new();
    for c in cuts {
        for g in &c.groups {
            let at = match keys.iter().position(|(k, _)| *k == g.key) {
                Some(i) => i,
                None => {
                    keys.push((g.key.clone(), Vec::new()));
                    keys.len() - 1
                }
            };
            for (l, _) in &g.levels {
                if !keys[at].1.contains(l) {
                    keys[at].1.push(l.clone());
                }
            }
        }
    }
    keys.into_iter()
        .flat_map(|(k, ls)| ls.into_iter().map(move |l| (k.clone(), l)))
        .collect()
}

impl PooledCounts {
    /// The group under `key`.
    pub fn group(&self, key: &str) -> Option<&PooledGroup> {
        self.groups.iter().find(|g| g.key == key)
    }

    /// The series the suppression decides on: safety categories, the
    /// primary endpoint, then every (group, level) of `levels`, a level
    /// this cut lacks counting 0.
    fn cut_counts(&self, levels: &[(String, String)]) -> CutCounts {
        let mut counts: Vec<u32> = self.safety.iter().copied().chain([self.primary]).collect();
        let start = counts.len();
        counts.extend(
            levels
                .iter()
                .map(|(k, l)| self.group(k).map_or(0, |g| g.count(l))),
        );
        let index = |k: &str, l: &str| {
            levels
                .iter()
                .position(|(a, b)| a == k && b == l)
                .map(|i| start + i)
        };
        let mut nested = self.nested.clone();
        let mut partitions: Vec<Vec<usize>> = Vec::new();
        for g in &self.groups {
            if g.partition {
                partitions.push(
                    levels
                        .iter()
                        .enumerate()
                        .filter(|(_, (k, _))| *k == g.key)
                        .map(|(i, _)| start + i)
                        .collect(),
                );
            }
            for (inner, outer) in &g.within {
                if let (Some(i), Some(o)) = (index(&g.key, inner), index(&g.key, outer)) {
                    nested.push((i, o));
                }
            }
        }
        CutCounts {
            n: self.n,
            counts,
            nested,
            partitions,
        }
    }
}

/// Which of a cut's pooled counts the sponsor may see, decided against
/// the earlier cuts' counts.
pub struct Shown {
    mask: Vec<bool>,
    levels: Vec<(String, String)>,
    categories: usize,
}

impl Shown {
    /// Decide the last of `cuts` (oldest first) at `threshold`.
    pub fn decide(cuts: &[&PooledCounts], threshold: u32) -> Shown {
        let levels = group_levels(cuts);
        let all: Vec<CutCounts> = cuts.iter().map(|c| c.cut_counts(&levels)).collect();
        let mask = shown_in_cuts(&all, threshold).pop().unwrap_or_default();
        Shown {
            mask,
            levels,
            categories: cuts.last().map_or(0, |c| c.safety.len()),
        }
    }

    fn at(&self, series: usize, count: u32) -> Option<u32> {
        self.mask
            .get(series)
            .copied()
            .unwrap_or(false)
            .then_some(count)
    }

    /// Safety category `k`'s count, or `None` when suppressed.
    pub fn safety(&self, k: usize, count: u32) -> Option<u32> {
        self.at(k, count)
    }

    /// The primary endpoint's count, or `None`.
    pub fn primary(&self, count: u32) -> Option<u32> {
        self.at(self.categories, count)
    }

    /// The count of `level` of group `key`, or `None` when suppressed (or
    /// not a series).
    pub fn level(&self, key: &str, level: &str, count: u32) -> Option<u32> {
        let i = self
            .levels
            .iter()
            .position(|(k, l)| k == key && l == level)?;
        self.at(self.categories + 1 + i, count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(key: &str, levels: &[(&str, u32)], partition: bool) -> PooledGroup {
        PooledGroup {
            key: key.into(),
            levels: levels.iter().map(|(l, c)| (l.to_string(), *c)).collect(),
            partition,
            within: Vec::new(),
        }
    }

    #[test]
    fn levels_are_matched_across_cuts_by_key_and_a_pt_inside_its_soc_guards_it() {
        // Cut 1: level "a" 10; cut 2: "a" 11 (one new subject): hidden.
        let c1 = PooledCounts {
            n: 50,
            groups: vec![group("g", &[("a", 10)], false)],
            ..Default::default()
        };
        let c2 = PooledCounts {
            n: 80,
            groups: vec![group("g", &[("b", 20), ("a", 11)], false)],
            ..Default::default()
        };
        let s = Shown::decide(&[&c1, &c2], 5);
        assert_eq!(s.level("g", "a", 11), None);
        assert_eq!(s.level("g", "b", 20), Some(20));
        assert_eq!(s.level("g", "zz", 20), None);
        // A PT of 10 in a SOC of 12: two subjects with other PTs; the SOC
        // is hidden, the PT shown.
        let mut g = group("ae", &[("SOC", 12), ("SOC/PT", 10)], false);
        g.within = vec![("SOC/PT".into(), "SOC".into())];
        let c = PooledCounts {
            n: 100,
            groups: vec![g],
            ..Default::default()
        };
        let s = Shown::decide(&[&c], 5);
        assert_eq!(s.level("ae", "SOC", 12), None);
        assert_eq!(s.level("ae", "SOC/PT", 10), Some(10));
    }
}
