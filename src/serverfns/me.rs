//! Who is signed in: for the top bar of every page and the forms that
//! change state.

use crate::dto::AppError;
use crate::dto::{DecodeForm, Me};
use leptos::prelude::*;

/// The signed-in user and the trials they hold a role on.
#[server(endpoint = "get_me")]
pub async fn get_me() -> Result<Me, AppError> {
    use crate::dto::TrialAccess;
    use crate::server::web::guard;
    let (state, auth) = guard::context().await?;
    let user = auth.user.ok_or_else(|| AppError::Unauthorized.answered())?;
    let catalog = state.catalog();
    type Held = (String, String, crate::dto::Role, Option<String>);
    let held: Vec<Held> = user
        .roles
        .iter()
        .filter_map(|(id, role)| {
            catalog.trial(id).map(|t| {
                let newest = t.cut(None).map(|c| {
                    format!(
                        "cut of {}: {} of {} randomized",
                        c.date, c.enrollment.total, c.enrollment.target
                    )
                });
                (id.clone(), t.config.title.clone(), *role, newest)
            })
        })
        .collect();
    let store = state.access.store.clone();
    let trials = guard::blocking(move || {
        held.into_iter()
            .map(|(id, title, role, newest_cut)| {
                let status = store
                    .last_signed_meeting(&id, "9999-12-31")?
                    .map(|m| crate::server::store::meetings::status_words(&m));
                Ok(TrialAccess {
                    id,
                    title,
                    role,
                    status,
                    newest_cut,
                })
            })
            .collect::<Result<Vec<_>, crate::server::store::StoreError>>()
    })
    .await?;
    let flash = auth
        .token
        .as_deref()
        .and_then(|t| state.access.flashes.take(t));
    Ok(Me {
        username: user.username,
        csrf: user.csrf,
        trials,
        flash,
    })
}

/// The decode confirmation form of `trial`: DSMB members of the trial only;
/// anyone else is refused (403), and the refusal is audited.
#[server(endpoint = "get_decode")]
pub async fn get_decode(trial: String) -> Result<DecodeForm, AppError> {
    use crate::dto::Role;
    use crate::server::web::guard;
    let c = guard::Caller::exactly(&trial, Role::Dsmb).await?;
    Ok(DecodeForm {
        trial,
        csrf: c.csrf(),
    })
}

/// The small-cell threshold of each trial the caller holds a role on (the
/// disclosure rule's page: a setting, no count).
#[server(endpoint = "get_disclosure")]
pub async fn get_disclosure() -> Result<Vec<crate::dto::TrialThreshold>, AppError> {
    use crate::server::web::guard;
    let (state, auth) = guard::context().await?;
    let user = auth.user.ok_or_else(|| AppError::Unauthorized.answered())?;
    let catalog = state.catalog();
    Ok(user
        .roles
        .iter()
        .filter_map(|(id, _)| {
            catalog.trial(id).map(|t| crate::dto::TrialThreshold {
                id: id.clone(),
                title: t.config.title.clone(),
                threshold: t.config.open_view.small_cell_threshold,
            })
        })
        .collect())
}
