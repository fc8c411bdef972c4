//! Hierarchical pairwise comparison of two groups (the "win" statistics):
//! every subject of the treatment group against every subject of the
//! control group, outcome by outcome in order of importance, the first
//! outcome that tells them apart deciding the pair (Finkelstein &
//! Schoenfeld 1999; Pocock et al., Eur Heart J 2012;33:176; Buyse 2010).
//!
//! An outcome is compared by time (a subject wins when the other had the
//! event first and it was still followed then: the other's event time is
//! before its own observed time, event or censoring) or by presence (a
//! subject wins when it is free of the outcome and the other is not).
//!
//! From the wins W, losses L and ties T of the n_T n_C pairs: the win ratio
//! W/L, the net benefit (W − L)/(n_T n_C), the win odds (W + T/2)/(L + T/2)
//! and the DOOR probability (W + T/2)/(n_T n_C) (Evans et al., Clin Infect
//! Dis 2015;61:800). Their intervals use the two-sample U-statistic
//! variance of (W, L)/(n_T n_C) (the subjects' mean wins and losses, as
//! DeLong et al. 1988 estimate it): the log win ratio and the log win
//! odds by the delta method, the net benefit and DOOR directly. The
//! Finkelstein-Schoenfeld test scores every subject against the pooled
//! sample and uses the permutation variance.
//!
//! Counting is pair by pair in general (n_T n_C pairs times the levels);
//! when at most the first outcome is compared by time, subjects are grouped
//! by their pattern of the other outcomes and each one is counted against a
//! group by binary search (about n 2^levels log n).

use super::normal;

/// One subject's outcome at one level.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Outcome {
    /// The observed time (the event's, or the end of follow-up) and whether
    /// the event happened then.
    Time { time: f64, event: bool },
    /// Whether the subject had the outcome.
    Presence(bool),
}

/// +1 when `a` is better than `b` at this level, −1 when worse, 0 a tie.
pub fn compare(a: Outcome, b: Outcome) -> i8 {
    match (a, b) {
        (
            Outcome::Time {
                time: ta,
                event: ea,
            },
            Outcome::Time {
                time: tb,
                event: eb,
            },
        ) => {
            if eb && tb < ta {
                1
            } else if ea && ta < tb {
                -1
            } else {
                0
            }
        }
        (Outcome::Presence(a), Outcome::Presence(b)) => match (a, b) {
            (false, true) => 1,
            (true, false) => -1,
            _ => 0,
        },
        _ => 0,
    }
}

/// The pairs' outcome: totals, what each level decided, and each subject's
/// wins and losses against the other group and against the pooled sample.
#[derive(Clone, Debug, PartialEq)]
pub struct Counts {
    pub wins: u64,
    pub losses: u64,
    pub ties: u64,
    /// (wins, losses) of the treatment group decided at each level.
    pub by_level: Vec<(u64, u64)>,
    /// Each treatment subject's wins and losses against the control group.
    pub treatment: Vec<(u64, u64)>,
    /// Each control subject's: the treatment subjects that beat it, and
    /// that it beats.
    pub control: Vec<(u64, u64)>,
    /// Each subject's wins minus losses against the pooled sample
    /// (treatment first, then control): the Finkelstein-Schoenfeld scores.
    pub pooled_scores: Vec<i64>,
}

/// Each subject's (wins, losses) against a reference set, and the (wins,
/// losses) each level decided.
type Against = (Vec<(u64, u64)>, Vec<(u64, u64)>);

/// The subjects' (wins, losses, level deciding each) against `reference`,
/// pair by pair.
fn against_naive(subjects: &[Vec<Outcome>], reference: &[Vec<Outcome>], levels: usize) -> Against {
    let mut per = vec![(0u64, 0u64); subjects.len()];
    let mut by_level = vec![(0u64, 0u64); levels];
    for (i, a) in subjects.iter().enumerate() {
        for b in reference {
            for (k, (x, y)) in a.iter().zip(b).enumerate() {
                match compare(*x, *y) {
                    1 => {
                        per[i].0 += 1;
                        by_level[k].0 += 1;
                        break;
                    }
                    -1 => {
                        per[i].1 += 1;
                        by_level[k].1 += 1;
                        break;
                    }
                    _ => {}
                }
            }
        }
    }
    (per, by_level)
}

