//! The open and closed report documents (`dsmb report`), read back as a
//! reader would: the PDF's text through `pdftotext` (Debian's poppler-utils,
//! installed by `scripts/setup.sh test`) and the HTML's text, checked
//! against `dsmb summary --json` of the same cut.

use crate::fixtures::{blinded, fixture, set_cell};
use crate::helpers::repo;
use crate::sponsor_leak::ARM_WORDS;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BUILT_AT: &str = "2026-12-01T09:30:00Z";

fn dsmb(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dsmb"))
        .args(args)
        .current_dir(repo())
        .output()
        .expect("run dsmb")
}

pub(crate) fn out_dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "dsmb-documents-{}-{}",
        std::process::id(),
        crate::fixtures::unique()
    ));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// `dsmb report <cut> --trial <trial> --view <view> --format <format>`,
/// into `out`; the access database is one that does not exist (no meeting).
pub(crate) fn report(
    cut: &Path,
    trial: &Path,
    view: &str,
    format: &str,
    out: &Path,
    extra: &[&str],
) -> Output {
    let (c, t, o) = (
        cut.display().to_string(),
        trial.display().to_string(),
        out.display().to_string(),
    );
    let db = out.with_extension("no-db.sqlite").display().to_string();
    let mut args = vec![
        "report",
        &c,
        "--trial",
        &t,
        "--view",
        view,
        "--format",
        format,
        "--out",
        &o,
        "--built-at",
        BUILT_AT,
        "--db",
        &db,
    ];
    args.extend(extra);
    dsmb(&args)
}

pub(crate) fn ok(o: &Output, what: &str) {
    assert!(
        o.status.success(),
        "{what}: {}\n{}",
        o.status,
        String::from_utf8_lossy(&o.stderr)
    );
}

/// All white space as single spaces.
fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The text of a PDF, as `pdftotext -layout` reads it.
fn pdf_text(pdf: &Path) -> String {
    // -layout keeps a table's row on one line.
    let o = Command::new("pdftotext")
        .arg("-layout")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (Debian poppler-utils; scripts/setup.sh test installs it)");
    assert!(o.status.success(), "pdftotext {}", pdf.display());
    squash(&String::from_utf8_lossy(&o.stdout))
}

