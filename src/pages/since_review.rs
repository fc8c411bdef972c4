//! The overview's "since the last review": what changed between the cut on
//! the page and the cut reviewed at the last signed meeting (or the
//! previous cut, or one the viewer picks).

use super::trial_nav::query_param;
use crate::components::format::opt;
use crate::components::ErrorPanel;
use crate::dto::{ChangeCount, SinceLine, SinceReview};
use crate::serverfns::get_since_review;
use leptos::prelude::*;

fn shown(v: Option<u32>) -> String {
    v.map_or("—".to_string(), |v| v.to_string())
}

fn new(c: &ChangeCount) -> String {
    c.new.map_or("—".to_string(), |n| format!("{n:+}"))
}

/// The section for the trial's cut `cut`.
#[component]
pub fn SinceReviewSection(trial: String, cut: String) -> impl IntoView {
    let since = query_param("since");
    let diff = Resource::new(
        move || (trial.clone(), cut.clone(), since.get()),
        |(t, c, s)| get_since_review(t, Some(c), s),
    );
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorPanel errors/> }>
                {move || Suspend::new(async move {
                    diff.await.map(|data| view! { <SinceView data/> })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

fn lines_table(
    lines: Vec<SinceLine>,
    groups: &[String],
    from: &str,
    to: &str,
    testid: &'static str,
) -> impl IntoView {
    let head_groups = groups
        .iter()
        .map(|g| view! { <th scope="col" class="num">{format!("New, {g}")}</th> })
        .collect_view();
    let rows = lines
        .into_iter()
        .map(|l| {
            let per = l
                .per_group
                .iter()
                .map(|c| view! { <td class="num">{new(c)}</td> })
                .collect_view();
            view! {
                <tr>
                    <th scope="row">{l.label.clone()}</th>
                    <td class="num">{shown(l.total.then)}</td>
                    <td class="num">{shown(l.total.now)}</td>
                    <td class="num">{new(&l.total)}</td>
                    {per}
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-label="Since the last review">
            <table class="data" data-testid=testid>
                <thead>
                    <tr>
                        <th scope="col"></th>
                        <th scope="col" class="num">{from.to_string()}</th>
                        <th scope="col" class="num">{to.to_string()}</th>
                        <th scope="col" class="num">"New"</th>
                        {head_groups}
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

#[component]
fn SinceView(data: SinceReview) -> impl IntoView {
    let class = if data.closed { "panel closed" } else { "panel" };
    if let Some(note) = data.note.clone() {
        return view! {
            <section id="since-review" class=class data-testid="since-review">
                <h2>"Since the last review"</h2>
                <p class="caption">{note}</p>
            </section>
        }
        .into_any();
    }
    let (from, to) = (data.from_cut.clone(), data.to_cut.clone());
    let options = data
        .choices
        .iter()
        .map(|c| view! { <option value=c.clone() selected=*c == from>{c.clone()}</option> })
        .collect_view();
    let fractions = match (data.fraction_then, data.fraction_now) {
        (None, None) => None,
        (a, b) => Some(view! {
            <p data-testid="since-fraction">
                "Information fraction: " {opt(a, 3)} " then, " {opt(b, 3)} " now."
            </p>
        }),
    };
    let looks = (!data.looks.is_empty()).then(|| looks_then_and_now(&data));
    let events = data.closed.then(|| new_events(&data));
    let hys_law = data.closed.then(|| new_hys_law(&data));
    let kinds = data
        .changed_by_kind
        .iter()
        .map(|(k, n)| view! { <li>{format!("{k}: {n}")}</li> })
        .collect_view();
    let changed = data.closed.then(|| changed_records(&data));
    view! {
        <section id="since-review" class=class data-testid="since-review">
            <h2>"Since the last review"</h2>
            <p class="caption" data-testid="since-basis">
                {format!("The cut of {to} against the cut of {from}: {}.", data.basis)}
            </p>
            <form method="get" class="cut-picker">
                <input type="hidden" name="cut" value=to.clone()/>
                <label>"Compare with the cut of " <select name="since" data-testid="since-select">{options}</select></label>
                <button type="submit">"Compare"</button>
            </form>
            {lines_table(data.lines.clone(), &data.groups, &from, &to, "since-lines")}
            {(!data.closed).then_some(view! {
                <p class="caption">"Pooled over all arms. — : a count the open view suppresses (small), or a difference of one."</p>
            })}
            {fractions}
            <h3>"Enrollment by site"</h3>
            {lines_table(data.by_site.clone(), &[], &from, &to, "since-sites")}
            {looks}
            {events}
            {hys_law}
            <h3>{format!("Changed records ({})", data.changed_total)}</h3>
            <p class="caption">
                "Values that were there at the earlier cut and are different or gone now (what follow-up adds, such as an outcome now known, is not a change)."
            </p>
            <ul data-testid="since-kinds">{kinds}</ul>
            {changed}
        </section>
    }
    .into_any()
}

/// The interim look at the earlier cut and now (z, B-value, conditional
/// power; closed roles).
fn looks_then_and_now(data: &SinceReview) -> impl IntoView {
    let rows = data
        .looks
        .iter()
        .map(|l| {
            view! {
                <tr>
                    <th scope="row">{l.cut.clone()}</th>
                    <td class="num">{l.look}</td>
                    <td class="num">{format!("{:.3}", l.information_fraction)}</td>
                    <td class="num">{opt(l.z, 3)}</td>
                    <td class="num">{opt(l.b_value, 3)}</td>
                    <td class="num">{opt(l.conditional_power_trend, 3)}</td>
                    <td class="num">{opt(l.conditional_power_design, 3)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <h3>"The interim look then and now"</h3>
        <table class="data" data-testid="since-looks">
            <thead>
                <tr>
                    <th scope="col">"Cut"</th>
                    <th scope="col" class="num">"Look"</th>
                    <th scope="col" class="num">"Information"</th>
                    <th scope="col" class="num">"z"</th>
                    <th scope="col" class="num">"B-value"</th>
                    <th scope="col" class="num">"CP (trend)"</th>
                    <th scope="col" class="num">"CP (design)"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
        {data.coded.then_some(view! {
            <p class="caption">"z, B-value and conditional power say which group does better: they are shown after the decode."</p>
        })}
    }
}

/// The serious and fatal events since the earlier cut, newest first.
fn new_events(data: &SinceReview) -> impl IntoView {
    let rows = data
        .new_events
        .iter()
        .map(|e| {
            let what = match (e.serious, e.fatal) {
                (true, true) => "serious, fatal",
                (false, true) => "fatal",
                _ => "serious",
            };
            view! {
                <tr>
                    <td>{e.onset.clone()}</td>
                    <td class="num">{e.day.map(|d| d.to_string()).unwrap_or_default()}</td>
                    <td>{e.group.clone()}</td>
                    <td>{super::labs::subject_link(&data.trial_id, &data.to_cut, &e.usubjid)}</td>
                    <td>{e.term.clone()}</td>
                    <td>{what}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <h3>{format!("New serious and fatal events ({})", data.new_events_total)}</h3>
        <table class="data" data-testid="since-events">
            <thead>
                <tr>
                    <th scope="col">"Onset"</th>
                    <th scope="col" class="num">"Study day"</th>
                    <th scope="col">"Group"</th>
                    <th scope="col">"Subject"</th>
                    <th scope="col">"Term"</th>
                    <th scope="col">"Event"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
        {(data.new_events_total > data.new_events.len()).then(|| view! {
            <p class="caption">{format!("The newest {} of {}; `dsmb diff --view closed --listing-rows all` lists every one.", data.new_events.len(), data.new_events_total)}</p>
        })}
    }
}

/// The subjects newly in the Hy's law range, linked to their profiles.
fn new_hys_law(data: &SinceReview) -> impl IntoView {
    let items = data
        .new_hys_law
        .iter()
        .map(|h| {
            view! {
                <li>
                    {super::labs::subject_link(&data.trial_id, &data.to_cut, &h.usubjid)}
                    {format!(" ({}): {}", h.group, h.peaks)}
                </li>
            }
        })
        .collect_view();
    view! {
        <h3>{format!("New potential Hy's law cases ({})", data.new_hys_law.len())}</h3>
        {if data.new_hys_law.is_empty() {
            view! { <p class="caption">"None since the earlier cut."</p> }.into_any()
        } else {
            view! { <ul data-testid="since-hys-law">{items}</ul> }.into_any()
        }}
    }
}

/// The records whose values changed since the earlier cut.
fn changed_records(data: &SinceReview) -> impl IntoView {
    let rows = data
        .changed
        .iter()
        .map(|c| {
            view! {
                <tr>
                    <td>{c.usubjid.clone()}</td>
                    <td>{c.dataset.clone()}</td>
                    <td>{c.record.clone()}</td>
                    <td>{c.field.clone()}</td>
                    <td>{c.old.clone()}</td>
                    <td>{c.new.clone()}</td>
                    <td>{c.kind.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="data" data-testid="since-changed">
            <thead>
                <tr>
                    <th scope="col">"Subject"</th>
                    <th scope="col">"Dataset"</th>
                    <th scope="col">"Record"</th>
                    <th scope="col">"Field"</th>
                    <th scope="col">"Was"</th>
                    <th scope="col">"Is"</th>
                    <th scope="col">"Change"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
        {(data.changed_total > data.changed.len()).then(|| view! {
            <p class="caption">{format!("The first {} of {} changes; `dsmb diff --view closed --listing-rows all` lists every one.", data.changed.len(), data.changed_total)}</p>
        })}
    }
}
