//! Pages, one per route.

mod audit;
pub mod layout;
mod login;
pub mod monitoring;
mod not_found;
pub mod overview;

pub use audit::AuditPage;
pub use layout::{SignedIn, TrialsPage};
pub use login::LoginPage;
pub use monitoring::{CutsPage, EfficacyPage, SafetyPage};
pub use not_found::NotFound;
pub use overview::{DecodePage, OverviewPage};
