use crate::dto::{ArmEnrollment, EnrollmentSummary};
use leptos::prelude::*;

/// Pooled enrollment of a trial's latest cut. Pooled numbers only: nothing
/// here is split by arm, so any role on the trial may see it.
#[server(endpoint = "get_enrollment")]
pub async fn get_enrollment(trial: String) -> Result<EnrollmentSummary, ServerFnError> {
    use crate::server::guard;
    let (state, _auth, _role) = guard::trial_role(&trial, &[]).await?;
    state
        .catalog
        .trial(&trial)
        .map(|t| t.enrollment.clone())
        .ok_or_else(|| guard::deny(403, "no access to this trial"))
}

/// Enrollment by arm of a trial's latest cut: closed views only (DSMB and
/// statistician). A DSMB member sees coded groups until they decode; each
/// call is a view of closed data and is audited.
#[server(endpoint = "get_arm_enrollment")]
pub async fn get_arm_enrollment(trial: String) -> Result<ArmEnrollment, ServerFnError> {
    use crate::server::guard;
    use crate::server::store::Role;
    let (state, auth, role) = guard::trial_role(&trial, &[Role::Dsmb, Role::Statistician]).await?;
    let user = auth.user.clone().expect("trial_role checked the session");
    let closed = state
        .closed_report(&trial)
        .await
        .map_err(|e| ServerFnError::new(format!("the closed report cannot be computed: {e}")))?;
    let entry = state
        .catalog
        .trial(&trial)
        .ok_or_else(|| guard::deny(403, "no access to this trial"))?;
    let arms: Vec<String> = entry.config.arms.iter().map(|a| a.code.clone()).collect();
    let store = state.access.store.clone();
    let (t, uid, name, address) = (
        trial.clone(),
        user.id,
        user.username.clone(),
        auth.address.clone(),
    );
    let (codes, decoded_at) = tokio::task::spawn_blocking(move || {
        let codes = store.arm_codes(&t, &arms)?;
        let decoded = store.decoded_at(uid, &t)?;
        store.audit(&name, "view-closed", &t, "enrollment by arm", &address)?;
        Ok::<_, crate::server::store::StoreError>((codes, decoded))
    })
    .await
    .map_err(|e| ServerFnError::new(e.to_string()))?
    .map_err(|e| ServerFnError::new(e.to_string()))?;
    let coded = role == Role::Dsmb && decoded_at.is_none();
    let mut groups: Vec<(String, crate::dto::GroupCount)> = entry
        .config
        .arms
        .iter()
        .map(|a| {
            let code = codes
                .iter()
                .find(|(arm, _)| arm == &a.code)
                .map(|(_, c)| c.clone())
                .unwrap_or_default();
            let group = if coded {
                format!("Group {code}")
            } else {
                a.label.clone()
            };
            (
                code,
                crate::dto::GroupCount {
                    group,
                    enrolled: closed.enrollment.by_arm.get(&a.code).copied().unwrap_or(0),
                },
            )
        })
        .collect();
    // Coded groups are listed by letter, so their order says nothing.
    if coded {
        groups.sort_by(|a, b| a.0.cmp(&b.0));
    }
    Ok(ArmEnrollment {
        trial_id: trial,
        cut_date: closed.cut_date.clone(),
        groups: groups.into_iter().map(|(_, g)| g).collect(),
        coded,
        can_decode: role == Role::Dsmb && decoded_at.is_none(),
        decoded_at: if role == Role::Dsmb { decoded_at } else { None },
    })
}
