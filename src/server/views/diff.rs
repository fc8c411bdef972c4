//! "Since the last review" as the viewer may see it: the sponsor's pooled
//! lines, or the closed lines by group (coded letters, in letter order,
//! for a DSMB member who has not decoded; the interim statistics, which
//! are directional, withheld while coded).

use crate::dto::{
    ChangeCount, ChangedLine, LookLine, NewEventLine, NewHysLawLine, SinceLine, SinceReview,
};
use crate::server::firewall::ArmNames;
use crate::server::report::diff::{Change, ClosedDiff, LookState, OpenDiff};

/// Rows of each listing on the page.
pub const SINCE_ROWS: usize = 50;

fn count(c: &Change) -> ChangeCount {
    ChangeCount {
        then: c.then,
        now: c.now,
        new: c.new,
    }
}

fn line(label: &str, total: &Change, per_group: Vec<ChangeCount>) -> SinceLine {
    SinceLine {
        label: label.to_string(),
        total: count(total),
        per_group,
    }
}

/// Where the earlier cut came from, and the cuts to pick from.
pub struct Basis {
    pub basis: String,
    pub choices: Vec<String>,
}

/// The sponsor's view: pooled lines, changed records counted by kind.
pub fn open_since(d: &OpenDiff, basis: Basis) -> SinceReview {
    let mut lines = vec![
        line("Subjects randomized", &d.subjects, Vec::new()),
        line("Deaths", &d.deaths, Vec::new()),
        line("Primary-endpoint events", &d.primary_events, Vec::new()),
    ];
    lines.extend(d.safety.iter().map(|s| {
        line(
            &format!("Subjects with {}", s.category),
            &s.subjects,
            Vec::new(),
        )
    }));
    SinceReview {
        trial_id: d.trial.clone(),
        from_cut: d.from_cut.clone(),
        to_cut: d.to_cut.clone(),
        basis: basis.basis,
        choices: basis.choices,
        closed: false,
        coded: false,
        groups: Vec::new(),
        lines,
        by_site: d
            .by_site
            .iter()
            .map(|(s, c)| line(&format!("Site {s}"), c, Vec::new()))
            .collect(),
        fraction_then: d.information_fraction.then,
        fraction_now: d.information_fraction.now,
        looks: Vec::new(),
        new_events: Vec::new(),
        new_events_total: 0,
        new_hys_law: Vec::new(),
        changed_by_kind: d
            .changed_records
            .iter()
            .map(|k| (k.label.to_string(), k.records))
            .collect(),
        changed: Vec::new(),
        changed_total: d.changed_records.iter().map(|k| k.records as usize).sum(),
        note: None,
    }
}

fn look(cut: &str, l: &LookState, coded: bool) -> LookLine {
    LookLine {
        cut: cut.to_string(),
        look: l.look,
        information_fraction: l.information_fraction,
        z: (!coded).then_some(l.z),
        b_value: (!coded).then_some(l.b_value),
        conditional_power_trend: if coded {
            None
        } else {
            l.conditional_power.as_ref().map(|c| c.trend)
        },
        conditional_power_design: if coded {
            None
        } else {
            l.conditional_power.as_ref().and_then(|c| c.design)
        },
    }
}

