//! The laboratory section's server functions: the section (pooled for the
//! sponsor, by group for closed roles, audited) and a subject's lab
//! profile (closed roles, audited).

use crate::dto::AppError;
use crate::dto::{LabProfileView, LabsView};
use leptos::prelude::*;

/// The laboratory section at the cut dated `cut`: pooled counts (small
/// cells suppressed) and pooled summaries for every role; by group, with
/// the eDISH points and page `page` (1-based) of the Hy's law listing, for
/// closed roles (coded for a DSMB member; audited).
#[server(endpoint = "get_labs")]
pub async fn get_labs(
    trial: String,
    cut: Option<String>,
    page: Option<u32>,
) -> Result<LabsView, AppError> {
    use crate::server::firewall::ViewKey;
    use crate::server::{views, web::guard};
    let c = guard::Caller::on(&trial).await?;
    let v = match c.view(cut.as_deref(), "laboratory safety").await? {
        guard::View::Closed(v) => v,
        guard::View::Open(open) => return Ok(views::labs::open_labs(c.role, &open)),
    };
    {
        let key = ViewKey::new("labs", &trial, &v.date, v.names.coded);
        // The section is kept once per view (made off the async runtime:
        // at scale the eDISH plot bins many subjects); each answer carries
        // one page of the listing.
        let (state, report, names, role) =
            (v.state.clone(), v.report.clone(), v.names.clone(), v.role);
        let whole = guard::blocking(move || {
            state.views.labs.get_or_build(key, || {
                Ok::<_, std::convert::Infallible>(std::sync::Arc::new(views::labs::closed_labs(
                    role, &report, &names,
                )))
            })
        })
        .await?;
        Ok(views::labs::listing_page(
            (*whole).clone(),
            &v.report,
            &v.names,
            page.unwrap_or(1),
        ))
    }
}

/// The lab profile of subject `usubjid` at the cut dated `cut` (closed
/// roles; audited): any subject of the cut's ADSL, with every configured
/// laboratory parameter and the subject's adverse events; 404 for a
/// subject the cut does not have.
#[server(endpoint = "get_lab_profile")]
pub async fn get_lab_profile(
    trial: String,
    cut: Option<String>,
    usubjid: String,
) -> Result<LabProfileView, AppError> {
    use crate::server::{report::labs::subject_profile, views, web::guard};
    let usubjid = usubjid.trim().to_string();
    if usubjid.is_empty() || usubjid.len() > 200 || usubjid.chars().any(char::is_control) {
        return Err(AppError::BadInput("usubjid: a subject identifier".into()).answered());
    }
    let c = guard::Caller::on(&trial).await?;
    let what = format!("laboratory profile of {usubjid}");
    let v = c.closed_view(cut.as_deref(), &what).await?;
    if let Some(p) = views::labs::kept_profile(&v.report, &usubjid) {
        return Ok(views::labs::profile(&v.report, &v.names, p));
    }
    let id = usubjid.clone();
    let made = v
        .state
        .with_closed_snapshot(&trial, &v.date, move |snap, config| {
            subject_profile(snap, config, &id)
        })
        .await
        .map_err(|e| AppError::Unavailable(format!("the cut could not be read: {e}")))?
        .map_err(|e| AppError::Unavailable(format!("the profile could not be made: {e}")))?;
    match made {
        Some(p) => Ok(views::labs::profile(&v.report, &v.names, &p)),
        None => Err(c
            .refuse(AppError::NotFound(format!(
                "no subject {usubjid} in the cut of {}",
                v.date
            )))
            .await),
    }
}
