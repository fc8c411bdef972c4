//! The adverse-event signal screen as the safety page and the closed report
//! show it. Decoded: the design's treatment arm against its control. Coded
//! with two groups: the later letter against the earlier, the risk
//! difference and relative risk computed in that order from the counts
//! (the p-values are the same either way: the report's Fisher test puts
//! the table in one order), so the view is the same whichever arm stands
//! behind each letter. Coded with more groups: the screen compares the
//! design's two arms, which would tell them apart, so it waits.

use crate::components::format::p_fmt;
use crate::dto::{AeSignalRow, AeSignalsView};
use crate::server::firewall::ArmNames;
use crate::server::report::ae_signals::AeSignals;

/// Why a coded viewer with more than two groups sees no screen.
pub const WITHHELD: &str = "The signal screen compares the design's two arms; with more than two coded groups it would tell which two they are, so it is shown after the decode.";

/// The view of `s` for a viewer naming groups as `names` does.
pub fn signals_view(s: &AeSignals, names: &ArmNames) -> AeSignalsView {
    let order = names.display_order();
    if names.coded && order.len() != 2 {
        return AeSignalsView {
            comparison: String::new(),
            columns: Vec::new(),
            flagged: Vec::new(),
            summary: String::new(),
            volcano: Default::default(),
            caption: String::new(),
            withheld: Some(WITHHELD.into()),
        };
    }
    // (first, second) group codes and, per term, their counts in that order.
    let (first, second) = if names.coded {
        (order[1].clone(), order[0].clone())
    } else {
        (s.arm.clone(), s.reference.clone())
    };
    let swap = first != s.arm;
    let ordered = |x: [u32; 2]| if swap { [x[1], x[0]] } else { x };
    let n = ordered(s.population);
    let pct = |k: u32, of: u32| 100.0 * f64::from(k) / f64::from(of.max(1));
    let rd = |x: [u32; 2]| pct(x[0], n[0]) - pct(x[1], n[1]);
    let rr = |x: [u32; 2]| {
        let (a, b) = (pct(x[0], n[0]), pct(x[1], n[1]));
        (b > 0.0).then(|| a / b)
    };
    let comparison = if names.coded {
        format!("{} vs {}", names.name(&first), names.name(&second))
    } else {
        names.versus(&first, &second)
    };
    let mut flagged: Vec<&crate::server::report::ae_signals::SignalTerm> =
        s.terms.iter().filter(|t| t.flagged).collect();
    flagged.sort_by(|a, b| a.p.total_cmp(&b.p).then_with(|| a.term.cmp(&b.term)));
    let rows = flagged
        .iter()
        .map(|t| {
            let x = ordered(t.subjects);
            AeSignalRow {
                organ_class: t.organ_class.clone(),
                term: t.term.clone(),
                cells: (0..2)
                    .map(|i| format!("{} ({:.1}%)", x[i], pct(x[i], n[i])))
                    .collect(),
                risk_difference: format!("{:.1}", rd(x)),
                relative_risk: rr(x).map_or("–".into(), |r| format!("{r:.2}")),
                p: p_fmt(t.p),
                p_adjusted: t.pooled.map_or("–".into(), p_fmt),
            }
        })
        .collect();
    let selected: Vec<&str> = s
        .classes
        .iter()
        .filter(|c| c.selected)
        .map(|c| c.organ_class.as_str())
        .collect();
    let summary = format!(
        "{} terms in {} organ classes screened; {}; {} term{} flagged.",
        s.terms.len(),
        s.classes.len(),
        if selected.is_empty() {
            "no organ class selected".to_string()
        } else {
            format!(
                "{} organ class{} selected ({})",
                selected.len(),
                if selected.len() == 1 { "" } else { "es" },
                selected.join("; ")
            )
        },
        s.terms.iter().filter(|t| t.flagged).count(),
        if s.terms.iter().filter(|t| t.flagged).count() == 1 {
            ""
        } else {
            "s"
        }
    );
    let points: Vec<(String, f64, f64, bool)> = s
        .terms
        .iter()
        .map(|t| {
            (
                t.term.clone(),
                rd(ordered(t.subjects)),
                -t.p.max(1e-300).log10(),
                t.flagged,
            )
        })
        .collect();
    let fdr = s.fdr * 100.0;
    AeSignalsView {
        columns: vec![
            format!("{} (N = {})", names.name(&first), n[0]),
            format!("{} (N = {})", names.name(&second), n[1]),
        ],
        volcano: super::figures::volcano(&points, &format!("{} − {}, percentage points", names.name(&first), names.name(&second)), fdr),
        caption: format!(
            "Treatment-emergent events of the safety population. Every preferred term that at least {} subjects of one group have is compared by Fisher's exact test; the p-values are adjusted by the double false-discovery-rate procedure (Mehrotra & Adewale 2012): Benjamini-Hochberg within each organ class, the smallest value representing the class, Benjamini-Hochberg across classes, then the terms of the classes at most {fdr:.0}% pooled and adjusted together. A term is flagged when its adjusted p is at most {fdr:.0}%. A flag is a signal for the board to look at, not a finding.",
            s.min_subjects
        ),
        comparison,
        flagged: rows,
        summary,
        withheld: None,
    }
}
