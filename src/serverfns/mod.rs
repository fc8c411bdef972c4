//! Server functions, one file per page. Each runs on the server only, starts
//! at `crate::server::web::guard` (the session's role, the cut, the coding
//! and the audit entry), and hands the report to `crate::server::views` for
//! the page's data: no statistics and no page text here. Results are small
//! DTOs from [`crate::dto`].

mod audit;
mod cuts;
mod efficacy;
mod labs;
mod me;
mod overview;
mod reports;
mod reviews;
mod safety;

pub use audit::*;
pub use cuts::*;
pub use efficacy::*;
pub use labs::*;
pub use me::*;
pub use overview::*;
pub use reports::*;
pub use reviews::*;
pub use safety::*;
