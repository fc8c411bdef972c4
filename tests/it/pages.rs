//! Each page's data, as its server functions return it to a signed-in user,
//! against the demo cuts' `expected.json` (counted by the data's generator,
//! not by this program): every Altshock-2 cut, picked with the cut picker's
//! query, for the statistician (arms decoded), a DSMB member (coded groups)
//! and the sponsor (pooled, small cells suppressed).

use crate::helpers::{block_on, post, send, sign_in, state, TestApp};
use crate::helpers::{expected, SAFETY_KEYS};
use axum::http::StatusCode;
use serde_json::Value;

/// The arm labels the statistician sees, and their codes in expected.json.
const ARMS: [(&str, &str); 2] = [("SoC", "SOC"), ("IABP + SoC", "IABP")];

pub async fn call(app: &TestApp, token: &str, endpoint: &str, body: &str) -> Value {
    let r = send(app, post(&format!("/api/{endpoint}"), Some(token), body)).await;
    assert_eq!(r.status, StatusCode::OK, "{endpoint} {body}: {}", r.body);
    serde_json::from_str(&r.body).unwrap()
}

pub fn cuts() -> Vec<(String, Value)> {
    let e = expected();
    e["cuts"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(name, v)| (name.strip_prefix("cut-").unwrap().to_string(), v.clone()))
        .collect()
}

fn n(v: &Value) -> u64 {
    v.as_u64().unwrap_or_else(|| panic!("a count: {v}"))
}

#[test]
fn overview_data_matches_expected_at_every_cut() {
    block_on(async {
        let app = state();
        let stat = sign_in(&app, "stat").await;
        let sponsor = sign_in(&app, "sponsor").await;
        for (date, exp) in cuts() {
            let body = format!("trial=altshock2&cut={date}");
            for token in [&stat, &sponsor] {
                let e = call(&app, token, "get_enrollment", &body).await;
                assert_eq!(e["cut_date"], date.as_str());
                assert_eq!(n(&e["total"]), n(&exp["enrolled"]["total"]), "{date}");
                let sites = exp["enrolled_by_site"].as_object().unwrap();
                let by_site = e["by_site"].as_array().unwrap();
                assert_eq!(by_site.len(), sites.len(), "{date}: sites");
                for s in by_site {
                    let site = s["site"].as_str().unwrap();
                    assert_eq!(
                        n(&s["enrolled"]),
                        n(&sites[site]["total"]),
                        "{date} site {site}"
                    );
                }
                let last = e["cumulative"].as_array().unwrap().last().unwrap().clone();
                assert_eq!(n(&last["enrolled"]), n(&exp["enrolled"]["total"]));
                assert_eq!(
                    e["cuts"],
                    serde_json::json!(["2024-12-31", "2023-09-30", "2022-06-30"])
                );
            }
            let arms = call(&app, &stat, "get_arm_enrollment", &body).await;
            assert_eq!(arms["coded"], false);
            for (label, code) in ARMS {
                let g = arms["groups"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|g| g["group"] == label)
                    .unwrap_or_else(|| panic!("{date}: arm {label}"));
                assert_eq!(
                    n(&g["enrolled"]),
                    n(&exp["enrolled"][code]),
                    "{date} {label}"
                );
                // The monthly cumulative series ends at the arm's total, and
                // at the end of an earlier cut's month it equals that cut's
                // count (June 2022 and September 2023 end on a cut date).
                let cum = g["cumulative"].as_array().unwrap();
                assert_eq!(
                    n(cum.last().unwrap()),
                    n(&exp["enrolled"][code]),
                    "{date} {label}"
                );
                let months = arms["months"].as_array().unwrap();
                assert_eq!(months.len(), cum.len());
                for (earlier, month) in [("2022-06-30", "2022-06"), ("2023-09-30", "2023-09")] {
                    if earlier <= date.as_str() {
                        let i = months.iter().position(|m| m == month).unwrap();
                        let want = &expected()["cuts"][format!("cut-{earlier}")]["enrolled"][code];
                        assert_eq!(n(&cum[i]), n(want), "{date} {label} at {month}");
                    }
                }
            }
            assert!(arms["chart"]
                .as_str()
                .is_some_and(|c| c.contains("\"scatter\"")));
        }
    });
}

