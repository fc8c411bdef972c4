//! New data cuts in the running app: the statistician uploads a cut (it is
//! streamed to staging and checked as `dsmb check` checks it), sees the
//! check report, registers it, and it is served at once, while page
//! requests run throughout; bad uploads are refused and leave nothing.

use crate::fixtures::{copy_dir, unique};
use crate::helpers::{
    app_with_limits, block_on, csrf, get, post, repo, send, sign_in, Reply, TestApp,
};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use dsmb::server::catalog::Catalog;
use dsmb::server::intake::staging::{Limits, Outcome};
use dsmb::server::store::Store;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A data folder with the demo's trials, Altshock-2 with its cuts up to
/// `through` only (the later ones are the uploads).
pub fn upload_root(through: &str) -> PathBuf {
    let root =
        std::env::temp_dir().join(format!("dsmb-uploads-{}-{}", std::process::id(), unique()));
    let _ = std::fs::remove_dir_all(&root);
    let demo = repo().join("demo");
    for trial in ["altshock2", "cdisc-pilot01"] {
        let to = root.join(trial);
        std::fs::create_dir_all(&to).unwrap();
        std::fs::copy(demo.join(trial).join("trial.toml"), to.join("trial.toml")).unwrap();
        for e in std::fs::read_dir(demo.join(trial)).unwrap() {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            if name.starts_with("cut-") && (trial != "altshock2" || name.as_str() <= through) {
                copy_dir(&demo.join(trial).join(&name), &to.join(&name));
            }
        }
    }
    root
}

pub fn app_on(root: &Path, limits: Limits) -> TestApp {
    let r = root.to_path_buf();
    let catalog = std::thread::spawn(move || Arc::new(Catalog::load(&r).unwrap()))
        .join()
        .unwrap();
    app_with_limits(root, catalog, Store::in_memory().unwrap(), limits)
}

/// A file part of an upload: field, file name, bytes.
pub type Part = (&'static str, String, Vec<u8>);

const BOUNDARY: &str = "dsmb-test-boundary-7f3a";

/// The multipart body of an upload: the form's fields, then the files.
pub fn body(csrf: &str, date: &str, part: &str, files: &[Part]) -> Vec<u8> {
    let mut b = Vec::new();
    for (name, value) in [("csrf", csrf), ("cut_date", date), ("part", part)] {
        b.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                .as_bytes(),
        );
    }
    for (field, file, bytes) in files {
        b.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{file}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        b.extend_from_slice(bytes);
        b.extend_from_slice(b"\r\n");
    }
    b.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    b
}

pub fn upload_request(trial: &str, token: &str, body: Vec<u8>) -> Request<Body> {
    Request::post(format!("/trial/{trial}/cuts"))
        .header(header::HOST, "localhost")
        .header(header::ORIGIN, "http://localhost")
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .header(header::COOKIE, format!("dsmb_session={token}"))
        .body(Body::from(body))
        .unwrap()
}

