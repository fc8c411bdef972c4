//! Copies of the demo cuts to break, and the helpers that break them and
//! check that the break is named (file, row, column).

use crate::helpers::{altshock2, altshock2_trial, repo};
use dsmb::server::config::TrialConfig;
use dsmb::server::data::layout;
use dsmb::server::firewall::{load, Closed, Level, LoadOptions};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A number no other fixture of this run has, for temporary folder names.
pub fn unique() -> usize {
    COUNTER.fetch_add(1, Ordering::SeqCst)
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// A fresh copy of the demo's final cut in a temporary folder.
pub fn fixture() -> PathBuf {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let root = std::env::temp_dir().join(format!("dsmb-malformed-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let cut = root.join("cut-2024-12-31");
    copy_dir(&altshock2().join("cut-2024-12-31"), &cut);
    // The demo cut is registered; these fixtures edit files on purpose.
    let _ = std::fs::remove_file(cut.join("manifest.json"));
    cut
}

/// Split one CSV line into fields, keeping quotes (enough for these fixtures:
/// no field spans lines).
pub fn split_line(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    for ch in line.chars() {
        match ch {
            '"' => {
                quoted = !quoted;
                fields.last_mut().unwrap().push(ch);
            }
            ',' if !quoted => fields.push(String::new()),
            _ => fields.last_mut().unwrap().push(ch),
        }
    }
    fields
}

pub fn edit(path: &Path, f: impl FnOnce(String) -> String) {
    let text = std::fs::read_to_string(path).unwrap();
    std::fs::write(path, f(text)).unwrap();
}

/// Replace field `column` of data row `row` (1-based) of a CSV.
pub fn set_cell(path: &Path, row: usize, column: &str, value: &str) {
    edit(path, |text| {
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        let k = split_line(&lines[0])
            .iter()
            .position(|h| h == column)
            .unwrap();
        let mut fields = split_line(&lines[row]);
        fields[k] = value.to_string();
        lines[row] = fields.join(",");
        lines.join("\n") + "\n"
    });
}

/// Drop column `column` from a CSV.
pub fn drop_column(path: &Path, column: &str) {
    edit(path, |text| {
        let header = split_line(text.lines().next().unwrap());
        let k = header.iter().position(|h| h == column).unwrap();
        text.lines()
            .map(|l| {
                let mut f = split_line(l);
                f.remove(k);
                f.join(",")
            })
            .collect::<Vec<_>>()
            .join("\n")
            + "\n"
    });
}

/// Add column `column` to a CSV, `value` in every row.
pub fn add_column(path: &Path, column: &str, value: &str) {
    edit(path, |t| {
        t.lines()
            .enumerate()
            .map(|(i, l)| {
                if i == 0 {
                    format!("{l},{column}")
                } else {
                    format!("{l},{value}")
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
            + "\n"
    });
}

/// Value of `column` in data row `row` of a CSV.
pub fn cell(path: &Path, row: usize, column: &str) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let k = lines
        .next()
        .unwrap()
        .split(',')
        .position(|h| h == column)
        .unwrap();
    lines
        .nth(row - 1)
        .unwrap()
        .split(',')
        .nth(k)
        .unwrap()
        .to_string()
}

#[track_caller]
pub fn refused<L: Level + 'static>(dir: &Path, opts: &LoadOptions<L>, needles: &[&str]) {
    refused_with(dir, &altshock2_trial(), opts, needles)
}

#[track_caller]
pub fn refused_with<L: Level + 'static>(
    dir: &Path,
    trial: &TrialConfig,
    opts: &LoadOptions<L>,
    needles: &[&str],
) {
    let problems = match load(dir, trial, opts) {
        Ok(_) => panic!(
            "{} was accepted; expected a problem with {needles:?}",
            dir.display()
        ),
        Err(p) => p,
    };
    let lines: Vec<String> = problems.0.iter().map(|p| p.to_string()).collect();
    assert!(
        lines.iter().any(|l| needles.iter().all(|n| l.contains(n))),
        "no problem mentions all of {needles:?}:\n{}",
        lines.join("\n")
    );
    // The same cut uploaded through the web gives `dsmb check`'s problems.
    let any: &dyn std::any::Any = opts;
    // The closed level's list as given (none: none); at the open level, the
    // cut's list goes with the upload as a statistician would send it.
    let randlist = match any.downcast_ref::<LoadOptions<Closed>>() {
        Some(o) => o.level.randlist.clone(),
        None => layout::cut_folder_of(dir)
            .map(|c| c.join("randlist.csv"))
            .filter(|p| p.is_file()),
    };
    crate::upload_check::same_through_the_web(
        dir,
        trial,
        opts.blinded == Some(true),
        randlist,
        needles,
    );
}

pub fn blinded(cut: &Path) -> PathBuf {
    cut.join("blinded")
}

pub fn closed_with_randlist(cut: &Path) -> LoadOptions<Closed> {
    LoadOptions::closed(Some(cut.join("randlist.csv")))
}

/// A cut folder holding the CDISC pilot's XPT files, for XPT corruptions.
pub fn pilot_fixture() -> (PathBuf, TrialConfig) {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let root = std::env::temp_dir().join(format!("dsmb-malformed-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    // Dated after the demo's cut, so that it can be uploaded to the demo.
    let cut = root.join("cut-2015-06-30");
    copy_dir(
        &repo().join("demo/cdisc-pilot01/cut-2015-03-05/unblinded"),
        &cut,
    );
    let trial = TrialConfig::load(&repo().join("demo/cdisc-pilot01/trial.toml")).unwrap();
    (cut, trial)
}
