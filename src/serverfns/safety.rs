//! The safety page's server functions: pooled rates (any role), rates by
//! group (closed roles, audited), and both in one call.

use crate::dto::AppError;
use crate::dto::{AeView, ClosedSafety, DeathsView, OpenSafety, SafetyPage};
use leptos::prelude::*;

/// Pooled event rates of the cut, small cells suppressed. Computed from the
/// open snapshot: it never reads an arm column or the randomization list,
/// so any role may see it.
#[server(endpoint = "get_open_safety")]
pub async fn get_open_safety(trial: String, cut: Option<String>) -> Result<OpenSafety, AppError> {
    use crate::server::web::guard;
    open_safety(&guard::Caller::on(&trial).await?, cut).await
}

/// The pooled rates for a caller whose role is resolved.
#[cfg(feature = "ssr")]
async fn open_safety(
    c: &crate::server::web::guard::Caller,
    cut: Option<String>,
) -> Result<OpenSafety, AppError> {
    use crate::server::views;
    let open = c.open_report(cut.as_deref()).await?;
    Ok(views::safety::open_safety(
        c.trial.to_string(),
        c.role,
        &open,
        c.cut_dates(),
    ))
}

/// The safety page in one call: the pooled rates, and for a closed role
/// (decided here, on the server, from the session) the rates by arm, which
/// are audited as a closed view. The sponsor's answer has `closed: null`.
///
/// `serious_page` (1-based) picks the page of the serious-event listing.
#[server(endpoint = "get_safety")]
pub async fn get_safety(
    trial: String,
    cut: Option<String>,
    serious_page: Option<u32>,
) -> Result<SafetyPage, AppError> {
    use crate::server::web::guard;
    let c = guard::Caller::on(&trial).await?;
    if !c.role.is_closed() {
        let open = open_safety(&c, cut).await?;
        return Ok(SafetyPage { open, closed: None });
    }
    // A closed role needs both reports: computed side by side (each off
    // the async runtime), so a cold page waits for the slower, not the sum.
    let (open, closed) = tokio::join!(open_safety(&c, cut.clone()), async {
        let v = c.closed_view(cut.as_deref(), CLOSED_SAFETY).await?;
        closed_safety(v, trial.clone(), serious_page).await
    });
    Ok(SafetyPage {
        open: open?,
        closed: Some(closed?),
    })
}

/// What the audit trail calls a view of safety by arm.
#[cfg(feature = "ssr")]
const CLOSED_SAFETY: &str = "safety by arm";

/// Safety by arm with risk differences and the trial's test (closed roles),
/// with page `serious_page` (1-based, the first when `None`) of the
/// serious-event listing, newest first.
#[server(endpoint = "get_closed_safety")]
pub async fn get_closed_safety(
    trial: String,
    cut: Option<String>,
    serious_page: Option<u32>,
) -> Result<ClosedSafety, AppError> {
    use crate::server::web::guard;
    let v = guard::closed_view(&trial, cut.as_deref(), CLOSED_SAFETY).await?;
    closed_safety(v, trial, serious_page).await
}

/// Safety by arm for a closed view already checked and audited.
#[cfg(feature = "ssr")]
async fn closed_safety(
    v: crate::server::web::guard::ClosedView,
    trial: String,
    serious_page: Option<u32>,
) -> Result<ClosedSafety, AppError> {
    use crate::server::firewall::ViewKey;
    use crate::server::{views, web::guard};
    let key = ViewKey::new("closed_safety", &trial, &v.date, v.names.coded);
    let analysis = guard::entry(&v.state, &trial)?.config.analysis.clone();
    // The tables and the listing's order are kept once per view (made off
    // the async runtime: the order sorts the whole listing); each answer
    // carries one page of the listing, read from the report.
    let (state, report, names) = (v.state.clone(), v.report.clone(), v.names.clone());
    let whole = guard::blocking(move || {
        state.views.safety.get_or_build(key, || {
            Ok::<_, std::convert::Infallible>(std::sync::Arc::new((
                views::safety::closed_safety(&analysis, trial, &report, &names),
                views::safety::listing_order(&report, &names),
            )))
        })
    })
    .await?;
    Ok(views::safety::listing_page(
        &whole.0,
        &v.report,
        &v.names,
        &whole.1,
        serious_page.unwrap_or(1),
    ))
}

/// Adverse events by system organ class and preferred term at the cut
/// dated `cut`, for one category (`any` when `None`; an unknown one is a
/// 400): pooled subjects for every role (small cells suppressed), by group
/// with risk differences and the dot chart for closed roles (coded for a
/// DSMB member; audited).
#[server(endpoint = "get_adverse_events")]
pub async fn get_adverse_events(
    trial: String,
    cut: Option<String>,
    category: Option<String>,
) -> Result<AeView, AppError> {
    use crate::server::firewall::ViewKey;
    use crate::server::{views, web::guard};
    let cat = views::adverse::category(category.as_deref())
        .map_err(|e| AppError::BadInput(e).answered())?;
    let c = guard::Caller::on(&trial).await?;
    let what = "adverse events by organ class and term";
    let v = match c.view(cut.as_deref(), what).await? {
        guard::View::Closed(v) => v,
        guard::View::Open(open) => return Ok(views::adverse::open_table(c.role, &open, cat)),
    };
    let key = ViewKey::new(
        views::adverse::cache_name(cat),
        &trial,
        &v.date,
        v.names.coded,
    );
    let entry = c.entry()?;
    v.state.views.adverse.get_or_build(key, || {
        Ok::<_, AppError>(views::adverse::closed_table(
            &entry.config,
            v.role,
            &v.report,
            &v.names,
            cat,
        ))
    })
}

/// Deaths at the cut dated `cut`: pooled for every role (small counts
/// suppressed), by group with page `page` (1-based) of the listing for
/// closed roles (coded for a DSMB member; audited).
#[server(endpoint = "get_deaths")]
pub async fn get_deaths(
    trial: String,
    cut: Option<String>,
    page: Option<u32>,
) -> Result<DeathsView, AppError> {
    use crate::server::{views, web::guard};
    let c = guard::Caller::on(&trial).await?;
    Ok(match c.view(cut.as_deref(), "deaths").await? {
        guard::View::Closed(v) => {
            views::conduct::closed_deaths(v.role, &v.report, &v.names, page.unwrap_or(1))
        }
        guard::View::Open(open) => views::conduct::open_deaths(c.role, &open),
    })
}
