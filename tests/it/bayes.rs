//! The primary endpoint's Bayesian summaries against validation/bayes.R
//! (tests/fixtures/r_bayes.json: base R's integrate, pbeta, uniroot and
//! pnorm, survival's coxph) on both demo trials; shown to decoded viewers
//! only.

use crate::helpers::{altshock2, altshock2_efficacy, repo};
use crate::summary::closed;
use dsmb::dto::Role;
use dsmb::server::report::bayes::BayesSummary;

fn r_values() -> serde_json::Value {
    let text = std::fs::read_to_string(repo().join("tests/fixtures/r_bayes.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn check(b: &BayesSummary, want: &serde_json::Value, trial: &str) {
    let want = want.as_array().unwrap();
    assert_eq!(b.posteriors.len(), want.len(), "{trial}");
    for (p, w) in b.posteriors.iter().zip(want) {
        assert_eq!(p.prior, w["prior"].as_str().unwrap(), "{trial}");
        for (what, got) in [
            ("estimate", p.estimate),
            ("lo95", p.ci95[0]),
            ("hi95", p.ci95[1]),
            ("p_benefit", p.p_benefit),
            ("p_harm", p.p_harm),
            ("p_mcid", p.p_mcid.unwrap()),
        ] {
            let w = w[what].as_f64().unwrap();
            assert!(
                (got - w).abs() < 1e-6,
                "{trial} {}: {what} {got} vs R {w}",
                p.prior
            );
        }
    }
}

#[test]
fn posteriors_equal_r_on_both_demo_trials() {
    let want = r_values();
    for blinded in [false, true] {
        let r = closed(&altshock2().join("cut-2024-12-31"), blinded);
        let b = r.bayes.as_ref().expect("Altshock-2 has a binary primary");
        assert_eq!((b.arm.as_str(), b.reference.as_str()), ("IABP", "SOC"));
        assert_eq!(b.data, "successes 43/53 vs 36/48");
        check(b, &want["altshock2"], "altshock2");
    }
    let (_, r) = crate::helpers::pilot_closed();
    let b = r
        .bayes
        .as_ref()
        .expect("the pilot's primary is time to event");
    assert_eq!(b.measure, "hazard ratio");
    check(b, &want["cdisc-pilot01"], "cdisc-pilot01");
}

#[test]
fn the_page_gives_the_posteriors_to_decoded_viewers_only() {
    let r = closed(&altshock2().join("cut-2024-12-31"), false);
    let stat = altshock2_efficacy(&r, Role::Statistician);
    let b = stat.bayes.expect("decoded: the posteriors");
    assert_eq!(b.measure, "Difference in success rates, IABP + SoC vs SoC");
    assert_eq!(b.mcid_header.as_deref(), Some("P(difference ≥ 0.10)"));
    let uniform = &b.rows[0];
    assert_eq!(uniform.estimate, "0.060 (-0.099 to 0.221)");
    assert_eq!(
        (uniform.p_benefit.as_str(), uniform.p_harm.as_str()),
        ("0.770", "0.230")
    );
    assert_eq!(uniform.p_mcid.as_deref(), Some("0.310"));
    // Coded: nothing of it, and the page says why.
    let member = altshock2_efficacy(&r, Role::Dsmb);
    assert!(member.bayes.is_none());
    assert!(member.withheld.unwrap().contains("Bayesian posteriors"));
}

#[test]
fn a_bayesian_table_must_fit_its_primary_endpoint() {
    let text = std::fs::read_to_string(altshock2().join("trial.toml")).unwrap();
    let with = |replacement: &str| {
        let edited = text.replace("[bayesian]\nmcid = 0.10\n", replacement);
        assert_ne!(edited, text);
        dsmb::server::config::TrialConfig::parse(&edited)
            .err()
            .unwrap_or_else(|| panic!("{replacement:?} was accepted"))
    };
    assert!(with("[bayesian]\nmcid = 1.5\n")
        .contains("bayesian.mcid: 1.5 is not a difference in success rates"));
    let bad_prior = text.replace("treatment = [15, 5]", "treatment = [0, 5]");
    let err = dsmb::server::config::TrialConfig::parse(&bad_prior)
        .err()
        .unwrap();
    assert!(
        err.contains("bayesian.priors[2].treatment: Beta parameters must be positive"),
        "{err}"
    );
    let pilot = std::fs::read_to_string(repo().join("demo/cdisc-pilot01/trial.toml")).unwrap();
    let edited = pilot.replace(
        "[bayesian]\nmcid = 0.85\n",
        "[bayesian]\nmcid = 0.85\n[[bayesian.priors]]\nname = \"X\"\ntreatment = [1, 1]\ncontrol = [1, 1]\n",
    );
    let err = dsmb::server::config::TrialConfig::parse(&edited)
        .err()
        .unwrap();
    assert!(
        err.contains("a time-to-event primary takes no Beta priors"),
        "{err}"
    );
}
