//! Bad input gets a 400 with a message, never a 500: a server function
//! whose arguments do not decode (a missing or mistyped field) is answered
//! 400 with the decoder's message, and a form that does not decode likewise.

use axum::body::Body;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// How a server function's argument error begins (`AppError::BadInput` as
/// JSON): the request was at fault, not the server.
const ARGUMENT_ERRORS: [&str; 1] = [r#"{"kind":"bad_input""#];

/// Turn a server function's argument error (500) into a 400.
pub async fn arguments_are_400(req: Request, next: Next) -> Response {
    let is_server_fn = req.uri().path().starts_with("/api/");
    let resp = next.run(req).await;
    if !is_server_fn || resp.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            "the answer could not be read",
        )
            .into_response();
    };
    if ARGUMENT_ERRORS
        .iter()
        .any(|p| bytes.starts_with(p.as_bytes()))
    {
        parts.status = StatusCode::BAD_REQUEST;
    }
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(bytes))
}

/// The 400 for a form that does not decode.
pub fn bad_form(why: impl std::fmt::Display) -> Response {
    (
        StatusCode::BAD_REQUEST,
        format!("the form is not valid: {why}"),
    )
        .into_response()
}
