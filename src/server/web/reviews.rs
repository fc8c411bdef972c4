//! The meetings on the server: the forms (a new record or a correction,
//! by the statistician; the chair's signature, with the password asked
//! again) and the meetings as each role may see them.

use super::guard;
use super::refusal::{bad, path_id, refused, role_form, WithCsrf};
use super::session::Auth;
use super::state::AppState;
use crate::dto::{ClosedPart, MeetingLine, MeetingRecord, Reviews, Role};
use crate::server::store::meetings::{recommendation_label, Meeting, NewMeeting, RECOMMENDATIONS};
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::ServerFnError;

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
    RECOMMENDATIONS
        .iter()
        .map(|(c, l)| (c.to_string(), l.to_string()))
        .collect()
}

fn words(m: &Meeting) -> String {
    recommendation_label(&m.fields.recommendation)
        .unwrap_or("?")
        .to_string()
}

async fn meetings_of(state: &AppState, trial: &str) -> Result<Vec<Meeting>, ServerFnError> {
    let store = state.access.store.clone();
    let t = trial.to_string();
    guard::blocking(move || store.meetings(&t)).await
}

/// The meetings page's data for `role`.
pub async fn list(
    state: &AppState,
    auth: &Auth,
    role: Role,
    trial: &str,
) -> Result<Reviews, ServerFnError> {
    let signed_only = !role.is_closed();
    let meetings = meetings_of(state, trial)
        .await?
        .into_iter()
        .filter(|m| !signed_only || m.signed())
        .map(|m| MeetingLine {
            id: m.id,
            recommendation: words(&m),
            cut_note: cut_note(state, trial, &m.fields.cut_date),
            meeting_date: m.fields.meeting_date,
            cut_date: m.fields.cut_date,
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
        csrf: auth
            .user
            .as_ref()
            .map(|u| u.csrf.clone())
            .unwrap_or_default(),
        cuts: guard::cut_dates(state, trial),
        recommendations: recommendations(),
    })
}