/// Whether the fast count applies: every level after the first is
/// compared by presence, and every subject has the same kinds.
fn fast_applies(all: &[&Vec<Outcome>], levels: usize) -> bool {
    levels <= 16
        && all.iter().all(|s| {
            s.len() == levels && s.iter().skip(1).all(|o| matches!(o, Outcome::Presence(_)))
        })
        && (all
            .iter()
            .all(|s| matches!(s.first(), Some(Outcome::Time { .. })))
            || all
                .iter()
                .all(|s| matches!(s.first(), Some(Outcome::Presence(_)))))
}

/// A subject's pattern of presence outcomes (bit k for level k, the first
/// level included when it is a presence outcome), and its time.
fn pattern(s: &[Outcome]) -> (u32, Option<(f64, bool)>) {
    let mut bits = 0u32;
    let mut time = None;
    for (k, o) in s.iter().enumerate() {
        match o {
            Outcome::Presence(true) => bits |= 1 << k,
            Outcome::Presence(false) => {}
            Outcome::Time { time: t, event } => time = Some((*t, *event)),
        }
    }
    (bits, time)
}

/// The first level at which patterns `p` and `q` differ, and whether `p`
/// wins there (it is free of the outcome).
fn decide(p: u32, q: u32) -> Option<(usize, bool)> {
    let d = p ^ q;
    (d != 0).then(|| {
        let k = d.trailing_zeros() as usize;
        (k, p & (1 << k) == 0)
    })
}

/// A group of the reference set sharing one pattern: its times sorted, and
/// its event times sorted.
struct Group {
    pattern: u32,
    n: u64,
    times: Vec<f64>,
    events: Vec<f64>,
}

fn groups(reference: &[Vec<Outcome>]) -> Vec<Group> {
    let mut map: std::collections::BTreeMap<u32, Group> = std::collections::BTreeMap::new();
    for s in reference {
        let (p, t) = pattern(s);
        let g = map.entry(p).or_insert_with(|| Group {
            pattern: p,
            n: 0,
            times: Vec::new(),
            events: Vec::new(),
        });
        g.n += 1;
        if let Some((t, e)) = t {
            g.times.push(t);
            if e {
                g.events.push(t);
            }
        }
    }
    let mut out: Vec<Group> = map.into_values().collect();
    for g in &mut out {
        g.times.sort_by(f64::total_cmp);
        g.events.sort_by(f64::total_cmp);
    }
    out
}

/// The subjects' (wins, losses) against `reference` and what each level
/// decided, by groups of patterns (see the module's documentation).
fn against_fast(subjects: &[Vec<Outcome>], reference: &[Vec<Outcome>], levels: usize) -> Against {
    let groups = groups(reference);
    let mut by_level = vec![(0u64, 0u64); levels];
    let per = subjects
        .iter()
        .map(|s| {
            let (p, time) = pattern(s);
            let (mut w, mut l) = (0u64, 0u64);
            for g in &groups {
                // Decided by time at the first level.
                let (w0, l0) = match time {
                    Some((t, e)) => {
                        let w0 = g.events.partition_point(|&x| x < t) as u64;
                        let l0 = if e {
                            (g.times.len() - g.times.partition_point(|&x| x <= t)) as u64
                        } else {
                            0
                        };
                        (w0, l0)
                    }
                    None => (0, 0),
                };
                w += w0;
                l += l0;
                by_level[0].0 += w0;
                by_level[0].1 += l0;
                let tied = g.n - w0 - l0;
                if let Some((k, wins)) = decide(p, g.pattern) {
                    if wins {
                        w += tied;
                        by_level[k].0 += tied;
                    } else {
                        l += tied;
                        by_level[k].1 += tied;
                    }
                }
            }
            (w, l)
        })
        .collect();
    (per, by_level)
}

