//! The chrome of a trial's pages: the tabs, the cut picker, and the trial
//! and cut the route names.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The trial in the route (`/trial/:id`).
pub fn trial_param() -> Memo<String> {
    let params = use_params_map();
    Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()))
}

/// The data cut asked for in the query (`?cut=YYYY-MM-DD`); `None` means
/// the newest. The server refuses a date that is not one of the trial's
/// good cuts.
pub fn cut_param() -> Memo<Option<String>> {
    let query = use_query_map();
    Memo::new(move |_| query.with(|q| q.get("cut").filter(|c| !c.is_empty())))
}

/// A query parameter of the page (`?name=value`); `None` when absent or
/// empty.
pub fn query_param(name: &'static str) -> Memo<Option<String>> {
    let query = use_query_map();
    Memo::new(move |_| query.with(|q| q.get(name).filter(|c| !c.is_empty())))
}

/// Which of a trial's pages is shown (for the tabs).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Overview,
    Safety,
    Efficacy,
    Cuts,
    Reviews,
    Reports,
}

impl Tab {
    /// The page's name, as its tab and its title say it.
    pub fn label(self) -> &'static str {
        match self {
            Tab::Overview => "Overview",
            Tab::Safety => "Safety",
            Tab::Efficacy => "Efficacy and futility",
            Tab::Cuts => "Data cuts",
            Tab::Reviews => "Reviews",
            Tab::Reports => "Reports",
        }
    }
}

/// The tabs of a trial's pages (closed roles also see efficacy and the
/// cuts) and the cut picker. The picker is a plain GET form: it reloads the
/// same page at the chosen cut, with or without JavaScript, and the tabs
/// keep the chosen cut. `cuts` are the good cuts, newest first; `shown` is
/// the cut on the page (no picker when `cuts` is empty).
#[component]
pub fn TrialNav(
    trial: String,
    closed: bool,
    tab: Tab,
    #[prop(optional)] shown: String,
    #[prop(optional)] cuts: Vec<String>,
    /// The page's name in the title when it is not the tab's (a subject's
    /// lab profile under Safety).
    #[prop(optional)]
    page: String,
) -> impl IntoView {
    // A page without a cut of its own (data cuts, reviews, reports) keeps
    // the one it was reached with, so every tab returns to the same cut.
    let kept = if shown.is_empty() {
        cut_param().get_untracked().unwrap_or_default()
    } else {
        shown.clone()
    };
    // The newest cut needs no query: links stay short and follow new cuts.
    let newest = cuts.first().is_some_and(|n| *n == kept);
    let query = if kept.is_empty() || newest {
        String::new()
    } else {
        format!("?cut={kept}")
    };
    // The browser tab, a bookmark and a printed header name the page, the
    // trial and the cut.
    let name = if page.is_empty() {
        tab.label().to_string()
    } else {
        page
    };
    let title = match kept.as_str() {
        "" => format!("{name} · {trial} · DSMB monitor"),
        cut => format!("{name} · {trial} · cut {cut} · DSMB monitor"),
    };
    let link = move |t: Tab, tail: &str| {
        let current = (t == tab).then_some("page");
        let href = format!("/trial/{trial}{tail}{query}");
        view! { <a href=href aria-current=current>{t.label()}</a> }
    };
    let picker = (!cuts.is_empty()).then(|| {
        let options = cuts
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let label = if i == 0 {
                    format!("{c} (latest)")
                } else {
                    c.clone()
                };
                view! { <option value=c.clone() selected=*c == shown>{label}</option> }
            })
            .collect_view();
        view! {
            <form method="get" class="cut-picker" data-testid="cut-picker">
                <label>
                    "Data cut " <select name="cut" data-testid="cut-select">{options}</select>
                </label>
                <button type="submit">"Show"</button>
            </form>
        }
    });
    view! {
        <Title text=title/>
        <div class="trial-bar">
            <nav class="tabs" aria-label="Trial pages">
                {link(Tab::Overview, "")}
                {link(Tab::Safety, "/safety")}
                {closed
                    .then(|| {
                        view! {
                            {link(Tab::Efficacy, "/efficacy")}
                            {link(Tab::Cuts, "/cuts")}
                        }
                    })}
                {link(Tab::Reviews, "/reviews")}
                {link(Tab::Reports, "/reports")}
            </nav>
            {picker}
        </div>
    }
}
