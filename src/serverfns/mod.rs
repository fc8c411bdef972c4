//! Server functions, one per file. Each runs on the server only; its body
//! imports server-side code, and its result is a small DTO from [`crate::dto`].
//! Every one checks the caller's session and role on the server
//! (`crate::server::guard`).

mod access;
mod cuts;
mod get_enrollment;
mod monitoring;

pub use access::*;
pub use cuts::*;
pub use get_enrollment::*;
pub use monitoring::*;
