//! Security headers on every response, and the pages' Content-Security-
//! Policy with the nonce of their inline scripts.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Security headers on every response. Pages set their own
/// Content-Security-Policy with the nonce of their inline scripts (see
/// `app::shell`); everything else gets the strict default.
pub async fn security_headers(req: Request<Body>, next: Next) -> Response {
    let resp = next.run(req).await;
    let mut resp = with_page_csp(resp).await;
    let h = resp.headers_mut();
    h.entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(DEFAULT_CSP));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // Same-origin only: no URL leaves the site in a Referer, and browsers
    // still send the Origin of same-origin form posts (the CSRF check).
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "cross-origin-resource-policy",
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
    );
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    resp
}

/// An HTML page's policy names the nonce its inline scripts carry. The page
/// is rendered whole before it is sent (`SsrMode::Async`), so the nonce is
/// read from the document itself: the policy always matches the scripts
/// actually sent.
async fn with_page_csp(resp: Response) -> Response {
    let is_html = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if !is_html {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 16 * 1024 * 1024).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "page too large").into_response();
    };
    // The nonce is on the scripts in <head>: look there first, the whole
    // page only if the head is unusually long.
    let find = |b: &[u8]| {
        let at = b.windows(7).position(|w| w == b"nonce=\"")? + 7;
        let len = b[at..].iter().position(|c| *c == b'"')?;
        std::str::from_utf8(&b[at..at + len])
            .ok()
            .map(str::to_string)
    };
    let nonce = find(&bytes[..bytes.len().min(8192)]).or_else(|| find(&bytes));
    let nonce = nonce.as_deref();
    let csp = match nonce {
        Some(n)
            if !n.is_empty()
                && n.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') =>
        {
            page_csp(n)
        }
        _ => DEFAULT_CSP.to_string(),
    };
    if let Ok(v) = HeaderValue::from_str(&csp) {
        parts.headers.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(bytes))
}

/// The policy for responses other than pages: nothing from anywhere else,
/// no framing.
pub const DEFAULT_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// A page's policy: scripts only from this origin or carrying the page's
/// nonce (Leptos' hydration and resource scripts), WASM allowed; styles
/// inline too (plotly.js writes its own).
pub fn page_csp(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// A download: `body` as the attachment `name` of type `content_type`,
/// never cached (a report or an export of closed data).
pub fn attachment(
    content_type: &str,
    name: &str,
    body: impl axum::response::IntoResponse,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        body,
    )
        .into_response()
}
