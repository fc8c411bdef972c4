//! New cuts: `dsmb check` of a large blinded CSV cut (the benchmark's
//! schema, benches/summary.rs), and an upload of the 50,000-subject cut
//! (Parquet) to a running server: the time to send it, the time to check
//! it, and how much the server's resident memory grows meanwhile.
//!
//! ```sh
//! cargo bench --features ssr --bench intake             # 200000-subject check, 50000-subject upload
//! cargo bench --features ssr --bench intake -- 20000 5000
//! cargo bench --features ssr --bench intake -- 200000 50000 23   # ADAE 494 MB
//! ```
//! Targets: the check <= 2 s and <= 500 MiB; the server grows by < 300 MiB
//! during upload and check (the upload streams to disk).

mod common;

use common::{measured_runs, synthetic_cut};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const AE: usize = 15;

fn dir_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|it| {
            it.filter_map(Result::ok)
                .filter_map(|e| e.metadata().ok())
                .filter(|m| m.is_file())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

/// The synthetic cut, generated (when it is not there yet) by a child
/// process: a child forked from a bench that generated a cut in memory
/// would report that memory as its own peak.
fn generated(subjects: usize, ae: usize) -> PathBuf {
    let status = Command::new(std::env::current_exe().expect("the bench"))
        .env("DSMB_BENCH_GENERATE", format!("{subjects},{ae}"))
        .status()
        .expect("generate");
    assert!(status.success(), "generating the cut failed");
    synthetic_cut(subjects, ae)
}

fn check_bench(subjects: usize, ae: usize, trial: &Path) {
    let cut = generated(subjects, ae);
    let blinded = cut.join("blinded");
    println!(
        "dsmb check, {subjects} subjects, blinded CSV ({} MB, ADAE {} MB):",
        dir_bytes(&blinded) >> 20,
        std::fs::metadata(blinded.join("adae.csv"))
            .map(|m| m.len() >> 20)
            .unwrap_or(0)
    );
    for (label, list) in [("open level", false), ("with the randomization list", true)] {
        let (t, peak) = measured_runs(3, || {
            let mut cmd = Command::new(env!("CARGO_BIN_EXE_dsmb"));
            cmd.arg("check").arg(&blinded).arg("--trial").arg(trial);
            if list {
                cmd.arg("--randlist").arg(cut.join("randlist.csv"));
            }
            cmd.stdout(Stdio::null());
            cmd
        });
        println!("  {label:<28} median {t:>8.2?}   peak RSS {peak:>6.0} MiB");
    }
}

/// The resident memory of process `pid`, now and at its peak (MiB).
fn rss(pid: u32) -> (f64, f64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
            / 1024.0
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// One HTTP/1.1 request on a fresh connection: the status, the headers'
/// text and the body.
fn request(addr: &str, head: &str, body: &mut dyn FnMut(&mut TcpStream)) -> (u16, String, String) {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.write_all(head.as_bytes()).expect("send");
    body(&mut s);
    s.flush().expect("flush");
    let mut reader = BufReader::new(s);
    let mut headers = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        headers.push_str(&line);
    }
    let status = headers
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let len = headers
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().to_string())
        })
        .and_then(|v| v.parse::<usize>().ok());
    let mut body = Vec::new();
    match len {
        Some(n) => {
            body.resize(n, 0);
            let _ = reader.read_exact(&mut body);
        }
        None => {
            let _ = reader.read_to_end(&mut body);
        }
    }
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}

fn form(addr: &str, path: &str, cookie: &str, body: &str) -> (u16, String, String) {
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nOrigin: http://{addr}\r\nConnection: close\r\nCookie: {cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let b = body.to_string();
    request(addr, &head, &mut |s| {
        s.write_all(b.as_bytes()).expect("send")
    })
}

