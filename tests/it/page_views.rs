//! What each viewer's page data holds beyond the numbers: closed sections
//! cached per viewer's coding, coded views that do not give away the
//! reference arm, the closed part for closed roles only, and no small count
//! the sponsor could derive by comparing cuts.

use crate::helpers::{block_on, send, sign_in, state};
use crate::pages::{call, cuts};
use axum::http::StatusCode;
use serde_json::Value;

/// Closed sections are rendered once and reused (server-side fragment
/// cache). An attacker's angle: after the statistician has seen a page
/// decoded, a DSMB member who has not decoded must still get coded groups,
/// at every cut and in either order; and the sponsor gets no closed section.
#[test]
fn cached_closed_sections_follow_each_viewers_coding() {
    block_on(async {
        let app = state();
        let stat = sign_in(&app, "stat").await;
        let member = sign_in(&app, "member").await;
        let sponsor = sign_in(&app, "sponsor").await;
        for cut in ["", "?cut=2023-09-30"] {
            for page in [
                "/trial/altshock2",
                "/trial/altshock2/safety",
                "/trial/altshock2/efficacy",
            ] {
                let path = format!("{page}{cut}");
                let order: [&String; 2] = if cut.is_empty() {
                    [&stat, &member]
                } else {
                    [&member, &stat]
                };
                for token in order {
                    let r = send(&app, crate::helpers::get(&path, Some(token))).await;
                    assert_eq!(r.status, StatusCode::OK, "{path}");
                    let decoded = r.body.contains("IABP + SoC");
                    let coded = r.body.contains("Group A") && r.body.contains("Group B");
                    if token == &stat {
                        assert!(decoded && !coded, "{path}: the statistician sees arms");
                    } else {
                        assert!(
                            coded && !decoded,
                            "{path}: the DSMB member sees coded groups"
                        );
                    }
                }
                let r = send(&app, crate::helpers::get(&path, Some(&sponsor))).await;
                if page.ends_with("efficacy") {
                    assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
                }
                for word in [
                    "IABP",
                    "SoC",
                    "Group A",
                    "closed-safety",
                    "by-arm",
                    "serious-listing",
                ] {
                    assert!(
                        !crate::helpers::without_nonce(&r.body).contains(word),
                        "{path}: the sponsor got {word}"
                    );
                }
            }
        }
    });
}

/// While groups are coded nothing may tell the control from the treatment:
/// safety comparisons are every pair in letter order (none is "vs" one
/// reference group), and directional effects name no group. Each coded
/// pair is the decoded comparison with the groups' roles swapped or not:
/// same p-value, same or negated risk difference and interval.
#[test]
fn coded_views_do_not_reveal_the_reference_arm() {
    block_on(async {
        let app = state();
        let stat = sign_in(&app, "stat").await;
        let member = sign_in(&app, "member").await;
        let outsider = sign_in(&app, "outsider").await; // DSMB on the 3-arm pilot

        let pilot = call(&app, &outsider, "get_closed_safety", "trial=cdisc-pilot01").await;
        assert_eq!(pilot["coded"], true);
        for row in pilot["rows"].as_array().unwrap() {
            let labels: Vec<&str> = row["comparisons"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["label"].as_str().unwrap())
                .collect();
            assert_eq!(
                labels,
                [
                    "Group B vs Group A",
                    "Group C vs Group A",
                    "Group C vs Group B"
                ]
            );
        }
        // Nothing directional while coded (the twin test in `blinding.rs`
        // proves the rest of the answer is the same whichever arm is which).
        let eff = call(&app, &outsider, "get_efficacy", "trial=cdisc-pilot01").await;
        assert!(eff["interim"].is_null(), "{}", eff["interim"]);
        assert_eq!(eff["hazard_ratios"], serde_json::json!([]));
        assert_eq!(eff["forest"], serde_json::json!([]));
        assert!(eff["withheld"].as_str().unwrap().contains("decode"));

        let coded = call(&app, &member, "get_closed_safety", "trial=altshock2").await;
        let decoded = call(&app, &stat, "get_closed_safety", "trial=altshock2").await;
        let arms = call(&app, &member, "get_arm_enrollment", "trial=altshock2").await;
        // Which letter is IABP + SoC? The group with 53 randomized.
        let b_is_iabp = arms["groups"]
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g["group"] == "Group B" && g["enrolled"] == 53);
        for (c, d) in coded["rows"]
            .as_array()
            .unwrap()
            .iter()
            .zip(decoded["rows"].as_array().unwrap())
        {
            let (c, d) = (&c["comparisons"][0], &d["comparisons"][0]);
            assert_eq!(c["label"], "Group B vs Group A");
            assert_eq!(d["label"], "IABP + SoC vs SoC");
            assert!(
                (c["p_value"].as_f64().unwrap() - d["p_value"].as_f64().unwrap()).abs() < 1e-12
            );
            let sign = if b_is_iabp { 1.0 } else { -1.0 };
            let (cr, dr) = (
                c["risk_difference"].as_f64().unwrap(),
                d["risk_difference"].as_f64().unwrap(),
            );
            assert!((cr - sign * dr).abs() < 1e-12, "{cr} vs {dr}");
            let (clo, chi) = (
                c["risk_difference_ci95"][0].as_f64().unwrap(),
                c["risk_difference_ci95"][1].as_f64().unwrap(),
            );
            let (dlo, dhi) = (
                d["risk_difference_ci95"][0].as_f64().unwrap(),
                d["risk_difference_ci95"][1].as_f64().unwrap(),
            );
            let (wlo, whi) = if b_is_iabp { (dlo, dhi) } else { (-dhi, -dlo) };
            assert!(
                (clo - wlo).abs() < 1e-9 && (chi - whi).abs() < 1e-9,
                "[{clo}, {chi}] vs [{wlo}, {whi}]"
            );
        }
        let eff = call(&app, &member, "get_efficacy", "trial=altshock2").await;
        assert!(eff["interim"].is_null() && eff["forest_measure"] == "");
        // Decoded, the statistician sees the directional results named.
        let eff = call(&app, &stat, "get_efficacy", "trial=altshock2").await;
        assert!(eff["interim"]["effect_measure"]
            .as_str()
            .unwrap()
            .contains("IABP + SoC vs SoC"));
    });
}

