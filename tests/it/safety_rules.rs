//! Safety monitoring rules against base R (validation/safety_rules.R writes
//! tests/fixtures/r_safety_rules.json): posterior thresholds, two-group
//! posterior comparisons, and exact sequential boundaries with their
//! operating characteristics, to 1e-9; and R stoppingrule's beta-binomial
//! example reproduced exactly.

use dsmb::stats::monitoring::{
    posterior_difference_exceeds, posterior_exceeds, sequential_boundary, stopping_probability,
    BetaPrior, BoundaryKind, Count,
};

fn fixture() -> serde_json::Value {
    let path = crate::helpers::repo().join("tests/fixtures/r_safety_rules.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn f(v: &serde_json::Value) -> f64 {
    v.as_f64().unwrap()
}

fn u(v: &serde_json::Value) -> u32 {
    v.as_u64().unwrap() as u32
}

fn within(got: f64, want: f64, tol: f64, what: &str) {
    assert!((got - want).abs() <= tol, "{what}: {got} vs R {want}");
}

/// R: 1 - pbeta(p0, a + x, b + n - x)
#[test]
fn the_posterior_probability_of_a_rate_above_p0_equals_r() {
    for q in fixture()["posterior"].as_array().unwrap() {
        let prior = BetaPrior {
            a: f(&q["a"]),
            b: f(&q["b"]),
        };
        let c = Count {
            events: u(&q["x"]),
            n: u(&q["n"]),
        };
        within(
            posterior_exceeds(prior, c, f(&q["p0"])),
            f(&q["p"]),
            1e-12,
            &q.to_string(),
        );
    }
}

/// R: integrate(function(pa) dbeta(pa, a + xa, b + na - xa) *
///   pbeta(pa + delta, a + xb, b + nb - xb, lower.tail = FALSE), 0, 1, rel.tol = 1e-12)
#[test]
fn the_posterior_probability_that_one_rate_exceeds_another_equals_r() {
    for q in fixture()["difference"].as_array().unwrap() {
        let prior = BetaPrior {
            a: f(&q["a"]),
            b: f(&q["b"]),
        };
        let a = Count {
            events: u(&q["xa"]),
            n: u(&q["na"]),
        };
        let b = Count {
            events: u(&q["xb"]),
            n: u(&q["nb"]),
        };
        within(
            posterior_difference_exceeds(prior, a, b, f(&q["delta"])),
            f(&q["p"]),
            1e-9,
            &q.to_string(),
        );
    }
}

/// Each boundary found by bisection in base R (validation/safety_rules.R),
/// and its probability of stopping at several true rates by a recursion
/// over the events (dbinom).
#[test]
fn sequential_boundaries_and_their_operating_characteristics_equal_r() {
    for q in fixture()["sequential"].as_array().unwrap() {
        let ns: Vec<u32> = q["ns"].as_array().unwrap().iter().map(u).collect();
        let kind = match q["type"].as_str().unwrap() {
            "pocock" => BoundaryKind::Pocock,
            "obf" => BoundaryKind::OBrienFleming,
            _ => BoundaryKind::BetaBinomial(BetaPrior {
                a: f(&q["prior"][0]),
                b: f(&q["prior"][1]),
            }),
        };
        let b = sequential_boundary(&ns, f(&q["p0"]), f(&q["alpha"]), kind).unwrap();
        let want: Vec<u32> = q["stop_at"].as_array().unwrap().iter().map(u).collect();
        assert_eq!(b.stop_at, want, "{}", q["id"]);
        within(b.size, f(&q["size"]), 1e-9, "size");
        for (p, s) in q["rates"]
            .as_array()
            .unwrap()
            .iter()
            .zip(q["stopping"].as_array().unwrap())
        {
            within(
                stopping_probability(&ns, &b.stop_at, f(p)),
                f(s),
                1e-9,
                &format!("{} at {p}", q["id"]),
            );
        }
    }
}

/// R stoppingrule: calc.rule.bin(ns = 1:30, p0 = 0.2, alpha = 0.1, type = "BB",
/// param = c(0.6, 2.4)). The package prints c = 0.9630823, but the boundary it
/// tabulates needs c just above 0.9630827, the posterior of 4 events in 7
/// subjects (at c itself 4 of 7 would stop).
#[test]
fn stoppingrules_beta_binomial_example_is_reproduced() {
    let prior = BetaPrior { a: 0.6, b: 2.4 };
    let ns: Vec<u32> = (1..=30).collect();
    let b = sequential_boundary(&ns, 0.2, 0.1, BoundaryKind::BetaBinomial(prior)).unwrap();
    // "stop if >= b events among n": (b, first n, last n).
    let table = [
        (3, 3, 4),
        (4, 5, 6),
        (5, 7, 10),
        (6, 11, 13),
        (7, 14, 17),
        (8, 18, 20),
        (9, 21, 24),
        (10, 25, 28),
        (11, 29, 30),
    ];
    for (events, from, to) in table {
        for n in from..=to {
            assert_eq!(b.stop_at[n as usize - 1], events, "n = {n}");
        }
    }
    assert!(
        b.stop_at[0] > 1 && b.stop_at[1] > 2,
        "no stop at 1 or 2 subjects"
    );
    let four_of_seven = posterior_exceeds(prior, Count { events: 4, n: 7 }, 0.2);
    within(four_of_seven, 0.9630827, 5e-8, "the posterior of 4 of 7");
    assert!(
        b.c > four_of_seven && b.c - four_of_seven < 1e-9,
        "c = {}",
        b.c
    );
    for (p, want) in [
        (0.20, 0.0996),
        (0.25, 0.2383),
        (0.30, 0.4362),
        (0.35, 0.6456),
        (0.40, 0.8149),
    ] {
        within(
            stopping_probability(&ns, &b.stop_at, p),
            want,
            5e-5,
            &format!("at {p}"),
        );
    }
}

/// The demo's rules on Altshock-2's final cut (demo/altshock2/trial.toml), in
/// the closed report: BARC>=3 bleeding in 9 of 53 (IABP + SoC) and 4 of 48
/// (SoC), stroke in 3 of 53 and 0 of 48, each number against base R
/// (validation/safety_rules.R: 1 - pbeta(0.1, 1 + 9, 1 + 44) = 0.960224761065065,
/// the pair by integrate, the stroke boundary by bisection and recursion).
#[test]
fn the_demo_rules_at_the_final_cut_equal_r() {
    use crate::helpers::{altshock2, altshock2_trial};
    use dsmb::server::firewall::closed_snapshot;
    use dsmb::server::report::closed_report;
    let trial = altshock2_trial();
    let snap = closed_snapshot(&trial, &altshock2().join("cut-2024-12-31")).unwrap();
    let r = closed_report(&snap, &trial).unwrap();
    let fx = fixture();
    let rule = |kind: &str| r.safety_rules.iter().find(|x| x.kind == kind).unwrap();
    let posterior = rule("posterior");
    let iabp = posterior.groups.iter().find(|g| g.arm == "IABP").unwrap();
    let soc = posterior.groups.iter().find(|g| g.arm == "SOC").unwrap();
    assert_eq!((iabp.events, iabp.n, soc.events, soc.n), (9, 53, 4, 48));
    within(
        iabp.posterior.unwrap(),
        f(&fx["posterior"][0]["p"]),
        1e-12,
        "IABP",
    );
    within(
        soc.posterior.unwrap(),
        f(&fx["posterior"][1]["p"]),
        1e-12,
        "SoC",
    );
    assert!(iabp.signal && !soc.signal && posterior.signal);
    let pairs = &rule("difference").pairs;
    assert_eq!(pairs.len(), 2, "both orders");
    let up = pairs.iter().find(|p| p.higher == "IABP").unwrap();
    let down = pairs.iter().find(|p| p.higher == "SOC").unwrap();
    // R: P(p_IABP > p_SOC) with xa = 4 of 48 (SoC), xb = 9 of 53 (IABP).
    within(
        up.probability,
        f(&fx["difference"][1]["p"]),
        1e-9,
        "IABP above SoC",
    );
    within(
        down.probability,
        f(&fx["difference"][0]["p"]),
        1e-9,
        "SoC above IABP",
    );
    let stroke = rule("sequential");
    let want = fx["sequential"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["id"] == "altshock2-stroke")
        .unwrap();
    let stop_at: Vec<u32> = want["stop_at"].as_array().unwrap().iter().map(u).collect();
    let g = stroke.groups.iter().find(|g| g.arm == "IABP").unwrap();
    assert_eq!(g.signal_at, Some(stop_at[52]), "at 53 subjects");
    assert!(
        !g.signal && !stroke.signal,
        "3 strokes of 53 do not reach it"
    );
    let b = stroke.boundary.as_ref().unwrap();
    within(b.size, f(&want["size"]), 1e-9, "size");
    for ((p, s), (wp, ws)) in b.operating.iter().zip(
        want["rates"]
            .as_array()
            .unwrap()
            .iter()
            .zip(want["stopping"].as_array().unwrap()),
    ) {
        within(*p, f(wp), 1e-12, "rate");
        within(*s, f(ws), 1e-9, "P(signal)");
    }
    // The sponsor's report has no rule at all.
    let open =
        dsmb::server::firewall::open_snapshot(&trial, &altshock2().join("cut-2024-12-31")).unwrap();
    let json =
        serde_json::to_string(&dsmb::server::report::open_report(&open, &trial).unwrap()).unwrap();
    assert!(!json.contains("safety_rules") && !json.contains("posterior"));
}
