//! Where a trial stands at a cut, gathered for the overview: the pooled
//! enrollment, the DSMB's last signed meeting, the headline since the last
//! review and, for closed roles, the closed report with the history of
//! each safety signal over the earlier cuts (audited as a closed view).

use super::guard::{self, Caller};
use super::since;
use super::state::AppState;
use crate::dto::AppError;
use crate::dto::{Role, Standing};
use crate::server::store::meetings::Meeting;
use crate::server::views::diff::{closed_since, open_since};
use crate::server::views::standing::{closed_part, pooled, signalling, step_back, SignalKey};
use std::collections::BTreeMap;

/// The DSMB's last signed meeting on `trial`, whichever cut it reviewed.
pub async fn last_signed(state: &AppState, trial: &str) -> Result<Option<Meeting>, AppError> {
    let store = state.access.store.clone();
    let t = trial.to_string();
    guard::blocking(move || store.last_signed_meeting(&t, "9999-12-31")).await
}

/// Where `trial` stands at the cut `cut` (the newest when `None`) as `role`
/// may see it.
pub async fn standing(c: &Caller, cut: Option<&str>) -> Result<Standing, AppError> {
    let (state, auth, role, trial) = (&c.state, &c.auth, c.role, c.trial.as_str());
    let date = c.cut_date(cut).await?;
    let entry = c.entry()?;
    let served = entry
        .cut(Some(&date))
        .ok_or_else(|| guard::no_such_cut().answered())?;
    let signed = last_signed(state, trial).await?;
    let basis = since::since_basis(state, trial, &date, None).await?;
    if !role.is_closed() {
        let since = match basis {
            Some(b) => since::open_diff_of(state, auth, trial, &b.from, &date)
                .await
                .map(|d| open_since(&d, b.words))
                .ok(),
            None => None,
        };
        return Ok(pooled(
            &entry.config,
            &served.enrollment,
            signed.as_ref(),
            since.as_ref(),
        ));
    }
    let v = c.closed_view(Some(&date), "where the trial stands").await?;
    let since = match basis {
        Some(b) => since::closed_diff_of(state, trial, &b.from, &date)
            .await
            .map(|d| closed_since(&d, &v.names, b.words))
            .ok(),
        None => None,
    };
    let mut out = pooled(
        &entry.config,
        &served.enrollment,
        signed.as_ref(),
        since.as_ref(),
    );
    let history = signal_history(state, trial, &date, &v.report.safety_rules).await;
    let decode = (role == Role::Dsmb && v.names.decoded_at.is_none())
        .then(|| auth.user.as_ref().map(|u| u.csrf.clone()))
        .flatten();
    out.closed = Some(closed_part(
        &entry.config,
        &v.report,
        &v.names,
        &history,
        decode,
    ));
    Ok(out)
}

/// For each signal at the cut `date`, the earliest cut from which it has
/// signalled at every good cut up to `date`: the earlier cuts' closed
/// reports (cached) are read newest first until none of the signals holds.
/// A cut whose report cannot be made ends the walk (and the log says so).
pub async fn signal_history(
    state: &AppState,
    trial: &str,
    date: &str,
    rules: &[crate::server::report::rules::RuleResult],
) -> BTreeMap<SignalKey, String> {
    let mut holding = signalling(rules);
    let mut since: BTreeMap<SignalKey, String> = holding
        .iter()
        .map(|k| (k.clone(), date.to_string()))
        .collect();
    for d in guard::cut_dates(state, trial)
        .into_iter()
        .filter(|d| d.as_str() < date)
    {
        if holding.is_empty() {
            break;
        }
        let earlier = match state.closed_report(trial, Some(&d)).await {
            Ok(r) => signalling(&r.safety_rules),
            Err(e) => {
                tracing::error!(trial, cut = %d, "a signal's history stops at this cut: {e}");
                break;
            }
        };
        step_back(&mut holding, &mut since, &d, &earlier);
    }
    since
}
