//! "Where the trial stands" through the app, as its users and an attacker
//! would use it: the statistician reads the verdict at the declared formal
//! look only (the monitoring cuts give none); a coded DSMB member gets the
//! invariant part, decodes inline and comes back to the same place (and
//! nowhere else); the sponsor gets the pooled status, and no look is
//! projected once the board signed a stop.

use crate::helpers::{block_on, csrf, post, send, sign_in, state, TestApp, PASSWORD};
use axum::http::StatusCode;
use serde_json::Value;

async fn standing(app: &TestApp, token: &str, cut: &str) -> (Value, String) {
    let r = send(
        app,
        post(
            "/api/get_standing",
            Some(token),
            &format!("trial=altshock2&cut={cut}"),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    (serde_json::from_str(&r.body).unwrap(), r.body)
}

#[test]
fn the_verdict_stands_at_the_declared_formal_look_only() {
    block_on(async {
        let app = state();
        let stat = sign_in(&app, "stat").await;
        let (s, _) = standing(&app, &stat, "2024-12-31").await;
        let c = &s["closed"];
        assert_eq!(c["look_label"], "formal look 1 of 2", "{s}");
        assert_eq!(c["verdict_kind"], "futility", "{s}");
        let basis = c["basis"].to_string();
        // The paper's interim: z 0.746, conditional power under the trend
        // 9.5% against the 10% guideline.
        assert!(basis.contains("0.746"), "{basis}");
        assert!(basis.contains("9.5%"), "{basis}");
        assert_eq!(s["status"], "enrolling");
        // 101 randomized, of whom 100 are in the primary analysis.
        assert_eq!(s["enrolled"], 101);
        assert_eq!(s["target"], 200);
        assert!(
            s["looks"]
                .as_str()
                .unwrap()
                .contains("look 1 declared at the cut of 2024-12-31"),
            "{s}"
        );
        for cut in ["2022-06-30", "2023-09-30"] {
            let (s, _) = standing(&app, &stat, cut).await;
            let c = &s["closed"];
            assert_eq!(c["verdict_kind"], "no-formal-test", "{cut}: {s}");
            assert!(
                c["look_label"]
                    .as_str()
                    .unwrap()
                    .starts_with("monitoring cut"),
                "{cut}: {s}"
            );
        }
        // Every signal's history starts at a cut where it signals, and it
        // signals at every cut from there on.
        for cut in ["2022-06-30", "2023-09-30", "2024-12-31"] {
            let (s, _) = standing(&app, &stat, cut).await;
            for sig in s["closed"]["signals"].as_array().unwrap() {
                let since = sig["since_cut"].as_str().unwrap();
                assert!(since <= cut, "{sig}");
                for earlier in ["2022-06-30", "2023-09-30"]
                    .into_iter()
                    .filter(|d| *d >= since && *d < cut)
                {
                    let (e, _) = standing(&app, &stat, earlier).await;
                    let same = e["closed"]["signals"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|x| x["rule"] == sig["rule"] && x["group"] == sig["group"]);
                    assert!(same, "{sig} at {earlier}");
                }
            }
        }
    });
}

#[test]
fn a_coded_member_decodes_inline_and_comes_back_to_the_same_place() {
    block_on(async {
        let app = state();
        let member = sign_in(&app, "member").await;
        let (s, body) = standing(&app, &member, "2024-12-31").await;
        let c = &s["closed"];
        // The directional part waits: no verdict, no basis, no arm.
        assert!(c["verdict"].is_null(), "{s}");
        assert!(c["verdict_kind"].is_null(), "{s}");
        assert_eq!(c["basis"].as_array().unwrap().len(), 0);
        assert!(c["withheld"].is_string(), "{s}");
        assert_eq!(c["look_label"], "formal look 1 of 2");
        assert_eq!(c["can_decode"], true);
        for arm in ["IABP", "SoC", "standard care"] {
            assert!(!body.contains(arm), "{arm} in {body}");
        }
        let token = csrf(&app, &member).await;
        assert_eq!(c["csrf"], token.as_str());
        let back = "/trial/altshock2?cut=2024-12-31#standing";
        let r = send(
            &app,
            post(
                "/trial/altshock2/decode",
                Some(&member),
                &format!(
                    "csrf={token}&confirm=yes&back={}",
                    back.replace('?', "%3F")
                        .replace('=', "%3D")
                        .replace('#', "%23")
                ),
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(r.headers["location"], back);
        let (s, _) = standing(&app, &member, "2024-12-31").await;
        assert_eq!(s["closed"]["verdict_kind"], "futility", "{s}");
        assert_eq!(s["closed"]["can_decode"], false);
    });
}

#[test]
fn a_decode_never_sends_the_member_off_the_trials_pages() {
    block_on(async {
        let app = state();
        let member = sign_in(&app, "member").await;
        let token = csrf(&app, &member).await;
        let r = send(
            &app,
            post(
                "/trial/altshock2/decode",
                Some(&member),
                &format!("csrf={token}&confirm=yes&back=https%3A%2F%2Fevil.example%2F"),
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(r.headers["location"], "/trial/altshock2");
    });
}

#[test]
fn the_sponsor_sees_the_pooled_standing_and_no_look_is_projected_after_a_signed_stop() {
    block_on(async {
        let app = state();
        let sponsor = sign_in(&app, "sponsor").await;
        let (s, body) = standing(&app, &sponsor, "2024-12-31").await;
        assert!(s["closed"].is_null(), "{s}");
        assert!(s["recommendation"].is_null(), "{s}");
        for word in ["IABP", "SoC", "Group", "verdict", "futility"] {
            assert!(!body.contains(word), "{word} in {body}");
        }
        // Before any signed stop the next look is projected (the overview
        // and the standing say the same).
        let e = send(
            &app,
            post("/api/get_enrollment", Some(&sponsor), "trial=altshock2"),
        )
        .await;
        let e: Value = serde_json::from_str(&e.body).unwrap();
        assert!(e["projection"].is_object(), "{e}");
        assert!(s["next_look"].is_string(), "{s}");

        // The board stops the trial for futility; the chair signs.
        app.access
            .store
            .set_chair("test", "test", "member", "altshock2")
            .unwrap();
        let stat = sign_in(&app, "stat").await;
        let body = format!(
            "csrf={}&meeting_date=2025-01-20&cut_date=2024-12-31&open_attendees=All&closed_attendees=Members&open_minutes=Reviewed&closed_minutes=Reviewed&recommendation=stop_futility&recommendation_text=Stop&rationale=CP+below+10%25",
            csrf(&app, &stat).await
        );
        let r = send(&app, post("/trial/altshock2/reviews", Some(&stat), &body)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let id = r.headers["location"]
            .to_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
            .to_string();
        let member = sign_in(&app, "member").await;
        let r = send(
            &app,
            post(
                &format!("/trial/altshock2/reviews/{id}/sign"),
                Some(&member),
                &format!(
                    "csrf={}&approve=yes&password={}",
                    csrf(&app, &member).await,
                    PASSWORD.replace(' ', "+")
                ),
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

        let (s, _) = standing(&app, &sponsor, "2024-12-31").await;
        assert_eq!(s["status"], "stopped for futility", "{s}");
        assert_eq!(
            s["recommendation"],
            "Stop for futility, signed at the meeting of 2025-01-20 (cut of 2024-12-31)"
        );
        assert!(s["next_look"].is_null(), "{s}");
        let e = send(
            &app,
            post("/api/get_enrollment", Some(&sponsor), "trial=altshock2"),
        )
        .await;
        let e: Value = serde_json::from_str(&e.body).unwrap();
        assert!(e["projection"].is_null(), "{e}");
    });
}
