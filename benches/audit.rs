//! Benchmark of the audit page and its export on a trail of 10,000 entries
//! (issue 29: the page opens under 200 ms):
//!
//! ```sh
//! cargo bench --features ssr --bench audit            # 10,000 entries
//! cargo bench --features ssr --bench audit -- 100000  # another size
//! ```
//!
//! The trail is written through the store (keyed HMAC chain, one commit
//! per entry, as the server writes it), across users, actions and both demo
//! trials. For each request it reports the first time and the median of the
//! next five, and the size of the answer.

use axum::body::Body;
use axum::http::{header, Request};
use dsmb::dto::Role;
use dsmb::server::catalog::Catalog;
use dsmb::server::store::{AuditAction, NewAudit, Store};
use dsmb::server::web::{Access, AppState};
use leptos::prelude::LeptosOptions;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tower::ServiceExt;

const PASSWORD: &str = "bench password, not a secret";
const WARM: usize = 5;

fn app(root: &Path, store: Store) -> axum::Router {
    let catalog = Arc::new(Catalog::load(root).expect("catalog"));
    let state = AppState::new(
        LeptosOptions::builder()
            .output_name("dsmb")
            .site_root("target/site")
            .build(),
        Arc::new(dsmb::server::intake::LiveCatalog::new(root, catalog)),
        Access::new(store, false),
    );
    dsmb::server::web::app_with_routes(state, leptos_axum::generate_route_list(dsmb::app::App))
}

async fn send(app: &axum::Router, req: Request<Body>) -> (u16, usize, Option<String>) {
    let resp = app.clone().oneshot(req).await.expect("response");
    let status = resp.status().as_u16();
    let cookie = resp
        .headers()
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .map(String::from);
    let body = axum::body::to_bytes(resp.into_body(), usize::MAX)
        .await
        .expect("body");
    (status, body.len(), cookie)
}

fn get(path: &str, token: &str) -> Request<Body> {
    Request::get(path)
        .header(header::HOST, "localhost")
        .header(header::COOKIE, format!("dsmb_session={token}"))
        .body(Body::empty())
        .expect("request")
}

async fn sign_in(app: &axum::Router) -> String {
    let req = Request::post("/auth/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::HOST, "localhost")
        .header(header::ORIGIN, "http://localhost")
        .body(Body::from(format!(
            "username=stat&password={}&next=/",
            PASSWORD.replace(' ', "+")
        )))
        .expect("request");
    let (_, _, cookie) = send(app, req).await;
    let cookie = cookie.expect("a session cookie");
    cookie
        .split(';')
        .next()
        .and_then(|c| c.strip_prefix("dsmb_session="))
        .expect("the session token")
        .to_string()
}

fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(10_000);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("demo");
    let store = Store::in_memory().expect("store");
    let roles = [
        ("altshock2".to_string(), Role::Statistician),
        ("cdisc-pilot01".to_string(), Role::Statistician),
    ];
    store.add_user("stat", PASSWORD, &roles).expect("user");
    store
        .add_user("member", PASSWORD, &[("altshock2".into(), Role::Dsmb)])
        .expect("user");
    let t = Instant::now();
    let actions = [
        AuditAction::ViewClosed,
        AuditAction::SignIn,
        AuditAction::ViewMeeting,
        AuditAction::Refused,
        AuditAction::DownloadReport,
    ];
    for i in 0..n {
        let action = actions[i % actions.len()];
        store
            .audit(NewAudit {
                username: if i % 3 == 0 { "stat" } else { "member" },
                action,
                trial: if action == AuditAction::SignIn {
                    ""
                } else if i % 2 == 0 {
                    "altshock2"
                } else {
                    "cdisc-pilot01"
                },
                detail: &format!(
                    "page /trial/altshock2?cut=2024-12-31: enrollment by arm, cut 2024-12-31; baseline characteristics, cut 2024-12-31 ({i})"
                ),
                address: "10.0.0.7",
            })
            .expect("entry");
    }
    println!("wrote {n} entries in {:.1} s", t.elapsed().as_secs_f64());
    let app = app(&root, store);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let token = sign_in(&app).await;
        let today = chrono::Utc::now().date_naive();
        let pages = [
            "/audit".to_string(),
            "/audit?page=50".to_string(),
            "/audit?action=view-closed&trial=altshock2".to_string(),
            "/audit?user=member&action=refused&page=3".to_string(),
            format!("/audit?from={today}&to={today}&page=20"),
            "/audit/export?format=csv".to_string(),
        ];
        println!(
            "{:<52} {:>9} {:>9} {:>10}",
            "request", "first", "warm", "bytes"
        );
        for path in pages {
            let t = Instant::now();
            let (status, bytes, _) = send(&app, get(&path, &token)).await;
            let first = t.elapsed();
            assert_eq!(status, 200, "{path}");
            let mut warm: Vec<Duration> = Vec::new();
            for _ in 0..WARM {
                let t = Instant::now();
                send(&app, get(&path, &token)).await;
                warm.push(t.elapsed());
            }
            warm.sort();
            println!(
                "{path:<52} {:>7.1}ms {:>7.1}ms {bytes:>10}",
                first.as_secs_f64() * 1e3,
                warm[WARM / 2].as_secs_f64() * 1e3
            );
        }
    });
}
