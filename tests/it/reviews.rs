//! The review cycle through the app, as its users and an attacker would
//! use it: the statistician records a meeting, the chair signs it (a wrong
//! password fails and is audited, a second signature is refused), the
//! record cannot be changed after, the sponsor sees the recommendation and
//! the open minutes only, "since the last review" starts from the signed
//! meeting's cut, and a record whose cut is no longer good says so.

use crate::helpers::{block_on, csrf, get, post, send, sign_in, state, TestApp, PASSWORD};
use axum::http::StatusCode;
use dsmb::server::store::meetings::{parse_date, NewMeeting};
use dsmb::server::store::Recommendation;

const CLOSED_MINUTES: &str = "Closed%3A+mortality+by+group+reviewed";
const CLOSED_WORDS: &str = "mortality by group reviewed";

async fn record_meeting(app: &TestApp, cut: &str) -> i64 {
    let stat = sign_in(app, "stat").await;
    let body = format!(
        "csrf={}&meeting_date=2025-01-20&cut_date={cut}&open_attendees=Chair%2C+members%2C+sponsor&closed_attendees=Chair%2C+members%2C+statistician&open_minutes=Enrollment+and+conduct+reviewed&closed_minutes={CLOSED_MINUTES}&recommendation=stop_futility&recommendation_text=Stop+enrolment&rationale=Conditional+power+below+the+threshold",
        csrf(app, &stat).await
    );
    let r = send(app, post("/trial/altshock2/reviews", Some(&stat), &body)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let loc = r.headers["location"].to_str().unwrap();
    loc.rsplit('/').next().unwrap().parse().unwrap()
}

fn refusals(app: &TestApp, why: &str) -> usize {
    app.access
        .store
        .audit_entries(None, Some("refused"), None, 10_000)
        .unwrap()
        .iter()
        .filter(|e| e.detail.contains(why))
        .count()
}

#[test]
fn the_chair_signs_once_with_the_password_and_the_sponsor_sees_only_the_open_part() {
    block_on(async {
        let app = state();
        app.access
            .store
            .set_chair("test", "test", "member", "altshock2")
            .unwrap();
        let id = record_meeting(&app, "2023-09-30").await;
        let (member, sponsor) = (
            sign_in(&app, "member").await,
            sign_in(&app, "sponsor").await,
        );

        // The statistician's efficacy page before the signature: no cut
        // is marked as reviewed yet (the page's closed sections are kept
        // per view, and must not keep this after the signature).
        let stat = sign_in(&app, "stat").await;
        let page = send(&app, get("/trial/altshock2/efficacy", Some(&stat))).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.body.contains("(last review)"));

        // Unsigned: the sponsor does not see it, and no status stands.
        let me = send(&app, post("/api/get_me", Some(&sponsor), "")).await;
        assert!(me.body.contains("\"status\":null"), "{}", me.body);
        let r = send(
            &app,
            post(
                "/api/get_review",
                Some(&sponsor),
                &format!("trial=altshock2&id={id}"),
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let r = send(
            &app,
            post("/api/get_reviews", Some(&sponsor), "trial=altshock2"),
        )
        .await;
        let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(v["meetings"].as_array().unwrap().len(), 0, "{}", r.body);

        // A wrong password fails, and is audited.
        let sign = |password: &str, token: &str, csrf: &str| {
            post(
                &format!("/trial/altshock2/reviews/{id}/sign"),
                Some(token),
                &format!("csrf={csrf}&approve=yes&password={password}"),
            )
        };
        let c = csrf(&app, &member).await;
        let before = refusals(&app, "password");
        let r = send(&app, sign("wrong", &member, &c)).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
        assert_eq!(refusals(&app, "password"), before + 1);
        let m = app.access.store.meeting("altshock2", id).unwrap().unwrap();
        assert!(!m.signed());
        // A browser posting the form from the meeting's page goes back to
        // it (303), audited as well, and that page says why, once, inside
        // the app's frame.
        let page = format!("/trial/altshock2/reviews/{id}");
        let mut req = sign("wrong", &member, &c);
        let h = req.headers_mut();
        h.insert("sec-fetch-mode", "navigate".parse().unwrap());
        h.insert(
            "referer",
            format!("http://localhost{page}").parse().unwrap(),
        );
        let r = send(&app, req).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(r.headers["location"], page.as_str());
        assert_eq!(refusals(&app, "password"), before + 2);
        let r = send(&app, get(&page, Some(&member))).await;
        assert!(r.body.contains("data-testid=\"flash\""), "{}", r.body);
        assert!(r
            .body
            .contains("the password is not right; the meeting was not signed"));
        assert!(
            r.body.contains("data-testid=\"sign-form\""),
            "the form is there to try again"
        );
        let r = send(&app, get(&page, Some(&member))).await;
        assert!(!r.body.contains("data-testid=\"flash\""), "shown once");
        // A form posted from another site's page is no way back.
        let mut req = sign("wrong", &member, &c);
        let h = req.headers_mut();
        h.insert("sec-fetch-mode", "navigate".parse().unwrap());
        h.insert("referer", "http://evil.example/x".parse().unwrap());
        assert_eq!(send(&app, req).await.status, StatusCode::UNAUTHORIZED);

        // The right password signs.
        let good = PASSWORD.replace(' ', "+");
        let r = send(&app, sign(&good, &member, &c)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let m = app.access.store.meeting("altshock2", id).unwrap().unwrap();
        assert_eq!(m.signed_by.as_deref(), Some("member"));
        assert_eq!(
            m.signature_meaning.as_deref(),
            Some("approved as the DSMB's recommendation")
        );
        assert_eq!(m.signature_hash.as_ref().map(String::len), Some(64));
        let signs = app
            .access
            .store
            .audit_entries(Some("member"), Some("sign"), None, 10)
            .unwrap();
        assert_eq!(signs.len(), 1);
        assert!(signs[0]
            .detail
            .contains(m.signature_hash.as_deref().unwrap()));

        // Before and after the signature, the trials list says where the
        // trial stands, for the sponsor too: stopped for futility, signed.
        let me = send(&app, post("/api/get_me", Some(&sponsor), "")).await;
        let me: serde_json::Value = serde_json::from_str(&me.body).unwrap();
        assert_eq!(
            me["trials"][0]["status"],
            "stopped for futility (signed recommendation of the meeting of 2025-01-20)"
        );
        let page = send(&app, get("/", Some(&sponsor))).await;
        assert!(page.body.contains("stopped for futility"), "{}", page.body);

        // A second signature is refused, and audited.
        let r = send(&app, sign(&good, &member, &c)).await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert_eq!(refusals(&app, "signed already"), 1);
        // The statistician cannot sign.
        let stat = sign_in(&app, "stat").await;
        let cs = csrf(&app, &stat).await;
        let r = send(&app, sign(&good, &stat, &cs)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);

        // The sponsor now sees the recommendation and the open minutes,
        // never the closed part.
        let r = send(
            &app,
            post(
                "/api/get_review",
                Some(&sponsor),
                &format!("trial=altshock2&id={id}"),
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(
            r.body.contains("Stop for futility")
                && r.body.contains("Enrollment and conduct reviewed"),
            "{}",
            r.body
        );
        for secret in [CLOSED_WORDS, "Conditional power below", "statistician"] {
            assert!(
                !r.body.contains(secret),
                "the sponsor sees {secret}: {}",
                r.body
            );
        }
        let page = send(
            &app,
            get(&format!("/trial/altshock2/reviews/{id}"), Some(&sponsor)),
        )
        .await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Stop for futility") && !page.body.contains(CLOSED_WORDS));
        // Closed roles see the closed minutes, and the view is audited.
        let before = app
            .access
            .store
            .audit_entries(Some("member"), Some("view-meeting"), None, 10)
            .unwrap()
            .len();
        let r = send(
            &app,
            post(
                "/api/get_review",
                Some(&member),
                &format!("trial=altshock2&id={id}"),
            ),
        )
        .await;
        assert!(r.body.contains(CLOSED_WORDS));
        let after = app
            .access
            .store
            .audit_entries(Some("member"), Some("view-meeting"), None, 10)
            .unwrap()
            .len();
        assert_eq!(after, before + 1);

        // Since the last review: from the signed meeting's cut.
        let r = send(
            &app,
            post("/api/get_since_review", Some(&sponsor), "trial=altshock2"),
        )
        .await;
        let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(v["from_cut"], "2023-09-30");
        assert_eq!(v["to_cut"], "2024-12-31");
        assert_eq!(v["basis"], "the cut reviewed at the last signed meeting");

        // The efficacy page rings the reviewed cut on the z path ("then"
        // beside this cut's "now"), for a decoded viewer.
        let r = send(
            &app,
            post("/api/get_efficacy", Some(&stat), "trial=altshock2"),
        )
        .await;
        let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(v["interim"]["reviewed_cut"], "2023-09-30", "{}", r.body);
        assert!(v["interim"]["boundary_chart"]
            .as_str()
            .unwrap()
            .contains("Last review (cut 2023-09-30"));
        let page = send(&app, get("/trial/altshock2/efficacy", Some(&stat))).await;
        assert!(page.body.contains("(last review)"));
    });
}

#[test]
fn a_correction_is_a_new_version_and_the_signed_record_stays() {
    block_on(async {
        let app = state();
        app.access
            .store
            .set_chair("test", "test", "member", "altshock2")
            .unwrap();
        let id = record_meeting(&app, "2024-12-31").await;
        let store = &app.access.store;
        store
            .sign_meeting("member", PASSWORD, "test", "altshock2", id)
            .unwrap()
            .unwrap();
        let mut fix = store.meeting("altshock2", id).unwrap().unwrap().fields;
        fix.recommendation_text = "Stop enrolment; follow up enrolled patients".into();
        fix.amends = Some(id);
        let stat = sign_in(&app, "stat").await;
        let body = format!(
            "csrf={}&meeting_date={}&cut_date={}&recommendation={}&recommendation_text=corrected&rationale=r&amends={id}",
            csrf(&app, &stat).await,
            fix.meeting_date,
            fix.cut_date,
            fix.recommendation.as_str()
        );
        let r = send(&app, post("/trial/altshock2/reviews", Some(&stat), &body)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let old = store.meeting("altshock2", id).unwrap().unwrap();
        assert!(old.signed() && old.amended_by.is_some());
        assert_eq!(old.fields.recommendation_text, "Stop enrolment");
        // Only one correction per record: the next one amends the correction.
        let again = store.add_meeting("stat", "test", "altshock2", &fix);
        assert!(again.is_err());
        // Bad input is a 400 naming the field, never a 500.
        let c = csrf(&app, &stat).await;
        for (body, needle) in [
            (format!("csrf={c}&meeting_date=2025-13-01&cut_date=2024-12-31&recommendation=continue&rationale=r"), "meeting date"),
            (format!("csrf={c}&meeting_date=2025-01-01&cut_date=2024-12-31&recommendation=carry_on&rationale=r"), "recommendation"),
            (format!("csrf={c}&meeting_date=2025-01-01&cut_date=2024-12-31&recommendation=continue&rationale=+"), "rationale"),
            (format!("csrf={c}&meeting_date=2025-01-01&cut_date=1999-01-01&recommendation=continue&rationale=r"), "not a good cut"),
            (format!("csrf={c}&meeting_date=2024-12-30&cut_date=2024-12-31&recommendation=continue&rationale=r"), "dated after the meeting"),
            (format!("csrf={c}&meeting_date=2025-01-01"), "the form is not valid"),
        ] {
            let r = send(&app, post("/trial/altshock2/reviews", Some(&stat), &body)).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{body}");
            assert!(r.body.contains(needle), "{needle}: {}", r.body);
        }
    });
}

#[test]
fn a_meeting_on_a_cut_no_longer_good_keeps_its_record_and_says_so() {
    block_on(async {
        let app = state();
        let m = NewMeeting {
            meeting_date: parse_date("2024-02-01", "").unwrap(),
            cut_date: parse_date("2024-01-15", "").unwrap(),
            recommendation: Recommendation::Continue,
            rationale: "r".into(),
            open_minutes: "kept as written".into(),
            ..Default::default()
        };
        let id = app
            .access
            .store
            .add_meeting("stat", "test", "altshock2", &m)
            .unwrap();
        let store = &app.access.store;
        store
            .set_chair("test", "test", "member", "altshock2")
            .unwrap();
        store
            .sign_meeting("member", PASSWORD, "test", "altshock2", id)
            .unwrap()
            .unwrap();
        let member = sign_in(&app, "member").await;
        let r = send(
            &app,
            post(
                "/api/get_review",
                Some(&member),
                &format!("trial=altshock2&id={id}"),
            ),
        )
        .await;
        let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(v["open_minutes"], "kept as written");
        assert!(v["cut_note"]
            .as_str()
            .unwrap()
            .contains("no longer one of the trial's good cuts"));
        // Since the last review cannot start from a cut that is not good:
        // the previous good cut stands in, and says so.
        let r = send(
            &app,
            post("/api/get_since_review", Some(&member), "trial=altshock2"),
        )
        .await;
        let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(v["from_cut"], "2023-09-30", "{}", r.body);
        assert!(v["basis"].as_str().unwrap().starts_with("the previous cut"));
    });
}
