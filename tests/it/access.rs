//! The access layer tested as an attacker would, without a socket
//! (`app(state).oneshot`): a role x endpoint matrix, and the coded groups
//! until a confirmed decode. The leak test over everything the sponsor can
//! reach is in `sponsor_leak.rs`, sessions in `sessions.rs`, the audit
//! chain in `audit.rs`.

use crate::helpers::{csrf, get, post, routes, send, sign_in, state};
use axum::http::{header, StatusCode};

#[derive(Clone, Copy, Debug)]
enum Who {
    Nobody,
    Sponsor,
    Member,
    Statistician,
    Outsider,
}

const OK: u16 = 200;
const SEE_OTHER: u16 = 303;
const BAD_REQUEST: u16 = 400;
const UNAUTHORIZED: u16 = 401;
const FORBIDDEN: u16 = 403;
const NOT_FOUND: u16 = 404;
const CONFLICT: u16 = 409;

/// Every route and server function the app has, and the status each kind of
/// caller must get. `another trial` rows ask for a trial the caller holds no
/// role on (the outsider's only trial is cdisc-pilot01).
#[test]
fn the_role_by_endpoint_matrix_holds() {
    crate::helpers::block_on(the_role_by_endpoint_matrix_holds_body());
}

async fn the_role_by_endpoint_matrix_holds_body() {
    let state = state();
    let mut tokens = std::collections::HashMap::new();
    for (who, name) in [
        ("sponsor", "sponsor"),
        ("member", "member"),
        ("stat", "stat"),
        ("outsider", "outsider"),
    ] {
        tokens.insert(who, sign_in(&state, name).await);
    }
    let token = |w: Who| -> Option<String> {
        match w {
            Who::Nobody => None,
            Who::Sponsor => Some(tokens["sponsor"].clone()),
            Who::Member => Some(tokens["member"].clone()),
            Who::Statistician => Some(tokens["stat"].clone()),
            Who::Outsider => Some(tokens["outsider"].clone()),
        }
    };
    use Who::*;
    // (method, path, body, [nobody, sponsor, member, statistician, outsider])
    #[rustfmt::skip]
    let matrix: Vec<(&str, &str, &str, [u16; 5])> = vec![
        ("GET", "/login", "", [OK, OK, OK, OK, OK]),
        ("GET", "/", "", [SEE_OTHER, OK, OK, OK, OK]),
        ("GET", "/trial/altshock2", "", [SEE_OTHER, OK, OK, OK, FORBIDDEN]),
        ("GET", "/trial/cdisc-pilot01", "", [SEE_OTHER, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK]),
        ("GET", "/trial/no-such-trial", "", [SEE_OTHER, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN]),
        ("GET", "/trial/altshock2/decode", "", [SEE_OTHER, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN]),
        ("GET", "/audit", "", [SEE_OTHER, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN]),
        ("GET", "/audit/export?format=csv", "", [SEE_OTHER, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN]),
        ("GET", "/disclosure", "", [SEE_OTHER, OK, OK, OK, OK]),
        ("GET", "/trial/altshock2/reviews", "", [SEE_OTHER, OK, OK, OK, FORBIDDEN]),
        ("GET", "/trial/cdisc-pilot01/reviews", "", [SEE_OTHER, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK]),
        ("GET", "/trial/altshock2/reviews/1", "", [SEE_OTHER, NOT_FOUND, NOT_FOUND, NOT_FOUND, FORBIDDEN]),
        ("POST", "/api/get_reviews", "trial=altshock2", [UNAUTHORIZED, OK, OK, OK, FORBIDDEN]),
        ("POST", "/api/get_reviews", "trial=cdisc-pilot01", [UNAUTHORIZED, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK]),
        ("POST", "/api/get_review", "trial=altshock2&id=1", [UNAUTHORIZED, NOT_FOUND, NOT_FOUND, NOT_FOUND, FORBIDDEN]),
        ("POST", "/api/get_standing", "trial=altshock2", [UNAUTHORIZED, OK, OK, OK, FORBIDDEN]),
        ("POST", "/api/get_standing", "trial=cdisc-pilot01", [UNAUTHORIZED, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK]),
        ("POST", "/api/get_standing", "trial=altshock2&cut=1999-01-01", [UNAUTHORIZED, NOT_FOUND, NOT_FOUND, NOT_FOUND, FORBIDDEN]),
        ("POST", "/api/get_since_review", "trial=altshock2", [UNAUTHORIZED, OK, OK, OK, FORBIDDEN]),
        ("POST", "/api/get_since_review", "trial=cdisc-pilot01", [UNAUTHORIZED, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK]),
        ("POST", "/api/get_since_review", "trial=altshock2&cut=2023-09-30&since=2022-06-30", [UNAUTHORIZED, OK, OK, OK, FORBIDDEN]),
        // A cut to compare with that is not an earlier good cut: 400.
        ("POST", "/api/get_since_review", "trial=altshock2&since=2024-12-31", [UNAUTHORIZED, BAD_REQUEST, BAD_REQUEST, BAD_REQUEST, FORBIDDEN]),
        // Only the statistician records a meeting; then the record exists
        // for closed roles, not yet for the sponsor (unsigned).
        ("POST", "/trial/altshock2/reviews", "csrf=CSRF&meeting_date=2025-01-15&cut_date=2024-12-31&recommendation=stop_futility&rationale=r", [UNAUTHORIZED, FORBIDDEN, FORBIDDEN, SEE_OTHER, FORBIDDEN]),
        ("POST", "/api/get_review", "trial=altshock2&id=1", [UNAUTHORIZED, NOT_FOUND, OK, OK, FORBIDDEN]),
        // Only the chair signs (the matrix's DSMB member is not the chair).
        ("POST", "/trial/altshock2/reviews/1/sign", "csrf=CSRF&approve=yes&password=x", [UNAUTHORIZED, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN]),
        // The report documents: only the statistician builds and releases;
        // a built report is the statistician's until released; the sponsor
        // never gets a closed one; a decoded one waits for the member's
        // decode (the decode row is further down).
        ("GET", "/trial/altshock2/reports", "", [SEE_OTHER, OK, OK, OK, FORBIDDEN]),
        ("GET", "/trial/cdisc-pilot01/reports", "", [SEE_OTHER, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK]),
        ("POST", "/api/get_reports", "trial=altshock2", [UNAUTHORIZED, OK, OK, OK, FORBIDDEN]),
        ("POST", "/api/get_reports", "trial=cdisc-pilot01", [UNAUTHORIZED, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK]),
        ("POST", "/trial/altshock2/reports", "csrf=CSRF&cut=2024-12-31&kind=open", [UNAUTHORIZED, FORBIDDEN, FORBIDDEN, SEE_OTHER, FORBIDDEN]),
        ("GET", "/trial/altshock2/reports/1/download", "", [SEE_OTHER, NOT_FOUND, NOT_FOUND, OK, FORBIDDEN]),
        ("POST", "/trial/altshock2/reports/1/release", "csrf=CSRF", [UNAUTHORIZED, FORBIDDEN, FORBIDDEN, SEE_OTHER, FORBIDDEN]),
        ("GET", "/trial/altshock2/reports/1/download?format=html", "", [SEE_OTHER, OK, OK, OK, FORBIDDEN]),
        ("POST", "/trial/altshock2/reports", "csrf=CSRF&cut=2024-12-31&kind=closed-coded", [UNAUTHORIZED, FORBIDDEN, FORBIDDEN, SEE_OTHER, FORBIDDEN]),
        ("POST", "/trial/altshock2/reports/2/release", "csrf=CSRF", [UNAUTHORIZED, FORBIDDEN, FORBIDDEN, SEE_OTHER, FORBIDDEN]),
        // A closed report is answered to the sponsor as one that does not
        // exist (its id tells nothing).
        ("GET", "/trial/altshock2/reports/2/download?format=html", "", [SEE_OTHER, NOT_FOUND, OK, OK, FORBIDDEN]),
        ("POST", "/trial/altshock2/reports", "csrf=CSRF&cut=2024-12-31&kind=closed", [UNAUTHORIZED, FORBIDDEN, FORBIDDEN, SEE_OTHER, FORBIDDEN]),
        ("POST", "/trial/altshock2/reports/3/release", "csrf=CSRF", [UNAUTHORIZED, FORBIDDEN, FORBIDDEN, SEE_OTHER, FORBIDDEN]),
        ("GET", "/trial/altshock2/reports/3/download?format=html", "", [SEE_OTHER, NOT_FOUND, FORBIDDEN, OK, FORBIDDEN]),
        ("GET", "/trial/altshock2/reports/99/download", "", [SEE_OTHER, NOT_FOUND, NOT_FOUND, NOT_FOUND, FORBIDDEN]),
        // A malformed form, a bad format or an id that is not a number:
        // the role is checked first (403 for those without it, whatever the
        // body), then the input (400); every one audited.
        ("POST", "/trial/altshock2/reports", "csrf=CSRF&kind=open", [UNAUTHORIZED, FORBIDDEN, FORBIDDEN, BAD_REQUEST, FORBIDDEN]),
        ("POST", "/trial/altshock2/reports/x/release", "csrf=CSRF", [UNAUTHORIZED, FORBIDDEN, FORBIDDEN, BAD_REQUEST, FORBIDDEN]),
        ("POST", "/trial/altshock2/reports/1/release", "%%%", [UNAUTHORIZED, FORBIDDEN, FORBIDDEN, BAD_REQUEST, FORBIDDEN]),
        ("GET", "/trial/altshock2/reports/x/download", "", [SEE_OTHER, BAD_REQUEST, BAD_REQUEST, BAD_REQUEST, FORBIDDEN]),
        ("GET", "/trial/altshock2/reports/1/download?format=docx", "", [SEE_OTHER, BAD_REQUEST, BAD_REQUEST, BAD_REQUEST, FORBIDDEN]),
        ("POST", "/trial/altshock2/reviews", "csrf=CSRF&rationale=r", [UNAUTHORIZED, FORBIDDEN, FORBIDDEN, BAD_REQUEST, FORBIDDEN]),
        ("POST", "/trial/altshock2/reviews/x/sign", "csrf=CSRF", [UNAUTHORIZED, FORBIDDEN, BAD_REQUEST, FORBIDDEN, FORBIDDEN]),
        ("POST", "/trial/altshock2/cuts/uploads/0123456789abcdef01234567/register", "nonsense=1", [UNAUTHORIZED, FORBIDDEN, FORBIDDEN, BAD_REQUEST, FORBIDDEN]),
        ("POST", "/trial/altshock2/cuts/uploads/0123456789abcdef01234567/discard", "nonsense=1", [UNAUTHORIZED, FORBIDDEN, FORBIDDEN, BAD_REQUEST, FORBIDDEN]),
        // A report kind or a cut that does not exist is the form's fault.
        ("POST", "/trial/altshock2/reports", "csrf=CSRF&cut=2024-12-31&kind=nonsense", [UNAUTHORIZED, FORBIDDEN, FORBIDDEN, BAD_REQUEST, FORBIDDEN]),
        ("POST", "/trial/altshock2/reports", "csrf=CSRF&cut=1999-01-01&kind=open", [UNAUTHORIZED, FORBIDDEN, FORBIDDEN, BAD_REQUEST, FORBIDDEN]),
        ("GET", "/trial/altshock2/safety", "", [SEE_OTHER, OK, OK, OK, FORBIDDEN]),
        ("GET", "/trial/cdisc-pilot01/safety", "", [SEE_OTHER, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK]),
        ("GET", "/trial/altshock2/efficacy", "", [SEE_OTHER, FORBIDDEN, OK, OK, FORBIDDEN]),
        ("GET", "/trial/cdisc-pilot01/efficacy", "", [SEE_OTHER, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK]),
        ("GET", "/trial/altshock2/cuts", "", [SEE_OTHER, FORBIDDEN, OK, OK, FORBIDDEN]),
        ("POST", "/api/get_cuts", "trial=altshock2", [UNAUTHORIZED, FORBIDDEN, OK, OK, FORBIDDEN]),
        // Uploads of data cuts are the statistician's (and each upload its
        // sender's: another's, or none, is a 404); a form that is not a
        // multipart upload is a 400; the sponsor sees only cut dates.
        ("POST", "/api/get_uploads", "trial=altshock2", [UNAUTHORIZED, FORBIDDEN, OK, OK, FORBIDDEN]),
        ("POST", "/api/get_uploads", "trial=cdisc-pilot01", [UNAUTHORIZED, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK]),
        ("POST", "/api/get_upload", "trial=altshock2&id=0123456789abcdef01234567", [UNAUTHORIZED, FORBIDDEN, FORBIDDEN, NOT_FOUND, FORBIDDEN]),
        ("GET", "/trial/altshock2/cuts/uploads/0123456789abcdef01234567", "", [SEE_OTHER, FORBIDDEN, FORBIDDEN, NOT_FOUND, FORBIDDEN]),
        ("POST", "/trial/altshock2/cuts", "csrf=CSRF", [UNAUTHORIZED, FORBIDDEN, FORBIDDEN, BAD_REQUEST, FORBIDDEN]),
        ("POST", "/trial/cdisc-pilot01/cuts", "csrf=CSRF", [UNAUTHORIZED, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN]),
        ("POST", "/trial/altshock2/cuts/uploads/0123456789abcdef01234567/register", "csrf=CSRF", [UNAUTHORIZED, FORBIDDEN, FORBIDDEN, NOT_FOUND, FORBIDDEN]),
        ("POST", "/trial/altshock2/cuts/uploads/0123456789abcdef01234567/discard", "csrf=CSRF", [UNAUTHORIZED, FORBIDDEN, FORBIDDEN, NOT_FOUND, FORBIDDEN]),
        ("POST", "/api/get_open_safety", "trial=altshock2", [UNAUTHORIZED, OK, OK, OK, FORBIDDEN]),
        ("POST", "/api/get_safety", "trial=altshock2", [UNAUTHORIZED, OK, OK, OK, FORBIDDEN]),
        ("POST", "/api/get_safety", "trial=cdisc-pilot01", [UNAUTHORIZED, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK]),
        ("POST", "/api/get_closed_safety", "trial=altshock2", [UNAUTHORIZED, FORBIDDEN, OK, OK, FORBIDDEN]),
        ("POST", "/api/get_closed_safety", "trial=cdisc-pilot01", [UNAUTHORIZED, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK]),
        ("POST", "/api/get_efficacy", "trial=altshock2", [UNAUTHORIZED, FORBIDDEN, OK, OK, FORBIDDEN]),
        ("POST", "/api/get_efficacy", "trial=cdisc-pilot01", [UNAUTHORIZED, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK]),
        ("POST", "/api/get_me", "", [UNAUTHORIZED, OK, OK, OK, OK]),
        ("POST", "/api/get_enrollment", "trial=altshock2", [UNAUTHORIZED, OK, OK, OK, FORBIDDEN]),
        ("POST", "/api/get_enrollment", "trial=cdisc-pilot01", [UNAUTHORIZED, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK]),
        ("POST", "/api/get_arm_enrollment", "trial=altshock2", [UNAUTHORIZED, FORBIDDEN, OK, OK, FORBIDDEN]),
        ("POST", "/api/get_baseline", "trial=altshock2", [UNAUTHORIZED, OK, OK, OK, FORBIDDEN]),
        ("POST", "/api/get_baseline", "trial=cdisc-pilot01", [UNAUTHORIZED, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK]),
        ("POST", "/api/get_adverse_events", "trial=altshock2", [UNAUTHORIZED, OK, OK, OK, FORBIDDEN]),
        ("POST", "/api/get_adverse_events", "trial=altshock2&category=serious", [UNAUTHORIZED, OK, OK, OK, FORBIDDEN]),
        ("POST", "/api/get_adverse_events", "trial=cdisc-pilot01&category=fatal", [UNAUTHORIZED, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK]),
        // An unknown category is the request's fault: 400 for anyone signed in.
        ("POST", "/api/get_adverse_events", "trial=altshock2&category=nonsense", [UNAUTHORIZED, BAD_REQUEST, BAD_REQUEST, BAD_REQUEST, BAD_REQUEST]),
        ("POST", "/api/get_deaths", "trial=altshock2", [UNAUTHORIZED, OK, OK, OK, FORBIDDEN]),
        ("POST", "/api/get_deaths", "trial=cdisc-pilot01&page=2", [UNAUTHORIZED, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK]),
        // The laboratory section: pooled for the sponsor, by group for
        // closed roles; a lab profile is closed, and only of a subject in
        // the Hy's law range (else 404).
        ("POST", "/api/get_labs", "trial=altshock2", [UNAUTHORIZED, OK, OK, OK, FORBIDDEN]),
        ("POST", "/api/get_labs", "trial=altshock2&cut=2022-06-30&page=2", [UNAUTHORIZED, OK, OK, OK, FORBIDDEN]),
        ("POST", "/api/get_labs", "trial=cdisc-pilot01", [UNAUTHORIZED, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK]),
        ("POST", "/api/get_lab_profile", "trial=altshock2&usubjid=ALTSHOCK2-02-001", [UNAUTHORIZED, FORBIDDEN, OK, OK, FORBIDDEN]),
        ("POST", "/api/get_lab_profile", "trial=altshock2&usubjid=ALTSHOCK2-01-001", [UNAUTHORIZED, FORBIDDEN, OK, OK, FORBIDDEN]),
        ("POST", "/api/get_lab_profile", "trial=altshock2&usubjid=ALTSHOCK2-99-999", [UNAUTHORIZED, FORBIDDEN, NOT_FOUND, NOT_FOUND, FORBIDDEN]),
        ("POST", "/api/get_lab_profile", "trial=altshock2&usubjid=", [UNAUTHORIZED, BAD_REQUEST, BAD_REQUEST, BAD_REQUEST, BAD_REQUEST]),
        ("GET", "/trial/altshock2/lab-profile?subject=ALTSHOCK2-02-001", "", [SEE_OTHER, FORBIDDEN, OK, OK, FORBIDDEN]),
        ("GET", "/trial/altshock2/lab-profile?subject=ALTSHOCK2-01-001", "", [SEE_OTHER, FORBIDDEN, OK, OK, FORBIDDEN]),
        ("GET", "/trial/altshock2/lab-profile?subject=ALTSHOCK2-99-999", "", [SEE_OTHER, FORBIDDEN, NOT_FOUND, NOT_FOUND, FORBIDDEN]),
        ("POST", "/api/get_conduct", "trial=altshock2", [UNAUTHORIZED, OK, OK, OK, FORBIDDEN]),
        ("POST", "/api/get_conduct", "trial=cdisc-pilot01", [UNAUTHORIZED, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK]),
        ("POST", "/api/get_disposition", "trial=altshock2", [UNAUTHORIZED, OK, OK, OK, FORBIDDEN]),
        ("POST", "/api/get_disposition", "trial=cdisc-pilot01", [UNAUTHORIZED, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK]),
        ("POST", "/api/get_arm_enrollment", "trial=cdisc-pilot01", [UNAUTHORIZED, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK]),
        ("POST", "/api/get_audit", "", [UNAUTHORIZED, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN]),
        ("POST", "/api/get_disclosure", "", [UNAUTHORIZED, OK, OK, OK, OK]),
        ("POST", "/api/get_decode", "trial=altshock2", [UNAUTHORIZED, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN]),
        ("POST", "/api/get_decode", "trial=cdisc-pilot01", [UNAUTHORIZED, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK]),
        ("POST", "/api/get_enrollment", "trial=altshock2&cut=1999-01-01", [UNAUTHORIZED, NOT_FOUND, NOT_FOUND, NOT_FOUND, FORBIDDEN]),
        // A cut that is not a date is bad input, read at the edge; a trial
        // identifier that is not one is refused as an unknown trial is.
        ("POST", "/api/get_enrollment", "trial=altshock2&cut=2024-1-05", [UNAUTHORIZED, BAD_REQUEST, BAD_REQUEST, BAD_REQUEST, FORBIDDEN]),
        ("POST", "/api/get_safety", "trial=altshock2&cut=..%2F2024-12-31", [UNAUTHORIZED, BAD_REQUEST, BAD_REQUEST, BAD_REQUEST, FORBIDDEN]),
        ("POST", "/api/get_standing", "trial=alt+shock2", [UNAUTHORIZED, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN]),
        ("POST", "/trial/alt%20shock2/decode", "confirm=yes&csrf=CSRF", [UNAUTHORIZED, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN]),
        // The demo's trial.toml declares look 1 at this cut already.
        ("POST", "/trial/altshock2/looks", "look=1&cut=2024-12-31&csrf=CSRF", [UNAUTHORIZED, FORBIDDEN, FORBIDDEN, CONFLICT, FORBIDDEN]),
        ("POST", "/trial/cdisc-pilot01/looks", "look=1&cut=2015-03-05&csrf=CSRF", [UNAUTHORIZED, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN]),
        ("POST", "/trial/altshock2/decode", "confirm=yes&csrf=CSRF", [UNAUTHORIZED, FORBIDDEN, SEE_OTHER, FORBIDDEN, FORBIDDEN]),
        ("POST", "/trial/cdisc-pilot01/decode", "confirm=yes&csrf=CSRF", [UNAUTHORIZED, FORBIDDEN, FORBIDDEN, FORBIDDEN, SEE_OTHER]),
        // A failed sign-in is a redirect back to the form, for anyone.
        ("POST", "/auth/login", "username=member&password=wrong", [SEE_OTHER, SEE_OTHER, SEE_OTHER, SEE_OTHER, SEE_OTHER]),
        // Last: signing out ends the callers' sessions.
        ("POST", "/auth/logout", "csrf=CSRF", [UNAUTHORIZED, SEE_OTHER, SEE_OTHER, SEE_OTHER, SEE_OTHER]),
    ];
    // The matrix covers every server function the app registers and every
    // page route and form handler it has.
    let registered: std::collections::BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(p, _)| p.to_string())
        .collect();
    let covered: std::collections::BTreeSet<String> = matrix
        .iter()
        .filter(|r| r.1.starts_with("/api/"))
        .map(|r| r.1.to_string())
        .collect();
    assert_eq!(
        registered, covered,
        "server functions without a row in the matrix"
    );
    let pattern = |p: &str| {
        let p = p.split('?').next().unwrap_or(p);
        p.split('/')
            .map(|seg| match seg {
                "altshock2" | "cdisc-pilot01" | "no-such-trial" => "{id}",
                s if s.parse::<u32>().is_ok() => "{n}",
                s if s.len() == 24 && s.bytes().all(|b| b.is_ascii_hexdigit()) => "{upload}",
                s => s,
            })
            .collect::<Vec<_>>()
            .join("/")
    };
    let pages: std::collections::BTreeSet<String> =
        routes().iter().map(|r| r.path().to_string()).collect();
    // Downloads (a report, the audit trail's export) are GET handlers, not
    // pages.
    let download = |p: &str| {
        let path = p.split('?').next().unwrap_or(p);
        path.ends_with("/download") || path == "/audit/export"
    };
    let covered_pages: std::collections::BTreeSet<String> = matrix
        .iter()
        .filter(|r| r.0 == "GET" && !download(r.1))
        .map(|r| pattern(r.1))
        .collect();
    assert_eq!(
        pages, covered_pages,
        "page routes without a row in the matrix"
    );
    let forms = [
        "/auth/login",
        "/auth/logout",
        "/trial/{id}/decode",
        "/trial/{id}/looks",
        "/trial/{id}/reviews",
        "/trial/{id}/reviews/{n}/sign",
        "/trial/{id}/reports",
        "/trial/{id}/reports/{n}/release",
        "/trial/{id}/cuts",
        "/trial/{id}/cuts/uploads/{upload}/register",
        "/trial/{id}/cuts/uploads/{upload}/discard",
    ];
    for f in forms {
        assert!(
            matrix.iter().any(|r| r.0 == "POST" && pattern(r.1) == f),
            "form handler {f} has no row"
        );
    }
    assert!(
        matrix.iter().any(|r| r.0 == "GET"
            && pattern(r.1.split('?').next().unwrap()) == "/trial/{id}/reports/{n}/download"),
        "the download handler has no row"
    );
    let refusals = || {
        state
            .access
            .store
            .audit_entries(None, Some("refused"), None, 1_000_000)
            .unwrap()
            .len()
    };
    let mut failures = Vec::new();
    let mut cells = 0;
    for (method, path, body, want) in &matrix {
        for (i, who) in [Nobody, Sponsor, Member, Statistician, Outsider]
            .iter()
            .enumerate()
        {
            let t = token(*who);
            let body = if body.contains("CSRF") {
                match &t {
                    Some(t) => body.replace("CSRF", &csrf(&state, t).await),
                    None => body.replace("CSRF", "x"),
                }
            } else {
                body.to_string()
            };
            let req = if *method == "GET" {
                get(path, t.as_deref())
            } else {
                post(path, t.as_deref(), &body)
            };
            let before = refusals();
            let r = send(&state, req).await;
            cells += 1;
            if r.status.as_u16() != want[i] {
                failures.push(format!(
                    "{method} {path} as {who:?}: {} (want {})",
                    r.status, want[i]
                ));
            }
            // Every refusal leaves exactly one audit entry; nothing else
            // leaves a refusal.
            // A bad form or download request is refused and audited too
            // (the server functions' 400s are the next issue's).
            let refused = matches!(want[i], UNAUTHORIZED | FORBIDDEN | NOT_FOUND | CONFLICT)
                || (want[i] == BAD_REQUEST && !path.starts_with("/api/"))
                || (want[i] == SEE_OTHER && matches!(who, Nobody) && *method == "GET");
            let entries = refusals() - before;
            if entries != usize::from(refused) {
                failures.push(format!(
                    "{method} {path} as {who:?}: {entries} refusal entries (want {})",
                    usize::from(refused)
                ));
            }
            if want[i] == SEE_OTHER && matches!(who, Nobody) {
                let loc = r
                    .headers
                    .get(header::LOCATION)
                    .map(|v| v.to_str().unwrap().to_string());
                assert!(
                    loc.as_deref().is_some_and(|l| l.starts_with("/login")),
                    "{path}: {loc:?}"
                );
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    eprintln!(
        "access matrix: {} rows x 5 callers = {cells} requests, covering {} of {} server functions, {} of {} page routes, {} of {} form handlers",
        matrix.len(),
        covered.len(),
        registered.len(),
        covered_pages.len(),
        pages.len(),
        forms.len(),
        forms.len()
    );
}

/// A DSMB member sees coded groups until a confirmed decode, which is
/// audited and which the statistician then sees in the audit trail.
#[test]
fn dsmb_groups_are_coded_until_a_confirmed_decode() {
    crate::helpers::block_on(dsmb_groups_are_coded_until_a_confirmed_decode_body());
}

async fn dsmb_groups_are_coded_until_a_confirmed_decode_body() {
    let state = state();
    let m = sign_in(&state, "member").await;
    let r = send(
        &state,
        post("/api/get_arm_enrollment", Some(&m), "trial=altshock2"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["coded"], true);
    let groups: Vec<&str> = v["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["group"].as_str().unwrap())
        .collect();
    assert_eq!(groups, ["Group A", "Group B"]);
    let counts: Vec<u64> = v["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["enrolled"].as_u64().unwrap())
        .collect();
    let mut sorted = counts.clone();
    sorted.sort();
    assert_eq!(sorted, [48, 53], "the final cut: 53 IABP, 48 SoC");
    for word in ["IABP", "SoC", "SOC"] {
        assert!(!r.body.contains(word), "coded answer names {word}");
    }
    // Without confirmation nothing happens; with a wrong token it is refused.
    let token = csrf(&state, &m).await;
    let r = send(
        &state,
        post(
            "/trial/altshock2/decode",
            Some(&m),
            &format!("csrf={token}"),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = send(
        &state,
        post("/trial/altshock2/decode", Some(&m), "confirm=yes&csrf=0000"),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let still: serde_json::Value = serde_json::from_str(
        &send(
            &state,
            post("/api/get_arm_enrollment", Some(&m), "trial=altshock2"),
        )
        .await
        .body,
    )
    .unwrap();
    assert_eq!(still["coded"], true);
    // The confirmed decode.
    let r = send(
        &state,
        post(
            "/trial/altshock2/decode",
            Some(&m),
            &format!("confirm=yes&csrf={token}"),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let after: serde_json::Value = serde_json::from_str(
        &send(
            &state,
            post("/api/get_arm_enrollment", Some(&m), "trial=altshock2"),
        )
        .await
        .body,
    )
    .unwrap();
    assert_eq!(after["coded"], false);
    assert!(after["decoded_at"].is_string());
    let names: Vec<&str> = after["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["group"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["SoC", "IABP + SoC"]);
    // The statistician sees the decode in the audit trail.
    let s = sign_in(&state, "stat").await;
    let r = send(
        &state,
        post("/api/get_audit", Some(&s), "query[action]=decode"),
    )
    .await;
    let page: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    let rows = page["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["username"], "member");
    assert_eq!(rows[0]["trial"], "altshock2");
    // The coding is stable: another member sees the same letters.
    let codes = state
        .access
        .store
        .arm_codes("altshock2", &["SOC".into(), "IABP".into()])
        .unwrap();
    assert_eq!(codes.len(), 2);
}
