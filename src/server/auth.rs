//! Access control of the web app: sessions from an HttpOnly cookie, the gate
//! that sends every request without a session to the sign-in page (pages)
//! or answers 401 (server functions), CSRF checks on every state-changing
//! request, throttling of failed sign-ins, and the sign-in, sign-out and
//! decode handlers. The view level of any answer comes from the signed-in
//! user's role on the trial, looked up here on the server, never from the
//! request.

use super::http::AppState;
use super::store::{Role, SessionUser, Store};
use axum::body::Body;
use axum::extract::{ConnectInfo, Form, Path, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The session cookie.
pub const SESSION_COOKIE: &str = "dsmb_session";

/// Failed sign-ins allowed per account, and per address, in the window.
pub const MAX_FAILURES_PER_ACCOUNT: usize = 5;
pub const MAX_FAILURES_PER_ADDRESS: usize = 20;
pub const FAILURE_WINDOW: Duration = Duration::from_secs(15 * 60);

/// Recent failed sign-ins per account and per address.
#[derive(Default)]
pub struct Throttle {
    accounts: HashMap<String, Vec<Instant>>,
    addresses: HashMap<String, Vec<Instant>>,
}

impl Throttle {
    fn prune(v: &mut Vec<Instant>, now: Instant) {
        v.retain(|t| now.duration_since(*t) < FAILURE_WINDOW);
    }

    /// Whether a sign-in for `account` from `address` is refused now.
    pub fn blocked(&mut self, account: &str, address: &str) -> bool {
        let now = Instant::now();
        let a = self.accounts.entry(account.to_string()).or_default();
        Self::prune(a, now);
        let over_account = a.len() >= MAX_FAILURES_PER_ACCOUNT;
        let b = self.addresses.entry(address.to_string()).or_default();
        Self::prune(b, now);
        over_account || b.len() >= MAX_FAILURES_PER_ADDRESS
    }

    pub fn failed(&mut self, account: &str, address: &str) {
        let now = Instant::now();
        self.accounts
            .entry(account.to_string())
            .or_default()
            .push(now);
        self.addresses
            .entry(address.to_string())
            .or_default()
            .push(now);
    }

    pub fn succeeded(&mut self, account: &str) {
        self.accounts.remove(account);
    }
}

/// The access layer's shared state.
#[derive(Clone)]
pub struct Access {
    pub store: Store,
    pub throttle: Arc<Mutex<Throttle>>,
    /// Mark cookies Secure (the app is served over TLS, directly or behind a
    /// proxy that terminates it).
    pub secure_cookies: bool,
}

impl Access {
    pub fn new(store: Store, secure_cookies: bool) -> Self {
        Access {
            store,
            throttle: Arc::new(Mutex::new(Throttle::default())),
            secure_cookies,
        }
    }
}

/// What the gate learned about a request; server functions and handlers
/// read it from the request's extensions.
#[derive(Clone, Debug)]
pub struct Auth {
    pub user: Option<SessionUser>,
    pub token: Option<String>,
    pub address: String,
}

impl Auth {
    /// The user's role on `trial`, if signed in and holding one.
    pub fn role_on(&self, trial: &str) -> Option<Role> {
        self.user.as_ref().and_then(|u| u.role_on(trial))
    }
}

fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

fn client_address(req: &Request) -> String {
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "local".into())
}

/// Paths served without a session: the sign-in page and its form, and the
/// static assets (WASM, JS, CSS, icon), which carry no data.
fn is_public(path: &str) -> bool {
    path == "/login"
        || path == "/auth/login"
        || path == "/favicon.ico"
        || path.starts_with("/pkg/")
        || path.starts_with("/js/")
}

/// Whether a state-changing request comes from this site: its Origin (sent
/// by browsers on every cross-origin and every POST request) names this
/// host, and the Fetch Metadata header, when present, is not cross-site.
fn same_origin(headers: &HeaderMap) -> bool {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    if let Some(origin) = headers.get(header::ORIGIN) {
        let Ok(origin) = origin.to_str() else {
            return false;
        };
        // Browsers send "null" when the referrer policy withholds the
        // origin; Fetch Metadata then still tells same-origin apart.
        if origin == "null" {
            return fetch_site == Some("same-origin");
        }
        let origin_host = origin
            .strip_prefix("https://")
            .or_else(|| origin.strip_prefix("http://"));
        if origin_host.is_none() || origin_host != host {
            return false;
        }
    }
    !matches!(fetch_site, Some("cross-site") | Some("same-site"))
}

/// The gate, run on every request: resolve the session, refuse
/// cross-origin state changes, and keep everything but the public paths
/// behind a session.
pub async fn gate(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let address = client_address(&req);
    let token = cookie(req.headers(), SESSION_COOKIE)
        .filter(|t| t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()));
    let user = match &token {
        Some(t) => {
            let store = state.access.store.clone();
            let t = t.clone();
            tokio::task::spawn_blocking(move || store.session_user(&t))
                .await
                .ok()
                .and_then(Result::ok)
                .flatten()
        }
        None => None,
    };
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if unsafe_method && !same_origin(req.headers()) {
        return (StatusCode::FORBIDDEN, "cross-origin request refused").into_response();
    }
    let path = req.uri().path().to_string();
    if user.is_none() && !is_public(&path) {
        if path.starts_with("/api/") || unsafe_method {
            return (StatusCode::UNAUTHORIZED, "sign in first").into_response();
        }
        let next_path = req
            .uri()
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| "/".into());
        let target = format!("/login?next={}", urlencode(&next_path));
        return Redirect::to(&target).into_response();
    }
    req.extensions_mut().insert(Auth {
        user,
        token,
        address,
    });
    next.run(req).await
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A local path to go to after sign-in (never another site).
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => "/".into(),
    }
}

