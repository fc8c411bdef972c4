//! The independent statistician declares a cut formal look k of the
//! design: checked against the design as trial.toml's looks are, written
//! once with its audit entry, and served from then on (every analysis of
//! the trial made again, since the boundaries are spent at the formal
//! looks).

use super::refusal::{bad, refused, role_form, WithCsrf};
use super::session::Auth;
use super::state::AppState;
use crate::dto::Role;
use crate::server::config::LookRefusal;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

/// The declaration form.
#[derive(Debug, serde::Deserialize)]
pub struct LookForm {
    #[serde(default)]
    pub csrf: String,
    /// The cut's date, `YYYY-MM-DD`.
    pub cut: String,
    /// The look, 1-based.
    pub look: usize,
}

impl WithCsrf for LookForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

/// POST /trial/{id}/looks: declare the cut `cut` formal look `look`; the
/// efficacy page of that cut follows. Refused (audited) for anyone but the
/// trial's statistician (403), for a cut that is not a good cut or a look
/// that does not fit the design (400), and for a look or cut declared
/// already (409).
pub async fn declare(
    State(state): State<AppState>,
    Path(trial): Path<String>,
    axum::Extension(auth): axum::Extension<Auth>,
    req: Request,
) -> Response {
    let what = format!("POST /trial/{trial}/looks");
    let only = "only the trial's statistician declares its formal looks";
    let form: LookForm =
        match role_form(&state, &auth, &trial, &what, Role::Statistician, only, req).await {
            Ok(f) => f,
            Err(no) => return no,
        };
    let cut = form.cut.trim().to_string();
    // One declaration at a time, and none while a cut arrives: the catalog
    // swapped in is made from the configuration the check saw.
    let _writing = state.live.write_lock().await;
    let Some(entry) = state.live.entry(&trial) else {
        return refused(&state, &auth, &trial, &what, StatusCode::FORBIDDEN, only).await;
    };
    if entry.cut(Some(&cut)).is_none() {
        let why = format!("the cut of {cut:?} is not a good cut of this trial");
        return bad(&state, &auth, &trial, &what, why).await;
    }
    let config = match entry.config.with_declared_look(form.look, &cut) {
        Ok(c) => c,
        Err(LookRefusal::Declared(why)) => {
            return refused(&state, &auth, &trial, &what, StatusCode::CONFLICT, &why).await
        }
        Err(LookRefusal::Misfit(why)) => return bad(&state, &auth, &trial, &what, why).await,
    };
    let (store, who, address, t, c, k) = (
        state.access.store.clone(),
        auth.username().to_string(),
        auth.address.clone(),
        trial.clone(),
        cut.clone(),
        form.look,
    );
    let done =
        tokio::task::spawn_blocking(move || store.declare_look(&who, &address, &t, k, &c)).await;
    match done {
        Ok(Ok(())) => {}
        Ok(Err(crate::server::store::StoreError::Invalid(why))) => {
            return refused(&state, &auth, &trial, &what, StatusCode::CONFLICT, &why).await
        }
        _ => {
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                "the declaration could not be recorded, so it was not made",
            )
                .into_response()
        }
    }
    if let Err(e) = state.live.reconfigure(&trial, config) {
        tracing::error!(trial, "a declared look is recorded but not served: {e}");
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "the look is recorded; it is served after the server restarts",
        )
            .into_response();
    }
    state.forget(&trial);
    Redirect::to(&format!("/trial/{trial}/efficacy?cut={cut}")).into_response()
}
