use crate::components::ErrorPanel;
use crate::serverfns::get_audit;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The audit trail (statistician): who signed in, viewed closed data,
/// exported or decoded what, and when; filtered by user and action with a
/// plain GET form.
#[component]
pub fn AuditPage() -> impl IntoView {
    let query = use_query_map();
    let filters = move || {
        query.with(|q| {
            (
                q.get("user").filter(|s| !s.is_empty()),
                q.get("action").filter(|s| !s.is_empty()),
            )
        })
    };
    let rows = Resource::new(filters, |(user, action)| get_audit(user, action));
    view! {
        <section class="panel">
            <h1>"Audit trail"</h1>
            <form method="get" action="/audit" class="filters">
                <label>"User " <input name="user" value=move || filters().0.unwrap_or_default()/></label>
                <label>
                    "Action "
                    <select name="action">
                        {move || {
                            let current = filters().1.unwrap_or_default();
                            ["", "sign-in", "sign-in-failed", "sign-in-throttled", "sign-out", "view-closed", "decode", "export"]
                                .into_iter()
                                .map(|a| {
                                    let label = if a.is_empty() { "any" } else { a };
                                    view! { <option value=a selected=current == a>{label}</option> }
                                })
                                .collect_view()
                        }}
                    </select>
                </label>
                <button type="submit">"Filter"</button>
            </form>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorPanel errors/> }>
                    {move || Suspend::new(async move {
                        rows.await.map(|rows| {
                            let body = rows
                                .into_iter()
                                .map(|r| {
                                    view! {
                                        <tr>
                                            <td class="num">{r.id}</td>
                                            <td><time>{r.at}</time></td>
                                            <td>{r.username}</td>
                                            <td>{r.action}</td>
                                            <td>{r.trial}</td>
                                            <td>{r.detail}</td>
                                            <td>{r.address}</td>
                                        </tr>
                                    }
                                })
                                .collect_view();
                            view! {
                                <table class="data" data-testid="audit">
                                    <thead>
                                        <tr>
                                            <th scope="col" class="num">"#"</th>
                                            <th scope="col">"When (UTC)"</th>
                                            <th scope="col">"User"</th>
                                            <th scope="col">"Action"</th>
                                            <th scope="col">"Trial"</th>
                                            <th scope="col">"Detail"</th>
                                            <th scope="col">"Address"</th>
                                        </tr>
                                    </thead>
                                    <tbody>{body}</tbody>
                                </table>
                            }
                        })
                    })}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}
