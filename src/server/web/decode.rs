//! The decode of a trial's coded groups by a DSMB member: confirmed,
//! recorded and audited.

use super::refusal;
use super::session::{Auth, CsrfForm};
use super::state::AppState;
use crate::dto::Role;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

/// POST /trial/{id}/decode: a DSMB member's confirmed decode of the coded
/// groups, recorded and audited; the statistician sees it in the audit
/// trail.
pub async fn decode(
    State(state): State<AppState>,
    Path(trial): Path<String>,
    axum::Extension(auth): axum::Extension<Auth>,
    req: Request,
) -> Response {
    let what = format!("POST /trial/{trial}/decode");
    let only = "only a DSMB member of this trial decodes it";
    let form: CsrfForm =
        match refusal::role_form(&state, &auth, &trial, &what, Role::Dsmb, only, req).await {
            Ok(f) => f,
            Err(no) => return no,
        };
    let Some(user) = auth.user.clone() else {
        let why = "sign in first";
        return refusal::refused(&state, &auth, &trial, &what, StatusCode::UNAUTHORIZED, why).await;
    };
    if form.confirm.as_deref() != Some("yes") {
        return Redirect::to(&format!("/trial/{trial}/decode")).into_response();
    }
    let store = state.access.store.clone();
    let address = auth.address.clone();
    let t = trial.clone();
    // The decode and its audit entry are one transaction: no decode is in
    // force that the audit trail does not show.
    let done = tokio::task::spawn_blocking(move || {
        store.record_decode(user.id, &user.username, &t, &address)
    })
    .await;
    match done {
        Ok(Ok(())) => Redirect::to(&return_to(&trial, form.back.as_deref())).into_response(),
        _ => (
            StatusCode::SERVICE_UNAVAILABLE,
            "the decode could not be recorded, so it was not made",
        )
            .into_response(),
    }
}

/// Where a decode returns: `back` when it is a page of the same trial (the
/// inline "Decode (audited)" of the overview returns to its place), else
/// the trial's overview. Nothing outside the trial's pages is followed.
pub fn return_to(trial: &str, back: Option<&str>) -> String {
    let home = format!("/trial/{trial}");
    let Some(b) = back else {
        return home;
    };
    let rest = b.strip_prefix(home.as_str()).unwrap_or("\\");
    let well_formed = rest.is_empty() || rest.starts_with(['/', '?', '#']);
    let plain = b
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/?#=&-_.".contains(c))
        && !b.contains("//")
        && !b.contains("..");
    if well_formed && plain {
        b.to_string()
    } else {
        home
    }
}

#[cfg(test)]
mod tests {
    use super::return_to;

    #[test]
    fn a_decode_returns_only_to_the_trials_own_pages() {
        let t = "altshock2";
        assert_eq!(return_to(t, None), "/trial/altshock2");
        assert_eq!(
            return_to(t, Some("/trial/altshock2?cut=2024-12-31#standing")),
            "/trial/altshock2?cut=2024-12-31#standing"
        );
        assert_eq!(
            return_to(t, Some("/trial/altshock2/efficacy")),
            "/trial/altshock2/efficacy"
        );
        for bad in [
            "https://evil.example/",
            "//evil.example/trial/altshock2",
            "/trial/altshock2x",
            "/trial/other",
            "/trial/altshock2/../../admin",
            "/trial/altshock2/\\evil",
            "/trial/altshock2\r\nSet-Cookie: x=1",
        ] {
            assert_eq!(return_to(t, Some(bad)), "/trial/altshock2", "{bad}");
        }
    }
}
