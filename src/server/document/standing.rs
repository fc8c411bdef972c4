//! Page 1 of both reports: where the trial stands, from the DTO the
//! overview shows ([`crate::dto::Standing`]).

use super::model::{Section, Table};
use crate::dto::Standing;

/// The standing's facts, the look's verdict with its basis (closed report)
/// and the safety rules that signal.
pub fn standing(s: &mut Section, st: &Standing) {
    let mut facts = vec![
        ("Status".to_string(), st.status.clone()),
        (
            "Last signed recommendation".into(),
            st.recommendation
                .clone()
                .unwrap_or_else(|| "none signed yet".into()),
        ),
        ("Looks".into(), st.looks.clone()),
    ];
    if let Some(n) = &st.next_look {
        facts.push(("Next look".into(), n.clone()));
    }
    if let Some(since) = &st.since {
        facts.push(("Since the last review".into(), since.clone()));
    }
    s.facts(facts);
    let Some(c) = &st.closed else {
        s.text("Pooled over all arms: results by arm are for the DSMB's closed session only.");
        return;
    };
    let mut facts = vec![("The look".to_string(), c.look_label.clone())];
    if let Some(v) = &c.verdict {
        facts.push(("Verdict".into(), v.clone()));
    }
    s.facts(facts);
    for b in &c.basis {
        s.text(format!("• {b}"));
    }
    if let Some(w) = &c.withheld {
        s.absent(w.clone());
    }
    if c.rules == 0 {
        s.absent("No safety monitoring rule is configured.");
    } else if c.signals.is_empty() {
        s.text(format!(
            "None of the {} safety monitoring rules signals at this cut.",
            c.rules
        ));
    } else {
        let mut t = Table::new(
            "Safety monitoring rules that signal (a signal for the board, never an automatic stop)",
            vec![
                "Rule".into(),
                "Group".into(),
                "Signalling since the cut of".into(),
            ],
        );
        for r in &c.signals {
            t.row(vec![r.rule.clone(), r.group.clone(), r.since_cut.clone()]);
        }
        s.table(t);
    }
}
