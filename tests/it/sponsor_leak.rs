//! Everything the sponsor can reach, tampered requests included, carries
//! no arm data: every page, server function, form and download of both
//! demo trials at every cut, searched for arm codes, labels, coded groups
//! and by-arm keys (each page's random nonce left out).

use crate::helpers::{get, post, send, sign_in, state};
use axum::http::StatusCode;

/// Arm codes, labels, coded groups and by-arm keys of both demo trials.
pub const ARM_WORDS: [&str; 14] = [
    "IABP",
    "SOC",
    "SoC",
    "Placebo",
    "Xanomeline",
    "PBO",
    "HIGH",
    "LOW",
    "by_arm",
    "Group A",
    "Group B",
    "Group C",
    "\"groups\"",
    "Enrollment by arm",
];

/// The closed-only sections that compare groups beyond the primary
/// endpoint (issue 30): their headings, statistics and keys, in the page
/// and in the data.
pub const COMPARISON_WORDS: [&str; 14] = [
    "Secondary endpoints",
    "Difference in means",
    "Bayesian summaries",
    "P(benefit)",
    "\"bayes\"",
    "Benefit-risk",
    "Win ratio",
    "DOOR",
    "\"benefit_risk\"",
    "Adverse-event signals",
    "Flagged",
    "\"signals\":{",
    "\"ae_signals\"",
    "Finkelstein",
];

/// Everything the sponsor can reach, including tampered requests, carries
/// no arm data.
#[test]
fn nothing_the_sponsor_can_reach_carries_arm_data() {
    crate::helpers::block_on(nothing_the_sponsor_can_reach_carries_arm_data_body());
}

