//! The "Reviews" tab: the DSMB's meetings (the sponsor sees signed ones,
//! open part only), a meeting's record, the statistician's form for a new
//! record or a correction, and the chair's signature form. The forms are
//! plain HTML posts (`server::web::reviews`): they work without JavaScript.

use super::trial_nav::{trial_param, Tab, TrialNav};
use crate::components::format::utc_second;
use crate::components::{ErrorPanel, TextArea};
use crate::dto::{MeetingRecord, Reviews};
use crate::serverfns::{get_review, get_reviews};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// The meetings of a trial.
#[component]
pub fn ReviewsPage() -> impl IntoView {
    let trial = trial_param();
    let reviews = Resource::new(move || trial.get(), get_reviews);
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorPanel errors/> }>
                {move || Suspend::new(async move {
                    reviews.await.map(|data| view! { <ReviewsView data/> })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

#[component]
fn ReviewsView(data: Reviews) -> impl IntoView {
    let id = data.trial_id.clone();
    let rows = data
        .meetings
        .iter()
        .map(|m| {
            let status = match (&m.signed_by, m.amended_by) {
                (_, Some(n)) => format!("corrected by meeting {n}"),
                (Some(by), None) => format!("signed by {by}"),
                (None, None) => "awaiting the chair's signature".to_string(),
            };
            view! {
                <tr>
                    <th scope="row"><a href=format!("/trial/{id}/reviews/{}", m.id)>{format!("Meeting {}", m.id)}</a></th>
                    <td>{m.meeting_date.clone()}</td>
                    <td>{m.cut_date.clone()} {m.cut_note.as_ref().map(|_| view! { <span class="warn">" (cut no longer good)"</span> })}</td>
                    <td>{m.recommendation.clone()}</td>
                    <td>{status}</td>
                    <td>{m.amends.map(|a| format!("corrects meeting {a}")).unwrap_or_default()}</td>
                </tr>
            }
        })
        .collect_view();
    let empty = data.meetings.is_empty().then(|| {
        view! {
            <p class="caption">
                {if data.signed_only { "No signed meeting yet." } else { "No meeting recorded yet." }}
            </p>
        }
    });
    let form = data.can_write.then(|| {
        view! {
            <MeetingForm
                trial=data.trial_id.clone()
                csrf=data.csrf.clone()
                cuts=data.cuts.clone()
                recommendations=data.recommendations.clone()
                amends=None
            />
        }
    });
    view! {
        <TrialNav trial=data.trial_id.clone() closed=!data.signed_only tab=Tab::Reviews/>
        <section class="panel">
            <h1>"DSMB meetings"</h1>
            <p class="caption">
                {if data.signed_only {
                    "The DSMB's signed recommendations and the open minutes of its meetings."
                } else {
                    "Each meeting's record: the cut reviewed, attendees, open and closed minutes, the recommendation and its rationale, signed by the chair. A signed record is never changed; a correction is a new record that names the one it corrects."
                }}
            </p>
            <table class="data" data-testid="meetings">
                <thead>
                    <tr>
                        <th scope="col">"Record"</th>
                        <th scope="col">"Meeting"</th>
                        <th scope="col">"Cut reviewed"</th>
                        <th scope="col">"Recommendation"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Corrects"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
            {empty}
        </section>
        {form}
    }
}

/// The statistician's form: a new meeting record, or a correction of
/// record `amends` (prefilled from it).
#[component]
fn MeetingForm(
    trial: String,
    csrf: String,
    cuts: Vec<String>,
    recommendations: Vec<(String, String)>,
    amends: Option<MeetingRecord>,
) -> impl IntoView {
    let prior = amends.clone();
    let get = move |f: fn(&MeetingRecord) -> String| prior.as_ref().map(f).unwrap_or_default();
    let chosen = get(|m| m.recommendation_code.clone());
    let cut_now = get(|m| m.cut_date.clone());
    let mut cut_options: Vec<String> = cuts.clone();
    if !cut_now.is_empty() && !cut_options.contains(&cut_now) {
        cut_options.push(cut_now.clone());
    }
    let cut_options = cut_options
        .into_iter()
        .map(|c| view! { <option value=c.clone() selected=c == cut_now>{c.clone()}</option> })
        .collect_view();
    let rec_options = recommendations
        .into_iter()
        .map(|(c, l)| view! { <option value=c.clone() selected=c == chosen>{l}</option> })
        .collect_view();
    let heading = match &amends {
        Some(m) => format!("Correct meeting {}", m.id),
        None => "Record a meeting".to_string(),
    };
    let closed = |f: fn(&crate::dto::ClosedPart) -> String| {
        amends
            .as_ref()
            .and_then(|m| m.closed.as_ref())
            .map(f)
            .unwrap_or_default()
    };
    view! {
        <section class="panel closed">
            <h2>{heading}</h2>
            <form method="post" action=format!("/trial/{trial}/reviews") class="stack meeting-form" data-testid="meeting-form">
                <input type="hidden" name="csrf" value=csrf/>
                <input type="hidden" name="amends" value=amends.as_ref().map(|m| m.id.to_string()).unwrap_or_default()/>
                <label>"Meeting date " <input type="date" name="meeting_date" required value=get(|m| m.meeting_date.clone())/></label>
                <label>"Cut reviewed " <select name="cut_date" required>{cut_options}</select></label>
                <label>"Open-session attendees " <TextArea name="open_attendees" rows=2 text=get(|m| m.open_attendees.clone())/></label>
                <label>"Closed-session attendees " <TextArea name="closed_attendees" rows=2 text=closed(|c| c.closed_attendees.clone())/></label>
                <label>"Open minutes " <TextArea name="open_minutes" rows=5 text=get(|m| m.open_minutes.clone())/></label>
                <label>"Closed minutes " <TextArea name="closed_minutes" rows=5 text=closed(|c| c.closed_minutes.clone())/></label>
                <label>"Recommendation " <select name="recommendation" required data-testid="recommendation">{rec_options}</select></label>
                <label>"Recommendation, in words " <TextArea name="recommendation_text" rows=2 text=get(|m| m.recommendation_text.clone())/></label>
                <label>"Rationale (closed) " <TextArea name="rationale" rows=4 required=true text=closed(|c| c.rationale.clone())/></label>
                <button type="submit" data-testid="save-meeting">"Record the meeting"</button>
            </form>
        </section>
    }
}

/// One meeting's record, with the chair's signature form while it awaits
/// signature and the statistician's correction form.
#[component]
pub fn ReviewPage() -> impl IntoView {
    let trial = trial_param();
    let params = use_params_map();
    let n = Memo::new(move |_| {
        params.with(|p| p.get("n").and_then(|n| n.parse::<i64>().ok()).unwrap_or(0))
    });
    let record = Resource::new(move || (trial.get(), n.get()), |(t, n)| get_review(t, n));
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorPanel errors/> }>
                {move || Suspend::new(async move {
                    record.await.map(|m| view! { <RecordView m/> })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

#[component]
fn RecordView(m: MeetingRecord) -> impl IntoView {
    let id = m.trial_id.clone();
    let closed_part = m.closed.clone().map(|c| {
        view! {
            <h2>"Closed session"</h2>
            <dl class="record" data-testid="closed-part">
                <dt>"Attendees"</dt><dd class="pre">{c.closed_attendees}</dd>
                <dt>"Closed minutes"</dt><dd class="pre" data-testid="closed-minutes">{c.closed_minutes}</dd>
                <dt>"Rationale"</dt><dd class="pre">{c.rationale}</dd>
            </dl>
        }
    });
    let signature = match (&m.signed_by, &m.signed_at) {
        (Some(by), Some(at)) => view! {
            <p class="signed" data-testid="signature">
                {format!("Signed by {by} on {}: {}.", utc_second(at), m.signature_meaning.clone().unwrap_or_default())}
                <br/><span class="small">{format!("SHA-256 of the record as signed: {}", m.signature_hash.clone().unwrap_or_default())}</span>
            </p>
        }
        .into_any(),
        _ => view! { <p data-testid="signature">"Not signed yet."</p> }.into_any(),
    };
    let sign = m.can_sign.then(|| {
        view! {
            <section class="panel closed">
                <h2>"Sign as chair"</h2>
                <form method="post" action=format!("/trial/{id}/reviews/{}/sign", m.id) class="stack" data-testid="sign-form">
                    <input type="hidden" name="csrf" value=m.csrf.clone()/>
                    <label><input type="checkbox" name="approve" value="yes" required/> " I approve this record as the DSMB's recommendation."</label>
                    <label>"Your password, again " <input type="password" name="password" required autocomplete="current-password"/></label>
                    <button type="submit" data-testid="sign">"Sign"</button>
                </form>
                <p class="caption">"Once signed, the record cannot be changed; a correction is a new record. The signature is in the audit trail."</p>
            </section>
        }
    });
    let amend = m.can_amend.then(|| {
        view! {
            <MeetingForm
                trial=m.trial_id.clone()
                csrf=m.csrf.clone()
                cuts=Vec::new()
                recommendations=m.recommendations.clone()
                amends=Some(m.clone())
            />
        }
    });
    view! {
        <TrialNav trial=m.trial_id.clone() closed=m.closed.is_some() tab=Tab::Reviews/>
        <section class="panel">
            <h1>{format!("Meeting {} ({})", m.id, m.meeting_date)}</h1>
            {m.cut_note.clone().map(|n| view! { <p class="warn" role="note" data-testid="cut-note">{n}</p> })}
            {m.amends.map(|a| view! { <p>"Corrects " <a href=format!("/trial/{id}/reviews/{a}")>{format!("meeting {a}")}</a> "."</p> })}
            {m.amended_by.map(|a| view! { <p class="warn">"Corrected by " <a href=format!("/trial/{id}/reviews/{a}")>{format!("meeting {a}")}</a> "."</p> })}
            <dl class="record">
                <dt>"Cut reviewed"</dt><dd>{m.cut_date.clone()}</dd>
                <dt>"Recommendation"</dt><dd data-testid="recommendation">{m.recommendation.clone()}</dd>
                <dt>"In words"</dt><dd class="pre">{m.recommendation_text.clone()}</dd>
                <dt>"Open-session attendees"</dt><dd class="pre">{m.open_attendees.clone()}</dd>
                <dt>"Open minutes"</dt><dd class="pre" data-testid="open-minutes">{m.open_minutes.clone()}</dd>
                <dt>"Recorded by"</dt><dd>{format!("{} on {}", m.created_by, utc_second(&m.created_at))}</dd>
            </dl>
            {signature}
            {closed_part}
        </section>
        {sign}
        {amend}
    }
}