/// One meeting record for `role`: the sponsor gets signed records' open
/// part; a closed role's view of the closed part is audited.
pub async fn record(
    state: &AppState,
    auth: &Auth,
    role: Role,
    trial: &str,
    id: i64,
) -> Result<MeetingRecord, ServerFnError> {
    let store = state.access.store.clone();
    let t = trial.to_string();
    let found = guard::blocking(move || store.meeting(&t, id)).await?;
    let m = match found {
        Some(m) if role.is_closed() || m.signed() => m,
        _ => return Err(guard::refuse(state, auth, trial, 404, "no such meeting").await),
    };
    if role.is_closed() {
        guard::audited(
            state,
            auth,
            "view-meeting",
            trial,
            &format!("meeting {id} ({}), closed minutes", m.fields.meeting_date),
        )
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
        cut_note: cut_note(state, trial, &m.fields.cut_date),
        can_sign: chair && !m.signed() && m.amended_by.is_none(),
        can_amend: role == Role::Statistician && m.amended_by.is_none(),
        meeting_date: m.fields.meeting_date,
        cut_date: m.fields.cut_date,
        open_attendees: m.fields.open_attendees,
        open_minutes: m.fields.open_minutes,
        recommendation_code: m.fields.recommendation,
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
pub async fn create(
    State(state): State<AppState>,
    Path(trial): Path<String>,
    axum::Extension(auth): axum::Extension<Auth>,
    req: Request,
) -> Response {
    let what = format!("POST /trial/{trial}/reviews");
    let only = "only the trial's statistician records its meetings";
    let form: MeetingForm =
        match role_form(&state, &auth, &trial, &what, Role::Statistician, only, req).await {
            Ok(f) => f,
            Err(no) => return no,
        };
    let amends = match form.amends.trim() {
        "" => None,
        a => match path_id(&state, &auth, &trial, &what, a).await {
            Ok(a) => Some(a),
            Err(no) => return no,
        },
    };
    let cut_known = guard::cut_dates(&state, &trial).contains(&form.cut_date);
    if !cut_known && amends.is_none() {
        let why = format!(
            "the cut reviewed ({}) is not a good cut of this trial",
            form.cut_date
        );
        return bad(&state, &auth, &trial, &what, why).await;
    }
    let m = NewMeeting {
        meeting_date: form.meeting_date.trim().to_string(),
        cut_date: form.cut_date.trim().to_string(),
        open_attendees: form.open_attendees,
        closed_attendees: form.closed_attendees,
        open_minutes: form.open_minutes,
        closed_minutes: form.closed_minutes,
        recommendation: form.recommendation,
        recommendation_text: form.recommendation_text,
        rationale: form.rationale,
        amends,
    };
    if let Err(why) = crate::server::store::meetings::check(&m) {
        return bad(&state, &auth, &trial, &what, why).await;
    }
    let (store, who, address, t) = (
        state.access.store.clone(),
        auth.username().to_string(),
        auth.address.clone(),
        trial.clone(),
    );
    let done = tokio::task::spawn_blocking(move || store.add_meeting(&who, &address, &t, &m)).await;
    match done {
        Ok(Ok(id)) => Redirect::to(&format!("/trial/{trial}/reviews/{id}")).into_response(),
        // A record corrected already (two corrections sent at once leave
        // one) or one that does not exist: refused, audited.
        Ok(Err(crate::server::store::StoreError::Invalid(why))) => {
            let status = if why.contains("corrected already") {
                StatusCode::CONFLICT
            } else {
                StatusCode::BAD_REQUEST
            };
            refused(&state, &auth, &trial, &what, status, &why).await
        }
        _ => (
            StatusCode::SERVICE_UNAVAILABLE,
            "the meeting could not be recorded, so it was not",
        )
            .into_response(),
    }
}

/// POST /trial/{id}/reviews/{n}/sign: the chair signs, giving the password
/// again; the password check counts against the sign-in throttle (per
/// account and per address), and every refusal (not the chair, a wrong
/// password, too many wrong passwords, signed already) is audited.
pub async fn sign(
    State(state): State<AppState>,
    Path((trial, id)): Path<(String, String)>,
    axum::Extension(auth): axum::Extension<Auth>,
    req: Request,
) -> Response {
    let what = format!("POST /trial/{trial}/reviews/{id}/sign");
    let only = "only the chair of the trial's DSMB signs its meetings";
    let form: SignForm = match role_form(&state, &auth, &trial, &what, Role::Dsmb, only, req).await
    {
        Ok(f) => f,
        Err(no) => return no,
    };
    let id = match path_id(&state, &auth, &trial, &what, &id).await {
        Ok(id) => id,
        Err(no) => return no,
    };
    if form.approve.as_deref() != Some("yes") {
        let why = "tick the approval: a signature says what it means";
        return bad(&state, &auth, &trial, &what, why).await;
    }
    let who = auth.username().to_string();
    let throttle = state.access.throttle.clone();
    let begun = throttle
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .begin(&who, &auth.address);
    if !begun {
        let why = "too many wrong passwords: wait, then sign again";
        return refused(
            &state,
            &auth,
            &trial,
            &what,
            StatusCode::TOO_MANY_REQUESTS,
            why,
        )
        .await;
    }
    let (store, address, t, password) = (
        state.access.store.clone(),
        auth.address.clone(),
        trial.clone(),
        form.password,
    );
    let (w, a) = (who.clone(), address.clone());
    let done =
        tokio::task::spawn_blocking(move || store.sign_meeting(&w, &password, &a, &t, id)).await;
    {
        use crate::server::store::meetings::SignRefusal;
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
            state.forget_fragments(&trial);
            Redirect::to(&format!("/trial/{trial}/reviews/{id}")).into_response()
        }
        Ok(Ok(Err(refusal))) => {
            use crate::server::store::meetings::SignRefusal;
            let status = match refusal {
                SignRefusal::NoMeeting => StatusCode::NOT_FOUND,
                SignRefusal::NotChair => StatusCode::FORBIDDEN,
                SignRefusal::WrongPassword => StatusCode::UNAUTHORIZED,
                SignRefusal::AlreadySigned | SignRefusal::Superseded => StatusCode::CONFLICT,
            };
            refused(&state, &auth, &trial, &what, status, refusal.reason()).await
        }
        Ok(Err(crate::server::store::StoreError::Invalid(why))) => {
            refused(&state, &auth, &trial, &what, StatusCode::CONFLICT, &why).await
        }
        _ => (
            StatusCode::SERVICE_UNAVAILABLE,
            "the signature could not be recorded, so the meeting is not signed",
        )
            .into_response(),
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
