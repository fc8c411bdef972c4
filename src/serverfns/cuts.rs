//! The data cuts page's server function (closed roles).

use crate::dto::AppError;
use crate::dto::{CutInfo, UploadView, UploadsView};
use leptos::prelude::*;

/// The trial's data cuts: which one serves by default, which older ones can
/// be picked, which were rejected and why, and the registered files with
/// their SHA-256 (DSMB and statistician).
#[server(endpoint = "get_cuts")]
pub async fn get_cuts(trial: String) -> Result<Vec<CutInfo>, AppError> {
    use crate::server::views::cuts::CutListing;
    use crate::server::web::guard;
    let c = guard::Caller::closed_on(&trial).await?;
    let listing = CutListing::of(&*c.entry()?);
    c.audited(
        crate::server::store::AuditAction::ViewCuts,
        "the data cuts, their files and hashes",
    )
    .await?;
    guard::blocking(move || listing.list()).await
}

/// The statistician's uploads of the trial waiting to be registered, with
/// their checks, and the upload form's limit (closed roles; a DSMB member
/// has no upload form).
#[server(endpoint = "get_uploads")]
pub async fn get_uploads(trial: String) -> Result<UploadsView, AppError> {
    use crate::dto::Role;
    use crate::server::views::cuts::upload_view;
    use crate::server::web::guard;
    let c = guard::Caller::closed_on(&trial).await?;
    let csrf = c.csrf();
    let can_upload = c.role == Role::Statistician;
    let uploads: Vec<UploadView> = if can_upload {
        c.state
            .staging
            .of(&trial, c.auth.username())
            .iter()
            .map(|s| upload_view(s, &csrf))
            .collect()
    } else {
        Vec::new()
    };
    if !uploads.is_empty() {
        let what = format!("{} upload(s) waiting to be registered", uploads.len());
        c.audited(crate::server::store::AuditAction::ViewUploads, &what)
            .await?;
    }
    Ok(UploadsView {
        trial_id: trial,
        can_upload,
        uploads,
        max_file_bytes: c.state.staging.limits.max_file_bytes,
        csrf,
    })
}

/// One upload of the statistician's, with its check (404 for any other).
#[server(endpoint = "get_upload")]
pub async fn get_upload(trial: String, id: String) -> Result<UploadView, AppError> {
    use crate::dto::Role;
    use crate::server::views::cuts::upload_view;
    use crate::server::web::guard;
    let c = guard::Caller::exactly(&trial, Role::Statistician).await?;
    let csrf = c.csrf();
    match c
        .state
        .staging
        .get(&id)
        .filter(|s| s.trial == trial && s.username == c.auth.username())
    {
        Some(s) => {
            let what = format!("upload {} of cut {} and its check", s.id, s.cut_date);
            c.audited(crate::server::store::AuditAction::ViewUpload, &what)
                .await?;
            Ok(upload_view(&s, &csrf))
        }
        None => Err(c.refuse(AppError::NotFound("no such upload".into())).await),
    }
}
