use crate::dto::{ArmEnrollment, EnrollmentSummary};
use leptos::prelude::*;

/// Pooled enrollment of a trial at the cut dated `cut` (the newest when
/// `None`). Pooled numbers only: nothing here is split by arm, so any role
/// on the trial may see it.
#[server(endpoint = "get_enrollment")]
pub async fn get_enrollment(
    trial: String,
    cut: Option<String>,
) -> Result<EnrollmentSummary, ServerFnError> {
    use crate::server::guard;
    let (state, _auth, role) = guard::trial_role(&trial, &[]).await?;
    let entry = state
        .catalog
        .trial(&trial)
        .ok_or_else(|| guard::deny(403, "no access to this trial"))?;
    let served = entry
        .cut(cut.as_deref())
        .ok_or_else(|| guard::deny(404, "no such data cut"))?;
    Ok(EnrollmentSummary {
        viewer_role: role.as_str().to_string(),
        cuts: entry.cut_dates(),
        ..served.enrollment.clone()
    })
}

/// Enrollment by arm of a trial at the cut dated `cut` (the newest when
/// `None`): closed views only (DSMB and statistician). A DSMB member sees
/// coded groups until they decode; each call is a view of closed data and
/// is audited.
#[server(endpoint = "get_arm_enrollment")]
pub async fn get_arm_enrollment(
    trial: String,
    cut: Option<String>,
) -> Result<ArmEnrollment, ServerFnError> {
    use crate::server::guard;
    use crate::server::store::Role;
    let guard::ClosedView {
        state,
        role,
        date,
        report: closed,
        names,
    } = guard::closed_view(&trial, cut.as_deref(), "enrollment by arm").await?;
    let by_month = &closed.enrollment.cumulative_by_arm_month;
    let months: Vec<String> = by_month
        .values()
        .next()
        .map(|v| v.iter().map(|m| m.month.clone()).collect())
        .unwrap_or_default();
    let groups: Vec<crate::dto::GroupCount> = names
        .display_order()
        .iter()
        .map(|code| crate::dto::GroupCount {
            group: names.name(code),
            enrolled: closed.enrollment.by_arm.get(code).copied().unwrap_or(0),
            cumulative: by_month
                .get(code)
                .map(|v| v.iter().map(|m| m.enrolled).collect())
                .unwrap_or_default(),
        })
        .collect();
    let key = ("arm_enrollment_chart", trial.clone(), date, names.coded);
    let chart = state.view(key, || {
        Ok::<_, ServerFnError>(crate::server::figures::enrollment_by_arm(&months, &groups))
    })?;
    Ok(ArmEnrollment {
        trial_id: trial,
        cut_date: closed.cut_date.clone(),
        groups,
        coded: names.coded,
        can_decode: role == Role::Dsmb && names.decoded_at.is_none(),
        decoded_at: names.decoded_at,
        months,
        chart,
    })
}
