//! The folder watch: a cut folder dropped into a trial's folder while the
//! app runs is taken once it has been quiet (checked, served or rejected,
//! each step audited), and never half-way while it is being written.

use crate::fixtures::copy_dir;
use crate::helpers::block_on;
use crate::uploads::{app_on, entries, final_cut, upload_root};
use dsmb::server::intake::staging::Limits;

#[test]
fn a_folder_dropped_into_the_trial_is_picked_up_once_quiet() {
    let root = upload_root("cut-2023-09-30");
    let app = app_on(&root, Limits::default());
    block_on(async {
        let watch = tokio::spawn(dsmb::server::web::watch::watch(
            app.state.clone(),
            std::time::Duration::from_millis(100),
            std::time::Duration::from_millis(600),
        ));
        // A good cut, copied in as data management would.
        copy_dir(&final_cut(), &root.join("altshock2/cut-2024-12-31"));
        // And a broken one, dated later (rejected, the good one keeps serving).
        let broken = root.join("altshock2/cut-2025-03-31");
        copy_dir(&final_cut(), &broken);
        std::fs::remove_file(broken.join("manifest.json")).unwrap();
        std::fs::write(broken.join("blinded/adsl.csv"), "").unwrap();
        let mut served = false;
        for _ in 0..200 {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            let t = app.catalog().entry("altshock2").unwrap();
            if t.latest().date == "2024-12-31" && t.rejected.iter().any(|r| r.dir == broken) {
                served = true;
                break;
            }
        }
        watch.abort();
        assert!(
            served,
            "the dropped cut serves, the broken one is listed as rejected"
        );
        let t = app.catalog().entry("altshock2").unwrap();
        assert!(t
            .rejected
            .iter()
            .any(|r| r.problems.to_string().contains("adsl.csv")));
        assert_eq!(entries(&app, "pick-up-cut").len(), 2);
        assert_eq!(entries(&app, "serve-cut").len(), 1);
        assert_eq!(entries(&app, "reject-cut").len(), 1);
    });
}

#[test]
fn a_folder_still_being_written_is_not_picked_up_half_way() {
    let root = upload_root("cut-2023-09-30");
    let app = app_on(&root, Limits::default());
    block_on(async {
        let quiet = std::time::Duration::from_millis(800);
        let watch = tokio::spawn(dsmb::server::web::watch::watch(
            app.state.clone(),
            std::time::Duration::from_millis(100),
            quiet,
        ));
        // Data management writes the cut file by file, a file every 300 ms
        // (less than the quiet period), the largest one growing in pieces.
        let target = root.join("altshock2/cut-2024-12-31");
        let blinded = target.join("blinded");
        std::fs::create_dir_all(&blinded).unwrap();
        let adae = std::fs::read(final_cut().join("blinded/adae.csv")).unwrap();
        let mut steps: Vec<Box<dyn Fn()>> = Vec::new();
        for name in ["adsl.csv", "adtte.csv"] {
            let (from, to) = (final_cut().join("blinded").join(name), blinded.join(name));
            steps.push(Box::new(move || {
                std::fs::copy(&from, &to).unwrap();
            }));
        }
        for k in 1..=4 {
            let (bytes, to) = (
                adae[..adae.len() * k / 4].to_vec(),
                blinded.join("adae.csv"),
            );
            steps.push(Box::new(move || std::fs::write(&to, &bytes).unwrap()));
        }
        let list = (
            final_cut().join("randlist.csv"),
            target.join("randlist.csv"),
        );
        steps.push(Box::new(move || {
            std::fs::copy(&list.0, &list.1).unwrap();
        }));
        for step in &steps {
            step();
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
            let t = app.catalog().entry("altshock2").unwrap();
            assert!(
                !t.knows(&target),
                "the folder was taken while it was being written"
            );
        }
        // Once quiet, it is taken whole: served.
        let mut served = false;
        for _ in 0..100 {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            if app.catalog().entry("altshock2").unwrap().latest().date == "2024-12-31" {
                served = true;
                break;
            }
        }
        watch.abort();
        assert!(served, "picked up once quiet");
        assert!(app
            .catalog()
            .entry("altshock2")
            .unwrap()
            .rejected
            .is_empty());
    });
}
