//! The web layer: the server's state and caches ([`state`]), the router
//! ([`router`]), sessions, sign-in and CSRF ([`session`], [`access`]), the
//! audited decode ([`decode`]), security headers ([`headers`]), and the
//! start of every server function ([`guard`]).
//!
//! May not: compute statistics or read data files; it asks the catalog, the
//! reports and the views.

pub mod access;
pub mod bad_input;
pub mod cuts;
pub mod decode;
pub mod guard;
pub mod headers;
pub mod looks;
pub mod refusal;
pub mod registration;
pub mod reports;
pub mod reviews;
pub mod router;
pub mod session;
pub mod since;
pub mod standing;
pub mod state;
pub mod watch;

pub use access::Access;
pub use router::{app, app_with_routes, BODY_LIMIT, REQUEST_TIMEOUT};
pub use state::AppState;
