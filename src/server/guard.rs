//! Role checks for server functions. Every server function starts here:
//! the session and the role come from the request the gate resolved, on the
//! server; nothing the browser sends can raise the view level.

use super::auth::Auth;
use super::http::AppState;
use super::store::Role;
use axum::http::StatusCode;
use leptos::prelude::*;

/// An error that also sets the response status (401 no session, 403 no
/// role).
pub fn deny(status: u16, message: &str) -> ServerFnError {
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        resp.set_status(StatusCode::from_u16(status).unwrap_or(StatusCode::FORBIDDEN));
    }
    ServerFnError::new(message)
}

/// The server's state and what the gate learned about this request.
pub async fn context() -> Result<(AppState, Auth), ServerFnError> {
    let state = use_context::<AppState>()
        .ok_or_else(|| ServerFnError::new("the server's state is not available"))?;
    let axum::Extension(auth) = leptos_axum::extract::<axum::Extension<Auth>>()
        .await
        .map_err(|_| deny(401, "sign in first"))?;
    if auth.user.is_none() {
        return Err(deny(401, "sign in first"));
    }
    Ok((state, auth))
}

/// The caller's role on `trial`, which must be one of `allowed` (any role
/// when `allowed` is empty). Unknown trials and trials without a role are
/// refused alike (403), so that a probe learns nothing about which exist.
pub async fn trial_role(
    trial: &str,
    allowed: &[Role],
) -> Result<(AppState, Auth, Role), ServerFnError> {
    let (state, auth) = context().await?;
    let role = auth
        .role_on(trial)
        .filter(|_| state.catalog.trial(trial).is_some())
        .ok_or_else(|| deny(403, "no access to this trial"))?;
    if !allowed.is_empty() && !allowed.contains(&role) {
        return Err(deny(403, "this view is not open to your role"));
    }
    Ok((state, auth, role))
}

/// The date of the cut a page asked for, `cut` (`YYYY-MM-DD`), or of the
/// newest good cut when `None`. A cut that is not one of the trial's good
/// cuts is refused (404), so no rejected cut is ever shown.
pub fn cut_date(state: &AppState, trial: &str, cut: Option<&str>) -> Result<String, ServerFnError> {
    state
        .catalog
        .trial(trial)
        .and_then(|t| t.cut(cut))
        .map(|c| c.date.clone())
        .ok_or_else(|| deny(404, "no such data cut"))
}

/// The dates of the trial's good cuts, newest first (for the cut picker).
pub fn cut_dates(state: &AppState, trial: &str) -> Vec<String> {
    state
        .catalog
        .trial(trial)
        .map(|t| t.cut_dates())
        .unwrap_or_default()
}

/// How the viewer sees a trial's arms: for each arm (in the trial's order)
/// its code and the name to show, and whether the names are coded groups.
pub struct ArmNames {
    /// (arm code, shown name, coded letter).
    pub arms: Vec<(String, String, String)>,
    pub coded: bool,
    pub decoded_at: Option<String>,
}

impl ArmNames {
    /// The name to show for arm `code`.
    pub fn name(&self, code: &str) -> String {
        self.arms
            .iter()
            .find(|(c, _, _)| c == code)
            .map(|(_, n, _)| n.clone())
            .unwrap_or_else(|| "?".into())
    }

    /// Arm codes in display order: by letter when coded (the order then
    /// says nothing), else the trial's order.
    pub fn display_order(&self) -> Vec<String> {
        let mut v = self.arms.clone();
        if self.coded {
            v.sort_by(|a, b| a.2.cmp(&b.2));
        }
        v.into_iter().map(|(c, _, _)| c).collect()
    }
}

/// The arm names a closed-role viewer may see on `trial` (coded for a DSMB
/// member until they decode), and an audit entry for the closed view
/// `what`.
pub async fn arm_names(
    state: &AppState,
    auth: &Auth,
    role: Role,
    trial: &str,
    what: &str,
) -> Result<ArmNames, ServerFnError> {
    let user = auth
        .user
        .clone()
        .ok_or_else(|| deny(401, "sign in first"))?;
    let entry = state
        .catalog
        .trial(trial)
        .ok_or_else(|| deny(403, "no access to this trial"))?;
    let arms: Vec<(String, String)> = entry
        .config
        .arms
        .iter()
        .map(|a| (a.code.clone(), a.label.clone()))
        .collect();
    let codes_in: Vec<String> = arms.iter().map(|a| a.0.clone()).collect();
    let store = state.access.store.clone();
    let (t, address, what) = (trial.to_string(), auth.address.clone(), what.to_string());
    let (codes, decoded_at) = tokio::task::spawn_blocking(move || {
        let codes = store.arm_codes(&t, &codes_in)?;
        let decoded = store.decoded_at(user.id, &t)?;
        store.audit(&user.username, "view-closed", &t, &what, &address)?;
        Ok::<_, super::store::StoreError>((codes, decoded))
    })
    .await
    .map_err(|e| ServerFnError::new(e.to_string()))?
    .map_err(|e| ServerFnError::new(e.to_string()))?;
    let coded = role == Role::Dsmb && decoded_at.is_none();
    let arms = arms
        .into_iter()
        .map(|(code, label)| {
            let letter = codes
                .iter()
                .find(|(a, _)| a == &code)
                .map(|(_, l)| l.clone())
                .unwrap_or_default();
            let shown = if coded {
                format!("Group {letter}")
            } else {
                label
            };
            (code, shown, letter)
        })
        .collect();
    Ok(ArmNames {
        arms,
        coded,
        decoded_at: if role == Role::Dsmb { decoded_at } else { None },
    })
}

/// What every closed server function starts from: the role checked (DSMB
/// or statistician), the cut resolved (404 if it is not a good cut), the
/// closed report of that cut, and the arm names for this viewer, with the
/// view (`what`, and the cut) written to the audit trail.
pub struct ClosedView {
    pub state: AppState,
    pub role: Role,
    pub date: String,
    pub report: std::sync::Arc<super::report::ClosedReport>,
    pub names: ArmNames,
}

pub async fn closed_view(
    trial: &str,
    cut: Option<&str>,
    what: &str,
) -> Result<ClosedView, ServerFnError> {
    let (state, auth, role) = trial_role(trial, &[Role::Dsmb, Role::Statistician]).await?;
    let date = cut_date(&state, trial, cut)?;
    let report = state
        .closed_report(trial, Some(&date))
        .await
        .map_err(|e| ServerFnError::new(format!("the closed report cannot be computed: {e}")))?;
    let names = arm_names(&state, &auth, role, trial, &format!("{what}, cut {date}")).await?;
    Ok(ClosedView {
        state,
        role,
        date,
        report,
        names,
    })
}
