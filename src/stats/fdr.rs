//! False-discovery-rate adjustment of adverse-event p-values grouped by
//! organ class: Benjamini-Hochberg (R's `p.adjust(p, "BH")`) and the
//! double FDR procedure of Mehrotra & Adewale (Stat Med 2012;31:1918):
//!
//! 1. within each organ class, the terms' p-values are BH-adjusted; the
//!    smallest adjusted value represents the class;
//! 2. the classes' representative p-values are BH-adjusted across classes;
//!    a class whose adjusted value is at most α is selected;
//! 3. the terms of every selected class are pooled into one family and
//!    BH-adjusted together; a term whose adjusted value is at most α is
//!    flagged.

/// R's `p.adjust(p, method = "BH")`: p_(i) m / i, made monotone from the
/// largest down, capped at 1, in the input's order.
pub fn bh_adjust(p: &[f64]) -> Vec<f64> {
    let m = p.len();
    let mut order: Vec<usize> = (0..m).collect();
    // Largest first; ties keep the input order, as R's stable order does.
    order.sort_by(|&a, &b| p[b].total_cmp(&p[a]));
    let mut out = vec![0.0; m];
    let mut running = f64::INFINITY;
    for (k, &i) in order.iter().enumerate() {
        let rank = (m - k) as f64;
        running = running.min(m as f64 / rank * p[i]);
        out[i] = running.min(1.0);
    }
    out
}

/// The double FDR procedure's results for classes of terms.
#[derive(Clone, Debug, PartialEq)]
pub struct DoubleFdr {
    /// Each term's BH-adjusted p within its class.
    pub within: Vec<Vec<f64>>,
    /// Each class's representative p (its smallest within-class value) and
    /// that value BH-adjusted across classes.
    pub class_p: Vec<f64>,
    pub class_adjusted: Vec<f64>,
    /// Whether each class was selected (adjusted value at most α).
    pub selected: Vec<bool>,
    /// Each term's p adjusted in the pooled family of the selected classes
    /// (none for a term of a class not selected).
    pub pooled: Vec<Vec<Option<f64>>>,
}

impl DoubleFdr {
    /// Whether term `j` of class `b` is flagged at level `alpha`.
    pub fn flagged(&self, b: usize, j: usize, alpha: f64) -> bool {
        self.pooled[b][j].is_some_and(|p| p <= alpha)
    }
}

/// The double FDR procedure at level `alpha` over `classes` (each a list
/// of its terms' raw p-values; an empty class is never selected).
pub fn double_fdr(classes: &[Vec<f64>], alpha: f64) -> DoubleFdr {
    let within: Vec<Vec<f64>> = classes.iter().map(|c| bh_adjust(c)).collect();
    let class_p: Vec<f64> = within
        .iter()
        .map(|w| w.iter().copied().fold(f64::INFINITY, f64::min).min(1.0))
        .collect();
    let class_adjusted = bh_adjust(&class_p);
    let selected: Vec<bool> = class_adjusted
        .iter()
        .zip(classes)
        .map(|(p, c)| *p <= alpha && !c.is_empty())
        .collect();
    let family: Vec<f64> = classes
        .iter()
        .zip(&selected)
        .filter(|(_, s)| **s)
        .flat_map(|(c, _)| c.iter().copied())
        .collect();
    let mut adjusted = bh_adjust(&family).into_iter();
    let pooled = classes
        .iter()
        .zip(&selected)
        .map(|(c, s)| {
            c.iter()
                .map(|_| if *s { adjusted.next() } else { None })
                .collect()
        })
        .collect();
    DoubleFdr {
        within,
        class_p,
        class_adjusted,
        selected,
        pooled,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // R: p.adjust(c(0.01, 0.04, 0.03, 0.005, 0.5, 0.04), "BH")
    //   0.03 0.048 0.048 0.03 0.5 0.048
    #[test]
    fn bh_as_r_adjusts() {
        let got = bh_adjust(&[0.01, 0.04, 0.03, 0.005, 0.5, 0.04]);
        let want = [0.03, 0.048, 0.048, 0.03, 0.5, 0.048];
        for (g, w) in got.iter().zip(want) {
            assert!((g - w).abs() < 1e-15, "{got:?}");
        }
        assert!(bh_adjust(&[]).is_empty());
    }

    // Mehrotra & Adewale (2012), Example 4.1: six body systems' p-values.
    // The two-step procedure written out in base R:
    //   pval <- list(c(0.031,0.023,0.029,0.005,0.031,0.000,0.874,0.399,0.293,0.077),
    //                c(0.216,0.843,0.864), c(1,0.878,0.766,0.598,0.011,0.864),
    //                c(0.889,0.557,0.767,0.009,0.644),
    //                c(1,0.583,0.147,0.789,0.217,1,0.02,0.784,0.579,0.439),
    //                c(0.898,0.619,0.193,0.806,0.611,0.526,0.702,0.196))
    //   rep <- sapply(pval, function(p) min(p.adjust(p, "BH")))
    //   # 0 0.648 0.066 0.045 0.2 0.784
    //   adj <- p.adjust(rep, "BH")   # 0 0.7776 0.132 0.132 0.3 0.784
    //   sel <- adj <= 0.1            # only the first body system
    //   p.adjust(unlist(pval[sel]), "BH")
    //   # 0.0516666666666667 (x3) 0.025 0.0516666666666667 0 0.874
    //   # 0.443333333333333 0.36625 0.11
    #[test]
    fn the_double_fdr_of_mehrotra_and_adewales_example() {
        let classes = vec![
            vec![
                0.031, 0.023, 0.029, 0.005, 0.031, 0.000, 0.874, 0.399, 0.293, 0.077,
            ],
            vec![0.216, 0.843, 0.864],
            vec![1.0, 0.878, 0.766, 0.598, 0.011, 0.864],
            vec![0.889, 0.557, 0.767, 0.009, 0.644],
            vec![
                1.0, 0.583, 0.147, 0.789, 0.217, 1.0, 0.02, 0.784, 0.579, 0.439,
            ],
            vec![0.898, 0.619, 0.193, 0.806, 0.611, 0.526, 0.702, 0.196],
        ];
        let d = double_fdr(&classes, 0.1);
        let rep = [0.0, 0.648, 0.066, 0.045, 0.2, 0.784];
        let adj = [0.0, 0.7776, 0.132, 0.132, 0.3, 0.784];
        for b in 0..6 {
            assert!((d.class_p[b] - rep[b]).abs() < 1e-12, "{:?}", d.class_p);
            assert!(
                (d.class_adjusted[b] - adj[b]).abs() < 1e-12,
                "{:?}",
                d.class_adjusted
            );
        }
        assert_eq!(d.selected, [true, false, false, false, false, false]);
        let first: Vec<f64> = d.pooled[0].iter().map(|p| p.unwrap()).collect();
        let third = 0.0516666666666667;
        let want = [
            third,
            third,
            third,
            0.025,
            third,
            0.0,
            0.874,
            0.443333333333333,
            0.36625,
            0.11,
        ];
        for (g, w) in first.iter().zip(want) {
            assert!((g - w).abs() < 1e-12, "{first:?}");
        }
        assert!(d.flagged(0, 5, 0.1) && d.flagged(0, 3, 0.1) && !d.flagged(0, 9, 0.1));
        assert!(d.pooled[2].iter().all(Option::is_none));
    }
}
