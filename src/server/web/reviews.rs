//! The meetings on the server: the forms (a new record or a correction,
//! by the statistician; the chair's signature, with the password asked
//! again) and the meetings as each role may see them.

use super::ctx::{path_id, Ctx, WithCsrf};
use super::guard::{self, Caller};
use super::state::AppState;
use crate::dto::AppError;
use crate::dto::{ClosedPart, MeetingLine, MeetingRecord, Reviews, Role};
use crate::server::store::meetings::{parse_date, Meeting, NewMeeting};
use crate::server::store::Recommendation;
use axum::extract::{Path, Request};
use axum::response::{IntoResponse, Redirect, Response};

/// What the record of a cut that is no longer good says.
fn cut_note(state: &AppState, trial: &str, cut: &str) -> Option<String> {
    let entry = state.catalog().entry(trial)?;
    if entry.cuts.iter().any(|c| c.date == cut) {
        return None;
    }
    Some(format!(
        "The cut reviewed ({cut}) is no longer one of the trial's good cuts (it fails its checks now, or was removed); this record is kept as it was written."
    ))
}

fn recommendations() -> Vec<(String, String)> {
    Recommendation::ALL
        .iter()
        .map(|r| (r.as_str().to_string(), r.label().to_string()))
        .collect()
}

fn words(m: &Meeting) -> String {
    m.fields.recommendation.label().to_string()
}

async fn meetings_of(state: &AppState, trial: &str) -> Result<Vec<Meeting>, AppError> {
    let store = state.access.store.clone();
    let t = trial.to_string();
    guard::blocking(move || store.meetings(&t)).await
}

/// The meetings page's data for `role`.
pub async fn list(c: &Caller) -> Result<Reviews, AppError> {
    let (state, role, trial) = (&c.state, c.role, c.trial.as_str());
    let signed_only = !role.is_closed();
    let meetings = meetings_of(state, trial)
        .await?
        .into_iter()
        .filter(|m| !signed_only || m.signed())
        .map(|m| MeetingLine {
            id: m.id,
            recommendation: words(&m),
            cut_note: cut_note(state, trial, &m.fields.cut_date.to_string()),
            meeting_date: m.fields.meeting_date.to_string(),
            cut_date: m.fields.cut_date.to_string(),
            signed: m.signed_at.is_some(),
            signed_by: m.signed_by,
            amends: m.fields.amends,
            amended_by: m.amended_by,
        })
        .collect();
    Ok(Reviews {
        trial_id: trial.to_string(),
        meetings,
        can_write: role == Role::Statistician,
        signed_only,
        csrf: c.csrf(),
        cuts: c.cut_dates(),
        recommendations: recommendations(),
    })
}

/// One meeting record for `role`: the sponsor gets signed records' open
/// part; a closed role's view of the closed part is audited.
pub async fn record(c: &Caller, id: i64) -> Result<MeetingRecord, AppError> {
    let (state, auth, role, trial) = (&c.state, &c.auth, c.role, c.trial.as_str());
    let store = state.access.store.clone();
    let t = trial.to_string();
    let found = guard::blocking(move || store.meeting(&t, id)).await?;
    let m = match found {
        Some(m) if role.is_closed() || m.signed() => m,
        _ => return Err(c.refuse(AppError::NotFound("no such meeting".into())).await),
    };
    if role.is_closed() {
        let what = format!("meeting {id} ({}), closed minutes", m.fields.meeting_date);
        c.audited(crate::server::store::AuditAction::ViewMeeting, &what)
            .await?;
    }
    let username = auth.username().to_string();
    let chair = if role == Role::Dsmb {
        let (store, t, u) = (
            state.access.store.clone(),
            trial.to_string(),
            username.clone(),
        );
        guard::blocking(move || store.is_chair(&u, &t)).await?
    } else {
        false
    };
    Ok(MeetingRecord {
        trial_id: trial.to_string(),
        id: m.id,
        recommendation: words(&m),
        cut_note: cut_note(state, trial, &m.fields.cut_date.to_string()),
        can_sign: chair && !m.signed() && m.amended_by.is_none(),
        can_amend: role == Role::Statistician && m.amended_by.is_none(),
        meeting_date: m.fields.meeting_date.to_string(),
        cut_date: m.fields.cut_date.to_string(),
        open_attendees: m.fields.open_attendees,
        open_minutes: m.fields.open_minutes,
        recommendation_code: m.fields.recommendation.as_str().to_string(),
        recommendation_text: m.fields.recommendation_text,
        closed: role.is_closed().then_some(ClosedPart {
            closed_attendees: m.fields.closed_attendees,
            closed_minutes: m.fields.closed_minutes,
            rationale: m.fields.rationale,
        }),
        created_by: m.created_by,
        created_at: m.created_at,
        signed_by: m.signed_by,
        signed_at: m.signed_at,
        signature_meaning: m.signature_meaning,
        signature_hash: m.signature_hash,
        amends: m.fields.amends,
        amended_by: m.amended_by,
        csrf: auth
            .user
            .as_ref()
            .map(|u| u.csrf.clone())
            .unwrap_or_default(),
        recommendations: recommendations(),
    })
}

