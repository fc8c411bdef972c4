//! Conditional power for means and survival against rpact 3.3 (the rates
//! case is the Altshock-2 interim, in altshock_interim.rs).
//!
//! ```r
//! d3 <- getDesignGroupSequential(kMax = 3, alpha = 0.025, sided = 1,
//!         typeOfDesign = "asOF", informationRates = c(0.3, 0.6, 1))
//! dm <- getDataset(n1 = 30, n2 = 30, means1 = 1.2, means2 = 0.5, stDevs1 = 2, stDevs2 = 2.2)
//! getStageResults(d3, dm, stage = 1, normalApproximation = TRUE)$overallTestStatistics[1]
//!   # 1.28953322082
//! getAnalysisResults(d3, dm, stage = 1, nPlanned = c(60, 80), thetaH1 = 0.8,
//!   assumedStDev = 2, normalApproximation = TRUE)$conditionalPower
//!   # NA 0.174331941696 0.802399171560
//! dsv <- getDataset(events = c(40, 45), logRanks = c(1.1, 1.6))
//! getStageResults(d3, dsv, stage = 2)$overallTestStatistics[2]   # 1.9187647748
//! getAnalysisResults(d3, dsv, stage = 2, nPlanned = 70, thetaH1 = 1.5)$conditionalPower[3]
//!   # 0.816518329396
//! getAnalysisResults(d3, dsv, stage = 1, nPlanned = c(45, 70), thetaH1 = 1.4)$conditionalPower
//!   # NA 0.060889623839 0.563666659628
//! ```

use dsmb::stats::gsd::{efficacy_boundaries, EfficacyRule, Spending};
use dsmb::stats::interim::{conditional_power, design_weighted_z};

fn design() -> (Vec<f64>, Vec<f64>) {
    let t = vec![0.3, 0.6, 1.0];
    let b = efficacy_boundaries(
        &t,
        0.025,
        false,
        EfficacyRule::Spending(Spending::OBrienFleming),
    );
    (t, b.efficacy)
}

/// Two groups 1:1: the planned samples (subjects or events) on the scale of
/// the standardized effect, r/(1 + r)² n.
fn scaled(n: &[f64]) -> Vec<f64> {
    n.iter().map(|n| n / 4.0).collect()
}

#[test]
fn conditional_power_for_means_matches_rpact() {
    let (t, b) = design();
    // Effect 0.8 with SD 2: standardized 0.4.
    let cp = conditional_power(
        &t,
        &b,
        None,
        1,
        1.289_533_220_82,
        0.8 / 2.0,
        &scaled(&[60.0, 80.0]),
    );
    assert!((cp[0] - 0.174_331_941_696).abs() < 1e-4, "{cp:?}");
    assert!((cp[1] - 0.802_399_171_560).abs() < 1e-4, "{cp:?}");
}

#[test]
fn conditional_power_for_survival_matches_rpact() {
    let (t, b) = design();
    // Overall log-rank z after two looks: (√40 · 1.1 + √45 · 1.6) / √85.
    let z2 = (40f64.sqrt() * 1.1 + 45f64.sqrt() * 1.6) / 85f64.sqrt();
    assert!((z2 - 1.918_764_774_8).abs() < 1e-9);
    // rpact's survival conditional power combines the stage-wise log-rank
    // statistics with the design's weights rather than using z2.
    let z = design_weighted_z(&t, &[1.1, 1.6]);
    let cp = conditional_power(&t, &b, None, 2, z, 1.5f64.ln(), &scaled(&[70.0]));
    assert!((cp[0] - 0.816_518_329_396).abs() < 1e-4, "{cp:?}");
    let cp = conditional_power(&t, &b, None, 1, 1.1, 1.4f64.ln(), &scaled(&[45.0, 70.0]));
    assert!((cp[0] - 0.060_889_623_839).abs() < 1e-4, "{cp:?}");
    assert!((cp[1] - 0.563_666_659_628).abs() < 1e-4, "{cp:?}");
}
