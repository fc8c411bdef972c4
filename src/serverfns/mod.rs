//! Server functions, one per file. Each runs on the server only; its body
//! imports server-side code, and its result is a small DTO from [`crate::dto`].

mod get_enrollment;

pub use get_enrollment::*;