/// The meeting form.
#[derive(Debug, serde::Deserialize)]
pub struct MeetingForm {
    #[serde(default)]
    pub csrf: String,
    pub meeting_date: String,
    pub cut_date: String,
    #[serde(default)]
    pub open_attendees: String,
    #[serde(default)]
    pub closed_attendees: String,
    #[serde(default)]
    pub open_minutes: String,
    #[serde(default)]
    pub closed_minutes: String,
    pub recommendation: String,
    #[serde(default)]
    pub recommendation_text: String,
    #[serde(default)]
    pub rationale: String,
    /// The record this one corrects (empty for a new meeting).
    #[serde(default)]
    pub amends: String,
}

/// The chair's signature form.
#[derive(Debug, serde::Deserialize)]
pub struct SignForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub password: String,
    /// The chair ticked "I approve this record as the DSMB's
    /// recommendation".
    #[serde(default)]
    pub approve: Option<String>,
}

/// POST /trial/{id}/reviews: the statistician records a meeting (or a
/// correction of one), audited with it; every refusal audited.
pub async fn create(ctx: Ctx, req: Request) -> Response {
    ctx.answer(record_meeting(&ctx, req).await).await
}

async fn record_meeting(ctx: &Ctx, req: Request) -> Result<Response, AppError> {
    let only = "only the trial's statistician records its meetings";
    let form: MeetingForm = ctx.form(Role::Statistician, only, req).await?;
    let amends = match form.amends.trim() {
        "" => None,
        a => Some(path_id(a)?),
    };
    let trial = &ctx.trial;
    let meeting_date =
        parse_date(&form.meeting_date, "the meeting date").map_err(AppError::BadInput)?;
    let cut_date = parse_date(&form.cut_date, "the cut reviewed").map_err(AppError::BadInput)?;
    let recommendation = Recommendation::parse(&form.recommendation).map_err(AppError::BadInput)?;
    if cut_date > meeting_date {
        return Err(AppError::BadInput(format!(
            "the cut reviewed ({cut_date}) is dated after the meeting ({meeting_date}): a meeting reviews a cut it has"
        )));
    }
    let cut_known = guard::cut_dates(&ctx.state, trial).contains(&cut_date.to_string());
    if !cut_known && amends.is_none() {
        return Err(AppError::BadInput(format!(
            "the cut reviewed ({cut_date}) is not a good cut of this trial"
        )));
    }
    let m = NewMeeting {
        meeting_date,
        cut_date,
        open_attendees: form.open_attendees,
        closed_attendees: form.closed_attendees,
        open_minutes: form.open_minutes,
        closed_minutes: form.closed_minutes,
        recommendation,
        recommendation_text: form.recommendation_text,
        rationale: form.rationale,
        amends,
    };
    crate::server::store::meetings::check(&m).map_err(AppError::BadInput)?;
    let (store, who, address, t) = (
        ctx.state.access.store.clone(),
        ctx.username().to_string(),
        ctx.auth.address.clone(),
        trial.clone(),
    );
    let done = tokio::task::spawn_blocking(move || store.add_meeting(&who, &address, &t, &m)).await;
    match done {
        Ok(Ok(id)) => Ok(Redirect::to(&format!("/trial/{trial}/reviews/{id}")).into_response()),
        // A record corrected already (two corrections sent at once leave
        // one) or one that does not exist: refused, audited.
        Ok(Err(crate::server::store::StoreError::Invalid(why))) => {
            Err(if why.contains("corrected already") {
                AppError::Conflict(why)
            } else {
                AppError::BadInput(why)
            })
        }
        _ => Err(AppError::Unavailable(
            "the meeting could not be recorded, so it was not".into(),
        )),
    }
}