/// The text of an HTML file: tags dropped, entities read.
fn html_text(html: &Path) -> String {
    let s = std::fs::read_to_string(html).unwrap();
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for ch in s.chars() {
        match ch {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let out = out
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    squash(&out)
}

fn summary(cut: &Path, trial: &Path, view: &str) -> serde_json::Value {
    let o = dsmb(&[
        "summary",
        &cut.display().to_string(),
        "--trial",
        &trial.display().to_string(),
        "--view",
        view,
        "--json",
    ]);
    ok(&o, "summary");
    serde_json::from_slice(&o.stdout).unwrap()
}

/// A p-value as the documents write it in words: "p < 0.001", never
/// "p = <0.001"; "p > 0.99" above, as the paper prints Fisher's 1.
fn p_words(p: f64) -> String {
    if p < 0.001 {
        "p < 0.001".into()
    } else if p > 0.99 {
        "p > 0.99".into()
    } else {
        format!("p = {p:.3}")
    }
}

/// Whether `word` occurs in `text` as a word (not inside a longer one: the
/// arm code SOC is not the organ class SOCIAL CIRCUMSTANCES).
pub fn has_word(text: &str, word: &str) -> bool {
    let alnum = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    text.match_indices(word).any(|(i, _)| {
        !alnum(text[..i].chars().next_back()) && !alnum(text[i + word.len()..].chars().next())
    })
}

fn has(text: &str, needle: &str, what: &str) {
    assert!(
        text.contains(needle),
        "{what}: {needle:?} is not in the document"
    );
}

/// The demo trials' final cuts.
fn final_cuts() -> [(PathBuf, PathBuf); 2] {
    let demo = repo().join("demo");
    [
        (
            demo.join("altshock2/cut-2024-12-31/unblinded"),
            demo.join("altshock2/trial.toml"),
        ),
        (
            demo.join("cdisc-pilot01/cut-2015-03-05/unblinded"),
            demo.join("cdisc-pilot01/trial.toml"),
        ),
    ]
}

/// Each page of a PDF as an image in `target/report-pages/` (a test
/// artifact to look at); how many pages.
fn save_pages(pdf: &Path, name: &str) -> usize {
    let dir = repo().join("target/report-pages");
    std::fs::create_dir_all(&dir).unwrap();
    for e in std::fs::read_dir(&dir).unwrap().flatten() {
        if e.file_name()
            .to_string_lossy()
            .starts_with(&format!("{name}-"))
        {
            let _ = std::fs::remove_file(e.path());
        }
    }
    let o = Command::new("pdftoppm")
        .args(["-r", "60", "-png"])
        .arg(pdf)
        .arg(dir.join(name))
        .output()
        .expect("pdftoppm (poppler-utils)");
    assert!(o.status.success(), "pdftoppm {}", pdf.display());
    std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .filter(|e| {
            let f = e.file_name().to_string_lossy().to_string();
            f.starts_with(&format!("{name}-")) && f.ends_with(".png")
        })
        .count()
}

pub(crate) fn pdf_pages(pdf: &Path) -> usize {
    let o = Command::new("pdfinfo").arg(pdf).output().expect("pdfinfo");
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:").map(|n| n.trim().parse().unwrap()))
        .unwrap()
}

#[test]
fn the_closed_report_carries_the_summarys_numbers_in_pdf_and_html() {
    let dir = out_dir();
    for (cut, trial) in final_cuts() {
        let s = summary(&cut, &trial, "closed");
        let id = s["trial"].as_str().unwrap().to_string();
        let pdf = dir.join(format!("{id}-closed.pdf"));
        let html = dir.join(format!("{id}-closed.html"));
        ok(
            &report(&cut, &trial, "closed", "pdf", &pdf, &[]),
            "closed pdf",
        );
        ok(
            &report(&cut, &trial, "closed", "html", &html, &[]),
            "closed html",
        );
        let pages = save_pages(&pdf, &format!("{id}-closed"));
        // The eDISH figure draws a point for every subject with liver
        // values (the plot bins only beyond 4,000), in the subject's group.
        if s["labs"]["collected"] == true {
            let raw = std::fs::read_to_string(&html).unwrap();
            let caption = raw.find("eDISH: each subject").expect("the eDISH figure");
            let figure = &raw[raw[..caption].rfind("<figure>").unwrap()..caption];
            let q = &s["labs"]["quadrants"]["total"];
            let placed: u64 = [
                "hys_law_range",
                "temples_corollary",
                "cholestasis_range",
                "normal_range",
            ]
            .iter()
            .map(|k| q[*k].as_u64().unwrap())
            .sum();
            let circles = figure.matches("<circle").count() as u64;
            let groups = s["arms"].as_array().unwrap().len() as u64;
            assert_eq!(
                circles,
                placed + groups,
                "{id}: a point each, and the legend's markers"
            );
        }
        assert_eq!(pages, pdf_pages(&pdf), "one image per page");
        assert!(pages >= 10, "{id}: {pages} pages");
        for (text, what) in [(pdf_text(&pdf), "pdf"), (html_text(&html), "html")] {
            let what = format!("{id} closed {what}");
            has(&text, "CLOSED REPORT: DSMB ONLY", &what);
            // The decision first: where the trial stands on page 1, then
            // efficacy, futility and harm, and the safety by group with its
            // rules, before the long tables.
            let at = |needle: &str| {
                text.find(needle)
                    .unwrap_or_else(|| panic!("{what}: no {needle:?}"))
            };
            let order = [
                at("Where the trial stands"),
                at("Efficacy and futility"),
                at("Safety events by group"),
                at("Disposition (CONSORT)"),
                at("Adverse events by system organ class"),
            ];
            assert!(order.windows(2).all(|w| w[0] < w[1]), "{what}: {order:?}");
            has(
                &text,
                &format!(
                    "The look {}",
                    s["interim"]["look_label"].as_str().unwrap_or("")
                ),
                &what,
            );
            has(
                &text,
                &format!("data cut {}", s["cut_date"].as_str().unwrap()),
                &what,
            );
            has(&text, "version 1", &what);
            let e = &s["enrollment"];
            has(
                &text,
                &format!("{} of {} planned", e["total"], e["target"]),
                &what,
            );
            for cat in s["safety"].as_array().unwrap() {
                for (_, g) in cat["by_arm"].as_object().unwrap() {
                    has(&text, &format!("{}/{}", g["subjects"], g["n"]), &what);
                }
                for c in cat["comparisons"].as_array().unwrap() {
                    let p = p_words(c["p_value"].as_f64().unwrap());
                    has(&text, &format!("{p} ("), &what);
                    assert!(
                        !text.contains("p = <"),
                        "{what}: a p-value written \"p = <\""
                    );
                }
            }
            let i = &s["interim"];
            has(
                &text,
                &format!("z-statistic {:.3}", i["z"].as_f64().unwrap()),
                &what,
            );
            has(
                &text,
                &format!("B-value {:.3}", i["b_value"].as_f64().unwrap()),
                &what,
            );
            let cp = i["conditional_power"]["trend"].as_f64().unwrap();
            has(
                &text,
                &format!("{:.1}% under the current trend", 100.0 * cp),
                &what,
            );
            has(&text, &squash(i["verdict"].as_str().unwrap()), &what);
            // The z path over the cuts, oldest first (as the screen draws it).
            if id == "altshock2" {
                let at = |d: &str| text.find(&format!("{d} 0.")).unwrap_or(usize::MAX);
                let (a, b, c) = (at("2022-06-30"), at("2023-09-30"), at("2024-12-31"));
                assert!(
                    a < b && b < c && c < usize::MAX,
                    "{what}: the path is not oldest first"
                );
            }
            // A table whose columns the cut does not collect says so.
            for t in s["adverse_events"]["tables"].as_array().unwrap() {
                if t["collected"] == false {
                    let label = t["label"].as_str().unwrap();
                    has(
                        &text,
                        &format!("{label}: not collected in this cut."),
                        &what,
                    );
                }
            }
            // The arms are named (a decoded report).
            for a in s["arms"].as_array().unwrap() {
                has(&text, a["label"].as_str().unwrap(), &what);
            }
            // The laboratory section: every subject in the Hy's law range
            // listed, the shift tables; a trial without ADLB says so.
            let labs = &s["labs"];
            if labs["collected"] == true {
                let range = labs["hys_law"].as_array().unwrap().len();
                has(
                    &text,
                    &format!("Subjects in the Hy's law range ({range})"),
                    &what,
                );
                for c in labs["hys_law"].as_array().unwrap() {
                    has(&text, c["usubjid"].as_str().unwrap(), &what);
                }
                has(
                    &text,
                    "Hemoglobin (g/dL): baseline against the worst post-baseline category",
                    &what,
                );
                has(&text, "Change from baseline at Day 3", &what);
                // The eDISH plot, and each trend parameter's chart.
                has(&text, "eDISH: each subject's peak ALT or AST", &what);
                for t in labs["trends"].as_array().unwrap() {
                    // Named as the data name it, with its unit.
                    let param = t["param"].as_str().unwrap();
                    let label = labs["labels"][param].as_str().unwrap();
                    has(&text, &format!("{label}: median (Q1–Q3) by visit"), &what);
                }
            } else {
                has(&text, "Laboratory data: not collected", &what);
            }
        }
    }
}

#[test]
fn the_open_report_carries_the_pooled_numbers_and_no_arm_in_any_cut() {
    let dir = out_dir();
    let demo = repo().join("demo");
    let mut checked = 0;
    for (trial, cuts) in [
        (
            "altshock2",
            &["cut-2022-06-30", "cut-2023-09-30", "cut-2024-12-31"][..],
        ),
        ("cdisc-pilot01", &["cut-2015-03-05"][..]),
    ] {
        let config = demo.join(trial).join("trial.toml");
        for c in cuts {
            // The open report reads the blinded part, as the sponsor's view.
            let cut = demo.join(trial).join(c).join("blinded");
            let cut = if cut.is_dir() {
                cut
            } else {
                demo.join(trial).join(c).join("unblinded")
            };
            let s = summary(&cut, &config, "open");
            let pdf = dir.join(format!("{trial}-{c}-open.pdf"));
            let html = dir.join(format!("{trial}-{c}-open.html"));
            ok(&report(&cut, &config, "open", "pdf", &pdf, &[]), "open pdf");
            ok(
                &report(&cut, &config, "open", "html", &html, &[]),
                "open html",
            );
            if *c == "cut-2024-12-31" || trial == "cdisc-pilot01" {
                save_pages(&pdf, &format!("{trial}-open"));
            }
            let raw_html = std::fs::read_to_string(&html).unwrap();
            for word in ARM_WORDS {
                assert!(
                    !has_word(&raw_html, word),
                    "{trial} {c} open html source contains {word:?}"
                );
            }
            for (text, what) in [(pdf_text(&pdf), "pdf"), (html_text(&html), "html")] {
                let what = format!("{trial} {c} open {what}");
                for word in ARM_WORDS {
                    assert!(!has_word(&text, word), "{what} contains {word:?}");
                }
                has(&text, "OPEN REPORT", &what);
                let e = &s["enrollment"];
                has(
                    &text,
                    &format!("{} of {} planned", e["total"], e["target"]),
                    &what,
                );
                for cat in s["safety"].as_array().unwrap() {
                    let shown = match cat["subjects"].as_u64() {
                        Some(n) => n.to_string(),
                        None => format!("<{}", s["small_cell_threshold"]),
                    };
                    has(
                        &text,
                        &format!("{} {shown} {}", cat["category"].as_str().unwrap(), cat["n"]),
                        &what,
                    );
                }
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 4);
    assert!(has_word("SoC.", "SoC") && !has_word("SOCIAL", "SOC") && has_word("(IABP)", "IABP"));
}

#[test]
fn the_same_inputs_and_build_time_give_the_same_bytes() {
    let dir = out_dir();
    let [(cut, trial), _] = final_cuts();
    for format in ["pdf", "html"] {
        let (a, b, c) = (
            dir.join(format!("a.{format}")),
            dir.join(format!("b.{format}")),
            dir.join(format!("c.{format}")),
        );
        ok(&report(&cut, &trial, "closed", format, &a, &[]), "first");
        ok(&report(&cut, &trial, "closed", format, &b, &[]), "second");
        assert_eq!(
            std::fs::read(&a).unwrap(),
            std::fs::read(&b).unwrap(),
            "{format}: two builds differ"
        );
        // Another build time is another document (its date and stamp).
        let mut args = vec!["report".to_string()];
        args.extend([
            cut.display().to_string(),
            "--trial".into(),
            trial.display().to_string(),
            "--view".into(),
            "closed".into(),
            "--format".into(),
            format.into(),
            "--out".into(),
            c.display().to_string(),
            "--built-at".into(),
            "2026-12-02T09:30:00Z".into(),
            "--db".into(),
            dir.join("none.sqlite").display().to_string(),
        ]);
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        ok(&dsmb(&refs), "third");
        assert_ne!(std::fs::read(&a).unwrap(), std::fs::read(&c).unwrap());
    }
}

#[test]
fn a_report_of_a_broken_cut_is_refused_with_its_problems_and_writes_nothing() {
    let dir = out_dir();
    let cut = fixture();
    set_cell(&blinded(&cut).join("adsl.csv"), 3, "RANDDT", "2024-13-45");
    let trial = repo().join("demo/altshock2/trial.toml");
    let out = dir.join("broken.pdf");
    let o = report(&blinded(&cut), &trial, "open", "pdf", &out, &[]);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("adsl.csv") && err.contains("RANDDT"), "{err}");
    assert!(!out.exists(), "no report for a broken cut");
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        0,
        "nothing half-written"
    );

    // Bad arguments: a usage error, nothing written.
    let good = repo().join("demo/altshock2/cut-2024-12-31/blinded");
    let o = report(&good, &trial, "open", "pdf", &out, &["--coded"]);
    assert_eq!(o.status.code(), Some(2));
    // A coded report reads the board's letters; with no access database
    // it is refused, and no database is made.
    let unblinded = repo().join("demo/altshock2/cut-2024-12-31/unblinded");
    let o = report(&unblinded, &trial, "closed", "pdf", &out, &["--coded"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("does not exist"));
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        0,
        "no database made"
    );
    let o = dsmb(&[
        "report",
        &good.display().to_string(),
        "--trial",
        &trial.display().to_string(),
        "--view",
        "open",
        "--out",
        &out.display().to_string(),
        "--built-at",
        "yesterday",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("YYYY-MM-DDTHH:MM:SSZ"));
    assert!(!out.exists());
}
