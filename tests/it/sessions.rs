//! Sessions tested as an attacker would: replayed, expired and forged
//! cookies, cross-origin posts, missing CSRF tokens, throttled sign-ins and
//! the security headers.

use crate::helpers::{csrf, get, post, send, sign_in, state, PASSWORD};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};

/// Sessions: a cookie replayed after sign-out, an expired session, a forged
/// token, cross-origin posts and a missing CSRF token are all refused.
#[test]
fn ended_expired_forged_and_cross_origin_requests_are_refused() {
    crate::helpers::block_on(ended_expired_forged_and_cross_origin_requests_are_refused_body());
}

async fn ended_expired_forged_and_cross_origin_requests_are_refused_body() {
    let state = state();
    // Sign-out ends the session server-side: the old cookie is worthless.
    let m = sign_in(&state, "member").await;
    let token = csrf(&state, &m).await;
    let r = send(&state, post("/auth/logout", Some(&m), "csrf=wrong")).await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "sign-out needs the CSRF token"
    );
    let r = send(
        &state,
        post("/auth/logout", Some(&m), &format!("csrf={token}")),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .contains("Max-Age=0"));
    let r = send(
        &state,
        post("/api/get_arm_enrollment", Some(&m), "trial=altshock2"),
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::UNAUTHORIZED,
        "replayed cookie after sign-out"
    );
    let r = send(&state, get("/trial/altshock2", Some(&m))).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);

    // Idle for longer than the timeout.
    let s = sign_in(&state, "stat").await;
    state
        .access
        .store
        .age_session(&s, dsmb::server::store::IDLE_TIMEOUT_SECS + 1)
        .unwrap();
    let r = send(&state, post("/api/get_me", Some(&s), "")).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "expired session");

    // A forged token.
    let forged = "ab".repeat(32);
    let r = send(&state, post("/api/get_me", Some(&forged), "")).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);

    // A state change posted from another site.
    let live = sign_in(&state, "member").await;
    let token = csrf(&state, &live).await;
    let cross = Request::post("/trial/altshock2/decode")
        .header(header::HOST, "localhost")
        .header(header::ORIGIN, "https://evil.example")
        .header(header::COOKIE, format!("dsmb_session={live}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("confirm=yes&csrf={token}")))
        .unwrap();
    assert_eq!(send(&state, cross).await.status, StatusCode::FORBIDDEN);
    let fetch_cross = Request::post("/api/get_arm_enrollment")
        .header(header::HOST, "localhost")
        .header("sec-fetch-site", "cross-site")
        .header(header::COOKIE, format!("dsmb_session={live}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("trial=altshock2"))
        .unwrap();
    assert_eq!(
        send(&state, fetch_cross).await.status,
        StatusCode::FORBIDDEN
    );
    // An opaque origin is accepted only with same-origin Fetch Metadata.
    for (site, want) in [
        ("cross-site", StatusCode::FORBIDDEN),
        ("same-origin", StatusCode::OK),
    ] {
        let req = Request::post("/api/get_me")
            .header(header::HOST, "localhost")
            .header(header::ORIGIN, "null")
            .header("sec-fetch-site", site)
            .header(header::COOKIE, format!("dsmb_session={live}"))
            .body(Body::empty())
            .unwrap();
        assert_eq!(send(&state, req).await.status, want, "Origin null, {site}");
    }
    // Sign-in from another site (login CSRF).
    let r = send(
        &state,
        Request::post("/auth/login")
            .header(header::HOST, "localhost")
            .header(header::ORIGIN, "https://evil.example")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from("username=member&password=x"))
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A redirect target off the site is ignored.
    let r = send(
        &state,
        post(
            "/auth/login",
            None,
            &format!(
                "username=stat&password={}&next=//evil.example/",
                PASSWORD.replace(' ', "+")
            ),
        ),
    )
    .await;
    assert_eq!(r.headers[header::LOCATION], "/");
    // A disabled user's session ends at once.
    let sp = sign_in(&state, "sponsor").await;
    state.access.store.set_disabled("sponsor", true).unwrap();
    let r = send(&state, post("/api/get_me", Some(&sp), "")).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

/// Failed sign-ins are throttled per account (and audited), even for the
/// right password once the limit is reached.
#[test]
fn failed_sign_ins_are_throttled_and_audited() {
    crate::helpers::block_on(failed_sign_ins_are_throttled_and_audited_body());
}

async fn failed_sign_ins_are_throttled_and_audited_body() {
    let state = state();
    let try_login = |password: &'static str| {
        post(
            "/auth/login",
            None,
            &format!("username=member&password={}", password.replace(' ', "+")),
        )
    };
    for _ in 0..dsmb::server::web::access::MAX_FAILURES_PER_ACCOUNT {
        let r = send(&state, try_login("wrong password here")).await;
        assert!(r.headers[header::LOCATION]
            .to_str()
            .unwrap()
            .contains("error=failed"));
    }
    let r = send(&state, try_login(PASSWORD)).await;
    let loc = r.headers[header::LOCATION].to_str().unwrap();
    assert!(loc.contains("error=throttled"), "{loc}");
    assert!(r.headers.get(header::SET_COOKIE).is_none());
    let failed = state
        .access
        .store
        .audit_entries(Some("member"), Some("sign-in-failed"), None, 100)
        .unwrap();
    assert_eq!(
        failed.len(),
        dsmb::server::web::access::MAX_FAILURES_PER_ACCOUNT
    );
    // Another account from the same address is not locked out by these.
    sign_in(&state, "stat").await;
}

/// Security headers on pages, server functions and static files; page
/// scripts carry the nonce the policy names.
#[test]
fn responses_carry_the_security_headers() {
    crate::helpers::block_on(responses_carry_the_security_headers_body());
}

async fn responses_carry_the_security_headers_body() {
    let state = state();
    let t = sign_in(&state, "stat").await;
    for req in [
        get("/login", None),
        get("/trial/altshock2", Some(&t)),
        post("/api/get_me", Some(&t), ""),
        get("/favicon.ico", None),
    ] {
        let what = req.uri().to_string();
        let r = send(&state, req).await;
        let csp = r
            .headers
            .get(header::CONTENT_SECURITY_POLICY)
            .unwrap_or_else(|| panic!("{what}: {} without a policy", r.status))
            .to_str()
            .unwrap()
            .to_string();
        assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
        assert!(
            !csp.contains("http"),
            "{what}: no third-party origin in {csp}"
        );
        assert_eq!(
            r.headers[header::X_CONTENT_TYPE_OPTIONS],
            "nosniff",
            "{what}"
        );
        assert_eq!(r.headers[header::REFERRER_POLICY], "same-origin", "{what}");
        assert_eq!(r.headers[header::X_FRAME_OPTIONS], "DENY", "{what}");
        if what.starts_with("/trial") || what.starts_with("/login") {
            let nonce = csp
                .split("'nonce-")
                .nth(1)
                .and_then(|s| s.split('\'').next())
                .unwrap_or_else(|| panic!("{what}: a page policy with a nonce: {csp}"));
            assert!(
                r.body.contains(&format!("nonce=\"{nonce}\"")),
                "{what}: scripts carry the nonce"
            );
        }
    }
    // Oversized bodies are refused.
    let big = "x".repeat(dsmb::server::web::BODY_LIMIT + 1);
    let mut req = post("/api/get_audit", Some(&t), &big);
    req.headers_mut()
        .insert(header::CONTENT_LENGTH, big.len().into());
    let r = send(&state, req).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
}

fn login_form(username: &str, password: &str, next: &str) -> Request<Body> {
    let enc = |s: &str| -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect()
    };
    post(
        "/auth/login",
        None,
        &format!(
            "username={}&password={}&next={}",
            enc(username),
            enc(password),
            enc(next)
        ),
    )
}

/// Guesses sent at once cannot pass the limit: each attempt is counted
/// before its password is checked, so of 32 concurrent wrong passwords for
/// one account at most the limit are checked at all.
#[test]
fn concurrent_guesses_cannot_pass_the_limit() {
    crate::helpers::block_on(async {
        let state = state();
        let guesses: Vec<_> = (0..32)
            .map(|i| {
                let app = state.clone();
                tokio::spawn(async move {
                    send(
                        &app,
                        login_form("member", &format!("wrong password {i:02}"), "/"),
                    )
                    .await
                })
            })
            .collect();
        let mut throttled = 0;
        for g in guesses {
            let r = g.await.unwrap();
            if r.headers[header::LOCATION]
                .to_str()
                .unwrap()
                .contains("error=throttled")
            {
                throttled += 1;
            }
        }
        let checked = state
            .access
            .store
            .audit_entries(Some("member"), Some("sign-in-failed"), None, 100)
            .unwrap()
            .len();
        let limit = dsmb::server::web::access::MAX_FAILURES_PER_ACCOUNT;
        assert!(
            checked <= limit,
            "{checked} passwords checked, limit {limit}"
        );
        assert_eq!(checked + throttled, 32);
    });
}

/// Oversized input is refused before any work: a 1 MB username gets a 400
/// and leaves nothing behind, neither in the audit trail nor the throttle.
#[test]
fn an_oversized_username_or_password_is_refused_and_nothing_is_stored() {
    crate::helpers::block_on(async {
        let state = state();
        let before = state
            .access
            .store
            .audit_entries(None, None, None, 1000)
            .unwrap()
            .len();
        for (u, p) in [
            ("a".repeat(1 << 20), "x".to_string()),
            ("a".repeat(65), "x".to_string()),
            ("member".to_string(), "p".repeat(1025)),
        ] {
            let r = send(&state, login_form(&u, &p, "/")).await;
            assert_eq!(
                r.status,
                StatusCode::BAD_REQUEST,
                "{} bytes",
                u.len() + p.len()
            );
            assert!(r.body.contains("at most"), "{}", r.body);
        }
        let after = state
            .access
            .store
            .audit_entries(None, None, None, 1000)
            .unwrap()
            .len();
        assert_eq!(before, after, "an oversized sign-in was audited");
        assert_eq!(state.access.throttle.lock().unwrap().tracked(), 0);
    });
}

/// After sign-in the browser goes only to a path of this site: every way
/// of smuggling another host into `next` lands on `/`.
#[test]
fn sign_in_never_redirects_to_another_site() {
    crate::helpers::block_on(async {
        let state = state();
        for next in [
            "/\t/evil.example/",
            "/%09/evil.example/",
            "//evil.example/",
            "/\\evil.example/",
            "\\\\evil.example/",
            "https://evil.example/",
            "/ /evil.example",
            "/\n/evil.example",
        ] {
            let r = send(&state, login_form("member", PASSWORD, next)).await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{next:?}");
            assert_eq!(r.headers[header::LOCATION], "/", "{next:?}");
        }
        let r = send(
            &state,
            login_form("member", PASSWORD, "/trial/altshock2/safety?cut=2023-09-30"),
        )
        .await;
        assert_eq!(
            r.headers[header::LOCATION],
            "/trial/altshock2/safety?cut=2023-09-30"
        );
    });
}

/// Signing in starts a new session and ends the one the browser had; a
/// user holds at most a few live sessions, the oldest ending first.
#[test]
fn signing_in_rotates_the_session_and_bounds_a_users_sessions() {
    crate::helpers::block_on(async {
        let state = state();
        let first = sign_in(&state, "member").await;
        // Signing in again from the same browser ends its old session.
        let mut req = login_form("member", PASSWORD, "/");
        req.headers_mut().insert(
            header::COOKIE,
            format!("dsmb_session={first}").parse().unwrap(),
        );
        let r = send(&state, req).await;
        let second = r.headers[header::SET_COOKIE].to_str().unwrap().to_string();
        assert!(!second.contains(&first));
        let r = send(&state, post("/api/get_me", Some(&first), "")).await;
        assert_eq!(
            r.status,
            StatusCode::UNAUTHORIZED,
            "the old session still works"
        );
        let limit = dsmb::server::store::sessions::MAX_SESSIONS_PER_USER;
        let mut tokens = Vec::new();
        for _ in 0..limit + 2 {
            tokens.push(sign_in(&state, "member").await);
        }
        let live = |t: &String| {
            let state = state.clone();
            let t = t.clone();
            async move { send(&state, post("/api/get_me", Some(&t), "")).await.status == StatusCode::OK }
        };
        let mut alive = Vec::new();
        for t in &tokens {
            alive.push(live(t).await);
        }
        assert_eq!(alive.iter().filter(|a| **a).count(), limit, "{alive:?}");
        assert!(
            alive[tokens.len() - limit..].iter().all(|a| *a),
            "the newest are live"
        );
    });
}

/// Under `--secure-cookies` the session cookie is `__Host-` and Secure, and
/// it is the one the server reads.
#[test]
fn a_secure_server_names_its_cookie_host_only() {
    crate::helpers::block_on(async {
        let state = crate::helpers::app_secure();
        let r = send(&state, login_form("member", PASSWORD, "/")).await;
        let cookie = r.headers[header::SET_COOKIE].to_str().unwrap().to_string();
        assert!(
            cookie.starts_with("__Host-dsmb_session=") && cookie.contains("; Secure"),
            "{cookie}"
        );
        let token = cookie
            .split(';')
            .next()
            .unwrap()
            .split_once('=')
            .unwrap()
            .1
            .to_string();
        let mut req = post("/api/get_me", None, "");
        req.headers_mut().insert(
            header::COOKIE,
            format!("__Host-dsmb_session={token}").parse().unwrap(),
        );
        assert_eq!(send(&state, req).await.status, StatusCode::OK);
        let mut req = post("/api/get_me", None, "");
        req.headers_mut().insert(
            header::COOKIE,
            format!("dsmb_session={token}").parse().unwrap(),
        );
        assert_eq!(send(&state, req).await.status, StatusCode::UNAUTHORIZED);
    });
}
