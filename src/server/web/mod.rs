//! The web layer, every file a job:
//! - the server's state and caches ([`state`], the page data per view in
//!   [`views_cache`]), the router ([`router`]),
//!   security headers ([`headers`]), 400s for arguments that do not decode
//!   ([`bad_input`]);
//! - sessions, the gate, sign-in and CSRF ([`session`], [`access`]);
//! - the start of every server function ([`guard`]) and of every form
//!   handler ([`ctx`]), and the one writer of refusal entries
//!   ([`refusal`]);
//! - the audited actions: the decode ([`decode`]), a formal look declared
//!   ([`looks`]), the meetings ([`reviews`]), the report documents
//!   ([`reports`]), the uploads of data cuts ([`cuts`]) and their
//!   registration or discard ([`registration`]), the folder watch
//!   ([`watch`]);
//! - what the overview gathers: "since the last review" ([`since`]) and
//!   where the trial stands ([`standing`]).
//!
//! May not: compute statistics or read data files; it asks the catalog, the
//! reports and the views.

pub mod access;
pub mod audit;
pub mod bad_input;
pub mod ctx;
pub mod cuts;
pub mod decode;
pub mod flash;
pub mod guard;
pub mod headers;
pub mod looks;
pub mod page_view;
pub mod refusal;
pub mod registration;
pub mod reports;
pub mod reviews;
pub mod router;
pub mod session;
pub mod since;
pub mod standing;
pub mod state;
pub mod views_cache;
pub mod watch;

pub use access::Access;
pub use router::{app, app_with_routes, BODY_LIMIT, REQUEST_TIMEOUT};
pub use state::AppState;
