//! Every page and every server function's answer, for every kind of caller
//! on both demo trials, written to a folder: run before and after a change
//! that should not change what users get, and compare the folders
//! (`DSMB_SNAPSHOT=dir cargo test --features ssr --test it -- --ignored
//! snapshot`). Bodies have the request's nonce and the session's CSRF token
//! scrubbed; statuses are kept.

use crate::helpers::{csrf, get, post, send, sign_in, state, without_nonce};

#[test]
#[ignore = "a tool: writes every answer to $DSMB_SNAPSHOT for comparison"]
fn snapshot_every_answer() {
    let Ok(dir) = std::env::var("DSMB_SNAPSHOT") else {
        panic!("set DSMB_SNAPSHOT to the folder to write");
    };
    let dir = std::path::PathBuf::from(dir);
    std::fs::create_dir_all(&dir).unwrap();
    crate::helpers::block_on(async {
        let app = state();
        for user in ["stat", "member", "sponsor", "outsider"] {
            let token = sign_in(&app, user).await;
            let c = csrf(&app, &token).await;
            let scrub = |b: &str| without_nonce(b).replace(&c, "CSRF");
            let mut n = 0;
            let mut write = |name: String, status: u16, body: String| {
                n += 1;
                let file = dir.join(format!("{user}-{n:03}.txt"));
                std::fs::write(file, format!("{name}\n{status}\n{body}")).unwrap();
            };
            for page in ["/", "/audit", "/no-such-page"] {
                let r = send(&app, get(page, Some(&token))).await;
                write(format!("GET {page}"), r.status.as_u16(), scrub(&r.body));
            }
            let r = send(&app, post("/api/get_me", Some(&token), "")).await;
            write("get_me".into(), r.status.as_u16(), scrub(&r.body));
            for trial in ["altshock2", "cdisc-pilot01"] {
                let cuts = crate::helpers::catalog().trial(trial).unwrap().cut_dates();
                for cut in cuts
                    .iter()
                    .map(Some)
                    .chain([None, Some(&"1999-01-01".to_string())])
                {
                    let q = cut.map(|c| format!("&cut={c}")).unwrap_or_default();
                    for tab in [
                        "",
                        "/safety",
                        "/efficacy",
                        "/cuts",
                        "/reviews",
                        "/reports",
                        "/decode",
                    ] {
                        let path = format!("/trial/{trial}{tab}?x=1{q}");
                        let r = send(&app, get(&path, Some(&token))).await;
                        write(format!("GET {path}"), r.status.as_u16(), scrub(&r.body));
                    }
                    for f in [
                        "get_enrollment",
                        "get_arm_enrollment",
                        "get_standing",
                        "get_open_safety",
                        "get_safety",
                        "get_closed_safety",
                        "get_efficacy",
                        "get_baseline",
                        "get_disposition",
                        "get_adverse_events",
                        "get_deaths",
                        "get_labs",
                        "get_conduct",
                        "get_since_review",
                    ] {
                        let body = format!("trial={trial}{q}");
                        let r = send(&app, post(&format!("/api/{f}"), Some(&token), &body)).await;
                        write(format!("{f} {body}"), r.status.as_u16(), scrub(&r.body));
                    }
                }
                for f in [
                    "get_cuts",
                    "get_reviews",
                    "get_reports",
                    "get_uploads",
                    "get_decode",
                ] {
                    let body = format!("trial={trial}");
                    let r = send(&app, post(&format!("/api/{f}"), Some(&token), &body)).await;
                    write(format!("{f} {body}"), r.status.as_u16(), scrub(&r.body));
                }
            }
        }
    });
}
