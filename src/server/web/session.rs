//! Sessions of the web app: the HttpOnly cookie, the gate that sends every
//! request without a session to the sign-in page (pages) or answers 401
//! (server functions), CSRF checks on every state-changing request, and the
//! sign-in and sign-out handlers (throttled, audited). The view level of
//! any answer comes from the signed-in user's role on the trial, looked up
//! on the server, never from the request.

use super::access::{MAX_PASSWORD_BYTES, MAX_USERNAME_BYTES, VERIFY_WAIT};
use super::bad_input::bad_form;
use super::refusal;
use super::state::AppState;
use crate::dto::Role;
use crate::server::store::SessionUser;
use crate::server::store::{AuditAction, NewAudit};
use axum::extract::rejection::FormRejection;
use axum::extract::{ConnectInfo, Form, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use std::net::SocketAddr;

/// What the gate learned about a request; server functions and handlers
/// read it from the request's extensions.
#[derive(Clone, Debug)]
pub struct Auth {
    pub user: Option<SessionUser>,
    pub token: Option<String>,
    pub address: String,
}

impl Auth {
    /// The signed-in user's name, or empty for nobody (as the audit trail
    /// records a refusal of nobody).
    pub fn username(&self) -> &str {
        self.user
            .as_ref()
            .map(|u| u.username.as_str())
            .unwrap_or("")
    }

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
    let token = cookie(req.headers(), state.access.cookie_name())
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
    let path = req.uri().path().to_string();
    let what = format!("{} {path}", req.method());
    let username = user
        .as_ref()
        .map(|u| u.username.clone())
        .unwrap_or_default();
    let refuse = |status: StatusCode, why: &'static str| {
        let store = state.access.store.clone();
        let (username, address, what) = (username.clone(), address.clone(), what.clone());
        async move {
            refusal::record(&store, &username, &address, "", &what, status.as_u16(), why).await;
        }
    };
    if unsafe_method && !same_origin(req.headers()) {
        refuse(StatusCode::FORBIDDEN, "cross-origin request").await;
        return (StatusCode::FORBIDDEN, "cross-origin request refused").into_response();
    }
    if user.is_none() && !is_public(&path) {
        if path.starts_with("/api/") || unsafe_method {
            refuse(StatusCode::UNAUTHORIZED, "no session").await;
            return (StatusCode::UNAUTHORIZED, "sign in first").into_response();
        }
        refuse(StatusCode::SEE_OTHER, "no session: sent to sign in").await;
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

pub(super) fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A local path to go to after sign-in (never another site): it starts with
/// one `/` and holds no second `/` or `\\` at its start, no backslash, no
/// control character and no white space, which browsers drop or turn into
/// `/` (`/%09/evil.example/` would become `//evil.example/`).
fn safe_next(next: Option<&str>) -> String {
    let local = |n: &str| {
        n.starts_with('/')
            && !n.starts_with("//")
            && n.len() <= 2048
            && !n
                .chars()
                .any(|c| c == '\\' || c.is_control() || c.is_whitespace())
    };
    // Checked as given and once percent-decoded, so that an escaped tab or
    // slash cannot slip through a redirect that decodes it.
    let decoded = |n: &str| {
        let b = n.as_bytes();
        let mut out = Vec::with_capacity(b.len());
        let mut i = 0;
        while i < b.len() {
            let hex = |c: u8| (c as char).to_digit(16);
            match (
                b[i],
                b.get(i + 1).and_then(|c| hex(*c)),
                b.get(i + 2).and_then(|c| hex(*c)),
            ) {
                (b'%', Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                }
                (c, _, _) => {
                    out.push(c);
                    i += 1;
                }
            }
        }
        String::from_utf8_lossy(&out).into_owned()
    };
    match next {
        Some(n) if local(n) && local(&decoded(n)) => n.to_string(),
        _ => "/".into(),
    }
}

fn session_cookie(name: &str, value: &str, max_age: Option<i64>, secure: bool) -> HeaderValue {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict");
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

/// POST /auth/login: refuse oversized input (400) before any work, count
/// the attempt against the throttle before the password is checked, check
/// it (off the async runtime, at most a few at once), and start a session
/// whose sign-in is audited in the same transaction; every attempt is
/// audited. A session already on the request ends (the session rotates).
pub async fn login(
    State(state): State<AppState>,
    axum::Extension(auth): axum::Extension<Auth>,
    form: Result<Form<LoginForm>, FormRejection>,
) -> Response {
    let form = match form {
        Ok(Form(f)) => f,
        Err(e) => return bad_form(e.body_text()),
    };
    if form.username.len() > MAX_USERNAME_BYTES || form.password.len() > MAX_PASSWORD_BYTES {
        return (
            StatusCode::BAD_REQUEST,
            format!(
                "a username has at most {MAX_USERNAME_BYTES} bytes and a password at most {MAX_PASSWORD_BYTES}"
            ),
        )
            .into_response();
    }
    let access = state.access.clone();
    let address = auth.address.clone();
    let username = form.username.trim().to_string();
    let next = safe_next(form.next.as_deref());
    let store = access.store.clone();
    let allowed = access
        .throttle
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .begin(&username, &address);
    let audit = |action: AuditAction, detail: &'static str| {
        let (s, u, a) = (store.clone(), username.clone(), address.clone());
        async move {
            let written = tokio::task::spawn_blocking(move || {
                s.audit(NewAudit {
                    username: &u,
                    action,
                    trial: "",
                    detail,
                    address: &a,
                })
            })
            .await;
            if !matches!(written, Ok(Ok(_))) {
                tracing::error!("the {action} of a sign-in was not audited");
            }
        }
    };
    if !allowed {
        audit(AuditAction::SignInThrottled, "too many failed sign-ins").await;
        return Redirect::to(&format!("/login?error=throttled&next={}", urlencode(&next)))
            .into_response();
    }
    let permit =
        match tokio::time::timeout(VERIFY_WAIT, access.verifications.clone().acquire_owned()).await
        {
            Ok(Ok(p)) => p,
            _ => {
                access
                    .throttle
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .abandon(&username, &address);
                return (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "too many sign-ins at once; try again in a moment",
                )
                    .into_response();
            }
        };
    let (s, u, p) = (store.clone(), username.clone(), form.password.clone());
    let checked = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        s.authenticate(&u, &p)
    })
    .await;
    match checked {
        Ok(Ok(Some(id))) => {
            access
                .throttle
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .succeeded(&username, &address);
            let (s, u, a, old) = (store, username, address, auth.token.clone());
            let started = tokio::task::spawn_blocking(move || {
                if let Some(old) = old {
                    s.end_session(&old)?;
                }
                s.sign_in(id, &u, &a)
            })
            .await;
            let Ok(Ok(token)) = started else {
                return (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "the sign-in could not be recorded, so no session was started",
                )
                    .into_response();
            };
            let mut resp = Redirect::to(&next).into_response();
            resp.headers_mut().append(
                header::SET_COOKIE,
                session_cookie(access.cookie_name(), &token, None, access.secure_cookies),
            );
            resp
        }
        Ok(Ok(None)) => {
            audit(AuditAction::SignInFailed, "wrong username or password").await;
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
    /// Where to return after the action: a path of the same trial (checked
    /// by the handler that reads it).
    #[serde(default)]
    pub back: Option<String>,
}

pub(super) fn csrf_ok(auth: &Auth, form: &CsrfForm) -> bool {
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
    form: Result<Form<CsrfForm>, FormRejection>,
) -> Response {
    let form = match form {
        Ok(Form(f)) => f,
        Err(e) => return bad_form(e.body_text()),
    };
    if !csrf_ok(&auth, &form) {
        refusal::record(
            &state.access.store,
            auth.username(),
            &auth.address,
            "",
            "POST /auth/logout",
            403,
            "missing or wrong CSRF token",
        )
        .await;
        return (StatusCode::FORBIDDEN, "missing or wrong CSRF token").into_response();
    }
    if let (Some(token), Some(user)) = (auth.token.clone(), auth.user.clone()) {
        let store = state.access.store.clone();
        let address = auth.address.clone();
        // Ending the session is the safe direction: it ends even when its
        // audit entry cannot be written (which is logged).
        let ended = tokio::task::spawn_blocking(move || {
            store.end_session(&token)?;
            store.audit(NewAudit {
                username: &user.username,
                action: AuditAction::SignOut,
                trial: "",
                detail: "",
                address: &address,
            })
        })
        .await;
        if !matches!(ended, Ok(Ok(_))) {
            tracing::error!("a sign-out was not audited");
        }
    }
    let mut resp = Redirect::to("/login").into_response();
    resp.headers_mut().append(
        header::SET_COOKIE,
        session_cookie(
            state.access.cookie_name(),
            "",
            Some(0),
            state.access.secure_cookies,
        ),
    );
    resp
}
