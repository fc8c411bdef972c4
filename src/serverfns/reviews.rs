//! The review cycle's server functions: the DSMB's meetings (the sponsor
//! sees signed ones, open part only) and "since the last review" on the
//! overview (pooled for the sponsor, by group for closed roles).

use crate::dto::AppError;
use crate::dto::{MeetingRecord, Reviews, SinceReview};
use leptos::prelude::*;

/// What changed since the last review: the cut `cut` (newest when `None`)
/// against `since`, by default the cut reviewed at the trial's last signed
/// meeting on an earlier cut, else the previous good cut. Closed roles get
/// the groups (audited); the sponsor the pooled numbers.
#[server(endpoint = "get_since_review")]
pub async fn get_since_review(
    trial: String,
    cut: Option<String>,
    since: Option<String>,
) -> Result<SinceReview, AppError> {
    use crate::server::views::diff::{closed_since, open_since};
    use crate::server::web::{guard, since as since_review};
    let c = guard::Caller::on(&trial).await?;
    let date = c.cut_date(cut.as_deref()).await?;
    let Some(basis) = since_review::since_basis(&c.state, &trial, &date, since.as_deref()).await?
    else {
        return Ok(since_review::nothing_earlier(&trial, &date));
    };
    let from = basis.from.clone();
    if c.role.is_closed() {
        // The diff starts beside the view's check, audit entry and the
        // cut's report, so that its read of the earlier cut overlaps the
        // report; nothing leaves before the entry is written.
        let what = format!("since the review of the cut of {from}");
        let (view, diff) = tokio::join!(
            c.closed_view(Some(&date), &what),
            since_review::closed_diff_of(&c.state, &trial, &from, &date)
        );
        let (view, diff) = (view?, diff?);
        Ok(closed_since(&diff, &view.names, basis.words))
    } else {
        let diff = since_review::open_diff_of(&c.state, &c.auth, &trial, &from, &date).await?;
        Ok(open_since(&diff, basis.words))
    }
}

/// The trial's meetings: every record for closed roles, the signed ones for
/// the sponsor; the statistician also gets the form for a new record.
#[server(endpoint = "get_reviews")]
pub async fn get_reviews(trial: String) -> Result<Reviews, AppError> {
    use crate::server::web::{guard, reviews};
    reviews::list(&guard::Caller::on(&trial).await?).await
}

/// One meeting record: the open part for the sponsor (signed records
/// only), the whole record for closed roles (audited).
#[server(endpoint = "get_review")]
pub async fn get_review(trial: String, id: i64) -> Result<MeetingRecord, AppError> {
    use crate::server::web::{guard, reviews};
    reviews::record(&guard::Caller::on(&trial).await?, id).await
}
