//! The overview page's server functions: pooled enrollment (any role) and
//! enrollment by group (closed roles, audited).

use crate::dto::AppError;
use crate::dto::{
    ArmEnrollment, BaselineTable, ConductView, DispositionTable, EnrollmentSummary, Standing,
};
use leptos::prelude::*;

/// Pooled enrollment of a trial at the cut dated `cut` (the newest when
/// `None`). Pooled numbers only: nothing here is split by arm, so any role
/// on the trial may see it.
#[server(endpoint = "get_enrollment")]
pub async fn get_enrollment(
    trial: String,
    cut: Option<String>,
) -> Result<EnrollmentSummary, AppError> {
    use crate::server::{views, web::guard};
    let c = guard::Caller::on(&trial).await?;
    let date = c.cut_date(cut.as_deref()).await?;
    let entry = c.entry()?;
    let served = entry
        .cut(Some(&date))
        .ok_or_else(|| guard::no_such_cut().answered())?;
    let summary = views::enrollment::pooled(&c.state, &entry, served, c.role);
    // No look is projected once the DSMB signed a stop.
    let signed = crate::server::web::standing::last_signed(&c.state, &trial).await?;
    Ok(views::standing::enrollment_as_of(&summary, signed.as_ref()))
}

/// Where the trial stands at the cut dated `cut` (the newest when `None`):
/// the pooled status for every role; for closed roles the look's verdict
/// with its basis and the safety rules that signal (the verdict waits for
/// a coded DSMB member's decode), audited as a closed view.
#[server(endpoint = "get_standing")]
pub async fn get_standing(trial: String, cut: Option<String>) -> Result<Standing, AppError> {
    use crate::server::web::{guard, standing};
    standing::standing(&guard::Caller::on(&trial).await?, cut.as_deref()).await
}

/// Enrollment by arm of a trial at the cut dated `cut` (the newest when
/// `None`): closed views only (DSMB and statistician). A DSMB member sees
/// coded groups until they decode; each call is a view of closed data and
/// is audited.
#[server(endpoint = "get_arm_enrollment")]
pub async fn get_arm_enrollment(
    trial: String,
    cut: Option<String>,
) -> Result<ArmEnrollment, AppError> {
    use crate::server::{views, web::guard};
    let v = guard::closed_view(&trial, cut.as_deref(), "enrollment by arm").await?;
    Ok(views::enrollment::by_group(
        &v.state, trial, &v.date, v.role, &v.report, &v.names,
    ))
}

/// Baseline characteristics at the cut dated `cut`: in total for every
/// role (small level counts suppressed for the sponsor, as the safety
/// counts), by group for closed roles (coded for a DSMB member; audited).
#[server(endpoint = "get_baseline")]
pub async fn get_baseline(trial: String, cut: Option<String>) -> Result<BaselineTable, AppError> {
    use crate::server::{views, web::guard};
    let c = guard::Caller::on(&trial).await?;
    Ok(
        match c.view(cut.as_deref(), "baseline characteristics").await? {
            guard::View::Closed(v) => {
                views::baseline::closed_table(trial, v.role, &v.report, &v.names)
            }
            guard::View::Open(open) => views::baseline::open_table(trial, c.role, &open),
        },
    )
}

/// The disposition (CONSORT flow) at the cut dated `cut`: pooled for every
/// role (small counts suppressed for the sponsor, no crossovers), by group
/// for closed roles (coded for a DSMB member; audited).
#[server(endpoint = "get_disposition")]
pub async fn get_disposition(
    trial: String,
    cut: Option<String>,
) -> Result<DispositionTable, AppError> {
    use crate::server::{views, web::guard};
    let c = guard::Caller::on(&trial).await?;
    Ok(match c.view(cut.as_deref(), "disposition").await? {
        guard::View::Closed(v) => {
            views::disposition::closed_table(trial, v.role, &v.report, &v.names)
        }
        guard::View::Open(open) => views::disposition::open_table(trial, c.role, &open),
    })
}

/// Exposure and protocol deviations at the cut dated `cut`: exposure by
/// group for closed roles (coded for a DSMB member; audited), pooled for
/// the sponsor; deviations pooled for every role (small counts suppressed
/// for the sponsor).
#[server(endpoint = "get_conduct")]
pub async fn get_conduct(trial: String, cut: Option<String>) -> Result<ConductView, AppError> {
    use crate::server::{views, web::guard};
    let c = guard::Caller::on(&trial).await?;
    Ok(
        match c.view(cut.as_deref(), "exposure and deviations").await? {
            guard::View::Closed(v) => views::conduct::closed_conduct(v.role, &v.report, &v.names),
            guard::View::Open(open) => views::conduct::open_conduct(c.role, &open),
        },
    )
}
