//! Benchmark of every page for every role on a synthetic 50,000-subject
//! cut in the Altshock-2 reconstruction's schema (the summary bench's
//! data, as a trial folder):
//!
//! ```sh
//! cargo bench --features ssr --bench pages            # 50000 subjects, 15 AEs each
//! cargo bench --features ssr --bench pages -- 5000 15 # another size
//! ```
//!
//! The trial folder has two cuts (the second a copy of the first, dated
//! later), so the overview's "since the last review" compares them.
//!
//! For each role and page it reports the cold time (a fresh server: the
//! reports are computed for the request), the warm time (median of the
//! next requests) and the HTML size. Targets (issue 14): cold under 1 s,
//! warm under 100 ms, under 2 MB; the safety page with its laboratory
//! section and a subject's lab profile too (issue 18).

use axum::body::Body;
use axum::http::{header, Request};
use dsmb::dto::Role;
use dsmb::server::catalog::Catalog;
use dsmb::server::data::synth;
use dsmb::server::store::Store;
use dsmb::server::web::{Access, AppState};
use leptos::prelude::LeptosOptions;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tower::ServiceExt;

const PASSWORD: &str = "bench password, not a secret";
const WARM: usize = 5;

fn app(root: &Path) -> axum::Router {
    let store = Store::in_memory().expect("store");
    for (name, role) in [
        ("stat", Role::Statistician),
        ("member", Role::Dsmb),
        ("sponsor", Role::Sponsor),
    ] {
        store
            .add_user(name, PASSWORD, &[("altshock2".to_string(), role)])
            .expect("user");
    }
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

async fn send(app: &axum::Router, req: Request<Body>) -> (u16, Vec<u8>, Option<String>) {
    let resp = app.clone().oneshot(req).await.expect("response");
    let status = resp.status().as_u16();
    let cookie = resp
        .headers()
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .map(String::from);
    let body = axum::body::to_bytes(resp.into_body(), usize::MAX)
        .await
        .expect("body")
        .to_vec();
    (status, body, cookie)
}

async fn sign_in(app: &axum::Router, user: &str) -> String {
    let req = Request::post("/auth/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::HOST, "localhost")
        .header(header::ORIGIN, "http://localhost")
        .body(Body::from(format!(
            "username={user}&password={}&next=/",
            PASSWORD.replace(' ', "+")
        )))
        .expect("request");
    let (_, _, cookie) = send(app, req).await;
    cookie
        .expect("a session cookie")
        .split(';')
        .next()
        .expect("cookie")
        .to_string()
}

fn get(path: &str, cookie: &str) -> Request<Body> {
    Request::get(path)
        .header(header::HOST, "localhost")
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .expect("request")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("folder");
    for e in std::fs::read_dir(from).expect("read folder") {
        let e = e.expect("entry");
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).expect("copy");
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let subjects: usize = args.first().and_then(|s| s.parse().ok()).unwrap_or(50_000);
    let ae: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(15);
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = repo
        .join("target/bench-data")
        .join(format!("pages-v2-labs-{subjects}-{ae}"));
    let trial = root.join("altshock2");
    let cut = trial.join("cut-2024-12-31");
    if !cut.join("randlist.csv").is_file() {
        let t = Instant::now();
        let mut c = synth::generate(subjects, ae, 1587).expect("generate");
        synth::write(&mut c, &cut).expect("write");
        std::fs::copy(
            repo.join("demo/altshock2/trial.toml"),
            trial.join("trial.toml"),
        )
        .expect("trial.toml");
        eprintln!("generated {} in {:.1?}", cut.display(), t.elapsed());
    }
    // A later cut of the same subjects, so that the overview's "since the
    // last review" compares two cuts of 50,000 subjects record by record.
    let later = trial.join("cut-2025-03-31");
    if !later.join("randlist.csv").is_file() {
        copy_dir(&cut, &later);
        let _ = std::fs::remove_file(later.join("manifest.json"));
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let t = Instant::now();
    let _ = app(&root);
    println!(
        "{subjects} subjects, {ae} AEs each: catalog load (open checks, pooled counts) {:.1?}",
        t.elapsed()
    );
    println!(
        "{:<8} {:<24} {:>6} {:>10} {:>10} {:>10}",
        "role", "page", "status", "cold", "warm", "HTML"
    );
    // A subject in the Hy's law range, for the lab profile page: the first
    // the statistician's safety page links to.
    let profile = rt.block_on(async {
        let app = app(&root);
        let cookie = sign_in(&app, "stat").await;
        let (_, body, _) = send(&app, get("/trial/altshock2/safety", &cookie)).await;
        let html = String::from_utf8_lossy(&body);
        let at = html.find("lab-profile?").expect("a lab profile link");
        let link = &html[at..];
        let end = link.find('"').expect("the link's end");
        format!("/{}", link[..end].replace("&amp;", "&"))
    });
    let profile = profile.as_str();
    let pages: [(&str, &[&str]); 3] = [
        ("sponsor", &["", "/safety", "/safety?ae=serious"]),
        (
            "member",
            &[
                "",
                "/safety",
                "/safety?ae=serious&serious_page=100",
                "/safety?hys_page=20",
                profile,
                "/efficacy",
                "/cuts",
            ],
        ),
        (
            "stat",
            &[
                "",
                "/safety",
                "/safety?ae=fatal&deaths_page=3",
                profile,
                "/efficacy",
                "/cuts",
            ],
        ),
    ];
    let mut worst = (Duration::ZERO, Duration::ZERO, 0usize);
    for (user, tails) in pages {
        for tail in tails {
            rt.block_on(async {
                // Cold: a fresh server, so the reports are computed now.
                let app = app(&root);
                let cookie = sign_in(&app, user).await;
                let path = format!("/trial/altshock2{tail}");
                let t = Instant::now();
                let (status, body, _) = send(&app, get(&path, &cookie)).await;
                let cold = t.elapsed();
                let mut warm = Vec::new();
                for _ in 0..WARM {
                    let t = Instant::now();
                    let _ = send(&app, get(&path, &cookie)).await;
                    warm.push(t.elapsed());
                }
                warm.sort();
                let warm = warm[WARM / 2];
                worst = (
                    worst.0.max(cold),
                    worst.1.max(warm),
                    worst.2.max(body.len()),
                );
                println!(
                    "{user:<8} {:<24} {status:>6} {:>10.1?} {:>10.1?} {:>8.0} KB",
                    if tail.is_empty() { "/" } else { tail },
                    cold,
                    warm,
                    body.len() as f64 / 1024.0
                );
            });
        }
    }
    println!(
        "worst: cold {:.1?}, warm {:.1?}, HTML {:.0} KB",
        worst.0,
        worst.1,
        worst.2 as f64 / 1024.0
    );
}
