//! The overview's enrollment data: pooled for every role (the catalog's
//! summary of the cut, with its chart), and by group for closed roles.

use super::figures;
use crate::dto::{ArmEnrollment, EnrollmentSummary, GroupCount, Role};
use crate::server::catalog::{ServedCut, TrialEntry};
use crate::server::firewall::{ArmNames, ViewKey};
use crate::server::report::ClosedReport;
use crate::server::web::AppState;

/// The pooled enrollment of a served cut as `role` sees it (any role:
/// nothing here is split by arm).
pub fn pooled(
    state: &AppState,
    entry: &TrialEntry,
    served: &ServedCut,
    role: Role,
) -> EnrollmentSummary {
    let key = ViewKey::new("enrollment_chart", &entry.config.id, &served.date, false);
    let chart = state
        .views
        .figures
        .get_or_build(key, || {
            Ok::<_, std::convert::Infallible>(figures::enrollment(&served.enrollment))
        })
        .unwrap_or_else(|e| match e {});
    EnrollmentSummary {
        viewer_role: Some(role),
        cuts: entry.cut_dates(),
        chart,
        ..served.enrollment.clone()
    }
}

/// Enrollment by group (closed roles), in display order; the chart kept
/// per view.
pub fn by_group(
    state: &AppState,
    trial: String,
    date: &str,
    role: Role,
    closed: &ClosedReport,
    names: &ArmNames,
) -> ArmEnrollment {
    let key = ViewKey::new("arm_enrollment_chart", &trial, date, names.coded);
    by_group_with(trial, role, closed, names, |months, groups| {
        state
            .views
            .figures
            .get_or_build(key, || {
                Ok::<_, std::convert::Infallible>(figures::enrollment_by_arm(months, groups))
            })
            .unwrap_or_else(|e| match e {})
    })
}

/// Enrollment by group with its chart drawn afresh (the report documents).
pub fn by_group_of(
    trial: String,
    role: Role,
    closed: &ClosedReport,
    names: &ArmNames,
) -> ArmEnrollment {
    by_group_with(trial, role, closed, names, figures::enrollment_by_arm)
}

fn by_group_with(
    trial: String,
    role: Role,
    closed: &ClosedReport,
    names: &ArmNames,
    chart: impl FnOnce(&[String], &[GroupCount]) -> crate::dto::Figure,
) -> ArmEnrollment {
    let by_month = &closed.enrollment.cumulative_by_arm_month;
    let months: Vec<String> = by_month
        .values()
        .next()
        .map(|v| v.iter().map(|m| m.month.clone()).collect())
        .unwrap_or_default();
    let groups: Vec<GroupCount> = names
        .display_order()
        .iter()
        .map(|code| GroupCount {
            group: names.name(code),
            enrolled: closed.enrollment.by_arm.get(code).copied().unwrap_or(0),
            cumulative: by_month
                .get(code)
                .map(|v| v.iter().map(|m| m.enrolled).collect())
                .unwrap_or_default(),
        })
        .collect();
    let chart = chart(&months, &groups);
    ArmEnrollment {
        trial_id: trial,
        cut_date: closed.cut_date.clone(),
        groups,
        coded: names.coded,
        can_decode: role == Role::Dsmb && names.decoded_at.is_none(),
        decoded_at: names.decoded_at.clone(),
        months,
        chart,
    }
}
