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
    let (state, auth, _role) = guard::closed_role(&trial).await?;
    let listing = CutListing::of(&*guard::entry(&state, &trial)?);
    guard::audited(
        &state,
        &auth,
        "view-cuts",
        &trial,
        "the data cuts, their files and hashes",
    )
    .await?;
    guard::blocking(move || listing.list()).await
}
