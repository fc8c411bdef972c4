//! A malformed cut uploaded through the web gets the check report
//! `dsmb check` gives the same files: every problem by file, row and
//! column, and nothing served. Called by the malformed-cut tests
//! (`fixtures::refused`).

use crate::fixtures::{copy_dir, unique};
use crate::helpers::{block_on, repo, sign_in};
use crate::uploads::{app_on, checked, datasets, upload, Part};
use axum::http::StatusCode;
use dsmb::server::intake::staging::{Limits, Outcome};
use std::path::{Path, PathBuf};

/// Upload the cut whose data folder is `dir` (a malformed fixture) as the
/// statistician: the check report names the problems `dsmb check` names
/// (its checks: `intake::check::check_cut`) for the same files, file by
/// file, row by row, column by column, and nothing is served.
pub fn same_through_the_web(
    dir: &Path,
    trial: &dsmb::server::config::TrialConfig,
    blinded: bool,
    randlist: Option<PathBuf>,
    needles: &[&str],
) {
    use dsmb::server::data::layout;
    use dsmb::server::intake::check::{check_cut, CheckRequest};
    let cut = layout::cut_folder_of(dir).unwrap_or_else(|| dir.to_path_buf());
    let date = layout::cut_date_from_path(&cut).expect("a fixture is named cut-YYYY-MM-DD");
    let blinded = blinded || layout::named_blinded(dir);
    // What `dsmb check` says of the folder.
    let list = randlist;
    let req = CheckRequest {
        dir: dir.to_path_buf(),
        blinded,
        cut_date: None,
        randlist: list.clone(),
    };
    let want = match check_cut(trial, &req, &Default::default()) {
        Err(p) => p,
        // A blinded cut without its list passes `dsmb check` at the open
        // level; an upload of it is refused for want of the list alone.
        Ok(_) if blinded && list.is_none() => dsmb::server::data::problem::Problems::from(
            dsmb::server::data::problem::Problem::file(
                "randlist.csv",
                "a blinded cut needs its randomization list (USUBJID, ARMCD) as a separate upload: without it the DSMB's views of the cut have no arms",
            ),
        ),
        Ok(_) => panic!("{}: dsmb check passes the fixture", dir.display()),
    };
    // A root with the trial and an older good cut.
    let root = std::env::temp_dir().join(format!(
        "dsmb-upload-fixture-{}-{}",
        std::process::id(),
        unique()
    ));
    let demo = repo().join("demo").join(&trial.id);
    std::fs::create_dir_all(root.join(&trial.id)).unwrap();
    std::fs::copy(
        demo.join("trial.toml"),
        root.join(&trial.id).join("trial.toml"),
    )
    .unwrap();
    let older = if trial.id == "altshock2" {
        "cut-2023-09-30"
    } else {
        "cut-2015-03-05"
    };
    copy_dir(&demo.join(older), &root.join(&trial.id).join(older));
    let app = app_on(&root, Limits::default());
    let user = if trial.id == "altshock2" {
        "stat"
    } else {
        "pilot-stat"
    };
    if trial.id != "altshock2" {
        app.access
            .store
            .add_user(
                user,
                crate::helpers::PASSWORD,
                &[(trial.id.clone(), dsmb::dto::Role::Statistician)],
            )
            .unwrap();
    }
    let mut files: Vec<Part> = datasets(dir)
        .into_iter()
        .filter(|(_, name, _)| {
            let p = Path::new(name);
            let stem = p.file_stem().and_then(|s| s.to_str()).unwrap_or("");
            let ext = p.extension().and_then(|s| s.to_str()).unwrap_or("");
            layout::DATASETS
                .iter()
                .any(|d| stem.eq_ignore_ascii_case(d))
                && dsmb::server::data::read::FORMATS
                    .iter()
                    .any(|f| ext.eq_ignore_ascii_case(f))
        })
        .collect();
    if let Some(l) = &list {
        files.push((
            "randlist",
            "randlist.csv".to_string(),
            std::fs::read(l).unwrap(),
        ));
    }
    let part = if blinded { "blinded" } else { "unblinded" };
    if cut.join("manifest.json").is_file() {
        // Data management's manifest of the upload: this part alone (and
        // the list when it is sent), as an upload's manifest must be; the
        // cut's own lists both parts, and an upload holding one part would
        // be refused for the other's absence alone.
        let mut m: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(cut.join("manifest.json")).unwrap())
                .unwrap();
        m["folders"]
            .as_object_mut()
            .unwrap()
            .retain(|k, _| k == part);
        if list.is_none() {
            m.as_object_mut().unwrap().remove("randlist");
        }
        files.push((
            "manifest",
            "manifest.json".to_string(),
            serde_json::to_vec_pretty(&m).unwrap(),
        ));
    }
    block_on(async {
        let token = sign_in(&app, user).await;
        let (r, id) = upload(&app, &trial.id, &token, &date.to_string(), part, &files).await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "{}: {}",
            dir.display(),
            r.body
        );
        let Outcome::Failed(got) = checked(&app, &id.unwrap()).await else {
            panic!(
                "{}: the web check passed what dsmb check refuses",
                dir.display()
            );
        };
        // The problem the fixture is about is on the upload's report (its
        // file named within the cut), but for the blinded cut sent without
        // its list, refused for that alone.
        let lines: Vec<String> = got.0.iter().map(|p| p.to_string()).collect();
        assert!(
            lines.iter().any(|l| needles.iter().all(|n| l.contains(n)))
                || (blinded && list.is_none()),
            "{}: no problem on the web mentions all of {needles:?}:\n{}",
            dir.display(),
            lines.join("\n")
        );
        // Files named within the cut on the web, by path in the fixture: compare by name.
        // The data folder itself is "." on both sides (the web's is named
        // by the part it was uploaded as).
        let norm = |p: &dsmb::server::data::problem::Problem, prefixes: &[String], folder: &str| {
            let mut message = p.message.clone();
            for x in prefixes {
                message = message.replace(x.as_str(), "");
            }
            if p.file == folder {
                return (".".to_string(), p.row, p.column.clone(), message);
            }
            let file = Path::new(&p.file)
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default();
            (file, p.row, p.column.clone(), message)
        };
        let fixture_prefixes = [format!("{}/", dir.display()), format!("{}/", cut.display())];
        let web_prefixes = [format!("{part}/"), String::new()];
        let want: Vec<_> = want
            .0
            .iter()
            .map(|p| norm(p, &fixture_prefixes, &dir.display().to_string()))
            .collect();
        let got: Vec<_> = got
            .0
            .iter()
            .map(|p| norm(p, &web_prefixes[..1], part))
            .collect();
        assert_eq!(
            got,
            want,
            "{}: the web's problems are dsmb check's",
            dir.display()
        );
        // Nothing is served, nothing reaches the trial's folder.
        assert_eq!(app.catalog().entry(&trial.id).unwrap().cuts.len(), 1);
        assert!(!root
            .join(&trial.id)
            .join(layout::cut_folder_name(date))
            .exists());
    });
    let _ = std::fs::remove_dir_all(&root);
}