#[test]
fn safety_data_matches_expected_at_every_cut() {
    block_on(async {
        let app = state();
        let stat = sign_in(&app, "stat").await;
        let member = sign_in(&app, "member").await;
        let sponsor = sign_in(&app, "sponsor").await;
        // What the sponsor has been shown at earlier cuts, per category:
        // (n, count) of each shown cell; and each earlier cut's shown counts.
        let mut shown_before: std::collections::HashMap<&str, Vec<(i64, i64)>> = Default::default();
        let mut cuts_shown: Vec<std::collections::HashMap<&str, i64>> = Vec::new();
        for (date, exp) in cuts() {
            let body = format!("trial=altshock2&cut={date}");
            let total = n(&exp["enrolled"]["total"]);

            // Pooled, as the sponsor sees it: a count is suppressed when it,
            // the subjects without the event, or the change of either since
            // a count shown at an earlier cut is 1 to 4 (the rule restated
            // here on expected.json's counts).
            let open = call(&app, &sponsor, "get_open_safety", &body).await;
            assert_eq!(open["cut_date"], date.as_str());
            let shown_here: std::collections::HashMap<&str, i64> = SAFETY_KEYS
                .iter()
                .filter_map(|(name, _)| {
                    let row = open["rows"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .find(|r| r["category"] == *name)?;
                    row["subjects"].as_i64().map(|c| (*name, c))
                })
                .collect();
            for (name, key) in SAFETY_KEYS {
                let row = open["rows"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|r| r["category"] == name)
                    .unwrap_or_else(|| panic!("{date}: {name}"));
                let want = n(&exp["safety_subjects"][key]["total"]);
                assert_eq!(n(&row["n"]), total);
                let small = |x: i64| (1..5).contains(&x.abs());
                let (c, rest) = (want as i64, total as i64 - want as i64);
                let earlier = shown_before.entry(name).or_default();
                let hidden = small(c)
                    || small(rest)
                    || earlier
                        .iter()
                        .any(|(qn, qc)| small(c - qc) || small(rest - (qn - qc)));
                if hidden {
                    assert_eq!(row["subjects"], Value::Null, "{date} {name} suppressed");
                    assert_eq!(row["suppressed"], true);
                } else if row["subjects"].is_null() {
                    // Hidden for a nested pair: another category shown here
                    // differs from it by 1 to 4, or their difference moved
                    // by 1 to 4 since an earlier cut where both were shown.
                    let near = shown_here.iter().any(|(other, oc)| {
                        *other != name
                            && (small(c - oc)
                                || cuts_shown
                                    .iter()
                                    .any(|m| match (m.get(name), m.get(other)) {
                                        (Some(a), Some(b)) => small((c - oc) - (a - b)),
                                        _ => false,
                                    }))
                    });
                    assert!(near, "{date} {name} ({want}) suppressed with no reason");
                    assert_eq!(row["suppressed"], true);
                } else {
                    assert_eq!(n(&row["subjects"]), want, "{date} {name}");
                    earlier.push((total as i64, c));
                }
            }

            cuts_shown.push(shown_here);

            // By arm, as the statistician sees it.
            let closed = call(&app, &stat, "get_closed_safety", &body).await;
            assert_eq!(closed["cut_date"], date.as_str());
            for (name, key) in SAFETY_KEYS {
                let row = closed["rows"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|r| r["category"] == name)
                    .unwrap();
                for (label, code) in ARMS {
                    let g = row["groups"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .find(|g| g["group"] == label)
                        .unwrap();
                    assert_eq!(
                        n(&g["subjects"]),
                        n(&exp["safety_subjects"][key][code]),
                        "{date} {name} {label}"
                    );
                    assert_eq!(n(&g["n"]), n(&exp["enrolled"][code]));
                }
            }

            // Coded, as a DSMB member sees it: the same counts under letters.
            let coded = call(&app, &member, "get_closed_safety", &body).await;
            assert_eq!(coded["coded"], true);
            for (name, key) in SAFETY_KEYS {
                let row = coded["rows"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|r| r["category"] == name)
                    .unwrap();
                let mut got: Vec<(u64, u64)> = row["groups"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|g| {
                        assert!(g["group"].as_str().unwrap().starts_with("Group "));
                        (n(&g["subjects"]), n(&g["n"]))
                    })
                    .collect();
                let mut want: Vec<(u64, u64)> = ARMS
                    .iter()
                    .map(|(_, c)| (n(&exp["safety_subjects"][key][c]), n(&exp["enrolled"][c])))
                    .collect();
                got.sort_unstable();
                want.sort_unstable();
                assert_eq!(got, want, "{date} {name}");
            }
        }
    });
}

#[test]
fn efficacy_data_matches_expected_at_every_cut() {
    block_on(async {
        let app = state();
        let stat = sign_in(&app, "stat").await;
        for (date, exp) in cuts() {
            let body = format!("trial=altshock2&cut={date}");
            let e = call(&app, &stat, "get_efficacy", &body).await;
            assert_eq!(e["cut_date"], date.as_str());
            let pe = &exp["primary_endpoint"];
            for (label, code) in ARMS {
                let row = e["primary"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|r| r["group"] == label)
                    .unwrap();
                assert_eq!(
                    n(&row["randomized"]),
                    n(&exp["enrolled"][code]),
                    "{date} {label}"
                );
                assert_eq!(
                    n(&row["evaluable"]),
                    n(&pe["evaluable_day60"][code]),
                    "{date} {label}"
                );
                assert_eq!(
                    n(&row["events"]),
                    n(&pe["failures_death_within_60d"][code]),
                    "{date} {label}"
                );
            }
            // The path of the statistic over the cuts so far. R, from the
            // expected successes / evaluable: sign(p1 - p2) * sqrt(prop.test(
            // c(s1, s2), c(n1, n2), correct = FALSE)$statistic), and the
            // evaluable over the 200 planned.
            let r_path = [
                ("2022-06-30", 38.0 / 200.0, -0.1677740986),
                ("2023-09-30", 80.0 / 200.0, 1.3665334362),
                ("2024-12-31", 101.0 / 200.0, 0.7455930407),
            ];
            let path = e["interim"]["path"].as_array().unwrap();
            let want: Vec<_> = r_path.iter().filter(|p| p.0 <= date.as_str()).collect();
            assert_eq!(path.len(), want.len(), "{date}");
            for (p, (d, t, z)) in path.iter().zip(want) {
                assert_eq!(p["cut_date"], *d);
                let (pt, pz) = (
                    p["information_fraction"].as_f64().unwrap(),
                    p["z"].as_f64().unwrap(),
                );
                assert!((pt - t).abs() < 1e-12, "{d}: t {pt}");
                assert!((pz - z).abs() < 1e-8, "{d}: z {pz} vs R {z}");
                assert!((p["b_value"].as_f64().unwrap() - z * t.sqrt()).abs() < 1e-8);
            }
            // The subgroup forest: subjects per level, both arms.
            for r in e["forest"].as_array().unwrap() {
                let (var, level) = (
                    r["variable"].as_str().unwrap(),
                    r["level"].as_str().unwrap(),
                );
                let lv = &exp["subgroups_primep"][var][level];
                assert!(lv.is_object(), "{date}: expected.json has {var} {level}");
                assert_eq!(
                    n(&r["n"]),
                    n(&lv["IABP"]["n"]) + n(&lv["SOC"]["n"]),
                    "{date} {var} {level}"
                );
            }
        }
    });
}

#[test]
fn a_cut_that_is_not_a_good_cut_of_the_trial_is_refused() {
    block_on(async {
        let app = state();
        let stat = sign_in(&app, "stat").await;
        for endpoint in [
            "get_enrollment",
            "get_standing",
            "get_open_safety",
            "get_closed_safety",
            "get_efficacy",
        ] {
            for cut in ["2023-01-01", "../cut-2024-12-31", "latest"] {
                let r = send(
                    &app,
                    post(
                        &format!("/api/{endpoint}"),
                        Some(&stat),
                        &format!("trial=altshock2&cut={cut}"),
                    ),
                )
                .await;
                // A date that is not a good cut is not found; text that is
                // not a date at all is bad input, read at the edge.
                let want = if cut == "2023-01-01" {
                    StatusCode::NOT_FOUND
                } else {
                    StatusCode::BAD_REQUEST
                };
                assert_eq!(r.status, want, "{endpoint} cut={cut}: {}", r.body);
            }
        }
        // A page asked for such a cut says so and shows no data.
        let r = send(
            &app,
            crate::helpers::get("/trial/altshock2/safety?cut=2023-01-01", Some(&stat)),
        )
        .await;
        assert!(r.body.contains("no such data cut"), "{}", r.body);
        assert!(!r.body.contains("BARC"), "no table is shown");
    });
}

/// Rscript validation/follow_up_completeness.R (base R, from the
/// definitions): Altshock-2 subjects due at day 60, complete, Clark's index;
/// the CDISC pilot's observed and potential days and index.
#[test]
fn follow_up_completeness_and_timeliness_match_r() {
    let catalog = crate::helpers::catalog();
    let t = catalog.trial("altshock2").unwrap();
    for (date, due, complete, index) in [
        ("2022-06-30", 37, 37, 1.0),
        ("2023-09-30", 80, 80, 1.0),
        ("2024-12-31", 101, 101, 1.0),
    ] {
        let e = &t.cut(Some(date)).unwrap().enrollment;
        let f = e.follow_up.as_ref().expect("a 60-day endpoint in ADTTE");
        assert_eq!((f.due, f.complete), (Some(due), Some(complete)), "{date}");
        assert!((f.completeness.unwrap() - index).abs() < 1e-12, "{date}");
        assert_eq!(f.horizon_days, Some(60.0));
    }
    let pilot = catalog.trial("cdisc-pilot01").unwrap().latest();
    let f = pilot.enrollment.follow_up.as_ref().unwrap();
    assert_eq!((f.due, f.complete), (None, None));
    assert!(
        (f.observed_days - 105764.0).abs() < 1e-6,
        "{}",
        f.observed_days
    );
    assert!(
        (f.potential_days - 158872.0).abs() < 1e-6,
        "{}",
        f.potential_days
    );
    assert!((f.completeness.unwrap() - 0.665718314115).abs() < 1e-9);

    // Timeliness. R: max(read.csv("randlist.csv")$RANDDT) is 2024-09-20,
    // max(read.csv("blinded/adae.csv")$ASTDT) is 2024-10-11 (final cut).
    let tl = t.latest().enrollment.timeliness.as_ref().unwrap();
    assert_eq!(tl.cut_date, "2024-12-31");
    assert_eq!(tl.last_randomization.as_deref(), Some("2024-09-20"));
    assert_eq!(tl.days_since_last_randomization, Some(102));
    assert_eq!(tl.last_ae_onset.as_deref(), Some("2024-10-11"));
    assert_eq!(tl.days_since_last_ae_onset, Some(81));
    assert!(tl.registered_at.is_some(), "the demo cuts are registered");
}

/// Where the sponsor reads "suppressed", the page links to the rule, and
/// the rule's page gives each of the reader's trials' threshold.
#[test]
fn the_sponsors_suppressed_counts_link_to_the_disclosure_rule() {
    block_on(async {
        let app = state();
        let sponsor = sign_in(&app, "sponsor").await;
        for path in ["/trial/altshock2", "/trial/altshock2/safety"] {
            let r = send(&app, crate::helpers::get(path, Some(&sponsor))).await;
            assert_eq!(r.status, StatusCode::OK, "{path}");
            assert!(
                r.body.contains("href=\"/disclosure#suppression\""),
                "{path}: no link to the rule"
            );
        }
        let r = send(&app, crate::helpers::get("/disclosure", Some(&sponsor))).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains("Why a pooled count reads"));
        let thresholds = call(&app, &sponsor, "get_disclosure", "").await;
        assert_eq!(thresholds[0]["id"], "altshock2");
        assert_eq!(thresholds[0]["threshold"], 5);
    });
}
