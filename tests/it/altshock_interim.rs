//! The Altshock-2 interim as a DSMB would have seen it: 101 patients, IABP
//! 43/53 alive at day 60 vs SoC 36/48; one-sided alpha 0.025, O'Brien-Fleming
//! type spending, looks at 0.5 and 1; design rates 0.75 vs 0.55; 99 patients
//! still to come of the planned 200. Reference values from rpact 3.3:
//!
//! ```r
//! d  <- getDesignGroupSequential(kMax = 2, alpha = 0.025, sided = 1,
//!         typeOfDesign = "asOF", informationRates = c(0.5, 1))
//! ds <- getDataset(n1 = 53, n2 = 48, events1 = 43, events2 = 36)
//! getStageResults(d, ds, stage = 1)$overallTestStatistics   # 0.745593040705
//! r  <- getAnalysisResults(d, ds, stage = 1, nPlanned = 99, pi1 = 0.75,
//!         pi2 = 0.55, normalApproximation = TRUE)
//! r$conditionalPower[2]                                      # 0.519429460715
//! r$conditionalRejectionProbabilities[1]                     # 0.0207538929217
//! getAnalysisResults(d, ds, stage = 1, nPlanned = 99,
//!         normalApproximation = TRUE)$conditionalPower[2]    # 0.0959849116669 (observed rates)
//! d$criticalValues                                           # 2.96258804273 1.96859564632
//! ```

use dsmb::stats::gsd::{efficacy_boundaries, EfficacyRule, Spending};
use dsmb::stats::interim::{
    conditional_power_rates, conditional_rejection_probability, rates_z, TwoRates,
};

#[test]
fn the_altshock2_interim_matches_rpact() {
    let t = [0.5, 1.0];
    let design = efficacy_boundaries(
        &t,
        0.025,
        false,
        EfficacyRule::Spending(Spending::OBrienFleming),
    );
    assert!((design.efficacy[0] - 2.962_588_042_73).abs() < 1e-5);
    assert!((design.efficacy[1] - 1.968_595_646_32).abs() < 1e-5);

    let z = rates_z(43, 53, 36, 48);
    assert!((z - 0.745_593_040_705).abs() < 1e-9, "{z}");
    assert!(z < design.efficacy[0], "no early efficacy stop");

    let b = &design.efficacy;
    let cp = |pi1: f64, pi2: f64| {
        let rates = TwoRates {
            pi1,
            pi2,
            allocation: 1.0,
        };
        conditional_power_rates(&t, b, None, 1, z, rates, &[99.0])
    };
    let under_design = cp(0.75, 0.55);
    let under_trend = cp(43.0 / 53.0, 36.0 / 48.0);
    let under_null = conditional_rejection_probability(&t, b, None, 1, z);
    assert!(
        (under_design - 0.519_429_460_715).abs() < 1e-4,
        "{under_design}"
    );
    assert!(
        (under_trend - 0.095_984_911_666_9).abs() < 1e-4,
        "{under_trend}"
    );
    assert!(
        (under_null - 0.020_753_892_921_7).abs() < 1e-4,
        "{under_null}"
    );
    // The trial's futility guideline (an assumption: conditional power under
    // the current trend below 0.20) says stop.
    assert!(under_trend < 0.20);
}

/// R: the same `d`, `ds` as above,
/// `r$repeatedConfidenceIntervalLowerBounds[1]`  -0.185437306616,
/// `r$repeatedConfidenceIntervalUpperBounds[1]`   0.310671065095,
/// `r$repeatedPValues[1]`                         0.393927786303.
#[test]
fn the_altshock2_repeated_ci_and_p_value_match_rpact() {
    use dsmb::stats::interim::{repeated_ci_rates, repeated_p_value};
    let t = [0.5, 1.0];
    let rule = EfficacyRule::Spending(Spending::OBrienFleming);
    let design = efficacy_boundaries(&t, 0.025, false, rule);
    let (lo, hi) = repeated_ci_rates(43, 53, 36, 48, design.efficacy[0]);
    assert!((lo - -0.185_437_306_616).abs() < 1e-4, "{lo}");
    assert!((hi - 0.310_671_065_095).abs() < 1e-4, "{hi}");
    let z = rates_z(43, 53, 36, 48);
    let p = repeated_p_value(&t, 1, z, false, rule);
    assert!((p - 0.393_927_786_303).abs() < 1e-4, "{p}");
}
