//! Pages, one per route.

mod audit;
pub mod layout;
mod login;
mod not_found;
mod overview;

pub use audit::AuditPage;
pub use layout::{SignedIn, TrialsPage};
pub use login::LoginPage;
pub use not_found::NotFound;
pub use overview::{DecodePage, OverviewPage};
