//! The `dsmb` command line, run as a user would run it.

use crate::helpers::{altshock2, expected, repo};
use std::process::{Command, Output};

fn dsmb(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dsmb"))
        .args(args)
        .current_dir(repo())
        .output()
        .expect("run dsmb")
}

fn path(p: &std::path::Path) -> String {
    p.display().to_string()
}

/// `dsmb summary <dir> --trial <trial> [--randlist <list>] --view <view> --json`
fn summary(
    dir: &std::path::Path,
    trial: &std::path::Path,
    randlist: Option<&std::path::Path>,
    view: &str,
) -> Output {
    let (dir, trial) = (path(dir), path(trial));
    let mut args = vec!["summary", &dir, "--trial", &trial];
    let list = randlist.map(path);
    if let Some(list) = &list {
        args.extend(["--randlist", list.as_str()]);
    }
    args.extend(["--view", view, "--json"]);
    dsmb(&args)
}

#[test]
fn check_accepts_a_good_cut_and_reports_its_hashes() {
    let cut = altshock2().join("cut-2024-12-31/unblinded");
    let out = dsmb(&[
        "check",
        &path(&cut),
        "--trial",
        &path(&altshock2().join("trial.toml")),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.starts_with("OK"), "{stdout}");
    assert!(
        stdout.contains("adsl.parquet") && stdout.contains("sha256"),
        "{stdout}"
    );
    assert!(stdout.contains("101 subjects"), "{stdout}");
}

#[test]
fn check_refuses_a_bad_cut_naming_file_row_and_column() {
    let dir = std::env::temp_dir().join(format!("dsmb-cli-{}", std::process::id()));
    let cut = dir.join("cut-2024-12-31");
    std::fs::create_dir_all(&cut).unwrap();
    for f in ["adsl.csv", "adae.csv", "adtte.csv"] {
        std::fs::copy(
            altshock2().join("cut-2024-12-31/blinded").join(f),
            cut.join(f),
        )
        .unwrap();
    }
    let p = cut.join("adtte.csv");
    let text = std::fs::read_to_string(&p)
        .unwrap()
        .replacen(",DAYS,1,", ",DAYS,7,", 1);
    std::fs::write(&p, text).unwrap();
    let out = dsmb(&[
        "check",
        &path(&cut),
        "--trial",
        &path(&altshock2().join("trial.toml")),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("adtte.csv, row 1, column CNSR"), "{stderr}");
}

#[test]
fn closed_summaries_by_both_routes_are_identical_and_match_expected_json() {
    let trial = altshock2().join("trial.toml");
    let expected = expected();
    for name in ["cut-2022-06-30", "cut-2023-09-30", "cut-2024-12-31"] {
        let cut = altshock2().join(name);
        let a = summary(&cut.join("unblinded"), &trial, None, "closed");
        let randlist = cut.join("randlist.csv");
        let b = summary(&cut.join("blinded"), &trial, Some(&randlist), "closed");
        assert!(
            a.status.success() && b.status.success(),
            "{}",
            String::from_utf8_lossy(&b.stderr)
        );
        let a: serde_json::Value = serde_json::from_slice(&a.stdout).unwrap();
        let b: serde_json::Value = serde_json::from_slice(&b.stdout).unwrap();
        for key in [
            "trial",
            "cut_date",
            "view",
            "files",
            "enrollment",
            "safety",
            "primary",
            "subgroups",
        ] {
            assert!(a.get(key).is_some(), "{name}: key {key} missing");
        }
        let (a, b) = (crate::summary::comparable(a), crate::summary::comparable(b));
        assert_eq!(a, b, "{name}");
        let want = &expected["cuts"][name];
        assert_eq!(a["enrollment"]["by_arm"]["IABP"], want["enrolled"]["IABP"]);
        assert_eq!(a["enrollment"]["by_arm"]["SOC"], want["enrolled"]["SOC"]);
        assert_eq!(a["safety"][0]["category"], "BARC>=3 bleeding");
        assert_eq!(
            a["safety"][0]["by_arm"]["IABP"]["subjects"],
            want["safety_subjects"]["bleeding_barc_ge3"]["IABP"]
        );
        assert_eq!(
            a["primary"]["by_arm"]["SOC"]["events"],
            want["primary_endpoint"]["failures_death_within_60d"]["SOC"]
        );
    }
}

#[test]
fn the_open_summary_reveals_no_arm() {
    let trial = altshock2().join("trial.toml");
    for part in ["blinded", "unblinded"] {
        let cut = altshock2().join("cut-2024-12-31").join(part);
        let out = summary(&cut, &trial, None, "open");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8_lossy(&out.stdout);
        for word in [
            "by_arm",
            "IABP",
            "SOC",
            "SoC",
            "arm",
            "ARM",
            "subgroups",
            "p_value",
        ] {
            assert!(
                !text.contains(word),
                "{part}: open summary contains {word:?}"
            );
        }
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["view"], "open");
        assert_eq!(v["enrollment"]["total"], 101);
    }
    // The open view never takes a randomization list.
    let cut = altshock2().join("cut-2024-12-31");
    let randlist = cut.join("randlist.csv");
    let out = summary(&cut.join("blinded"), &trial, Some(&randlist), "open");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn the_cdisc_pilot_summarises_from_its_unchanged_xpt_files() {
    let pilot = repo().join("demo/cdisc-pilot01");
    let out = summary(
        &pilot.join("cut-2015-03-05/unblinded"),
        &pilot.join("trial.toml"),
        None,
        "closed",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // Pilot README: 86 Placebo, 84 Low, 84 High; TTDE events 29 / 62 / 61.
    assert_eq!(v["enrollment"]["by_arm"]["PBO"], 86);
    assert_eq!(v["enrollment"]["by_arm"]["LOW"], 84);
    assert_eq!(v["enrollment"]["by_arm"]["HIGH"], 84);
    assert_eq!(v["primary"]["by_arm"]["PBO"]["events"], 29);
    assert_eq!(v["primary"]["by_arm"]["LOW"]["events"], 62);
    assert_eq!(v["primary"]["by_arm"]["HIGH"]["events"], 61);
    // Three arms: each against Placebo, no single p-value.
    assert!(v["safety"][0]["p_value"].is_null());
    assert_eq!(v["safety"][0]["comparisons"].as_array().unwrap().len(), 2);
}

#[test]
fn design_prints_the_boundaries_rpact_gives() {
    // R: d <- rpact::getDesignGroupSequential(kMax = 4, alpha = 0.025, beta = 0.1,
    //   sided = 1, typeOfDesign = "asOF", typeBetaSpending = "bsOF",
    //   informationRates = c(0.3, 0.55, 0.8, 1), bindingFutility = FALSE)
    // d$criticalValues: 3.92857254263 2.80787686259 2.27609807998 2.02924463898
    // d$futilityBounds: -0.926838651926 0.568478960078 1.463081345428
    let out = dsmb(&[
        "design",
        "--looks",
        "0.3,0.55,0.8,1",
        "--alpha",
        "0.025",
        "--sided",
        "1",
        "--spending",
        "obf",
        "--beta",
        "0.1",
        "--futility",
        "obf",
        "--nonbinding",
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let got = |k: &str| -> Vec<f64> {
        v[k].as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect()
    };
    let efficacy = [
        3.928_572_542_63,
        2.807_876_862_59,
        2.276_098_079_98,
        2.029_244_638_98,
    ];
    let futility = [-0.926_838_651_926, 0.568_478_960_078, 1.463_081_345_428];
    for (g, w) in got("efficacy_z").iter().zip(efficacy) {
        assert!((g - w).abs() < 1e-5, "{g} vs {w}");
    }
    for (g, w) in got("futility_z").iter().zip(futility) {
        assert!((g - w).abs() < 1e-5, "{g} vs {w}");
    }
    assert_eq!(got("cumulative_alpha").len(), 4);
    // Without --futility the futility bounds are null.
    let out = dsmb(&[
        "design",
        "--looks",
        "0.5,1",
        "--spending",
        "pocock",
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["futility_z"].is_null());
    // Bad looks are refused.
    let out = dsmb(&["design", "--looks", "0.5,0.4,1"]);
    assert_eq!(out.status.code(), Some(2));
    // A harm bound beside them. R: -rpact::getDesignGroupSequential(sided = 1,
    //   alpha = 0.1, typeOfDesign = "asP",
    //   informationRates = c(0.11, 0.385, 0.633, 0.834, 1))$criticalValues
    // -2.11272427851 -1.76589740068 -1.72551063448 -1.71783266217 -1.71448446065
    let out = dsmb(&[
        "design",
        "--looks",
        "0.11,0.385,0.633,0.834,1",
        "--harm-alpha",
        "0.1",
        "--harm-spending",
        "pocock",
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let harm: Vec<f64> = v["harm_z"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect();
    let want = [
        -2.112_724_278_51,
        -1.765_897_400_68,
        -1.725_510_634_48,
        -1.717_832_662_17,
        -1.714_484_460_65,
    ];
    for (g, w) in harm.iter().zip(want) {
        assert!((g - w).abs() < 1e-5, "{g} vs {w}");
    }
    assert_eq!(v["efficacy_z"].as_array().unwrap().len(), 5);
    assert_eq!(v["harm_binding"], false);
    // Harm spending that is not obf, pocock or hsd is refused.
    let out = dsmb(&[
        "design",
        "--looks",
        "0.5,1",
        "--harm-alpha",
        "0.05",
        "--harm-spending",
        "kd:2",
    ]);
    assert_eq!(out.status.code(), Some(2));
}

/// `dsmb user …` with `stdin` on its standard input.
fn user_cmd(db: &std::path::Path, args: &[&str], stdin: &str) -> Output {
    use std::io::Write;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_dsmb"))
        .arg("user")
        .args(args)
        .arg("--db")
        .arg(db)
        .env("USER", "ci-operator")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// Every change to the users is in the audit trail, with who ran it on the
/// server and what changed (never the password), in the same transaction
/// as the change; a role can be revoked.
#[test]
fn user_administration_is_audited_and_a_role_can_be_revoked() {
    let dir = std::env::temp_dir().join(format!("dsmb-users-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let db = dir.join("dsmb.sqlite");
    let pw = "a long enough password\n";
    for (args, input) in [
        (vec!["add", "alice", "--role", "altshock2=sponsor"], pw),
        (vec!["grant", "alice", "cdisc-pilot01=dsmb"], ""),
        (vec!["passwd", "alice"], pw),
        (vec!["disable", "alice"], ""),
        (vec!["enable", "alice"], ""),
        (vec!["revoke", "alice", "cdisc-pilot01"], ""),
    ] {
        let out = user_cmd(&db, &args, input);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // Revoking a role not held is refused and changes nothing.
    let out = user_cmd(&db, &["revoke", "alice", "cdisc-pilot01"], "");
    assert!(!out.status.success());
    let store = dsmb::server::store::Store::open(&db).unwrap();
    let entries = store.audit_entries(None, None, None, 100).unwrap();
    let actions: Vec<(&str, &str, &str)> = entries
        .iter()
        .rev()
        .map(|e| (e.username.as_str(), e.action.as_str(), e.trial.as_str()))
        .collect();
    assert_eq!(
        actions,
        [
            ("cli:ci-operator", "user-add", ""),
            ("cli:ci-operator", "role-grant", "cdisc-pilot01"),
            ("cli:ci-operator", "user-passwd", ""),
            ("cli:ci-operator", "user-disable", ""),
            ("cli:ci-operator", "user-enable", ""),
            ("cli:ci-operator", "role-revoke", "cdisc-pilot01"),
        ]
    );
    assert!(entries.iter().all(|e| !e.detail.contains("long enough")));
    assert!(entries
        .last()
        .unwrap()
        .detail
        .contains("alice with roles altshock2=sponsor"));
    let alice = store
        .list_users()
        .unwrap()
        .into_iter()
        .find(|u| u.username == "alice")
        .unwrap();
    assert_eq!(
        alice.roles,
        [("altshock2".to_string(), dsmb::dto::Role::Sponsor)]
    );
    assert_eq!(store.verify_audit().unwrap(), Ok(6));
    let _ = std::fs::remove_dir_all(&dir);
}

/// `dsmb diff`: the sponsor's pooled diff names no arm, the closed one
/// gives the groups, and a cut with itself, cuts out of order or a cut of
/// another trial are refused with a message and exit code 2.
#[test]
fn diff_compares_two_cuts_and_refuses_what_cannot_be_compared() {
    let trial = path(&altshock2().join("trial.toml"));
    let cut = |c: &str| path(&altshock2().join(c));
    let (a, b) = (cut("cut-2022-06-30"), cut("cut-2023-09-30"));
    let open = dsmb(&[
        "diff", &a, &b, "--trial", &trial, "--view", "open", "--json",
    ]);
    assert!(
        open.status.success(),
        "{}",
        String::from_utf8_lossy(&open.stderr)
    );
    let text = String::from_utf8_lossy(&open.stdout);
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["subjects"]["new"], 37);
    for word in ["IABP", "SOC", "SoC", "by_arm"] {
        assert!(!text.contains(word), "the open diff says {word}");
    }
    let closed = dsmb(&[
        "diff", &a, &b, "--trial", &trial, "--view", "closed", "--json",
    ]);
    assert!(closed.status.success());
    let v: serde_json::Value = serde_json::from_slice(&closed.stdout).unwrap();
    let want = expected();
    let new = |arm: &str| {
        want["cuts"]["cut-2023-09-30"]["enrolled"][arm]
            .as_i64()
            .unwrap()
            - want["cuts"]["cut-2022-06-30"]["enrolled"][arm]
                .as_i64()
                .unwrap()
    };
    assert_eq!(v["by_arm"]["IABP"]["new"], new("IABP"));
    assert_eq!(v["by_arm"]["SOC"]["new"], new("SOC"));
    let pilot = path(&repo().join("demo/cdisc-pilot01/cut-2015-03-05"));
    for (old, new, needle) in [
        (&b, &b, "with itself"),
        (&b, &a, "must come first"),
        (&a, &pilot, "cdisc-pilot01"),
    ] {
        let out = dsmb(&["diff", old, new, "--trial", &trial, "--view", "closed"]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{old} {new}");
        assert!(err.contains(needle), "{needle}: {err}");
    }
}