/// POST /trial/{id}/reviews/{n}/sign: the chair signs, giving the password
/// again; the password check counts against the sign-in throttle (per
/// account and per address), and every refusal (not the chair, a wrong
/// password, too many wrong passwords, signed already) is audited.
pub async fn sign(ctx: Ctx, Path((_, n)): Path<(String, String)>, req: Request) -> Response {
    ctx.answer(sign_meeting(&ctx, &n, req).await).await
}

async fn sign_meeting(ctx: &Ctx, n: &str, req: Request) -> Result<Response, AppError> {
    use crate::server::store::meetings::SignRefusal;
    let only = "only the chair of the trial's DSMB signs its meetings";
    let form: SignForm = ctx.form(Role::Dsmb, only, req).await?;
    let id = path_id(n)?;
    if form.approve.as_deref() != Some("yes") {
        let why = "tick the approval: a signature says what it means";
        return Err(AppError::BadInput(why.into()));
    }
    let (state, trial) = (&ctx.state, &ctx.trial);
    let who = ctx.username().to_string();
    let address = ctx.auth.address.clone();
    let throttle = state.access.throttle.clone();
    let begun = throttle
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .begin(&who, &address);
    if !begun {
        let why = "too many wrong passwords: wait, then sign again";
        return Err(AppError::TooMany(why.into()));
    }
    let (store, t, password) = (state.access.store.clone(), trial.clone(), form.password);
    let (w, a) = (who.clone(), address.clone());
    let done =
        tokio::task::spawn_blocking(move || store.sign_meeting(&w, &password, &a, &t, id)).await;
    {
        let mut throttle = throttle.lock().unwrap_or_else(|e| e.into_inner());
        match &done {
            // A wrong password stays counted.
            Ok(Ok(Err(SignRefusal::WrongPassword))) => {}
            // The password was right.
            Ok(Ok(Ok(_)))
            | Ok(Ok(Err(SignRefusal::AlreadySigned)))
            | Ok(Ok(Err(SignRefusal::Superseded))) => throttle.succeeded(&who, &address),
            // Refused before the password was checked, or not checked.
            _ => throttle.abandon(&who, &address),
        }
    }
    match done {
        Ok(Ok(Ok(_))) => {
            // The efficacy page marks the cut the signed meeting reviewed.
            state.forget_fragments(trial);
            Ok(Redirect::to(&format!("/trial/{trial}/reviews/{id}")).into_response())
        }
        Ok(Ok(Err(refusal))) => {
            let why = refusal.reason().to_string();
            Err(match refusal {
                SignRefusal::NoMeeting => AppError::NotFound(why),
                SignRefusal::NotChair => AppError::Forbidden(why),
                SignRefusal::WrongPassword => AppError::BadCredentials(why),
                SignRefusal::AlreadySigned | SignRefusal::Superseded => AppError::Conflict(why),
            })
        }
        Ok(Err(crate::server::store::StoreError::Invalid(why))) => Err(AppError::Conflict(why)),
        _ => Err(AppError::Unavailable(
            "the signature could not be recorded, so the meeting is not signed".into(),
        )),
    }
}

impl WithCsrf for MeetingForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}

impl WithCsrf for SignForm {
    fn csrf(&self) -> &str {
        &self.csrf
    }
}
