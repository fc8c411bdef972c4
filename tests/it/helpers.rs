//! Shared test helpers: the demo's paths and expected values, and the app
//! under test (`TestApp`) with sign-in and requests as a browser sends them.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use dsmb::dto::Role;
use dsmb::server::catalog::Catalog;
use dsmb::server::config::TrialConfig;
use dsmb::server::intake::staging::Limits;
use dsmb::server::intake::LiveCatalog;
use dsmb::server::store::Store;
use dsmb::server::web::{Access, AppState};
use leptos::prelude::LeptosOptions;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use tower::ServiceExt;

/// The repository root (where Cargo.toml is).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The bundled Altshock-2 demo trial folder.
pub fn altshock2() -> PathBuf {
    repo().join("demo/altshock2")
}

/// The Altshock-2 demo's trial configuration.
pub fn altshock2_trial() -> TrialConfig {
    TrialConfig::load(&altshock2().join("trial.toml")).expect("demo trial.toml")
}

/// The efficacy page's data of an Altshock-2 closed report as `role` sees
/// it (no coding key: a member's groups are coded without letters), with
/// no path over earlier cuts.
pub fn altshock2_efficacy(
    report: &dsmb::server::report::ClosedReport,
    role: dsmb::dto::Role,
) -> dsmb::dto::Efficacy {
    let config = altshock2_trial();
    let names = dsmb::server::firewall::ArmNames::for_viewer(role, config.arm_labels(), &[], None);
    dsmb::server::views::efficacy::efficacy(
        "altshock2".into(),
        &config,
        report,
        &names,
        Vec::new(),
        Vec::new(),
    )
}

/// The CDISC pilot demo's configuration and the closed report of its one
/// cut (the unblinded files).
pub fn pilot_closed() -> (TrialConfig, dsmb::server::report::ClosedReport) {
    let pilot = repo().join("demo/cdisc-pilot01");
    let trial = TrialConfig::load(&pilot.join("trial.toml")).expect("demo trial.toml");
    let snap = dsmb::server::firewall::load(
        &pilot.join("cut-2015-03-05/unblinded"),
        &trial,
        &dsmb::server::firewall::LoadOptions::closed(None),
    )
    .unwrap_or_else(|p| panic!("{p}"));
    let r = dsmb::server::report::closed_report(&snap, &trial).expect("report");
    (trial, r)
}

/// The reconstruction's expected.json (written by its generator, not by us).
pub fn expected() -> serde_json::Value {
    let text = std::fs::read_to_string(altshock2().join("expected.json")).expect("expected.json");
    serde_json::from_str(&text).expect("expected.json is JSON")
}

/// expected.json's key for each safety category of the demo trial.toml.
pub const SAFETY_KEYS: [(&str, &str); 9] = [
    ("BARC>=3 bleeding", "bleeding_barc_ge3"),
    ("Vascular complications", "vascular_complication"),
    ("Limb ischaemia", "limb_ischaemia"),
    ("Systemic embolism", "systemic_embolism"),
    ("Stroke", "stroke"),
    (
        "Major ventricular arrhythmia",
        "major_ventricular_arrhythmia",
    ),
    ("Cardiac arrest", "cardiac_arrest"),
    ("Sepsis", "sepsis"),
    ("Septic shock", "septic_shock"),
];

/// `got` within 1e-9 (relative, or absolute below 1) of R's `want`.
pub fn close(got: f64, want: &serde_json::Value, what: &str) {
    let w = want.as_f64().unwrap();
    assert!(
        (got - w).abs() <= 1e-9 * w.abs().max(1.0),
        "{what}: {got} vs R {w}"
    );
}

/// The demo catalog, loaded once, on a plain thread: polars must not block
/// inside the async runtime (the server loads it with `spawn_blocking`).
pub fn catalog() -> Arc<Catalog> {
    static CATALOG: OnceLock<Arc<Catalog>> = OnceLock::new();
    CATALOG
        .get_or_init(|| {
            std::thread::spawn(|| Arc::new(Catalog::load(&repo().join("demo")).unwrap()))
                .join()
                .unwrap()
        })
        .clone()
}

pub const PASSWORD: &str = "correct horse battery staple";

/// Every HTTP test runs on this one multi-threaded runtime, as the server
/// does.
pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(4)
            .enable_all()
            .build()
            .expect("a tokio runtime")
    })
    .block_on(f)
}

/// A server with the demo trials and four users: on altshock2 one per role,
/// and `outsider`, DSMB member of cdisc-pilot01 only.
/// The app under test: its state, and a router built once from it.
#[derive(Clone)]
pub struct TestApp {
    pub state: AppState,
    router: axum::Router,
}

impl TestApp {
    /// The app's router, to serve it on a socket.
    pub fn router(&self) -> axum::Router {
        self.router.clone()
    }
}

impl std::ops::Deref for TestApp {
    type Target = AppState;
    fn deref(&self) -> &AppState {
        &self.state
    }
}

