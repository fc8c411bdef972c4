//! What every form handler of a trial starts from, built once: the
//! server's state, who asks (the gate resolved the session), the trial in
//! the path and the request as the audit trail names it (`POST
//! /trial/altshock2/looks`). A handler's body returns `Result<Response,
//! AppError>` and uses `?`; [`Ctx::answer`] sends its error, and a refusal
//! is written to the audit trail there, in one place.

use super::refusal;
use super::session::{csrf_ok, Auth, CsrfForm};
use super::state::AppState;
use crate::dto::{AppError, Role};
use crate::server::ids::TrialId;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;

/// A form handler's request context.
#[derive(Clone)]
pub struct Ctx {
    pub state: AppState,
    pub auth: Auth,
    /// The trial in the path (`/trial/{id}/...`), a well-formed
    /// identifier; the role on it is checked by [`Ctx::form`], not here.
    pub trial: TrialId,
    /// The request as the audit trail names it: method and path.
    pub what: String,
    /// The page a browser's form came from: a refusal goes back there,
    /// its message shown on it (see [`super::flash`]).
    pub back: Option<String>,
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let what = format!("{} {}", parts.method, parts.uri.path());
        let back = super::flash::back_to(&parts.headers);
        // The gate puts the session on every request it lets through.
        let Some(auth) = parts.extensions.get::<Auth>().cloned() else {
            return Err(AppError::Unauthorized.into_response());
        };
        let params = Path::<HashMap<String, String>>::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let raw = params.0.get("id").map(String::as_str).unwrap_or_default();
        let Ok(trial) = TrialId::parse(raw) else {
            // Refused as an unknown trial is (a probe learns nothing), and
            // audited as every refusal is.
            let shown: String = raw.chars().take(64).collect();
            let e = AppError::Forbidden("no access to this trial".into());
            return Err(refused(state, &auth, &shown, &what, e).await);
        };
        Ok(Ctx {
            state: state.clone(),
            auth,
            trial,
            what,
            back,
        })
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, self.to_string()).into_response()
    }
}

/// A form that carries the session's CSRF token.
pub trait WithCsrf {
    fn csrf(&self) -> &str;
}

impl WithCsrf for CsrfForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

impl Ctx {
    /// The response of a handler's body: its answer, or its error, which
    /// is written to the audit trail when it refuses the caller (a
    /// server that cannot record or answer is not a refusal).
    pub async fn answer(&self, body: Result<Response, AppError>) -> Response {
        match body {
            Ok(r) => r,
            Err(e) => self.refuse(e).await,
        }
    }

    /// Refuse with `e`, audited when it is a refusal. A browser's form
    /// goes back to its page, which shows the message inside the app.
    pub async fn refuse(&self, e: AppError) -> Response {
        let message = e.to_string();
        let response = refused(&self.state, &self.auth, &self.trial, &self.what, e).await;
        match (&self.back, &self.auth.token) {
            (Some(back), Some(token)) if self.auth.user.is_some() => {
                self.state.access.flashes.put(token, message);
                axum::response::Redirect::to(back).into_response()
            }
            _ => response,
        }
    }

    /// The one way a POST form is read: the caller's `role` on the trial is
    /// checked before the body is read (anyone else is refused with `why`
    /// whatever the body holds), then the body is decoded (bad input naming
    /// what is wrong), then its CSRF token checked.
    pub async fn form<F>(&self, role: Role, why: &str, req: Request) -> Result<F, AppError>
    where
        F: WithCsrf + serde::de::DeserializeOwned,
    {
        self.require(role, why)?;
        let form = match Form::<F>::from_request(req, &()).await {
            Ok(Form(f)) => f,
            Err(e) => return Err(AppError::BadInput(form_error(&e))),
        };
        let token = CsrfForm {
            csrf: form.csrf().to_string(),
            confirm: None,
            back: None,
        };
        if !csrf_ok(&self.auth, &token) {
            return Err(AppError::Forbidden("missing or wrong CSRF token".into()));
        }
        Ok(form)
    }

    /// The caller holds `role` on the trial (which exists), else `why`.
    pub fn require(&self, role: Role, why: &str) -> Result<(), AppError> {
        let known = self.state.catalog().trial(&self.trial).is_some();
        if known && self.auth.role_on(&self.trial) == Some(role) {
            Ok(())
        } else {
            Err(AppError::Forbidden(why.to_string()))
        }
    }

    /// The signed-in user's name (empty for nobody).
    pub fn username(&self) -> &str {
        self.auth.username()
    }
}

/// The response refusing `e` to `auth` on `trial` for the request `what`,
/// written to the audit trail first when it is a refusal (a server that
/// cannot record or answer is not one).
async fn refused(state: &AppState, auth: &Auth, trial: &str, what: &str, e: AppError) -> Response {
    if e.is_refusal() {
        refusal::record(
            &state.access.store,
            auth.username(),
            &auth.address,
            trial,
            what,
            e.status(),
            &e.to_string(),
        )
        .await;
    }
    e.into_response()
}

/// A form's rejection in words (at most 300 characters: the body is the
/// requester's to choose).
fn form_error(e: &FormRejection) -> String {
    let why: String = e.body_text().chars().take(300).collect();
    format!("the form is not valid: {why}")
}

/// A number from the path (a meeting's or a report's), or bad input.
pub fn path_id(raw: &str) -> Result<i64, AppError> {
    raw.parse::<i64>().map_err(|_| {
        let shown: String = raw.chars().take(40).collect();
        AppError::BadInput(format!("{shown:?} is not a number"))
    })
}
