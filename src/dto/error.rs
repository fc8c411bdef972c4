//! What went wrong at the edge, one type for the server functions (the
//! browser receives it typed, through `FromServerFnError`) and the form
//! handlers (`IntoResponse` in `server::web::ctx`). The message is what the
//! caller may know: never a file, a row of the randomization or a value.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// An error of a request, with the status it is answered with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", content = "message", rename_all = "snake_case")]
pub enum AppError {
    /// Nobody is signed in (401).
    #[error("sign in first")]
    Unauthorized,
    /// A password given again (a signature) is not right (401).
    #[error("{0}")]
    BadCredentials(String),
    /// Too many wrong passwords from this account or address (429).
    #[error("{0}")]
    TooMany(String),
    /// The caller's role does not open this (403), with the reason the
    /// role may know.
    #[error("{0}")]
    Forbidden(String),
    /// No such trial, cut, meeting, report or upload (404).
    #[error("{0}")]
    NotFound(String),
    /// The request is not valid (400), naming the field or value.
    #[error("{0}")]
    BadInput(String),
    /// An upload's file is over its limit (413).
    #[error("{0}")]
    TooLarge(String),
    /// The server has no room for an upload (507).
    #[error("{0}")]
    NoSpace(String),
    /// The request contradicts what is recorded (409).
    #[error("{0}")]
    Conflict(String),
    /// The server cannot answer now (503): a report that cannot be made,
    /// an audit entry that cannot be written (the view is then refused).
    #[error("{0}")]
    Unavailable(String),
    /// The request did not reach the server, or its answer did not come
    /// back whole (the browser's side).
    #[error("{0}")]
    Transport(String),
}

impl AppError {
    /// The HTTP status the error is answered with.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthorized | AppError::BadCredentials(_) => 401,
            AppError::TooMany(_) => 429,
            AppError::Forbidden(_) => 403,
            AppError::NotFound(_) => 404,
            AppError::BadInput(_) => 400,
            AppError::Conflict(_) => 409,
            AppError::TooLarge(_) => 413,
            AppError::NoSpace(_) => 507,
            AppError::Unavailable(_) => 503,
            AppError::Transport(_) => 500,
        }
    }

    /// The error's heading on a page.
    pub fn title(&self) -> &'static str {
        match self {
            AppError::Unauthorized => "Sign in first",
            AppError::BadCredentials(_) => "Not signed",
            AppError::TooMany(_) => "Wait, then try again",
            AppError::Forbidden(_) => "Not open to your role",
            AppError::NotFound(_) => "Not found",
            AppError::BadInput(_) => "Not valid",
            AppError::Conflict(_) => "Not done",
            AppError::TooLarge(_) => "Too large",
            AppError::NoSpace(_) => "No room for it",
            AppError::Unavailable(_) => "Not available now",
            AppError::Transport(_) => "The server could not be reached",
        }
    }

    /// Whether answering with this error refuses the caller (and so is
    /// audited as a refusal).
    pub fn is_refusal(&self) -> bool {
        !matches!(self, AppError::Unavailable(_) | AppError::Transport(_))
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    /// The framework's errors: arguments that do not decode are the
    /// caller's (400) on the server; anything else is the transport's.
    fn from_server_fn_error(e: ServerFnErrorErr) -> Self {
        let err = match e {
            ServerFnErrorErr::Args(m) | ServerFnErrorErr::MissingArg(m) => AppError::BadInput(m),
            ServerFnErrorErr::Deserialization(m) if cfg!(feature = "ssr") => AppError::BadInput(m),
            other => AppError::Transport(other.to_string()),
        };
        err.answered()
    }
}

impl AppError {
    /// This error, with the response's status set to its own (on the
    /// server, in a request; nothing elsewhere).
    pub fn answered(self) -> Self {
        #[cfg(feature = "ssr")]
        if let Some(resp) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            resp.set_status(
                axum::http::StatusCode::from_u16(self.status())
                    .unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR),
            );
        }
        self
    }
}
