//! Report + viewer -> page data: the DTOs and chart figures each page
//! shows, with the groups named as the viewer may see them
//! ([`crate::server::firewall::ArmNames`]) and all the page's words.
//!
//! May not: check roles or write audit entries (the server functions do,
//! through `server::web::guard`), or read data files.

pub mod adverse;
pub mod ae_signals;
pub mod baseline;
pub mod bayes;
pub mod benefit_risk;
pub mod conduct;
pub mod cuts;
pub mod diff;
pub mod disposition;
pub mod efficacy;
pub mod enrollment;
pub mod figures;
pub mod labs;
pub mod safety;
pub mod secondary;
pub mod standing;

/// Text for XML (SVG, HTML): one escape for the app's pages, its drawings
/// and its documents ([`crate::components::escape_html`]).
pub use crate::components::escape_html as xml_escape;
