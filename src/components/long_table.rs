//! A long table on a page: its first rows, then "Show all N rows", which
//! works without JavaScript (a checkbox and its label: the browser's own
//! toggle, styled). No table hides rows in a scroll box of its own inside
//! the page; a wide one scrolls sideways only. Printed, every row shows.

use leptos::prelude::*;

/// Tables of up to this many rows are shown whole.
pub const FIRST_ROWS: usize = 20;

/// `children` (a table of `rows` body rows) inside its region, collapsed to
/// its first rows with a "show all" toggle when it is longer than
/// [`FIRST_ROWS`]. `id` names the toggle (unique on the page).
#[component]
pub fn LongTable(
    rows: usize,
    #[prop(into)] label: String,
    #[prop(into)] id: String,
    children: Children,
) -> impl IntoView {
    let region = view! {
        <div class="table-scroll" tabindex="0" role="region" aria-label=label>
            {children()}
        </div>
    };
    if rows <= FIRST_ROWS {
        return region.into_any();
    }
    let toggle = format!("show-all-{id}");
    view! {
        <div class="long-table">
            <input type="checkbox" class="show-all" id=toggle.clone()/>
            {region}
            <label for=toggle class="show-all-label">
                <span class="more">{format!("Show all {rows} rows")}</span>
                <span class="less">"Show the first rows only"</span>
            </label>
        </div>
    }
    .into_any()
}
