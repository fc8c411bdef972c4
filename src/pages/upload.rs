//! One upload's page (the statistician who sent it): its files, the
//! check's progress (the page refreshes itself while the check runs, with
//! or without JavaScript), then the check report, every problem by file,
//! row and column, and the register and discard buttons.

use super::trial_nav::{trial_param, Tab, TrialNav};
use crate::components::ErrorPanel;
use crate::dto::UploadView;
use crate::serverfns::get_upload;
use leptos::prelude::*;
use leptos_meta::Meta;
use leptos_router::hooks::use_params_map;

/// `/trial/:id/cuts/uploads/:upload`.
#[component]
pub fn UploadPage() -> impl IntoView {
    let trial = trial_param();
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("upload").unwrap_or_default()));
    let upload = Resource::new(move || (trial.get(), id.get()), |(t, i)| get_upload(t, i));
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorPanel errors/> }>
                {move || Suspend::new(async move {
                    upload.await.map(|u| view! {
                        <TrialNav trial=u.trial_id.clone() closed=true tab=Tab::Cuts/>
                        <UploadDetail u/>
                    })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

fn size(bytes: u64) -> String {
    if bytes >= 1 << 20 {
        format!("{:.1} MiB", bytes as f64 / (1u64 << 20) as f64)
    } else {
        format!("{bytes} bytes")
    }
}

/// The check's state as a progress element (while checking) or a word.
fn check_state(u: &UploadView) -> AnyView {
    match u.state.as_str() {
        "checking" => view! {
            <progress
                data-testid="check-progress"
                value=u.checked_bytes.to_string()
                max=u.check_bytes.max(1).to_string()
            ></progress>
            " "
            <span>{format!("checking: {} of {} read; {}", size(u.checked_bytes), size(u.check_bytes), u.check_step)}</span>
        }
        .into_any(),
        "passed" => view! { <strong class="ok" data-testid="check-state">"passed"</strong> }.into_any(),
        _ => view! {
            <strong class="problem" data-testid="check-state">
                {format!("{} problem(s)", u.problems.len())}
            </strong>
        }
        .into_any(),
    }
}

/// A row of the cuts page's "Your uploads".
#[component]
pub fn UploadRow(u: UploadView) -> impl IntoView {
    let href = format!("/trial/{}/cuts/uploads/{}", u.trial_id, u.id);
    view! {
        <tr>
            <th scope="row"><a href=href>{u.cut_date.clone()}</a></th>
            <td>{u.part.clone()}</td>
            <td>{u.received_at.clone()}</td>
            <td>{check_state(&u)}</td>
        </tr>
    }
}

#[component]
fn UploadDetail(u: UploadView) -> impl IntoView {
    // While the check runs the page asks again every second: the progress
    // element moves without JavaScript.
    let refresh =
        (u.state == "checking").then(|| view! { <Meta http_equiv="refresh" content="1"/> });
    let files = u
        .files
        .iter()
        .map(|f| {
            view! {
                <tr>
                    <td>{f.role.clone()}</td>
                    <td><code>{f.name.clone()}</code></td>
                    <td class="num">{size(f.bytes)}</td>
                    <td><code class="small">{f.sha256.clone()}</code></td>
                </tr>
            }
        })
        .collect_view();
    let summary = (!u.summary.is_empty()).then(|| {
        let rows = u
            .summary
            .iter()
            .map(|(k, v)| view! { <tr><th scope="row">{k.clone()}</th><td>{v.clone()}</td></tr> })
            .collect_view();
        view! { <table class="data" data-testid="check-summary"><tbody>{rows}</tbody></table> }
    });
    let problems = (!u.problems.is_empty()).then(|| {
        let rows = u
            .problems
            .iter()
            .map(|p| {
                view! {
                    <tr>
                        <td><code>{p.file.clone()}</code></td>
                        <td class="num">{p.row.map(|r| r.to_string()).unwrap_or_default()}</td>
                        <td>{p.column.clone().unwrap_or_default()}</td>
                        <td>{p.message.clone()}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <table class="data" data-testid="check-problems">
                <thead>
                    <tr>
                        <th scope="col">"File"</th>
                        <th scope="col" class="num">"Row"</th>
                        <th scope="col">"Column"</th>
                        <th scope="col">"Problem"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        }
    });
    let base = format!("/trial/{}/cuts/uploads/{}", u.trial_id, u.id);
    let register = (u.state == "passed").then(|| {
        view! {
            <form method="post" action=format!("{base}/register") class="inline" data-testid="register-form">
                <input type="hidden" name="csrf" value=u.csrf.clone()/>
                <button type="submit" data-testid="register">"Register and serve"</button>
            </form>
        }
    });
    view! {
        {refresh}
        <section class="panel">
            <h1>{format!("Upload of the cut {} ({})", u.cut_date, u.part)}</h1>
            <p class="caption">{format!("Received {}. ", u.received_at)} "Check: " {check_state(&u)}</p>
            <table class="data" data-testid="upload-files">
                <thead>
                    <tr>
                        <th scope="col">"File"</th>
                        <th scope="col">"Name"</th>
                        <th scope="col" class="num">"Size"</th>
                        <th scope="col">"SHA-256"</th>
                    </tr>
                </thead>
                <tbody>{files}</tbody>
            </table>
            {summary}
            {problems}
            <p>
                {register}
                " "
                <form method="post" action=format!("{base}/discard") class="inline" data-testid="discard-form">
                    <input type="hidden" name="csrf" value=u.csrf.clone()/>
                    <button type="submit" data-testid="discard">"Discard"</button>
                </form>
                " "
                <a href=format!("/trial/{}/cuts", u.trial_id)>"Back to the data cuts"</a>
            </p>
        </section>
    }
}
