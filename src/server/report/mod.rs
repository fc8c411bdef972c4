//! Snapshot -> numbers: the reports computed from a validated cut, plain
//! serde structs with no page text. The same numbers feed the pages (through
//! `server::views`) and `dsmb summary --json`.
//!
//! - [`open_report`] (pooled, for the sponsor) takes an
//!   [`OpenSnapshot`](crate::server::firewall::OpenSnapshot), which cannot
//!   hold arms; [`closed_report`] (by arm) a
//!   [`ClosedSnapshot`](crate::server::firewall::ClosedSnapshot).
//! - Enrollment and its projection ([`enrollment`]), the safety categories
//!   ([`safety`], [`safety_time`]), the primary endpoint ([`efficacy`],
//!   [`subgroups`]), the group-sequential look ([`interim`]), follow-up
//!   completeness and timeliness ([`completeness`]); [`frames`] holds the
//!   polars work they share.
//!
//! May not: read files, know who is asking, or write words for a page.

pub mod adverse;
pub mod ae_signals;
pub mod baseline;
pub mod bayes;
pub mod benefit_risk;
pub mod closed;
pub mod completeness;
pub mod conduct;
pub mod deaths;
pub mod diff;
pub mod disposition;
pub mod efficacy;
pub mod enrollment;
pub mod frames;
pub mod interim;
pub mod labs;
pub mod open;
pub mod pooled;
pub mod rules;
pub mod safety;
pub mod safety_time;
pub mod secondary;
pub mod subgroups;
pub mod types;

pub use closed::{closed_interim, closed_look, closed_report, ClosedLook, LookRef};
pub use interim::compared_arms;
pub use open::{
    open_report, open_report_after, open_report_from, pooled_counts, pooled_cut, PooledCut,
};
pub use pooled::PooledCounts;
pub use types::*;
