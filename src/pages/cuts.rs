//! The data cuts page (closed roles), with the statistician's upload form
//! and uploads waiting to be registered ([`super::upload`] is one upload's
//! page).

use super::trial_nav::{trial_param, Tab, TrialNav};
use super::upload::UploadRow;
use crate::components::{ErrorPanel, UploadProgress};
use crate::dto::UploadsView;
use crate::serverfns::{get_cuts, get_uploads};
use leptos::prelude::*;

/// The trial's data cuts with their hashes and check results (closed roles).
#[component]
pub fn CutsPage() -> impl IntoView {
    let trial = trial_param();
    // The uploads are asked for only once the cuts are given: a caller
    // refused the page is refused once.
    let cuts = Resource::new(
        move || trial.get(),
        |t| async move {
            let cuts = get_cuts(t.clone()).await?;
            Ok::<_, crate::dto::AppError>((cuts, get_uploads(t).await.ok()))
        },
    );
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorPanel errors/> }>
                {move || Suspend::new(async move {
                    cuts.await.map(|(cuts, uploads)| {
                        let rows = cuts
                            .into_iter()
                            .map(|c| {
                                let files = c
                                    .files
                                    .iter()
                                    .map(|f| view! { <li><code>{format!("{}/{}", f.folder, f.name)}</code> " " <code class="small">{f.sha256.clone()}</code></li> })
                                    .collect_view();
                                let problems = c
                                    .problems
                                    .iter()
                                    .map(|p| view! { <li>{p.clone()}</li> })
                                    .collect_view();
                                view! {
                                    <tr>
                                        <th scope="row">{c.name.clone()}</th>
                                        <td data-testid="cut-status">{c.status.clone()}</td>
                                        <td>{c.registered_at.clone().unwrap_or_else(|| "not registered".into())}</td>
                                        <td><ul class="plain">{files}</ul><ul class="problems">{problems}</ul></td>
                                    </tr>
                                }
                            })
                            .collect_view();
                        view! {
                            <TrialNav trial=trial.get_untracked() closed=true tab=Tab::Cuts/>
                            <section class="panel">
                                <h1>"Data cuts"</h1>
                                <p class="caption">
                                    "The newest cut that passes every check serves; a newer cut that fails keeps the last good one serving. Registered files are verified against their SHA-256 on every load."
                                </p>
                                <table class="data" data-testid="cuts">
                                    <thead>
                                        <tr>
                                            <th scope="col">"Cut"</th>
                                            <th scope="col">"Status"</th>
                                            <th scope="col">"Registered"</th>
                                            <th scope="col">"Files (SHA-256) and problems"</th>
                                        </tr>
                                    </thead>
                                    <tbody>{rows}</tbody>
                                </table>
                            </section>
                            {uploads.filter(|u| u.can_upload).map(|u| view! { <UploadPanel data=u/> })}
                        }
                    })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

/// The statistician's upload form and uploads.
#[component]
fn UploadPanel(data: UploadsView) -> impl IntoView {
    let rows = data
        .uploads
        .iter()
        .cloned()
        .map(|u| view! { <UploadRow u/> })
        .collect_view();
    let none = data
        .uploads
        .is_empty()
        .then(|| view! { <p class="caption">"No upload is waiting."</p> });
    let limit = format!("{} MiB", data.max_file_bytes >> 20);
    view! {
        <section class="panel">
            <h2>"Upload a data cut"</h2>
            <p class="caption">
                "The files are checked exactly as " <code>"dsmb check"</code>
                " checks them, and nothing is served until you register a cut that passes. A blinded cut comes with its randomization list (USUBJID, ARMCD) as a separate file. Each file may be up to "
                {limit.clone()} "."
            </p>
            <form
                id="upload-form"
                method="post"
                enctype="multipart/form-data"
                action=format!("/trial/{}/cuts", data.trial_id)
                data-testid="upload-form"
            >
                <input type="hidden" name="csrf" value=data.csrf.clone()/>
                <label>"Cut date " <input type="date" name="cut_date" required data-testid="upload-date"/></label>
                " "
                <fieldset class="inline">
                    <legend>"Part"</legend>
                    <label><input type="radio" name="part" value="blinded" checked data-testid="upload-blinded"/>" blinded (no arm column)"</label>
                    " "
                    <label><input type="radio" name="part" value="unblinded" data-testid="upload-unblinded"/>" unblinded"</label>
                </fieldset>
                <label>
                    "Datasets (ADSL, ADAE, ADTTE; .csv, .parquet or .xpt) "
                    <input type="file" name="datasets" multiple accept=".csv,.parquet,.xpt" data-testid="upload-datasets"/>
                </label>
                <label>
                    "Randomization list (blinded cut; .csv) "
                    <input type="file" name="randlist" accept=".csv" data-testid="upload-randlist"/>
                </label>
                <label>
                    "Manifest from data management (optional) "
                    <input type="file" name="manifest" accept=".json" data-testid="upload-manifest"/>
                </label>
                <button type="submit" data-testid="upload">"Upload and check"</button>
            </form>
            <UploadProgress form="upload-form".to_string()/>
        </section>
        <section class="panel">
            <h2>"Your uploads"</h2>
            {none}
            <table class="data" data-testid="uploads">
                <thead>
                    <tr>
                        <th scope="col">"Cut"</th>
                        <th scope="col">"Part"</th>
                        <th scope="col">"Received"</th>
                        <th scope="col">"Check"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
    }
}