fn session_cookie(value: &str, max_age: Option<i64>, secure: bool) -> HeaderValue {
    let mut c = format!("{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict");
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        c.push_str("; Secure");
    }
    HeaderValue::from_str(&c).expect("a cookie of hex and fixed text")
}

#[derive(serde::Deserialize)]
pub struct LoginForm {
    pub username: String,
    pub password: String,
    #[serde(default)]
    pub next: Option<String>,
}

/// POST /auth/login: check the password (off the async runtime), apply the
/// throttle, start a session and set its cookie; every attempt is audited.
pub async fn login(
    State(state): State<AppState>,
    axum::Extension(auth): axum::Extension<Auth>,
    Form(form): Form<LoginForm>,
) -> Response {
    let access = state.access.clone();
    let address = auth.address.clone();
    let username = form.username.trim().to_string();
    let blocked = access
        .throttle
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .blocked(&username, &address);
    let store = access.store.clone();
    let next = safe_next(form.next.as_deref());
    if blocked {
        let (s, u, a) = (store.clone(), username.clone(), address.clone());
        let _ = tokio::task::spawn_blocking(move || {
            s.audit(&u, "sign-in-throttled", "", "too many failed sign-ins", &a)
        })
        .await;
        return Redirect::to(&format!("/login?error=throttled&next={}", urlencode(&next)))
            .into_response();
    }
    let (s, u, p) = (store.clone(), username.clone(), form.password.clone());
    let result = tokio::task::spawn_blocking(move || {
        let id = s.authenticate(&u, &p)?;
        match id {
            Some(id) => Ok(Some(s.create_session(id)?)),
            None => Ok::<_, super::store::StoreError>(None),
        }
    })
    .await;
    match result {
        Ok(Ok(Some(token))) => {
            access
                .throttle
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .succeeded(&username);
            let (s, u, a) = (store, username, address);
            let _ = tokio::task::spawn_blocking(move || s.audit(&u, "sign-in", "", "", &a)).await;
            let mut resp = Redirect::to(&next).into_response();
            resp.headers_mut().append(
                header::SET_COOKIE,
                session_cookie(&token, None, access.secure_cookies),
            );
            resp
        }
        Ok(Ok(None)) => {
            access
                .throttle
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .failed(&username, &address);
            let (s, u, a) = (store, username, address);
            let _ = tokio::task::spawn_blocking(move || {
                s.audit(&u, "sign-in-failed", "", "wrong username or password", &a)
            })
            .await;
            Redirect::to(&format!("/login?error=failed&next={}", urlencode(&next))).into_response()
        }
        _ => (StatusCode::INTERNAL_SERVER_ERROR, "sign-in failed").into_response(),
    }
}

#[derive(serde::Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub confirm: Option<String>,
}

fn csrf_ok(auth: &Auth, form: &CsrfForm) -> bool {
    auth.user.as_ref().is_some_and(|u| {
        !form.csrf.is_empty()
            && u.csrf.len() == form.csrf.len()
            && u.csrf
                .bytes()
                .zip(form.csrf.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0
    })
}

/// POST /auth/logout: end the session (its cookie is then worthless even
/// if replayed) and clear the cookie.
pub async fn logout(
    State(state): State<AppState>,
    axum::Extension(auth): axum::Extension<Auth>,
    Form(form): Form<CsrfForm>,
) -> Response {
    if !csrf_ok(&auth, &form) {
        return (StatusCode::FORBIDDEN, "missing or wrong CSRF token").into_response();
    }
    if let (Some(token), Some(user)) = (auth.token.clone(), auth.user.clone()) {
        let store = state.access.store.clone();
        let address = auth.address.clone();
        let _ = tokio::task::spawn_blocking(move || {
            store.end_session(&token)?;
            store.audit(&user.username, "sign-out", "", "", &address)
        })
        .await;
    }
    let mut resp = Redirect::to("/login").into_response();
    resp.headers_mut().append(
        header::SET_COOKIE,
        session_cookie("", Some(0), state.access.secure_cookies),
    );
    resp
}

/// POST /trial/{id}/decode: a DSMB member's confirmed decode of the coded
/// groups, recorded and audited; the statistician sees it in the audit
/// trail.
pub async fn decode(
    State(state): State<AppState>,
    Path(trial): Path<String>,
    axum::Extension(auth): axum::Extension<Auth>,
    Form(form): Form<CsrfForm>,
) -> Response {
    if !csrf_ok(&auth, &form) {
        return (StatusCode::FORBIDDEN, "missing or wrong CSRF token").into_response();
    }
    let Some(user) = auth.user.clone() else {
        return (StatusCode::UNAUTHORIZED, "sign in first").into_response();
    };
    if state.catalog.trial(&trial).is_none() || auth.role_on(&trial) != Some(Role::Dsmb) {
        return (
            StatusCode::FORBIDDEN,
            "only a DSMB member of this trial decodes it",
        )
            .into_response();
    }
    if form.confirm.as_deref() != Some("yes") {
        return Redirect::to(&format!("/trial/{trial}/decode")).into_response();
    }
    let store = state.access.store.clone();
    let address = auth.address.clone();
    let t = trial.clone();
    let done = tokio::task::spawn_blocking(move || {
        store.record_decode(user.id, &t)?;
        store.audit(
            &user.username,
            "decode",
            &t,
            "decoded the arm groups",
            &address,
        )
    })
    .await;
    match done {
        Ok(Ok(_)) => Redirect::to(&format!("/trial/{trial}")).into_response(),
        _ => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "the decode was not recorded",
        )
            .into_response(),
    }
}

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