/// Every treatment subject against every control subject (each subject a
/// list of outcomes in the hierarchy's order, all of one length).
pub fn count(treatment: &[Vec<Outcome>], control: &[Vec<Outcome>]) -> Counts {
    let levels = treatment.first().or(control.first()).map_or(0, Vec::len);
    let all: Vec<&Vec<Outcome>> = treatment.iter().chain(control).collect();
    let fast = fast_applies(&all, levels);
    let against = |s: &[Vec<Outcome>], r: &[Vec<Outcome>]| {
        if fast {
            against_fast(s, r, levels)
        } else {
            against_naive(s, r, levels)
        }
    };
    let (t_vs_c, by_level) = against(treatment, control);
    let (c_vs_t, _) = against(control, treatment);
    let (t_vs_t, _) = against(treatment, treatment);
    let (c_vs_c, _) = against(control, control);
    let wins: u64 = t_vs_c.iter().map(|x| x.0).sum();
    let losses: u64 = t_vs_c.iter().map(|x| x.1).sum();
    let pairs = treatment.len() as u64 * control.len() as u64;
    let score = |a: (u64, u64), b: (u64, u64)| (a.0 + b.0) as i64 - (a.1 + b.1) as i64;
    let pooled_scores = t_vs_c
        .iter()
        .zip(&t_vs_t)
        .map(|(a, b)| score(*a, *b))
        .chain(c_vs_t.iter().zip(&c_vs_c).map(|(a, b)| score(*a, *b)))
        .collect();
    Counts {
        wins,
        losses,
        ties: pairs - wins - losses,
        by_level,
        treatment: t_vs_c,
        // A control subject's losses are the treatment's wins over it.
        control: c_vs_t.into_iter().map(|(w, l)| (l, w)).collect(),
        pooled_scores,
    }
}

/// An estimate with its 95% interval.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    pub estimate: f64,
    pub ci95: [f64; 2],
}

/// The win statistics of `c` (the treatment's view: above 1, or above 0
/// for the net benefit, favours the treatment).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WinStatistics {
    /// None when there is no loss (or no win).
    pub win_ratio: Option<Estimate>,
    pub net_benefit: Estimate,
    pub win_odds: Option<Estimate>,
    pub door: Estimate,
    /// The Finkelstein-Schoenfeld test's two-sided p.
    pub p_value: Option<f64>,
}