/// The files of data folder `dir` as `datasets` parts.
pub fn datasets(dir: &Path) -> Vec<Part> {
    let mut out: Vec<Part> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .map(|p| {
            (
                "datasets",
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    out.sort_by(|a, b| a.1.cmp(&b.1));
    out
}

pub fn file(field: &'static str, path: &Path) -> Part {
    (
        field,
        path.file_name().unwrap().to_string_lossy().into_owned(),
        std::fs::read(path).unwrap(),
    )
}

/// Upload and, when accepted, the upload's id (from the redirect).
pub async fn upload(
    app: &TestApp,
    trial: &str,
    token: &str,
    date: &str,
    part: &str,
    files: &[Part],
) -> (Reply, Option<String>) {
    let c = csrf(app, token).await;
    let r = send(
        app,
        upload_request(trial, token, body(&c, date, part, files)),
    )
    .await;
    let id = (r.status == StatusCode::SEE_OTHER).then(|| {
        r.headers[header::LOCATION]
            .to_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
            .to_string()
    });
    (r, id)
}

/// The outcome of upload `id` once its check is done.
pub async fn checked(app: &TestApp, id: &str) -> Outcome {
    for _ in 0..1200 {
        let o = app.staging.get(id).expect("the upload is held").outcome();
        if !matches!(o, Outcome::Checking) {
            return o;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("the check of {id} did not end");
}

pub async fn register(app: &TestApp, trial: &str, token: &str, id: &str) -> Reply {
    let body = format!("csrf={}", csrf(app, token).await);
    send(
        app,
        post(
            &format!("/trial/{trial}/cuts/uploads/{id}/register"),
            Some(token),
            &body,
        ),
    )
    .await
}

pub fn entries(app: &TestApp, action: &str) -> Vec<String> {
    app.access
        .store
        .audit_entries(None, Some(action), None, 10_000)
        .unwrap()
        .into_iter()
        .map(|e| format!("{} {}", e.username, e.detail))
        .collect()
}

pub fn final_cut() -> PathBuf {
    repo().join("demo/altshock2/cut-2024-12-31")
}

/// The blinded part of the demo's final cut with its randomization list.
fn blinded_upload() -> Vec<Part> {
    let mut files = datasets(&final_cut().join("blinded"));
    files.push(file("randlist", &final_cut().join("randlist.csv")));
    files
}

fn staging_is_empty(app: &TestApp) -> bool {
    std::fs::read_dir(app.staging.root())
        .map(|mut d| d.next().is_none())
        .unwrap_or(true)
}

#[test]
fn an_upload_is_checked_registered_and_served_while_pages_are_read() {
    let root = upload_root("cut-2023-09-30");
    let app = app_on(&root, Limits::default());
    block_on(async {
        let stat = sign_in(&app, "stat").await;
        let member = sign_in(&app, "member").await;
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        // 64 page requests at a time, throughout, each counted.
        let mut readers = Vec::new();
        for k in 0..64 {
            let (app, member, stop) = (app.clone(), member.clone(), stop.clone());
            readers.push(tokio::spawn(async move {
                let (mut ok, mut failed, mut newest) = (0usize, Vec::new(), Vec::new());
                let paths = [
                    "/trial/altshock2",
                    "/trial/altshock2/safety",
                    "/trial/altshock2/cuts",
                ];
                let mut i = k;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) || ok + failed.len() == 0 {
                    let path = paths[i % paths.len()];
                    i += 1;
                    let r = send(&app, get(path, Some(&member))).await;
                    if r.status == StatusCode::OK {
                        ok += 1;
                        newest.push(r.body.contains("2024-12-31"));
                    } else {
                        failed.push(format!("{path}: {}", r.status));
                    }
                }
                (ok, failed, newest)
            }));
        }
        let (r, id) = upload(
            &app,
            "altshock2",
            &stat,
            "2024-12-31",
            "blinded",
            &blinded_upload(),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let id = id.unwrap();
        let Outcome::Passed(report) = checked(&app, &id).await else {
            panic!("the final cut's blinded part passes its checks");
        };
        assert_eq!(report.subjects, 101);
        // The check report, on the upload's page.
        let page = send(
            &app,
            get(&format!("/trial/altshock2/cuts/uploads/{id}"), Some(&stat)),
        )
        .await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body.contains("passed") && page.body.contains("adsl.csv"),
            "{}",
            page.body
        );
        assert!(
            app.catalog()
                .trial("altshock2")
                .unwrap()
                .cut(Some("2024-12-31"))
                .is_none(),
            "not served before it is registered"
        );
        let r = register(&app, "altshock2", &stat, &id).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        // Served at once: the member's cut picker has it, and it is the default.
        let t = app.catalog().entry("altshock2").unwrap();
        assert_eq!(t.latest().date, "2024-12-31");
        assert_eq!(t.latest().enrollment.total, 101);
        assert!(
            root.join("altshock2/cut-2024-12-31/manifest.json")
                .is_file(),
            "registered with its manifest"
        );
        let overview = send(&app, get("/trial/altshock2", Some(&member))).await;
        assert!(
            overview.body.contains("2024-12-31"),
            "the picker offers the new cut"
        );
        let old = send(
            &app,
            get(
                "/api/get_safety?trial=altshock2&cut=2023-09-30",
                Some(&member),
            ),
        )
        .await;
        assert_ne!(
            old.status,
            StatusCode::NOT_FOUND,
            "the older cut is still served"
        );
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let (mut ok, mut failed, mut saw_new) = (0, Vec::new(), false);
        for r in readers {
            let (o, f, n) = r.await.unwrap();
            ok += o;
            failed.extend(f);
            saw_new |= n.iter().any(|x| *x);
        }
        assert!(
            failed.is_empty(),
            "{} of {} page requests failed: {failed:?}",
            failed.len(),
            ok + failed.len()
        );
        assert!(ok >= 64, "{ok} page requests");
        assert!(saw_new, "some page requests saw the new cut");
        eprintln!("{ok} page requests during the upload, none failed");
        assert!(staging_is_empty(&app), "staging is empty once registered");
        for action in [
            "upload-cut",
            "check-cut",
            "view-upload",
            "register-cut",
            "serve-cut",
        ] {
            assert_eq!(entries(&app, action).len(), 1, "{action} audited once");
        }
        // The same date again is refused: the cut exists.
        let (r, _) = upload(
            &app,
            "altshock2",
            &stat,
            "2024-12-31",
            "blinded",
            &blinded_upload(),
        )
        .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    });
}

#[test]
fn a_blinded_upload_with_an_arm_column_is_refused_naming_it() {
    let root = upload_root("cut-2023-09-30");
    let app = app_on(&root, Limits::default());
    block_on(async {
        let stat = sign_in(&app, "stat").await;
        // The unblinded part declared blinded: it carries TRT01P.
        let mut files = datasets(&final_cut().join("unblinded"));
        files.push(file("randlist", &final_cut().join("randlist.csv")));
        let (r, id) = upload(&app, "altshock2", &stat, "2024-12-31", "blinded", &files).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let id = id.unwrap();
        let Outcome::Failed(problems) = checked(&app, &id).await else {
            panic!("an arm column in a blinded cut is refused");
        };
        let text = problems.to_string();
        assert!(
            text.contains("TRT01P") && text.contains("REFUSED"),
            "{text}"
        );
        assert!(
            !text.contains(".staging"),
            "problems name files within the cut: {text}"
        );
        let page = send(
            &app,
            get(&format!("/trial/altshock2/cuts/uploads/{id}"), Some(&stat)),
        )
        .await;
        assert!(page.body.contains("TRT01P"), "the page shows the problem");
        let r = register(&app, "altshock2", &stat, &id).await;
        assert_eq!(
            r.status,
            StatusCode::CONFLICT,
            "a failed upload is not registered"
        );
        assert_eq!(
            app.catalog().trial("altshock2").unwrap().latest().date,
            "2023-09-30"
        );
        assert!(!root.join("altshock2/cut-2024-12-31").exists());
    });
}

#[test]
fn refused_uploads_leave_nothing() {
    let root = upload_root("cut-2023-09-30");
    let app = app_on(
        &root,
        Limits {
            max_file_bytes: 64 * 1024,
            quota_bytes: Some(120 * 1024),
        },
    );
    block_on(async {
        let stat = sign_in(&app, "stat").await;
        let big = ("datasets", "adae.csv".to_string(), vec![b'x'; 65 * 1024]);
        // Beyond the limit per file: 413, named.
        let (r, _) = upload(&app, "altshock2", &stat, "2024-12-31", "blinded", &[big]).await;
        assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.body);
        assert!(r.body.contains("adae.csv"), "{}", r.body);
        // Beyond staging's quota (a full disk): 507, nothing kept.
        let parts: Vec<Part> = ["adsl.csv", "adae.csv"]
            .iter()
            .map(|n| ("datasets", n.to_string(), vec![b'y'; 63 * 1024]))
            .collect();
        let (r, _) = upload(&app, "altshock2", &stat, "2024-12-31", "blinded", &parts).await;
        assert_eq!(r.status, StatusCode::INSUFFICIENT_STORAGE, "{}", r.body);
        // A date that exists, or is not after the newest cut: 409.
        for date in ["2023-09-30", "2023-01-01"] {
            let (r, _) = upload(&app, "altshock2", &stat, date, "blinded", &blinded_upload()).await;
            assert_eq!(r.status, StatusCode::CONFLICT, "{date}: {}", r.body);
        }
        // A file that is not a dataset, a path in a name: 400.
        for name in ["notes.txt", "..%2Fadsl.csv", "../adsl.csv"] {
            let (r, _) = upload(
                &app,
                "altshock2",
                &stat,
                "2024-12-31",
                "blinded",
                &[("datasets", name.to_string(), b"a".to_vec())],
            )
            .await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{name}: {}", r.body);
        }
        // No role, or another role: 403 before anything is written.
        for user in ["member", "sponsor", "outsider"] {
            let token = sign_in(&app, user).await;
            let (r, _) = upload(
                &app,
                "altshock2",
                &token,
                "2024-12-31",
                "blinded",
                &blinded_upload(),
            )
            .await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{user}");
        }
        // A wrong CSRF token.
        let r = send(
            &app,
            upload_request(
                "altshock2",
                &stat,
                body("nope", "2024-12-31", "blinded", &blinded_upload()),
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert!(staging_is_empty(&app), "nothing is left in staging");
        assert!(
            !root.join("altshock2/cut-2024-12-31").exists(),
            "nothing reached the trial's folder"
        );
        assert_eq!(
            app.catalog().trial("altshock2").unwrap().latest().date,
            "2023-09-30"
        );
    });
}

#[test]
fn two_uploads_at_once_do_not_mix() {
    let root = upload_root("cut-2022-06-30");
    let app = app_on(&root, Limits::default());
    block_on(async {
        let stat = sign_in(&app, "stat").await;
        let a = {
            let mut f = datasets(&repo().join("demo/altshock2/cut-2023-09-30/blinded"));
            f.push(file(
                "randlist",
                &repo().join("demo/altshock2/cut-2023-09-30/randlist.csv"),
            ));
            f
        };
        let b = blinded_upload();
        let (ra, rb) = tokio::join!(
            upload(&app, "altshock2", &stat, "2023-09-30", "blinded", &a),
            upload(&app, "altshock2", &stat, "2024-12-31", "blinded", &b)
        );
        let (ia, ib) = (ra.1.expect("first"), rb.1.expect("second"));
        assert_ne!(ia, ib);
        let (Outcome::Passed(pa), Outcome::Passed(pb)) =
            (checked(&app, &ia).await, checked(&app, &ib).await)
        else {
            panic!("both pass");
        };
        assert_eq!(
            (pa.subjects, pb.subjects),
            (83, 101),
            "each upload holds its own files"
        );
        // Registered out of order: the older date is refused once the newer serves.
        assert_eq!(
            register(&app, "altshock2", &stat, &ib).await.status,
            StatusCode::SEE_OTHER
        );
        assert_eq!(
            register(&app, "altshock2", &stat, &ia).await.status,
            StatusCode::CONFLICT
        );
    });
}

#[test]
fn a_dropped_connection_leaves_nothing_in_staging() {
    let root = upload_root("cut-2023-09-30");
    let app = app_on(&root, Limits::default());
    block_on(async {
        let stat = sign_in(&app, "stat").await;
        let c = csrf(&app, &stat).await;
        let full = body(&c, "2024-12-31", "blinded", &blinded_upload());
        // A real socket: the request announces the whole body, sends half,
        // and the connection is closed.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let router = app.router();
        let server = tokio::spawn(async move {
            axum::serve(
                listener,
                router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
            )
            .await
        });
        {
            use tokio::io::AsyncWriteExt;
            let mut sock = tokio::net::TcpStream::connect(addr).await.unwrap();
            let head = format!(
                "POST /trial/altshock2/cuts HTTP/1.1\r\nHost: localhost\r\nOrigin: http://localhost\r\nCookie: dsmb_session={stat}\r\nContent-Type: multipart/form-data; boundary={BOUNDARY}\r\nContent-Length: {}\r\n\r\n",
                full.len()
            );
            sock.write_all(head.as_bytes()).await.unwrap();
            sock.write_all(&full[..full.len() / 2]).await.unwrap();
            sock.flush().await.unwrap();
            // The server has begun writing the files.
            for _ in 0..200 {
                if !staging_is_empty(&app) {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            }
            assert!(!staging_is_empty(&app), "the upload was being written");
        }
        // The socket is closed; the server notices and cleans up.
        let mut cleaned = false;
        for _ in 0..300 {
            if staging_is_empty(&app) && !entries(&app, "upload-cut-dropped").is_empty() {
                cleaned = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        server.abort();
        assert!(cleaned, "staging cleaned and the broken upload audited");
        assert!(!root.join("altshock2/cut-2024-12-31").exists());
        assert_eq!(entries(&app, "upload-cut-dropped").len(), 1);
    });
}

#[test]
fn one_cut_is_uploaded_once_at_a_time_and_a_statistician_holds_a_few() {
    let root = upload_root("cut-2023-09-30");
    let app = app_on(&root, Limits::default());
    block_on(async {
        let stat = sign_in(&app, "stat").await;
        let files = blinded_upload();
        // The same cut twice at once: one is refused before it is written.
        let (a, b) = tokio::join!(
            upload(&app, "altshock2", &stat, "2024-12-31", "blinded", &files),
            upload(&app, "altshock2", &stat, "2024-12-31", "blinded", &files)
        );
        let mut statuses = [a.0.status, b.0.status];
        statuses.sort();
        assert_eq!(statuses, [StatusCode::SEE_OTHER, StatusCode::CONFLICT]);
        // A few uploads held at once, then register or discard first.
        let broken = [("datasets", "adsl.csv".to_string(), b"USUBJID\n".to_vec())];
        for date in ["2025-01-31", "2025-02-28", "2025-03-31"] {
            let (r, _) = upload(&app, "altshock2", &stat, date, "blinded", &broken).await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{date}: {}", r.body);
        }
        let (r, _) = upload(&app, "altshock2", &stat, "2025-04-30", "blinded", &broken).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
        assert!(r.body.contains("register or discard"), "{}", r.body);
    });
}

#[test]
fn a_discarded_upload_cannot_be_registered() {
    let root = upload_root("cut-2023-09-30");
    let app = app_on(&root, Limits::default());
    block_on(async {
        let stat = sign_in(&app, "stat").await;
        let (_, id) = upload(
            &app,
            "altshock2",
            &stat,
            "2024-12-31",
            "blinded",
            &blinded_upload(),
        )
        .await;
        let id = id.unwrap();
        assert!(matches!(checked(&app, &id).await, Outcome::Passed(_)));
        let body = format!("csrf={}", csrf(&app, &stat).await);
        let r = send(
            &app,
            post(
                &format!("/trial/altshock2/cuts/uploads/{id}/discard"),
                Some(&stat),
                &body,
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(
            register(&app, "altshock2", &stat, &id).await.status,
            StatusCode::NOT_FOUND
        );
        assert!(staging_is_empty(&app));
        assert!(!root.join("altshock2/cut-2024-12-31").exists());
        assert_eq!(entries(&app, "discard-upload").len(), 1);
        assert!(entries(&app, "register-cut").is_empty());
        // The same cut can be sent again.
        let (r, _) = upload(
            &app,
            "altshock2",
            &stat,
            "2024-12-31",
            "blinded",
            &blinded_upload(),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    });
}