/// The closed view: by group as `names` shows the groups; the first
/// `SINCE_ROWS` rows of each listing, newest events first.
pub fn closed_since(d: &ClosedDiff, names: &ArmNames, basis: Basis) -> SinceReview {
    let order = names.display_order();
    let groups: Vec<String> = order.iter().map(|c| names.name(c)).collect();
    let per = |m: &std::collections::BTreeMap<String, Change>| -> Vec<ChangeCount> {
        order
            .iter()
            .map(|c| m.get(c).map(count).unwrap_or_default())
            .collect()
    };
    let mut lines = vec![
        line("Subjects randomized", &d.subjects, per(&d.by_arm)),
        line("Deaths", &d.deaths, per(&d.deaths_by_arm)),
        line("Primary-endpoint events", &d.primary_events, Vec::new()),
        line(
            "Potential Hy's law cases",
            &d.potential_hys_law,
            per(&d.potential_hys_law_by_arm),
        ),
    ];
    for s in &d.safety {
        let of = |f: fn(&crate::server::report::diff::EventChange) -> Change| -> Vec<ChangeCount> {
            order
                .iter()
                .map(|c| s.by_arm.get(c).map(|e| count(&f(e))).unwrap_or_default())
                .collect()
        };
        lines.push(line(
            &format!("Subjects with {}", s.category),
            &s.subjects,
            of(|e| e.subjects),
        ));
        lines.push(line(
            &format!("{} events", s.category),
            &s.events,
            of(|e| e.events),
        ));
    }
    // Newest first; one day's events by group in the viewer's order.
    let rank = |code: &str| order.iter().position(|c| c == code).unwrap_or(usize::MAX);
    let mut events: Vec<_> = d.new_serious_events.iter().collect();
    events.sort_by_key(|e| (std::cmp::Reverse(e.onset_day), rank(&e.arm)));
    // An arm code in a changed value is shown as the viewer names it.
    let shown_value = |field: &str, v: &Option<String>| -> String {
        match v {
            None => "(none)".into(),
            Some(v) if field == "ARM" || field == "actual arm" => {
                if names.arms.iter().any(|(c, _, _)| c == v) {
                    names.name(v)
                } else if names.coded {
                    "another treatment".into()
                } else {
                    v.clone()
                }
            }
            Some(v) => v.clone(),
        }
    };
    let coded = names.coded;
    SinceReview {
        trial_id: d.trial.clone(),
        from_cut: d.from_cut.clone(),
        to_cut: d.to_cut.clone(),
        basis: basis.basis,
        choices: basis.choices,
        closed: true,
        coded,
        groups,
        lines,
        by_site: d
            .by_site
            .iter()
            .map(|(s, c)| line(&format!("Site {s}"), c, Vec::new()))
            .collect(),
        fraction_then: d.look_then.as_ref().map(|l| l.information_fraction),
        fraction_now: d.look_now.as_ref().map(|l| l.information_fraction),
        looks: d
            .look_then
            .iter()
            .map(|l| look(&d.from_cut, l, coded))
            .chain(d.look_now.iter().map(|l| look(&d.to_cut, l, coded)))
            .collect(),
        new_events: events
            .iter()
            .take(SINCE_ROWS)
            .map(|e| NewEventLine {
                usubjid: e.usubjid.to_string(),
                group: names.name(&e.arm),
                term: e.term.to_string(),
                onset: e.onset.as_deref().unwrap_or("").to_string(),
                day: e.day,
                serious: e.serious,
                fatal: e.fatal,
            })
            .collect(),
        new_events_total: d.new_serious_events_total,
        new_hys_law: d
            .new_potential_hys_law
            .iter()
            .map(|c| {
                let x = c
                    .alt
                    .map(|p| p.xuln)
                    .into_iter()
                    .chain(c.ast.map(|p| p.xuln))
                    .fold(0.0, f64::max);
                NewHysLawLine {
                    usubjid: c.usubjid.clone(),
                    group: names.name(&c.arm),
                    peaks: format!(
                        "ALT or AST {}× ULN, bilirubin {}× ULN",
                        super::labs::value(x),
                        super::labs::value(c.bili.xuln)
                    ),
                }
            })
            .collect(),
        changed_by_kind: d
            .changed_by_kind
            .iter()
            .map(|k| (k.label.to_string(), k.records))
            .collect(),
        changed: d
            .changed_records
            .iter()
            .take(SINCE_ROWS)
            .map(|r| ChangedLine {
                usubjid: r.usubjid.clone(),
                dataset: r.dataset.to_string(),
                record: r.record.clone(),
                field: r.field.clone(),
                old: shown_value(&r.field, &r.old),
                new: shown_value(&r.field, &r.new),
                kind: r.kind.label().to_string(),
            })
            .collect(),
        changed_total: d.changed_records_total,
        note: None,
    }
}