/// The safety page's one call: the sponsor's answer has no closed part,
/// whatever the request says; closed roles get the same data as the two
/// separate server functions.
#[test]
fn the_safety_page_call_adds_the_closed_part_for_closed_roles_only() {
    block_on(async {
        let app = state();
        let sponsor = sign_in(&app, "sponsor").await;
        let stat = sign_in(&app, "stat").await;
        let member = sign_in(&app, "member").await;
        for body in [
            "trial=altshock2",
            "trial=altshock2&cut=2023-09-30&view=closed&role=dsmb",
        ] {
            let s = call(&app, &sponsor, "get_safety", body).await;
            assert_eq!(s["closed"], Value::Null, "{body}");
            assert_eq!(
                s["open"],
                call(&app, &sponsor, "get_open_safety", body).await
            );
        }
        for token in [&stat, &member] {
            let s = call(&app, token, "get_safety", "trial=altshock2&cut=2023-09-30").await;
            let closed = call(
                &app,
                token,
                "get_closed_safety",
                "trial=altshock2&cut=2023-09-30",
            )
            .await;
            assert_eq!(s["closed"], closed);
        }
    });
}

/// Whatever the sponsor can see at any two cuts, no small count can be
/// derived from it: for every pair of cuts and every pooled count shown at
/// both (the pages' safety rates and the open summary's primary events),
/// neither the difference nor the difference of the complements (subjects
/// without the event) is 1 to 4; nor is any shown count or complement.
#[test]
fn no_small_count_can_be_derived_across_cuts() {
    block_on(async {
        let app = state();
        let sponsor = sign_in(&app, "sponsor").await;
        let mut series: std::collections::BTreeMap<String, Vec<(String, i64, i64)>> =
            Default::default();
        for (date, _) in cuts() {
            let open = call(
                &app,
                &sponsor,
                "get_open_safety",
                &format!("trial=altshock2&cut={date}"),
            )
            .await;
            for row in open["rows"].as_array().unwrap() {
                if let Some(c) = row["subjects"].as_i64() {
                    series
                        .entry(row["category"].as_str().unwrap().to_string())
                        .or_default()
                        .push((date.clone(), row["n"].as_i64().unwrap(), c));
                }
            }
            // The primary endpoint's pooled events, as `dsmb summary --view
            // open` prints them for the cut's blinded part.
            let out = std::process::Command::new(env!("CARGO_BIN_EXE_dsmb"))
                .args(["summary", "--view", "open", "--json", "--trial"])
                .arg(crate::helpers::altshock2().join("trial.toml"))
                .arg(crate::helpers::altshock2().join(format!("cut-{date}/blinded")))
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
            if let Some(e) = summary["primary"]["events"].as_i64() {
                series.entry("primary".into()).or_default().push((
                    date.clone(),
                    summary["primary"]["n"].as_i64().unwrap(),
                    e,
                ));
            }
            // The summary's safety counts are the page's.
            for row in summary["safety"].as_array().unwrap() {
                let page = open["rows"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|r| r["category"] == row["category"])
                    .unwrap();
                assert_eq!(page["subjects"], row["subjects"], "{date}");
            }
        }
        let small = |x: i64| (1..5).contains(&x.abs());
        let mut pairs = 0;
        for (what, shown) in &series {
            for (i, (d1, n1, c1)) in shown.iter().enumerate() {
                assert!(
                    !small(*c1) && !small(n1 - c1),
                    "{what} at {d1}: {c1} of {n1}"
                );
                for (d2, n2, c2) in &shown[i + 1..] {
                    pairs += 1;
                    assert!(!small(c2 - c1), "{what}: {c1} at {d1}, {c2} at {d2}");
                    assert!(
                        !small((n2 - c2) - (n1 - c1)),
                        "{what}: without the event {} at {d1}, {} at {d2}",
                        n1 - c1,
                        n2 - c2
                    );
                }
            }
        }
        assert!(pairs >= 5, "only {pairs} pairs of shown counts");
    });
}
