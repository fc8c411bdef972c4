//! The safety monitoring rules on the closed safety page: each rule, where
//! each group stands on it, and a sequential rule's boundary and operating
//! characteristics. A signal is for the board to weigh, never a stop.

use crate::dto::SafetyRuleView;
use leptos::prelude::*;

/// The rules section (closed roles; nothing when no rule is configured).
#[component]
pub fn SafetyRulesSection(rules: Vec<SafetyRuleView>) -> impl IntoView {
    (!rules.is_empty()).then(|| {
        let items = rules
            .into_iter()
            .map(|r| view! { <Rule r/> })
            .collect_view();
        view! {
            <section class="panel closed" data-testid="safety-rules">
                <h2>"Safety monitoring rules " <span class="badge">"closed"</span></h2>
                <p class="caption">
                    "The rules the trial's charter sets for its safety categories. A rule that signals is for the board to weigh; it never stops the trial by itself."
                </p>
                {items}
            </section>
        }
    })
}

#[component]
fn Rule(r: SafetyRuleView) -> impl IntoView {
    let flag = |s: bool| if s { "signal" } else { "no signal" };
    let groups = (r.kind != "difference").then(|| {
        let rows = r
            .groups
            .iter()
            .map(|g| {
                let value = match (g.posterior, g.signal_at) {
                    (Some(p), _) => format!("{p:.4}"),
                    (None, Some(b)) => format!(">= {b} events"),
                    (None, None) => "beyond the rule's subjects".into(),
                };
                view! {
                    <tr class:signal=g.signal>
                        <th scope="row">{g.group.clone()}</th>
                        <td class="num">{format!("{}/{}", g.events, g.n)}</td>
                        <td class="num">{value}</td>
                        <td>{flag(g.signal)}</td>
                    </tr>
                }
            })
            .collect_view();
        let head = if r.kind == "posterior" {
            "P(rate > threshold | data)"
        } else {
            "Signal at"
        };
        view! {
            <table class="data">
                <thead><tr>
                    <th scope="col">"Group"</th><th scope="col" class="num">"Events/subjects"</th>
                    <th scope="col" class="num">{head}</th><th scope="col">"Rule"</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        }
    });
    let pairs = (!r.pairs.is_empty()).then(|| {
        let rows = r
            .pairs
            .iter()
            .map(|p| view! {
                <tr class:signal=p.signal>
                    <th scope="row">{format!("{} above {}", p.higher, p.lower)}</th>
                    <td class="num">{format!("{:.4}", p.probability)}</td>
                    <td>{flag(p.signal)}</td>
                </tr>
            })
            .collect_view();
        view! {
            <table class="data">
                <thead><tr><th scope="col">"Pair"</th><th scope="col" class="num">"Posterior probability"</th><th scope="col">"Rule"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        }
    });
    let boundary = r.boundary.map(|b| {
        let runs = b
            .runs
            .iter()
            .map(|(e, from, to)| {
                let subjects = if from == to { from.to_string() } else { format!("{from}–{to}") };
                view! { <tr><td class="num">{subjects}</td><td class="num">{format!(">= {e}")}</td></tr> }
            })
            .collect_view();
        let oc = b
            .operating
            .iter()
            .map(|(p, s)| view! { <tr><td class="num">{format!("{p:.3}")}</td><td class="num">{format!("{s:.4}")}</td></tr> })
            .collect_view();
        view! {
            <div class="pair">
                <table class="data">
                    <caption>"Signal if the events reach, among the subjects so far"</caption>
                    <thead><tr><th scope="col" class="num">"Subjects"</th><th scope="col" class="num">"Events"</th></tr></thead>
                    <tbody>{runs}</tbody>
                </table>
                <table class="data">
                    <caption>{format!("Operating characteristics (constant {:.7}; a signal with probability {:.4} at the null rate)", b.c, b.size)}</caption>
                    <thead><tr><th scope="col" class="num">"True rate"</th><th scope="col" class="num">"P(signal)"</th></tr></thead>
                    <tbody>{oc}</tbody>
                </table>
            </div>
        }
    });
    view! {
        <div class="rule" data-kind=r.kind.clone() data-signal=r.signal.to_string()>
            <h3>{r.rule.clone()} {r.signal.then(|| view! { " " <span class="badge signal">"signal"</span> })}</h3>
            {groups}
            {pairs}
            {boundary}
        </div>
    }
}
