//! Where a trial stands: the summary first on the overview and on page 1
//! of the reports. The pooled part (status, the signed recommendation,
//! enrollment against target, the looks, the next look while it is to
//! come, the headline since the last review) is every role's; the closed
//! part (the look's verdict in three directions with its basis, the safety
//! rules that signal and since which cut) the closed roles'. While the
//! groups are coded, the directional part waits for the decode.
//!
//! May not: read data, check roles, write the audit trail.

use crate::dto::{
    ClosedStanding, EnrollmentSummary, Projection, RuleSignal, SinceReview, Standing,
};
use crate::server::config::TrialConfig;
use crate::server::firewall::ArmNames;
use crate::server::report::rules::RuleResult;
use crate::server::report::ClosedReport;
use crate::server::store::meetings::Meeting;
use std::collections::BTreeMap;

/// Why the verdict waits while the groups are coded.
pub const VERDICT_WITHHELD: &str =
    "The verdict and its basis are directional: they are shown once you decode the groups.";

/// A group, or an ordered pair of groups, on rule `index`, by arm codes.
pub type SignalKey = (usize, String);

/// The pooled standing of `config`'s trial at the cut of `enrollment`:
/// `signed` is the DSMB's last signed meeting, `since` the pooled or closed
/// "since the last review" (its totals only are read).
pub fn pooled(
    config: &TrialConfig,
    enrollment: &EnrollmentSummary,
    signed: Option<&Meeting>,
    since: Option<&SinceReview>,
) -> Standing {
    let status = match signed.and_then(|m| m.fields.recommendation.status()) {
        Some(s) => s.to_string(),
        None if enrollment.total < enrollment.target => "enrolling".to_string(),
        None => "follow-up".to_string(),
    };
    let recommendation = signed.map(|m| {
        format!(
            "{}, signed at the meeting of {} (cut of {})",
            m.fields.recommendation.label(),
            m.fields.meeting_date,
            m.fields.cut_date
        )
    });
    let next_look = projection_as_of(enrollment, signed).map(|p| {
        format!(
            "look {} (information {:.2}, {} subjects) projected about {}",
            p.look, p.fraction, p.subjects_needed, p.look_date
        )
    });
    Standing {
        trial_id: config.id.clone(),
        cut_date: enrollment.cut_date.clone(),
        status,
        recommendation,
        enrolled: enrollment.total,
        target: enrollment.target,
        looks: looks_text(config),
        next_look,
        since: since.and_then(headline),
        closed: None,
    }
}

/// The pooled enrollment `e` as of the signed meeting `signed`: no look is
/// projected once the DSMB signed a stop.
pub fn enrollment_as_of(e: &EnrollmentSummary, signed: Option<&Meeting>) -> EnrollmentSummary {
    EnrollmentSummary {
        projection: projection_as_of(e, signed),
        ..e.clone()
    }
}

/// The next look's projection of `e`, unless the DSMB signed a stop.
fn projection_as_of(e: &EnrollmentSummary, signed: Option<&Meeting>) -> Option<Projection> {
    let stopped = signed.is_some_and(|m| m.fields.recommendation.stops());
    e.projection.clone().filter(|_| !stopped)
}

