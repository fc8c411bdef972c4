//! What a cut folder may hold: plain files and folders only (no symbolic
//! or hard link, no device, socket or pipe), and, once registered, exactly
//! what its manifest lists. "A registered cut is exactly its manifest"
//! (docs/DECISIONS.md): another part, another file, a file or part the
//! manifest lists but the folder lacks, or a link anywhere makes the cut
//! refused, named by its path within the cut, before anything is read.
//!
//! Every load checks the tree first ([`super::load::load`]), so the start,
//! the running server, `dsmb check`, an upload's check and registration
//! all hold the same rule.

use super::layout;
use super::manifest::Manifest;
use super::problem::{Problem, Problems};
use std::collections::BTreeSet;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

/// Check the folder `root` (a cut folder, or a data folder outside one):
/// every entry a plain file or folder with no other hard link, and, when
/// `root` holds a manifest, exactly the parts and files it lists.
pub fn verify(root: &Path) -> Result<(), Problems> {
    let mut problems = Vec::new();
    let mut found = BTreeSet::new();
    match std::fs::symlink_metadata(root) {
        Ok(m) if m.file_type().is_symlink() => problems.push(Problem::file(
            ".",
            "REFUSED: the cut folder is a symbolic link; a cut is read only from plain files in its own folder",
        )),
        Ok(_) => walk(root, root, &mut found, &mut problems),
        Err(e) => problems.push(Problem::file(".", &format!("cannot be read: {e}"))),
    }
    if problems.is_empty() {
        if let Some(m) = root_manifest(root)? {
            exact(&m, &found, &mut problems);
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Problems(problems))
    }
}

/// Check the tree of the cut folder holding data folder `dir` (or of `dir`
/// itself when it is not in a cut folder).
pub fn verify_for(dir: &Path) -> Result<(), Problems> {
    match layout::cut_folder_of(dir) {
        Some(cut) => verify(&cut),
        None => verify(dir),
    }
}

/// The manifest at the root of the folder, when there is one.
fn root_manifest(root: &Path) -> Result<Option<Manifest>, Problems> {
    let path = root.join(layout::MANIFEST);
    if !path.is_file() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&path).map_err(|e| {
        Problems::from(Problem::file(
            layout::MANIFEST,
            &format!("cannot be read: {e}"),
        ))
    })?;
    serde_json::from_str(&text).map(Some).map_err(|e| {
        Problems::from(Problem::file(
            layout::MANIFEST,
            &format!("is not a valid cut manifest: {e}"),
        ))
    })
}

/// Every entry under `dir`, by its path relative to `root` (folders end in
/// `/`); a link or a special file is a problem.
fn walk(root: &Path, dir: &Path, found: &mut BTreeSet<String>, problems: &mut Vec<Problem>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            problems.push(Problem::file(
                &relative(root, dir),
                &format!("cannot be listed: {e}"),
            ));
            return;
        }
    };
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        let shown = relative(root, &path);
        let meta = match std::fs::symlink_metadata(&path) {
            Ok(m) => m,
            Err(e) => {
                problems.push(Problem::file(&shown, &format!("cannot be read: {e}")));
                continue;
            }
        };
        let kind = meta.file_type();
        if kind.is_symlink() {
            problems.push(Problem::file(
                &shown,
                "REFUSED: a symbolic link; a cut holds its own plain files, never links to files elsewhere",
            ));
        } else if kind.is_dir() {
            found.insert(format!("{shown}/"));
            walk(root, &path, found, problems);
        } else if !kind.is_file() {
            problems.push(Problem::file(
                &shown,
                "REFUSED: not a plain file (a device, socket or pipe)",
            ));
        } else if meta.nlink() > 1 {
            problems.push(Problem::file(
                &shown,
                &format!(
                    "REFUSED: the file has {} hard links; a cut holds its own copy of each file, so that nothing outside the cut can change it",
                    meta.nlink()
                ),
            ));
        } else {
            found.insert(shown);
        }
    }
}

/// `path` relative to `root`, with `/` between names.
fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let shown = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/");
    if shown.is_empty() {
        ".".to_string()
    } else {
        shown
    }
}

/// What the manifest `m` lists, as [`walk`] names it.
fn listed(m: &Manifest) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    out.insert(layout::MANIFEST.to_string());
    for (folder, f) in &m.folders {
        let prefix = if folder == "." {
            String::new()
        } else {
            out.insert(format!("{folder}/"));
            format!("{folder}/")
        };
        out.extend(f.files.iter().map(|d| format!("{prefix}{}", d.name)));
    }
    out.extend(m.randlist.iter().map(|r| r.name.clone()));
    out
}

/// The folder holds exactly what `m` lists.
fn exact(m: &Manifest, found: &BTreeSet<String>, problems: &mut Vec<Problem>) {
    let listed = listed(m);
    for extra in found.difference(&listed) {
        let what = if extra.ends_with('/') {
            "a folder"
        } else {
            "a file"
        };
        problems.push(Problem::file(
            extra.trim_end_matches('/'),
            &format!(
                "REFUSED: {what} not part of the registered cut (its manifest does not list it); a registered cut is exactly its manifest, so nothing may be added to it"
            ),
        ));
    }
    for missing in listed.difference(found) {
        problems.push(Problem::file(
            missing.trim_end_matches('/'),
            "REFUSED: listed by the cut's manifest but missing; a registered cut is exactly its manifest",
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(p: &Path, text: &str) {
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    fn manifest(parts: &[(&str, &[&str])], list: bool) -> String {
        let folders: serde_json::Map<String, serde_json::Value> = parts
            .iter()
            .map(|(k, files)| {
                let files: Vec<_> = files
                    .iter()
                    .map(|n| serde_json::json!({"name": n, "sha256": "0"}))
                    .collect();
                (
                    k.to_string(),
                    serde_json::json!({"blinded": *k == "blinded", "files": files}),
                )
            })
            .collect();
        let mut m = serde_json::json!({
            "trial": "t", "cut_date": "2025-01-01", "registered_at": "x", "folders": folders,
        });
        if list {
            m["randlist"] = serde_json::json!({"name": "randlist.csv", "sha256": "0"});
        }
        m.to_string()
    }

    #[test]
    fn a_registered_cut_is_exactly_its_manifest() {
        let tmp = std::env::temp_dir().join(format!("dsmb-tree-{}", std::process::id()));
        let cut = tmp.join("cut-2025-01-01");
        let _ = std::fs::remove_dir_all(&tmp);
        write(&cut.join("blinded/adsl.csv"), "x");
        write(&cut.join("randlist.csv"), "x");
        write(
            &cut.join("manifest.json"),
            &manifest(&[("blinded", &["adsl.csv"])], true),
        );
        verify(&cut).unwrap();
        // Another part.
        write(&cut.join("unblinded/adsl.csv"), "x");
        let p = verify(&cut).unwrap_err();
        let files: Vec<&str> = p.0.iter().map(|p| p.file.as_str()).collect();
        assert_eq!(files, ["unblinded", "unblinded/adsl.csv"], "{p}");
        std::fs::remove_dir_all(cut.join("unblinded")).unwrap();
        // A missing list.
        std::fs::remove_file(cut.join("randlist.csv")).unwrap();
        let p = verify(&cut).unwrap_err();
        assert_eq!(p.0[0].file, "randlist.csv", "{p}");
        assert!(p.0[0].message.contains("missing"), "{p}");
        let _ = std::fs::remove_dir_all(&tmp);
    }
}
