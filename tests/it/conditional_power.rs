//! Conditional power for rates, means and survival against rpact 3.3
//! (getStageResults + getConditionalPower, which getAnalysisResults calls).
//! The reference values and the R calls that made them are in
//! validation/rpact_conditional_power.R; tests read
//! tests/fixtures/rpact_conditional_power.json.

use crate::helpers::repo;
use dsmb::stats::gsd::{efficacy_boundaries, futility_design, EfficacyRule};
use dsmb::stats::interim::{
    conditional_power_rates_by_look, design_weighted_z, rates_z, Design, TwoRates,
};
use serde_json::Value;

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn total(v: &Value) -> u64 {
    floats(v).iter().sum::<f64>() as u64
}

fn counts(v: &Value) -> Vec<u64> {
    floats(v).iter().map(|&x| x as u64).collect()
}

fn spending(rule: &str) -> dsmb::stats::gsd::Spending {
    match rule.parse::<EfficacyRule>().unwrap() {
        EfficacyRule::Spending(s) => s,
        other => panic!("{rule}: not a spending function ({other:?})"),
    }
}

/// The design's efficacy bounds and, with beta spending, its interim futility
/// bounds (rpact uses them in conditional power whether or not they bind).
fn design(case: &Value) -> (Vec<f64>, Vec<f64>, Option<Vec<f64>>) {
    let t = floats(&case["looks"]);
    let alpha = case["alpha"].as_f64().unwrap();
    let rule = case["rule"].as_str().unwrap();
    match case["futility"].as_str() {
        Some(fut) => {
            let d = futility_design(
                &t,
                alpha,
                case["beta"].as_f64().unwrap(),
                spending(rule),
                spending(fut),
                case["binding"].as_bool().unwrap(),
            );
            (t, d.efficacy, Some(d.futility))
        }
        None => {
            let two_sided = case["sided"].as_u64().unwrap() == 2;
            let b = efficacy_boundaries(&t, alpha, two_sided, rule.parse().unwrap()).efficacy;
            (t, b, None)
        }
    }
}

#[test]
fn conditional_power_matches_rpact_within_1e_4_for_all_three_endpoint_kinds() {
    let text = std::fs::read_to_string(repo().join("tests/fixtures/rpact_conditional_power.json"))
        .unwrap();
    let cases: Vec<Value> = serde_json::from_str(&text).unwrap();
    assert!(cases.len() >= 25, "{} cases", cases.len());
    let mut kinds = std::collections::BTreeMap::new();
    let mut worst: f64 = 0.0;
    let mut failures = Vec::new();
    for case in &cases {
        let id = case["id"].as_str().unwrap();
        let kind = case["kind"].as_str().unwrap();
        *kinds.entry(kind).or_insert(0) += 1;
        let (t, eff, fut) = design(case);
        let design = Design {
            t: &t,
            efficacy: &eff,
            futility: fut.as_deref(),
            binding: case["binding"].as_bool().unwrap(),
            two_sided: case["sided"].as_u64().unwrap() == 2,
        };
        let k = case["stage"].as_u64().unwrap() as usize;
        let r = case["allocation"].as_f64().unwrap();
        let n_planned = floats(&case["n_planned"]);
        // Samples (or events) on the scale of the standardized effect.
        let scaled: Vec<f64> = n_planned
            .iter()
            .map(|n| n * r / (1.0 + r).powi(2))
            .collect();
        let want = floats(&case["conditional_power"]);
        let z_rpact = case["z"].as_f64().unwrap();
        let got: Vec<f64> = match kind {
            "rates" => {
                let z = rates_z(
                    total(&case["x1"]),
                    total(&case["n1"]),
                    total(&case["x2"]),
                    total(&case["n2"]),
                );
                assert!((z - z_rpact).abs() < 1e-9, "{id}: z {z} vs rpact {z_rpact}");
                // The stage-wise statistics, combined with the design's weights.
                let (x1, n1, x2, n2) = (
                    counts(&case["x1"]),
                    counts(&case["n1"]),
                    counts(&case["x2"]),
                    counts(&case["n2"]),
                );
                let stage_z: Vec<f64> = (0..k)
                    .map(|i| rates_z(x1[i], n1[i], x2[i], n2[i]))
                    .collect();
                let combined = design_weighted_z(&t, &stage_z);
                conditional_power_rates_by_look(
                    &design,
                    k,
                    z,
                    combined,
                    TwoRates {
                        pi1: case["pi1"].as_f64().unwrap(),
                        pi2: case["pi2"].as_f64().unwrap(),
                        allocation: r,
                    },
                    &n_planned,
                )
            }
            "means" => {
                let theta = case["theta"].as_f64().unwrap() / case["sd"].as_f64().unwrap();
                design.conditional_power(k, z_rpact, theta, &scaled)
            }
            "survival" => {
                let stage_z = floats(&case["stage_z"]);
                let z = design_weighted_z(&t, &stage_z);
                let theta = case["hr"].as_f64().unwrap().ln();
                design.conditional_power(k, z, theta, &scaled)
            }
            other => panic!("{id}: unknown kind {other}"),
        };
        assert_eq!(got.len(), want.len(), "{id}");
        for (g, w) in got.iter().zip(&want) {
            worst = worst.max((g - w).abs());
            if (g - w).abs() >= 1e-4 {
                failures.push(format!("{id}: {got:?} vs rpact {want:?}"));
                break;
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(kinds.values().all(|&n| n >= 8), "{kinds:?}");
    eprintln!("largest conditional-power difference from rpact: {worst:.2e}");
}