/// The design's looks in words: "2 planned looks at information 0.5 and
/// 1; look 1 declared at the cut of 2024-12-31".
pub fn looks_text(config: &TrialConfig) -> String {
    let d = &config.design;
    let planned = d
        .looks
        .iter()
        .map(|t| format!("{t}"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut s = format!(
        "{} planned look{} at information {planned}",
        d.looks.len(),
        if d.looks.len() == 1 { "" } else { "s" }
    );
    if d.formal_looks.is_empty() {
        s.push_str("; no formal look declared yet");
    }
    for l in &d.formal_looks {
        s.push_str(&format!(
            "; look {} declared at the cut of {}",
            l.look, l.cut
        ));
    }
    s
}

/// The headline of "since the last review": the pooled totals' changes.
fn headline(d: &SinceReview) -> Option<String> {
    if d.note.is_some() || d.from_cut.is_empty() {
        return None;
    }
    let parts: Vec<String> = d
        .lines
        .iter()
        .take(3)
        .map(|l| {
            let new = l.total.new.map_or("—".to_string(), |n| format!("{n:+}"));
            format!("{} {new}", l.label.to_lowercase())
        })
        .collect();
    let mut s = format!(
        "since the cut of {}, {}: {}",
        d.from_cut,
        d.basis,
        parts.join(", ")
    );
    if d.closed {
        s.push_str(&format!(
            "; {} new serious or fatal events",
            d.new_events_total
        ));
    }
    Some(s)
}

/// The keys of what signals at a cut, by arm codes: a group as its code, an
/// ordered pair as `higher>lower`.
pub fn signalling(rules: &[RuleResult]) -> Vec<SignalKey> {
    let mut out = Vec::new();
    for (i, r) in rules.iter().enumerate() {
        out.extend(
            r.groups
                .iter()
                .filter(|g| g.signal)
                .map(|g| (i, g.arm.clone())),
        );
        out.extend(
            r.pairs
                .iter()
                .filter(|p| p.signal)
                .map(|p| (i, format!("{}>{}", p.higher, p.lower))),
        );
    }
    out
}

/// One step back in a signal's history: of the signals still `holding`
/// (each from its `since` cut on), those that also signal at the earlier
/// cut `date` (its signals `at`) hold from `date` on; the others stop.
pub fn step_back(
    holding: &mut Vec<SignalKey>,
    since: &mut BTreeMap<SignalKey, String>,
    date: &str,
    at: &[SignalKey],
) {
    holding.retain(|k| at.contains(k));
    for k in holding.iter() {
        since.insert(k.clone(), date.to_string());
    }
}

/// The closed part at `closed`'s cut for a viewer who names the groups
/// `names`: `since_cut` holds, for each signal, the earliest cut from which
/// it has signalled at every cut; `decode` the form's token when the viewer
/// may decode.
pub fn closed_part(
    config: &TrialConfig,
    closed: &ClosedReport,
    names: &ArmNames,
    since_cut: &BTreeMap<SignalKey, String>,
    decode: Option<String>,
) -> ClosedStanding {
    let signals = signalling(&closed.safety_rules)
        .into_iter()
        .map(|key| {
            let rule = &closed.safety_rules[key.0];
            let group = match key.1.split_once('>') {
                Some((h, l)) => format!("{} over {}", names.name(h), names.name(l)),
                None => names.name(&key.1),
            };
            RuleSignal {
                rule: rule.rule.clone(),
                group,
                since_cut: since_cut
                    .get(&key)
                    .cloned()
                    .unwrap_or_else(|| closed.cut_date.clone()),
            }
        })
        .collect::<Vec<_>>();
    let mut signals = signals;
    // Sorted by what the viewer reads, so that a coded view does not keep
    // the arms' order.
    signals.sort_by(|a, b| (&a.rule, &a.group).cmp(&(&b.rule, &b.group)));
    let interim = closed.interim.as_ref();
    let (look_label, verdict, verdict_kind, basis, withheld) = if names.coded {
        (
            declared_label(config, &closed.cut_date),
            None,
            None,
            Vec::new(),
            interim.map(|_| VERDICT_WITHHELD.to_string()),
        )
    } else {
        match interim {
            Some(i) => (
                i.look_label.clone(),
                Some(i.verdict.clone()),
                Some(i.verdict_kind.to_string()),
                i.basis.clone(),
                None,
            ),
            None => (
                declared_label(config, &closed.cut_date),
                None,
                None,
                Vec::new(),
                None,
            ),
        }
    };
    ClosedStanding {
        look_label,
        verdict,
        verdict_kind,
        basis,
        withheld,
        can_decode: decode.is_some(),
        csrf: decode.unwrap_or_default(),
        signals,
        rules: closed.safety_rules.len(),
    }
}

/// The look from the declared formal looks alone (no data): what a coded
/// viewer is told.
fn declared_label(config: &TrialConfig, cut: &str) -> String {
    let of = config.design.looks.len();
    match config.design.formal_looks.iter().find(|l| l.cut == cut) {
        Some(l) => format!("formal look {} of {of}", l.look),
        None => "not a declared formal look: a monitoring cut, no formal test".to_string(),
    }
}
