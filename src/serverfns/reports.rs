//! The Reports tab's server function: the report documents of a trial as
//! the caller may see them (the statistician every version and the build
//! form; DSMB members released ones; the sponsor released open reports).

use crate::dto::AppError;
use crate::dto::ReportsView;
use leptos::prelude::*;

#[server(endpoint = "get_reports")]
pub async fn get_reports(trial: String) -> Result<ReportsView, AppError> {
    use crate::server::web::{guard, reports};
    reports::list(&guard::Caller::on(&trial).await?).await
}
