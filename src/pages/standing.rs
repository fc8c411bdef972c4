//! "Where the trial stands", first on the overview: the pooled status for
//! every role; for closed roles the look's verdict with its basis and the
//! safety rules that signal, with an inline "Decode (audited)" where a
//! coded DSMB member's verdict waits for the decode.

use crate::components::ErrorPanel;
use crate::dto::{ClosedStanding, Standing};
use crate::serverfns::get_standing;
use leptos::prelude::*;

/// The section for the trial's cut `cut`.
#[component]
pub fn StandingSection(trial: String, cut: String) -> impl IntoView {
    let standing = Resource::new(
        move || (trial.clone(), cut.clone()),
        |(t, c)| get_standing(t, Some(c)),
    );
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorPanel errors/> }>
                {move || Suspend::new(async move {
                    standing.await.map(|data| view! { <StandingView data/> })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

#[component]
fn StandingView(data: Standing) -> impl IntoView {
    let closed = data.closed.is_some();
    let back = format!("/trial/{}?cut={}#standing", data.trial_id, data.cut_date);
    let closed_part = data
        .closed
        .clone()
        .map(|c| view! { <ClosedPart data=c trial=data.trial_id.clone() back/> });
    view! {
        <section
            id="standing"
            class=if closed { "panel standing closed" } else { "panel standing" }
            data-testid="standing"
        >
            <h2>"Where the trial stands"</h2>
            <dl class="facts">
                <dt>"Status"</dt>
                <dd data-testid="standing-status">{data.status.clone()}</dd>
                <dt>"Last signed recommendation"</dt>
                <dd data-testid="standing-recommendation">
                    {data.recommendation.clone().unwrap_or_else(|| "none signed yet".into())}
                </dd>
                <dt>"Data cut"</dt>
                <dd>
                    <time>{data.cut_date.clone()}</time>
                    {format!(
                        ": {} of {} planned subjects randomized",
                        data.enrolled,
                        data.target,
                    )}
                </dd>
                <dt>"Looks"</dt>
                <dd data-testid="standing-looks">{data.looks.clone()}</dd>
                {data
                    .next_look
                    .clone()
                    .map(|n| {
                        view! {
                            <dt>"Next look"</dt>
                            <dd data-testid="standing-next-look">{n}</dd>
                        }
                    })}
                {data
                    .since
                    .clone()
                    .map(|s| {
                        view! {
                            <dt>"Since the last review"</dt>
                            <dd data-testid="standing-since">
                                {s} " " <a href="#since-review">"(details below)"</a>
                            </dd>
                        }
                    })}
            </dl>
            {closed_part}
            {(!closed)
                .then_some(
                    view! {
                        <p class="caption">
                            "Pooled over all arms: results by arm are for the DSMB's closed session only."
                        </p>
                    },
                )}
        </section>
    }
}

#[component]
fn ClosedPart(data: ClosedStanding, trial: String, back: String) -> impl IntoView {
    let basis = data
        .basis
        .iter()
        .map(|b| view! { <li>{b.clone()}</li> })
        .collect_view();
    let signals = if data.rules == 0 {
        view! { <p class="caption">"No safety monitoring rule is configured."</p> }.into_any()
    } else if data.signals.is_empty() {
        view! {
            <p data-testid="standing-signals">
                {format!("None of the {} safety monitoring rules signals at this cut.", data.rules)}
            </p>
        }
        .into_any()
    } else {
        let rows = data
            .signals
            .iter()
            .map(|s| {
                view! {
                    <tr>
                        <td>{s.rule.clone()}</td>
                        <th scope="row">{s.group.clone()}</th>
                        <td><time>{s.since_cut.clone()}</time></td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <table class="data" data-testid="standing-signals">
                <caption>"Safety monitoring rules that signal (a signal for the board, never an automatic stop)"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Rule"</th>
                        <th scope="col">"Group"</th>
                        <th scope="col">"Signalling since the cut of"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        }
            .into_any()
    };
    let decode = data.can_decode.then(|| {
        view! {
            <form method="post" action=format!("/trial/{trial}/decode") class="inline">
                <input type="hidden" name="csrf" value=data.csrf.clone()/>
                <input type="hidden" name="confirm" value="yes"/>
                <input type="hidden" name="back" value=back/>
                <button type="submit" data-testid="standing-decode">"Decode (audited)"</button>
            </form>
        }
    });
    let kind = data.verdict_kind.clone().unwrap_or_default();
    view! {
        <h3>"The look " <span class="badge">"closed"</span></h3>
        <p data-testid="standing-look">{data.look_label.clone()}</p>
        {data
            .verdict
            .clone()
            .map(|v| {
                view! {
                    <p class=format!("verdict verdict-{kind}") data-testid="standing-verdict">
                        <strong>{v}</strong>
                    </p>
                    <ul class="basis" data-testid="standing-basis">{basis}</ul>
                }
            })}
        {data
            .withheld
            .clone()
            .map(|w| {
                view! {
                    <p class="caption" data-testid="standing-withheld">{w} " " {decode}</p>
                }
            })}
        <h3>"Safety monitoring rules"</h3>
        {signals}
    }
}