/// Upload the synthetic cut to a running server: its unblinded Parquet
/// part, or (`csv`) its blinded CSV part with the randomization list.
fn upload_bench(subjects: usize, ae: usize, csv: bool, trial_toml: &Path) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let cut = generated(subjects, ae);
    let work = root.join("target/bench-data/intake");
    let _ = std::fs::remove_dir_all(&work);
    let data = work.join("data");
    let trial = data.join("altshock2");
    std::fs::create_dir_all(&trial).expect("trial folder");
    std::fs::copy(trial_toml, trial.join("trial.toml")).expect("trial.toml");
    let status = Command::new("cp")
        .arg("-r")
        .arg(root.join("demo/altshock2/cut-2023-09-30"))
        .arg(&trial)
        .status()
        .expect("cp");
    assert!(status.success());
    let db = work.join("dsmb.sqlite");
    let dsmb = env!("CARGO_BIN_EXE_dsmb");
    let mut add = Command::new(dsmb)
        .args([
            "user",
            "add",
            "bench-stat",
            "--role",
            "altshock2=statistician",
            "--db",
        ])
        .arg(&db)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("dsmb user add");
    add.stdin
        .take()
        .expect("stdin")
        .write_all(b"bench password 1234\n")
        .expect("password");
    assert!(add.wait().expect("user add").success(), "user add");
    let addr = "127.0.0.1:3917";
    let mut server = Command::new(dsmb)
        .args(["serve", "--watch-secs", "0", "--addr", addr, "--data"])
        .arg(&data)
        .arg("--db")
        .arg(&db)
        .env("LEPTOS_OUTPUT_NAME", "dsmb")
        .env("LEPTOS_SITE_ROOT", root.join("target/site"))
        .stdout(Stdio::null())
        .spawn()
        .expect("dsmb serve");
    let pid = server.id();
    let started = Instant::now();
    while TcpStream::connect(addr).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the server did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let (st, headers, _) = form(
        addr,
        "/auth/login",
        "",
        "username=bench-stat&password=bench+password+1234&next=/",
    );
    assert_eq!(st, 303, "sign-in");
    let cookie = headers
        .lines()
        .find_map(|l| {
            l.strip_prefix("set-cookie: ")
                .or_else(|| l.strip_prefix("Set-Cookie: "))
        })
        .and_then(|c| c.split(';').next())
        .expect("session cookie")
        .to_string();
    let (_, _, me) = form(addr, "/api/get_me", &cookie, "");
    let csrf = me
        .split("\"csrf\":\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("csrf")
        .to_string();

    // The multipart body, streamed from the files.
    let boundary = "dsmb-bench-boundary";
    let (part, ext) = if csv {
        ("blinded", "csv")
    } else {
        ("unblinded", "parquet")
    };
    let mut files: Vec<(&str, PathBuf)> = ["adsl", "adae", "adtte"]
        .iter()
        .map(|d| ("datasets", cut.join(part).join(format!("{d}.{ext}"))))
        .collect();
    if csv {
        files.push(("randlist", cut.join("randlist.csv")));
    }
    files.retain(|(_, p)| p.is_file());
    let mut preamble = String::new();
    for (name, value) in [
        ("csrf", csrf.as_str()),
        ("cut_date", "2024-12-31"),
        ("part", part),
    ] {
        preamble.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    let part_head = |field: &str, p: &Path| {
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{}\"\r\nContent-Type: application/octet-stream\r\n\r\n",
            p.file_name().unwrap().to_string_lossy()
        )
    };
    let tail = format!("--{boundary}--\r\n");
    let file_bytes: u64 = files
        .iter()
        .map(|(_, p)| std::fs::metadata(p).unwrap().len())
        .sum();
    let length = preamble.len() as u64
        + files
            .iter()
            .map(|(f, p)| part_head(f, p).len() as u64 + 2)
            .sum::<u64>()
        + file_bytes
        + tail.len() as u64;
    let (rss_before, _) = rss(pid);
    let head = format!(
        "POST /trial/altshock2/cuts HTTP/1.1\r\nHost: {addr}\r\nOrigin: http://{addr}\r\nConnection: close\r\nCookie: {cookie}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {length}\r\n\r\n"
    );
    let t = Instant::now();
    let (st, headers, body) = request(addr, &head, &mut |s| {
        s.write_all(preamble.as_bytes()).expect("send");
        for (field, p) in &files {
            s.write_all(part_head(field, p).as_bytes()).expect("send");
            let mut f = std::fs::File::open(p).expect("open");
            std::io::copy(&mut f, s).expect("send file");
            s.write_all(b"\r\n").expect("send");
        }
        s.write_all(tail.as_bytes()).expect("send");
    });
    let sent = t.elapsed();
    assert_eq!(st, 303, "upload: {body}");
    let id = headers
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("location:")
                .map(|v| v.trim().to_string())
        })
        .and_then(|l| l.rsplit('/').next().map(str::to_string))
        .expect("the upload's page");
    let mut peak = rss(pid).1;
    let state = loop {
        let (_, _, view) = form(
            addr,
            "/api/get_upload",
            &cookie,
            &format!("trial=altshock2&id={id}"),
        );
        peak = peak.max(rss(pid).1);
        if !view.contains("\"state\":\"checking\"") {
            break view;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let checked = t.elapsed() - sent;
    let (_, hwm) = rss(pid);
    let _ = server.kill();
    let _ = server.wait();
    assert!(
        state.contains("\"state\":\"passed\""),
        "the upload passes: {state}"
    );
    println!(
        "upload of {subjects} subjects ({part}, {ext}, {} MB) to `dsmb serve`: sent in {sent:.2?}, checked in {checked:.2?}",
        file_bytes >> 20
    );
    println!(
        "  server RSS {rss_before:.0} MiB before, peak {:.0} MiB: grew by {:.0} MiB",
        hwm.max(peak),
        hwm.max(peak) - rss_before
    );
}

fn main() {
    if let Ok(what) = std::env::var("DSMB_BENCH_GENERATE") {
        let mut n = what.split(',').filter_map(|s| s.parse::<usize>().ok());
        if let (Some(subjects), Some(ae)) = (n.next(), n.next()) {
            synthetic_cut(subjects, ae);
        }
        return;
    }
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let check_subjects: usize = args.first().and_then(|s| s.parse().ok()).unwrap_or(200_000);
    let upload_subjects: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(50_000);
    // AE records per subject of the checked cut (15: ADAE 329 MB at
    // 200,000 subjects; 23: 494 MB).
    let ae: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(AE);
    let trial = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("demo/altshock2/trial.toml");
    check_bench(check_subjects, ae, &trial);
    upload_bench(upload_subjects, AE, false, &trial);
    // The checked cut itself, as data management sends it (blinded CSV).
    upload_bench(check_subjects, ae, true, &trial);
}
