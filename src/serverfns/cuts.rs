//! The data cuts page's server function (closed roles).

use crate::dto::CutInfo;
use leptos::prelude::*;

/// The trial's data cuts: which one serves by default, which older ones can
/// be picked, which were rejected and why, and the registered files with
/// their SHA-256 (DSMB and statistician).
#[server(endpoint = "get_cuts")]
pub async fn get_cuts(trial: String) -> Result<Vec<CutInfo>, ServerFnError> {
    use crate::server::views::cuts::CutListing;
    use crate::server::web::guard;
    let (state, _auth, _role) = guard::closed_role(&trial).await?;
    let entry = state
        .catalog
        .trial(&trial)
        .ok_or_else(|| guard::deny(403, "no access to this trial"))?;
    let listing = CutListing::of(entry);
    guard::blocking(move || listing.list()).await
}