/// The win statistics and their intervals from the pair counts `c`; `None`
/// when a group has fewer than two subjects.
pub fn statistics(c: &Counts) -> Option<WinStatistics> {
    let (m, n) = (c.treatment.len() as f64, c.control.len() as f64);
    if m < 2.0 || n < 2.0 {
        return None;
    }
    let pairs = m * n;
    let (pw, pl) = (c.wins as f64 / pairs, c.losses as f64 / pairs);
    // The U-statistic covariance of (pw, pl): each group's sample
    // covariance of its subjects' mean wins and losses.
    let cov = |rows: &[(u64, u64)], other: f64, size: f64| {
        let xs: Vec<(f64, f64)> = rows
            .iter()
            .map(|&(w, l)| (w as f64 / other, l as f64 / other))
            .collect();
        let (mw, ml) = (
            xs.iter().map(|x| x.0).sum::<f64>() / size,
            xs.iter().map(|x| x.1).sum::<f64>() / size,
        );
        let mut s = [0.0f64; 3];
        for (w, l) in &xs {
            s[0] += (w - mw) * (w - mw);
            s[1] += (l - ml) * (l - ml);
            s[2] += (w - mw) * (l - ml);
        }
        s.map(|v| v / (size - 1.0) / size)
    };
    let a = cov(&c.treatment, n, m);
    let b = cov(&c.control, m, n);
    let (vw, vl, cwl) = (a[0] + b[0], a[1] + b[1], a[2] + b[2]);
    let z = normal::quantile(0.975);
    let nb = pw - pl;
    let v_nb = (vw + vl - 2.0 * cwl).max(0.0);
    let se_nb = v_nb.sqrt();
    let net_benefit = Estimate {
        estimate: nb,
        ci95: [(nb - z * se_nb).max(-1.0), (nb + z * se_nb).min(1.0)],
    };
    let door = Estimate {
        estimate: (1.0 + nb) / 2.0,
        ci95: [
            (1.0 + net_benefit.ci95[0]) / 2.0,
            (1.0 + net_benefit.ci95[1]) / 2.0,
        ],
    };
    let win_ratio = (pw > 0.0 && pl > 0.0).then(|| {
        let wr = pw / pl;
        let se = (vw / (pw * pw) + vl / (pl * pl) - 2.0 * cwl / (pw * pl))
            .max(0.0)
            .sqrt();
        Estimate {
            estimate: wr,
            ci95: [(wr.ln() - z * se).exp(), (wr.ln() + z * se).exp()],
        }
    });
    let win_odds = (nb.abs() < 1.0).then(|| {
        let wo = (1.0 + nb) / (1.0 - nb);
        let se = 2.0 * se_nb / (1.0 - nb * nb);
        Estimate {
            estimate: wo,
            ci95: [(wo.ln() - z * se).exp(), (wo.ln() + z * se).exp()],
        }
    });
    // Finkelstein-Schoenfeld: the treatment's summed pooled scores against
    // their permutation variance.
    let total = m + n;
    let s: f64 = c.pooled_scores[..c.treatment.len()]
        .iter()
        .map(|&u| u as f64)
        .sum();
    let sum_sq: f64 = c.pooled_scores.iter().map(|&u| (u as f64).powi(2)).sum();
    let var = m * n / (total * (total - 1.0)) * sum_sq;
    let p_value = (var > 0.0).then(|| 2.0 * normal::sf((s / var.sqrt()).abs()));
    Some(WinStatistics {
        win_ratio,
        net_benefit,
        win_odds,
        door,
        p_value,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The DOOR package's example: DOOR categories 1 (best) to 3 with
    /// 60/30/10% in the treatment group and 50/40/10% in the control group
    /// give a DOOR probability of 0.545 (0.6·0.5 + 0.3·0.1 + (0.6·0.5 +
    /// 0.3·0.4 + 0.1·0.1)/2). The categories as two presence outcomes:
    /// category 3, then category 2.
    #[test]
    fn the_door_example_gives_0_545() {
        let subject = |cat: u8| vec![Outcome::Presence(cat == 3), Outcome::Presence(cat == 2)];
        let group = |shares: [usize; 3]| -> Vec<Vec<Outcome>> {
            (1..=3u8)
                .zip(shares)
                .flat_map(|(cat, k)| std::iter::repeat_n(subject(cat), k))
                .collect()
        };
        let c = count(&group([60, 30, 10]), &group([50, 40, 10]));
        assert_eq!((c.wins, c.losses, c.ties), (3300, 2400, 4300));
        let s = statistics(&c).unwrap();
        assert!((s.door.estimate - 0.545).abs() < 1e-15);
        assert!((s.win_ratio.unwrap().estimate - 3300.0 / 2400.0).abs() < 1e-15);
        assert!((s.net_benefit.estimate - 0.09).abs() < 1e-15);
    }

    /// The count by groups of patterns is the pair-by-pair count, on data
    /// with ties, censoring and every pattern.
    #[test]
    fn the_fast_count_is_the_pairwise_count() {
        let mut seed = 7u64;
        let mut next = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as f64 / (1u64 << 31) as f64
        };
        let mut make = |k: usize| -> Vec<Vec<Outcome>> {
            (0..k)
                .map(|_| {
                    vec![
                        Outcome::Time {
                            time: (next() * 20.0).floor(),
                            event: next() < 0.4,
                        },
                        Outcome::Presence(next() < 0.3),
                        Outcome::Presence(next() < 0.5),
                    ]
                })
                .collect()
        };
        let (t, c) = (make(57), make(43));
        let levels = 3;
        assert_eq!(against_fast(&t, &c, levels), against_naive(&t, &c, levels));
        assert_eq!(against_fast(&c, &t, levels), against_naive(&c, &t, levels));
        assert_eq!(against_fast(&t, &t, levels), against_naive(&t, &t, levels));
    }
}
