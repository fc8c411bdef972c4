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
