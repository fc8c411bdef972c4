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

/// ```r
/// d <- getDesignGroupSequential(kMax = 2, alpha = 0.025, beta = 0.2, sided = 1,
///        typeOfDesign = "asOF", informationRates = c(0.5, 1))
/// s <- getSampleSizeRates(d, pi1 = 0.75, pi2 = 0.55)       # max 176.841900424, fixed 176.185603769
/// getSampleSizeRates(d, pi1 = 0.75, pi2 = 0.55, allocationRatioPlanned = 2)
///                                                          # max 194.715326176, fixed 193.992697564
/// d5 <- getDesignGroupSequential(kMax = 5, alpha = 0.025, beta = 0.1, sided = 1, typeOfDesign = "asP")
/// getSampleSizeRates(d5, pi1 = 0.4, pi2 = 0.25)            # max 483.632421335, fixed 405.619019024
/// ```
#[test]
fn sample_sizes_for_rates_match_rpact() {
    use dsmb::stats::interim::{sample_size_rates, Level, TwoRates};
    let rule = |s| EfficacyRule::Spending(s);
    let t2 = [0.5, 1.0];
    let b2 = efficacy_boundaries(&t2, 0.025, false, rule(Spending::OBrienFleming)).efficacy;
    let (fixed, max) = sample_size_rates(
        &t2,
        &b2,
        Level {
            alpha: 0.025,
            beta: 0.2,
            two_sided: false,
        },
        TwoRates {
            pi1: 0.75,
            pi2: 0.55,
            allocation: 1.0,
        },
    );
    assert!((fixed - 176.185_603_769).abs() < 1e-6, "{fixed}");
    assert!((max - 176.841_900_424).abs() < 1e-3, "{max}");
    let (fixed, max) = sample_size_rates(
        &t2,
        &b2,
        Level {
            alpha: 0.025,
            beta: 0.2,
            two_sided: false,
        },
        TwoRates {
            pi1: 0.75,
            pi2: 0.55,
            allocation: 2.0,
        },
    );
    assert!((fixed - 193.992_697_564).abs() < 1e-6, "{fixed}");
    assert!((max - 194.715_326_176).abs() < 1e-3, "{max}");
    let t5: Vec<f64> = (1..=5).map(|k| k as f64 / 5.0).collect();
    let b5 = efficacy_boundaries(&t5, 0.025, false, rule(Spending::Pocock)).efficacy;
    let (fixed, max) = sample_size_rates(
        &t5,
        &b5,
        Level {
            alpha: 0.025,
            beta: 0.1,
            two_sided: false,
        },
        TwoRates {
            pi1: 0.4,
            pi2: 0.25,
            allocation: 1.0,
        },
    );
    assert!((fixed - 405.619_019_024).abs() < 1e-6, "{fixed}");
    assert!((max - 483.632_421_335).abs() < 1e-2, "{max}");
}

/// ```r
/// d <- getDesignGroupSequential(kMax = 3, alpha = 0.025, beta = 0.1, sided = 1,
///        typeOfDesign = "asOF", informationRates = c(0.3, 0.6, 1))
/// getSampleSizeMeans(d, alternative = 2.5, stDev = 6, normalApproximation = TRUE)
///   # max 244.006169745, fixed 242.091027336
/// getSampleSizeMeans(d, alternative = 2.5, stDev = 6, normalApproximation = TRUE,
///   allocationRatioPlanned = 2)                       # 274.506940964, 272.352405753
/// d2 <- getDesignGroupSequential(kMax = 4, alpha = 0.05, beta = 0.2, sided = 2, typeOfDesign = "asP")
/// getSampleSizeMeans(d2, alternative = 0.4, stDev = 1, normalApproximation = TRUE)
///                                                     # 234.742342845, 196.221993359
/// getSampleSizeSurvival(d, hazardRatio = 0.7, pi2 = 0.3, accrualTime = 12, followUpTime = 12)
///   # maxNumberOfEvents 332.991479453, eventsFixed 330.377913964
/// getSampleSizeSurvival(d2, hazardRatio = 0.75, pi2 = 0.3, accrualTime = 12,
///   followUpTime = 12, allocationRatioPlanned = 2)    # 510.550072772, 426.770695797
/// d5 <- getDesignGroupSequential(kMax = 5, alpha = 0.025, beta = 0.1, sided = 1,
///         typeOfDesign = "asKD", gammaA = 2)
/// getSampleSizeSurvival(d5, hazardRatio = 0.8, pi2 = 0.3, accrualTime = 12, followUpTime = 12)
///                                                     # 893.344113680, 844.087616526
/// getSampleSizeMeans(d5, alternative = 1, stDev = 3, normalApproximation = TRUE)
///                                                     # 400.340908801, 378.267230212
/// ```
#[test]
fn sample_sizes_for_means_and_events_for_survival_match_rpact() {
    use dsmb::stats::interim::{events_survival, sample_size_means, Level};
    let rule = |s| EfficacyRule::Spending(s);
    let t3 = [0.3, 0.6, 1.0];
    let b3 = efficacy_boundaries(&t3, 0.025, false, rule(Spending::OBrienFleming)).efficacy;
    let t4 = [0.25, 0.5, 0.75, 1.0];
    let b4 = efficacy_boundaries(&t4, 0.05, true, rule(Spending::Pocock)).efficacy;
    let t5: Vec<f64> = (1..=5).map(|k| k as f64 / 5.0).collect();
    let b5 = efficacy_boundaries(&t5, 0.025, false, rule(Spending::KimDeMets(2.0))).efficacy;
    let check = |(fixed, max): (f64, f64), want_fixed: f64, want_max: f64| {
        assert!((fixed - want_fixed).abs() < 1e-6, "{fixed} vs {want_fixed}");
        assert!((max - want_max).abs() < 1e-3, "{max} vs {want_max}");
    };
    let m = |t: &[f64], b: &[f64], a, beta, two, d, sd, r| {
        let level = Level {
            alpha: a,
            beta,
            two_sided: two,
        };
        sample_size_means(t, b, level, d, sd, r)
    };
    check(
        m(&t3, &b3, 0.025, 0.1, false, 2.5, 6.0, 1.0),
        242.091_027_336,
        244.006_169_745,
    );
    check(
        m(&t3, &b3, 0.025, 0.1, false, 2.5, 6.0, 2.0),
        272.352_405_753,
        274.506_940_964,
    );
    check(
        m(&t4, &b4, 0.05, 0.2, true, 0.4, 1.0, 1.0),
        196.221_993_359,
        234.742_342_845,
    );
    check(
        m(&t5, &b5, 0.025, 0.1, false, 1.0, 3.0, 1.0),
        378.267_230_212,
        400.340_908_801,
    );
    let e = |t: &[f64], b: &[f64], alpha: f64, beta: f64, two_sided: bool, hr: f64, r: f64| {
        let level = Level {
            alpha,
            beta,
            two_sided,
        };
        events_survival(t, b, level, hr, r)
    };
    check(
        e(&t3, &b3, 0.025, 0.1, false, 0.7, 1.0),
        330.377_913_964,
        332.991_479_453,
    );
    check(
        e(&t4, &b4, 0.05, 0.2, true, 0.75, 2.0),
        426.770_695_797,
        510.550_072_772,
    );
    check(
        e(&t5, &b5, 0.025, 0.1, false, 0.8, 1.0),
        844.087_616_526,
        893.344_113_680,
    );
}
