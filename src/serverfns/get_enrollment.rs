use crate::dto::EnrollmentSummary;
use leptos::prelude::*;

/// Pooled enrollment of a trial's latest cut (the first trial when `trial`
/// is `None`). Pooled numbers only: nothing here is split by arm.
#[server(endpoint = "get_enrollment")]
pub async fn get_enrollment(trial: Option<String>) -> Result<EnrollmentSummary, ServerFnError> {
    use crate::server::http::AppState;
    let state = use_context::<AppState>()
        .ok_or_else(|| ServerFnError::new("the server's state is not available"))?;
    let entry = match trial.as_deref() {
        Some(id) => state.catalog.trial(id),
        None => state.catalog.trials.first(),
    };
    entry
        .map(|t| t.enrollment.clone())
        .ok_or_else(|| ServerFnError::new("no such trial"))
}
