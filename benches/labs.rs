//! Benchmark of the laboratory section on the synthetic 50,000-subject
//! cut with its ADLB (8 parameters at 8 visits, about 3 million records):
//! the section of the closed summary (by group, with the eDISH points, the
//! Hy's law listing and its profiles) and of the open one, and the closed
//! view the safety page sends (its eDISH figure binned), with its size.
//! Targets (issue 18): the closed summary's section in 0.5 s; the page cold
//! in 1 s and 2 MB (measured by the pages bench).
//!
//! ```sh
//! cargo bench --features ssr --bench labs            # 50000 subjects, 15 AEs each
//! cargo bench --features ssr --bench labs -- 5000 15 # another size
//! ```

#[allow(dead_code)] // the process-measuring helpers are the other benches'
mod common;
use common::{median, synthetic_cut};
use dsmb::dto::Role;
use dsmb::server::config::TrialConfig;
use dsmb::server::firewall::{load, ArmNames, LoadOptions};
use dsmb::server::report::baseline::rows_by_arm;
use dsmb::server::report::labs::lab_report;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

const RUNS: usize = 5;

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let subjects: usize = args.first().and_then(|s| s.parse().ok()).unwrap_or(50_000);
    let ae: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(15);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let trial = TrialConfig::load(&root.join("demo/altshock2/trial.toml")).expect("trial");
    let cut = synthetic_cut(subjects, ae);
    let t = Instant::now();
    let snap = load(&cut.join("unblinded"), &trial, &LoadOptions::closed(None)).expect("load");
    let records = snap.adlb.as_ref().map_or(0, |f| f.height());
    println!(
        "{subjects} subjects, {records} laboratory records: closed load {:.1?}",
        t.elapsed()
    );
    let codes: Vec<&str> = trial.arms.iter().map(|a| a.code.as_str()).collect();
    let groups = rows_by_arm(&snap.adsl, &codes);
    let time = |label: &str, f: &dyn Fn()| {
        let mut v = Vec::new();
        for _ in 0..RUNS {
            let t = Instant::now();
            f();
            v.push(t.elapsed());
        }
        println!("{label:<44} {:>8.1?} (median of {RUNS})", median(v));
    };
    time("closed section (by group, points, profiles)", &|| {
        lab_report(&snap, &trial, &groups, true).expect("closed");
    });
    time("open section (pooled)", &|| {
        lab_report(&snap, &trial, &BTreeMap::new(), false).expect("open");
    });
    let labs = lab_report(&snap, &trial, &groups, true).expect("closed");
    println!(
        "  {} on the eDISH plot, {} in the Hy's law range ({} potential)",
        labs.points.len(),
        labs.hys_law.len(),
        labs.potential_hys_law().count()
    );
    let mut report = dsmb::server::report::closed_report(&snap, &trial).expect("closed report");
    report.labs = labs;
    let names = ArmNames::for_viewer(
        Role::Dsmb,
        trial
            .arms
            .iter()
            .map(|a| (a.code.clone(), a.label.clone()))
            .collect(),
        &[("SOC".into(), "A".into()), ("IABP".into(), "B".into())],
        None,
    );
    time("closed view (eDISH figure, tables)", &|| {
        dsmb::server::views::labs::closed_labs(Role::Dsmb, &report, &names);
    });
    let view = dsmb::server::views::labs::listing_page(
        dsmb::server::views::labs::closed_labs(Role::Dsmb, &report, &names),
        &report,
        &names,
        1,
    );
    let json = serde_json::to_string(&view).expect("json");
    println!(
        "  the closed view as JSON: {:.0} KB (eDISH figure {:.0} KB){}",
        json.len() as f64 / 1024.0,
        view.edish_chart.0.len() as f64 / 1024.0,
        view.edish_binned
            .as_deref()
            .map(|n| format!("; {n}"))
            .unwrap_or_default()
    );
}
