//! Pages, one file per route; the trial pages' shared chrome (tabs, cut
//! picker, route parameters) is in [`trial_nav`], the frame of every page
//! behind sign-in in [`layout`]. A section large enough to be a page's
//! own job has its own file (`adverse_events`, `deaths` and `labs`, on the safety page;
//! `since_review`, on the overview).

mod adverse_events;
mod ae_signals;
mod audit;
mod bayes;
mod benefit_risk;
mod bounds;
mod cuts;
mod deaths;
mod decode;
pub mod disclosure;
mod efficacy;
mod labs;
pub mod layout;
mod login;
mod not_found;
mod overview;
mod reports;
mod reviews;
mod safety;
mod safety_rules;
mod secondary;
mod since_review;
mod standing;
pub mod trial_nav;
mod trials;
mod upload;

pub use audit::AuditPage;
pub use cuts::CutsPage;
pub use decode::DecodePage;
pub use disclosure::DisclosurePage;
pub use efficacy::EfficacyPage;
pub use labs::LabProfilePage;
pub use layout::SignedIn;
pub use login::LoginPage;
pub use not_found::NotFound;
pub use overview::OverviewPage;
pub use reports::ReportsPage;
pub use reviews::{ReviewPage, ReviewsPage};
pub use safety::SafetyPage;
pub use trials::TrialsPage;
pub use upload::UploadPage;