async fn nothing_the_sponsor_can_reach_carries_arm_data_body() {
    let state = state();
    // A signed meeting, so the sponsor's meeting views have something in
    // them; its closed minutes name an arm.
    let store = &state.access.store;
    store
        .set_chair("test", "test", "member", "altshock2")
        .unwrap();
    let meeting = dsmb::server::store::meetings::NewMeeting {
        meeting_date: dsmb::server::store::meetings::parse_date("2025-01-20", "").unwrap(),
        cut_date: dsmb::server::store::meetings::parse_date("2023-09-30", "").unwrap(),
        open_minutes: "Open session held".into(),
        closed_minutes: "IABP arm: more bleeding".into(),
        closed_attendees: "Group A statistician".into(),
        recommendation: dsmb::server::store::Recommendation::Continue,
        rationale: "SoC doing better".into(),
        ..Default::default()
    };
    let id = store
        .add_meeting("stat", "test", "altshock2", &meeting)
        .unwrap();
    store
        .sign_meeting("member", crate::helpers::PASSWORD, "test", "altshock2", id)
        .unwrap()
        .unwrap();
    // Released reports: an open one (the sponsor's) and a closed one. The
    // open report's "previous meeting" is the signed meeting above.
    let stat = sign_in(&state, "stat").await;
    for kind in ["open", "closed"] {
        let body = format!(
            "csrf={}&cut=2024-12-31&kind={kind}",
            crate::helpers::csrf(&state, &stat).await
        );
        let r = send(&state, post("/trial/altshock2/reports", Some(&stat), &body)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    for report in [1, 2] {
        let body = format!("csrf={}", crate::helpers::csrf(&state, &stat).await);
        let path = format!("/trial/altshock2/reports/{report}/release");
        let r = send(&state, post(&path, Some(&stat), &body)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    let t = sign_in(&state, "sponsor").await;
    let requests = vec![
        get("/trial/altshock2/reports", Some(&t)),
        post("/api/get_reports", Some(&t), "trial=altshock2"),
        get("/trial/altshock2/reports/1/download?format=html", Some(&t)),
        get("/trial/altshock2/reports/2/download?format=html", Some(&t)),
        get(
            "/trial/altshock2/reports/2/download?format=html&role=statistician",
            Some(&t),
        ),
        // The forms and downloads as a sponsor forges them (malformed,
        // ids that are not numbers): refused for the role, nothing leaks.
        get("/trial/altshock2/reports/x/download?format=html", Some(&t)),
        get("/trial/altshock2/reports/2/download?format=docx", Some(&t)),
        post("/trial/altshock2/reports", Some(&t), "%%%"),
        post(
            "/trial/altshock2/reports/2/release",
            Some(&t),
            "kind=closed",
        ),
        post("/trial/altshock2/reviews", Some(&t), "amends=1"),
        post(
            &format!("/trial/altshock2/reviews/{id}/sign"),
            Some(&t),
            "x",
        ),
        post("/trial/altshock2/decode", Some(&t), "confirm=yes"),
        post(
            "/trial/altshock2/cuts/uploads/0123456789abcdef01234567/register",
            Some(&t),
            "=",
        ),
        get("/trial/altshock2/reviews", Some(&t)),
        get(&format!("/trial/altshock2/reviews/{id}"), Some(&t)),
        post("/api/get_reviews", Some(&t), "trial=altshock2"),
        post(
            "/api/get_review",
            Some(&t),
            &format!("trial=altshock2&id={id}"),
        ),
        post(
            "/api/get_review",
            Some(&t),
            &format!("trial=altshock2&id={id}&view=closed&role=dsmb"),
        ),
        post("/api/get_since_review", Some(&t), "trial=altshock2"),
        post(
            "/api/get_since_review",
            Some(&t),
            "trial=altshock2&cut=2023-09-30&since=2022-06-30",
        ),
        post(
            "/api/get_since_review",
            Some(&t),
            "trial=altshock2&view=closed&role=statistician",
        ),
        post(
            "/api/get_since_review",
            Some(&t),
            "trial=altshock2&since=2024-12-31",
        ),
        get("/trial/altshock2?since=2022-06-30", Some(&t)),
        get("/", Some(&t)),
        get("/trial/altshock2", Some(&t)),
        get("/trial/altshock2?view=closed", Some(&t)),
        get("/trial/altshock2?role=statistician", Some(&t)),
        get("/trial/altshock2/decode", Some(&t)),
        get("/trial/cdisc-pilot01", Some(&t)),
        get("/audit", Some(&t)),
        post("/api/get_me", Some(&t), ""),
        post("/api/get_enrollment", Some(&t), "trial=altshock2"),
        post(
            "/api/get_enrollment",
            Some(&t),
            "trial=altshock2&view=closed&role=dsmb",
        ),
        post("/api/get_enrollment", Some(&t), "trial=cdisc-pilot01"),
        post("/api/get_arm_enrollment", Some(&t), "trial=altshock2"),
        post(
            "/api/get_arm_enrollment",
            Some(&t),
            "trial=altshock2&role=statistician",
        ),
        post("/api/get_arm_enrollment", Some(&t), "trial=cdisc-pilot01"),
        post("/api/get_audit", Some(&t), ""),
        post("/api/get_baseline", Some(&t), "trial=altshock2"),
        post(
            "/api/get_baseline",
            Some(&t),
            "trial=altshock2&view=closed&role=statistician",
        ),
        post(
            "/api/get_baseline",
            Some(&t),
            "trial=altshock2&cut=2022-06-30",
        ),
        post("/api/get_adverse_events", Some(&t), "trial=altshock2"),
        post(
            "/api/get_adverse_events",
            Some(&t),
            "trial=altshock2&category=fatal&view=closed&role=statistician",
        ),
        post(
            "/api/get_adverse_events",
            Some(&t),
            "trial=altshock2&category=serious&cut=2022-06-30",
        ),
        get("/trial/altshock2/safety?ae=serious", Some(&t)),
        post("/api/get_deaths", Some(&t), "trial=altshock2"),
        post(
            "/api/get_deaths",
            Some(&t),
            "trial=altshock2&page=1&view=closed&role=dsmb",
        ),
        post("/api/get_conduct", Some(&t), "trial=altshock2"),
        post("/api/get_labs", Some(&t), "trial=altshock2"),
        post("/api/get_labs", Some(&t), "trial=altshock2&cut=2022-06-30"),
        post(
            "/api/get_labs",
            Some(&t),
            "trial=altshock2&cut=2023-09-30&page=2&view=closed&role=dsmb",
        ),
        post(
            "/api/get_lab_profile",
            Some(&t),
            "trial=altshock2&usubjid=ALTSHOCK2-02-001",
        ),
        get(
            "/trial/altshock2/lab-profile?subject=ALTSHOCK2-02-001",
            Some(&t),
        ),
        post(
            "/api/get_conduct",
            Some(&t),
            "trial=altshock2&cut=2022-06-30&role=statistician",
        ),
        get(
            "/trial/altshock2/safety?deaths_page=2&serious_page=2",
            Some(&t),
        ),
        post("/api/get_disposition", Some(&t), "trial=altshock2"),
        post(
            "/api/get_disposition",
            Some(&t),
            "trial=altshock2&view=closed&role=statistician",
        ),
        post(
            "/api/get_disposition",
            Some(&t),
            "trial=altshock2&cut=2023-09-30",
        ),
        get("/trial/altshock2/safety", Some(&t)),
        get("/trial/altshock2/safety?view=closed", Some(&t)),
        get("/trial/altshock2/efficacy", Some(&t)),
        post("/api/get_open_safety", Some(&t), "trial=altshock2"),
        post(
            "/api/get_open_safety",
            Some(&t),
            "trial=altshock2&view=closed",
        ),
        post("/api/get_closed_safety", Some(&t), "trial=altshock2"),
        post("/api/get_safety", Some(&t), "trial=altshock2"),
        post(
            "/api/get_safety",
            Some(&t),
            "trial=altshock2&view=closed&role=dsmb",
        ),
        post(
            "/api/get_safety",
            Some(&t),
            "trial=altshock2&cut=2022-06-30",
        ),
        post("/api/get_efficacy", Some(&t), "trial=altshock2"),
        post(
            "/api/get_efficacy",
            Some(&t),
            "trial=cdisc-pilot01&view=closed&role=statistician",
        ),
        post(
            "/api/get_adverse_events",
            Some(&t),
            "trial=altshock2&category=any&view=closed&role=statistician",
        ),
        get("/trial/altshock2/safety?ae=any", Some(&t)),
        get("/trial/altshock2/efficacy?view=closed", Some(&t)),
        post("/trial/altshock2/decode", Some(&t), "confirm=yes&csrf=x"),
    ];
    let n = requests.len();
    // Every request is sent and every finding kept, so one failure names
    // them all (and what each request took).
    let mut found = Vec::new();
    for req in requests {
        let what = format!("{} {}", req.method(), req.uri());
        let started = std::time::Instant::now();
        let r = send(&state, req).await;
        let took = started.elapsed();
        if took >= std::time::Duration::from_secs(10) || r.status == StatusCode::REQUEST_TIMEOUT {
            found.push(format!("{what}: {} after {took:?}", r.status));
        }
        let body = crate::helpers::without_nonce(&r.body);
        for word in ARM_WORDS.iter().chain(&COMPARISON_WORDS) {
            if let Some(at) = body.find(word) {
                let (from, to) = (
                    body.floor_char_boundary(at.saturating_sub(80)),
                    body.ceil_char_boundary(at + 80),
                );
                let around = &body[from..to];
                found.push(format!(
                    "{what} ({}, {took:?}): the sponsor's answer contains {word:?}: ...{around}...",
                    r.status
                ));
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
    // The statistician's page does show the arms: the words are findable.
    let s = sign_in(&state, "stat").await;
    let r = send(&state, get("/trial/altshock2", Some(&s))).await;
    assert!(
        r.body.contains("IABP") && r.body.contains("by-arm"),
        "{}",
        r.body
    );
    // ... and the new sections' words too, where the statistician looks.
    let r = send(&state, get("/trial/altshock2/efficacy", Some(&s))).await;
    for word in [
        "Secondary endpoints",
        "Difference in means",
        "Bayesian summaries",
        "P(benefit)",
        "Benefit-risk",
        "Win ratio",
        "DOOR",
        "Finkelstein",
    ] {
        assert!(r.body.contains(word), "{word}");
    }
    let r = send(&state, get("/trial/altshock2/safety", Some(&s))).await;
    assert!(
        r.body.contains("Adverse-event signals"),
        "signals on the safety page"
    );
    eprintln!("leak test: {n} sponsor requests, none with arm data");
}
