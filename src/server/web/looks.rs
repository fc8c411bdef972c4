//! The independent statistician declares a cut formal look k of the
//! design: checked against the design as trial.toml's looks are, written
//! once with its audit entry, and served from then on (every analysis of
//! the trial made again, since the boundaries are spent at the formal
//! looks).

use super::ctx::{Ctx, WithCsrf};
use crate::dto::{AppError, Role};
use crate::server::config::LookRefusal;
use axum::extract::Request;
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
pub async fn declare(ctx: Ctx, req: Request) -> Response {
    ctx.answer(declare_look(&ctx, req).await).await
}

async fn declare_look(ctx: &Ctx, req: Request) -> Result<Response, AppError> {
    let only = "only the trial's statistician declares its formal looks";
    let form: LookForm = ctx.form(Role::Statistician, only, req).await?;
    let cut = form.cut.trim().to_string();
    // One declaration at a time, and none while a cut arrives: the catalog
    // swapped in is made from the configuration the check saw.
    let state = &ctx.state;
    let _writing = state.live.write_lock().await;
    let entry = state
        .live
        .entry(&ctx.trial)
        .ok_or_else(|| AppError::Forbidden(only.into()))?;
    if entry.cut(Some(&cut)).is_none() {
        let why = format!("the cut of {cut:?} is not a good cut of this trial");
        return Err(AppError::BadInput(why));
    }
    let config = entry
        .config
        .with_declared_look(form.look, &cut)
        .map_err(|e| match e {
            LookRefusal::Declared(why) => AppError::Conflict(why),
            LookRefusal::Misfit(why) => AppError::BadInput(why),
        })?;
    let (store, who, address, t, c, k) = (
        state.access.store.clone(),
        ctx.username().to_string(),
        ctx.auth.address.clone(),
        ctx.trial.clone(),
        cut.clone(),
        form.look,
    );
    let done =
        tokio::task::spawn_blocking(move || store.declare_look(&who, &address, &t, k, &c)).await;
    match done {
        Ok(Ok(())) => {}
        Ok(Err(crate::server::store::StoreError::Invalid(why))) => {
            return Err(AppError::Conflict(why))
        }
        _ => {
            return Err(AppError::Unavailable(
                "the declaration could not be recorded, so it was not made".into(),
            ))
        }
    }
    let trial = &ctx.trial;
    if let Err(e) = state.live.reconfigure(trial, config) {
        tracing::error!(trial = %trial, "a declared look is recorded but not served: {e}");
        return Err(AppError::Unavailable(
            "the look is recorded; it is served after the server restarts".into(),
        ));
    }
    state.forget(trial);
    Ok(Redirect::to(&format!("/trial/{trial}/efficacy?cut={cut}")).into_response())
}
