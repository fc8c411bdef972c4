//! The decode of a trial's coded groups by a DSMB member: confirmed,
//! recorded and audited.

use super::ctx::Ctx;
use super::session::CsrfForm;
use crate::dto::{AppError, Role};
use axum::extract::Request;
use axum::response::{IntoResponse, Redirect, Response};

/// POST /trial/{id}/decode: a DSMB member's confirmed decode of the coded
/// groups, recorded and audited; the statistician sees it in the audit
/// trail.
pub async fn decode(ctx: Ctx, req: Request) -> Response {
    ctx.answer(confirmed_decode(&ctx, req).await).await
}

async fn confirmed_decode(ctx: &Ctx, req: Request) -> Result<Response, AppError> {
    let only = "only a DSMB member of this trial decodes it";
    let form: CsrfForm = ctx.form(Role::Dsmb, only, req).await?;
    let trial = &ctx.trial;
    let user = ctx.auth.user.clone().ok_or(AppError::Unauthorized)?;
    if form.confirm.as_deref() != Some("yes") {
        return Ok(Redirect::to(&format!("/trial/{trial}/decode")).into_response());
    }
    let store = ctx.state.access.store.clone();
    let address = ctx.auth.address.clone();
    let t = trial.clone();
    // The decode and its audit entry are one transaction: no decode is in
    // force that the audit trail does not show.
    let done = tokio::task::spawn_blocking(move || {
        store.record_decode(user.id, &user.username, &t, &address)
    })
    .await;
    match done {
        Ok(Ok(())) => Ok(Redirect::to(&return_to(trial, form.back.as_deref())).into_response()),
        _ => Err(AppError::Unavailable(
            "the decode could not be recorded, so it was not made".into(),
        )),
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