/// The page routes, listed once for every test: listing renders the route
/// tree in a special mode, and a listing running while another test's page
/// rendered sometimes left that page waiting until the request timeout.
pub fn routes() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: OnceLock<Vec<leptos_axum::AxumRouteListing>> = OnceLock::new();
    ROUTES
        .get_or_init(|| leptos_axum::generate_route_list(dsmb::app::App))
        .clone()
}

pub fn state_with(store: Store) -> TestApp {
    app_with(&repo().join("demo"), catalog(), store)
}

/// The app on `catalog` with the test users in `store`.
pub fn app_with(root: &Path, catalog: Arc<Catalog>, store: Store) -> TestApp {
    app_on(root, catalog, store, false, Limits::default())
}

/// [`app_with`], uploads staged under `limits`.
pub fn app_with_limits(
    root: &Path,
    catalog: Arc<Catalog>,
    store: Store,
    limits: Limits,
) -> TestApp {
    app_on(root, catalog, store, false, limits)
}

/// The demo app as served behind TLS (`--secure-cookies`).
pub fn app_secure() -> TestApp {
    app_on(
        &repo().join("demo"),
        catalog(),
        Store::in_memory().unwrap(),
        true,
        Limits::default(),
    )
}

fn app_on(
    root: &Path,
    catalog: Arc<Catalog>,
    store: Store,
    secure_cookies: bool,
    limits: Limits,
) -> TestApp {
    let users: [(&str, &[(&str, Role)]); 4] = [
        ("stat", &[("altshock2", Role::Statistician)]),
        ("member", &[("altshock2", Role::Dsmb)]),
        ("sponsor", &[("altshock2", Role::Sponsor)]),
        ("outsider", &[("cdisc-pilot01", Role::Dsmb)]),
    ];
    for (name, roles) in users {
        let roles: Vec<(String, Role)> = roles.iter().map(|(t, r)| (t.to_string(), *r)).collect();
        store.add_user(name, PASSWORD, &roles).unwrap();
    }
    let state = AppState::new(
        LeptosOptions::builder()
            .output_name("dsmb")
            .site_root("target/site")
            .build(),
        Arc::new(LiveCatalog::new(root, catalog)),
        Access::new(store, secure_cookies),
    )
    .with_upload_limits(limits);
    let router = dsmb::server::web::app_with_routes(state.clone(), routes());
    TestApp { state, router }
}

pub fn state() -> TestApp {
    state_with(Store::in_memory().unwrap())
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
    /// The body as sent (a downloaded PDF).
    pub bytes: Vec<u8>,
}

pub async fn send(app: &TestApp, req: Request<Body>) -> Reply {
    let resp = app.router.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = axum::body::to_bytes(resp.into_body(), usize::MAX)
        .await
        .unwrap();
    Reply {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
        bytes: body.to_vec(),
    }
}

/// Sign in through the form, as a browser does; returns the session token.
pub async fn sign_in(state: &TestApp, user: &str) -> String {
    let r = send(
        state,
        Request::post("/auth/login")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::HOST, "localhost")
            .header(header::ORIGIN, "http://localhost")
            .body(Body::from(format!(
                "username={user}&password={}&next=/",
                PASSWORD.replace(' ', "+")
            )))
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "sign-in of {user}");
    let cookie = r.headers[header::SET_COOKIE].to_str().unwrap().to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    cookie
        .split(';')
        .next()
        .unwrap()
        .strip_prefix("dsmb_session=")
        .unwrap()
        .to_string()
}

pub fn get(path: &str, token: Option<&str>) -> Request<Body> {
    let mut b = Request::get(path).header(header::HOST, "localhost");
    if let Some(t) = token {
        b = b.header(header::COOKIE, format!("dsmb_session={t}"));
    }
    b.body(Body::empty()).unwrap()
}

pub fn post(path: &str, token: Option<&str>, body: &str) -> Request<Body> {
    let mut b = Request::post(path)
        .header(header::HOST, "localhost")
        .header(header::ORIGIN, "http://localhost")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(t) = token {
        b = b.header(header::COOKIE, format!("dsmb_session={t}"));
    }
    b.body(Body::from(body.to_string())).unwrap()
}

/// A session's CSRF token, as the page gives it to its forms.
pub async fn csrf(state: &TestApp, token: &str) -> String {
    let r = send(state, post("/api/get_me", Some(token), "")).await;
    let me: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    me["csrf"].as_str().unwrap().to_string()
}

/// A page with its nonce (random, 22 characters of base64 per request)
/// replaced by `NONCE`: a search of a page for a word must not find it in
/// the nonce ("SoC" is in about one page in 3,000 by chance).
pub fn without_nonce(body: &str) -> String {
    // Leptos writes the nonce into `nonce="…"` and `crossorigin="…"`.
    let mut nonces = Vec::new();
    let mut rest = body;
    while let Some(at) = rest.find("nonce=\"") {
        let start = at + 7;
        let Some(len) = rest[start..].find('"') else {
            break;
        };
        nonces.push(rest[start..start + len].to_string());
        rest = &rest[start + len..];
    }
    let mut out = body.to_string();
    for n in nonces.iter().filter(|n| !n.is_empty()) {
        out = out.replace(n.as_str(), "NONCE");
    }
    out
}
