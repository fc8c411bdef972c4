//! The interim block of the closed summary against rpact (rates and beta
//! spending on Altshock-2) and against survival and rpact (the time-to-event
//! block of the CDISC pilot).

use crate::helpers::{altshock2, altshock2_trial, expected, repo};
use crate::summary::closed;
use dsmb::server::firewall::{load, LoadOptions};
use dsmb::server::report::closed_report;

/// The interim block of the closed summary, against rpact at the observed
/// information fractions:
///
/// ```r
/// d  <- getDesignGroupSequential(kMax = 2, alpha = 0.025, sided = 1,
///         typeOfDesign = "asOF", informationRates = c(0.505, 1))
/// d$criticalValues                                          # 2.94591790727 1.96906141192
/// ds <- getDataset(n1 = 53, n2 = 48, events1 = 43, events2 = 36)
/// getAnalysisResults(d, ds, stage = 1, nPlanned = 99, pi1 = 0.75, pi2 = 0.55,
///   normalApproximation = TRUE)$conditionalPower[2]         # 0.516497308451 (CRP 0.0203971126781)
/// getAnalysisResults(d, ds, stage = 1, nPlanned = 99,
///   normalApproximation = TRUE)$conditionalPower[2]         # 0.0947621625379
/// d1 <- getDesignGroupSequential(kMax = 2, alpha = 0.025, sided = 1,
///         typeOfDesign = "asOF", informationRates = c(0.19, 1))
/// ds1 <- getDataset(n1 = 18, n2 = 20, events1 = 14, events2 = 16)
/// # bounds 5.01036088512 1.95996569842; z -0.167774098562
/// getAnalysisResults(d1, ds1, stage = 1, nPlanned = 162, pi1 = 0.75, pi2 = 0.55,
///   normalApproximation = TRUE)$conditionalPower[2]         # 0.662322211107
/// ```
/// R: getAnalysisResults(d, ds, stage = 1, nPlanned = 99, pi1 = 0.85,
/// pi2 = 0.75, normalApproximation = TRUE)$conditionalPower[2] (t = 0.505 design).
const RPACT_CP_085_075: f64 = 0.209_481_921_163;

#[test]
fn the_interim_block_matches_rpact_at_the_observed_information() {
    let expected = expected();
    let r = closed(&altshock2().join("cut-2024-12-31"), false);
    let i = r
        .interim
        .as_ref()
        .expect("a binary two-arm design has an interim block");
    let want = &expected["cuts"]["cut-2024-12-31"]["primary_endpoint"]["evaluable_day60"];
    assert_eq!(
        u64::from(i.evaluable["IABP"].n),
        want["IABP"].as_u64().unwrap()
    );
    assert_eq!(
        u64::from(i.evaluable["SOC"].n),
        want["SOC"].as_u64().unwrap()
    );
    assert_eq!(i.look, 1);
    assert!((i.information_fraction - 0.505).abs() < 1e-12);
    // The design check: rpact's getSampleSizeRates for the design (looks
    // 0.5, 1; beta 0.2; 0.75 vs 0.55) needs 176.841900424 subjects.
    assert_eq!(i.planned_information, 200.0);
    let need = i.required_information.unwrap();
    assert!((need - 176.841_900_424).abs() < 1e-3, "{need}");
    assert!((i.z - 0.745_593_040_705).abs() < 1e-9);
    assert!((i.efficacy_bounds[0] - 2.945_917_907_27).abs() < 1e-5);
    assert!((i.efficacy_bounds[1] - 1.969_061_411_92).abs() < 1e-5);
    // The alpha spent by each look and the bounds' nominal p-values, as the
    // boundary table shows them. R (rpact 3.x, Debian r-cran-rpact):
    //   d <- getDesignGroupSequential(sided = 1, alpha = 0.025,
    //     typeOfDesign = "asOF", informationRates = c(0.505, 1))
    //   d$alphaSpent   # 0.00160998923367 0.025
    //   d$stageLevels  # 0.00160998923367 0.0244730196808
    assert!((i.efficacy_alpha[0] - 0.001_609_989_233_67).abs() < 1e-7);
    assert!((i.efficacy_alpha[1] - 0.025).abs() < 1e-9);
    let view = crate::helpers::altshock2_efficacy(&r, dsmb::dto::Role::Statistician);
    let rows = &view.interim.as_ref().unwrap().bounds;
    for (row, (alpha, level)) in rows.iter().zip([
        (0.001_609_989_233_67, 0.001_609_989_233_67),
        (0.025, 0.024_473_019_680_8),
    ]) {
        assert!((row.efficacy_alpha - alpha).abs() < 1e-7, "{row:?}");
        assert!((row.efficacy_p - level).abs() < 1e-7, "{row:?}");
    }
    // The conditional-power guideline (trend below 20%) on the z scale at
    // the interim, drawn as the futility region. R, with d as above:
    //   sqrt(.505) * (d$criticalValues[2] - sqrt(.495) * qnorm(.8))
    //   # 0.978491466867
    // The observed z (0.746) lies below it, as the trend's conditional
    // power (0.095) lies below 20%.
    let zf = i.futility_cp_z.as_ref().unwrap();
    assert_eq!(zf.len(), 1);
    assert!((zf[0] - 0.978_491_466_867).abs() < 1e-5, "{zf:?}");
    assert!(rows[0].futility_cp_z == Some(zf[0]) && rows[1].futility_cp_z.is_none());
    let cp = i.conditional_power.as_ref().unwrap();
    assert!(
        (cp.design.unwrap() - 0.516_497_308_451).abs() < 1e-4,
        "{cp:?}"
    );
    assert!((cp.trend - 0.094_762_162_537_9).abs() < 1e-4, "{cp:?}");
    assert!((cp.null - 0.020_397_112_678_1).abs() < 1e-4, "{cp:?}");
    assert!(i.verdict.contains("stopping for futility"), "{}", i.verdict);
    // R: r$repeatedConfidenceIntervalLowerBounds[1], ...UpperBounds[1],
    // r$repeatedPValues[1] for the t = 0.505 design: -0.184024609440,
    // 0.309275343101, 0.391574122797.
    assert!(
        (i.repeated_ci[0] - -0.184_024_609_440).abs() < 1e-4,
        "{:?}",
        i.repeated_ci
    );
    assert!(
        (i.repeated_ci[1] - 0.309_275_343_101).abs() < 1e-4,
        "{:?}",
        i.repeated_ci
    );
    assert!(
        (i.repeated_p_value - 0.391_574_122_797).abs() < 1e-4,
        "{}",
        i.repeated_p_value
    );

    // The curve: at no difference it is the conditional rejection
    // probability; it rises with the effect; at +0.10 over the observed SoC
    // rate (0.85 vs 0.75) rpact gives the value below (getAnalysisResults as
    // above with pi1 = 0.85, pi2 = 0.75).
    let curve = &i.conditional_power_curve;
    let at = |e: f64| {
        curve
            .iter()
            .find(|p| (p.effect - e).abs() < 1e-9)
            .unwrap()
            .conditional_power
    };
    assert!((at(0.0) - cp.null).abs() < 1e-9);
    assert!(curve
        .windows(2)
        .all(|w| w[0].conditional_power < w[1].conditional_power));
    assert!((at(0.1) - RPACT_CP_085_075).abs() < 1e-4, "{}", at(0.1));

    let r = closed(&altshock2().join("cut-2022-06-30"), false);
    let i = r.interim.as_ref().unwrap();
    assert_eq!(i.evaluable["IABP"].n + i.evaluable["SOC"].n, 38);
    assert!((i.z - -0.167_774_098_562).abs() < 1e-9, "{}", i.z);
    assert!((i.efficacy_bounds[0] - 5.010_360_885_12).abs() < 1e-5);
    let cp = i.conditional_power.as_ref().unwrap();
    assert!(
        (cp.design.unwrap() - 0.662_322_211_107).abs() < 1e-4,
        "{cp:?}"
    );
}

/// Beta-spending futility in the interim block, recomputed at the observed
/// fraction, against rpact:
///
/// ```r
/// for (b in c(FALSE, TRUE)) {
///   d <- getDesignGroupSequential(kMax = 2, alpha = 0.025, beta = 0.2, sided = 1,
///          typeOfDesign = "asOF", typeBetaSpending = "bsOF",
///          informationRates = c(0.505, 1), bindingFutility = b)
///   sr <- getStageResults(d, getDataset(n1 = 53, n2 = 48, events1 = 43, events2 = 36), stage = 1)
///   c(d$criticalValues, d$futilityBounds)
///   getConditionalPower(sr, nPlanned = 99, pi1 = 0.75, pi2 = 0.55)$conditionalPower[2]
///   getConditionalPower(sr, nPlanned = 99, pi1 = 43/53, pi2 = 36/48)$conditionalPower[2]
///   getConditionalRejectionProbabilities(sr)[1]
/// }
/// # non-binding: 2.945917907266 1.969061411917 | 0.581095974873; 0.516497308451 0.0947621625379 0.0203971126781
/// # binding:     2.945917907266 1.937308661640 | 0.558777397054; 0.534871561844 0.102625604957  0.0227240127832
/// ```
#[test]
fn beta_spending_futility_enters_the_interim_block_as_rpact_computes_it() {
    let cut = altshock2().join("cut-2024-12-31/unblinded");
    for (binding, eff2, fut1, design, trend, null) in [
        (
            false,
            1.969_061_411_917,
            0.581_095_974_873,
            0.516_497_308_451,
            0.094_762_162_537_9,
            0.020_397_112_678_1,
        ),
        (
            true,
            1.937_308_661_640,
            0.558_777_397_054,
            0.534_871_561_844,
            0.102_625_604_957,
            0.022_724_012_783_2,
        ),
    ] {
        let mut trial = altshock2_trial();
        let f = trial.design.futility.as_mut().unwrap();
        f.beta_spending = Some("obf".into());
        f.binding = binding;
        let snap = load(&cut, &trial, &LoadOptions::closed(None)).unwrap();
        let r = closed_report(&snap, &trial).unwrap();
        let i = r.interim.unwrap();
        assert!((i.efficacy_bounds[0] - 2.945_917_907_266).abs() < 1e-5);
        assert!(
            (i.efficacy_bounds[1] - eff2).abs() < 1e-5,
            "{:?}",
            i.efficacy_bounds
        );
        let f = i.futility_bound.expect("a futility bound at the interim");
        assert!((f - fut1).abs() < 1e-5, "{f}");
        let cp = i.conditional_power.unwrap();
        assert!((cp.design.unwrap() - design).abs() < 1e-4, "{cp:?}");
        assert!((cp.trend - trend).abs() < 1e-4, "{cp:?}");
        assert!((cp.null - null).abs() < 1e-4, "{cp:?}");
        // z = 0.746 is above the futility bound: the beta-spending bound is
        // not crossed; the conditional-power guideline still speaks.
        assert!(
            !i.verdict.contains("futility boundary is crossed"),
            "{}",
            i.verdict
        );
        assert!(i.verdict.contains("stopping for futility"), "{}", i.verdict);
    }
}

/// The time-to-event interim block (CDISC pilot, high dose against placebo,
/// the hypothetical design with 400 planned events so the cut is an early
/// look) against R: validation/cdisc_interim.R computes the log-rank z with
/// `survdiff` and the rest with rpact, whose hazard ratios are the
/// reciprocals of ours (there, above 1 favours the treatment).
#[test]
fn the_time_to_event_interim_block_matches_survival_and_rpact() {
    let root = repo().join("demo/cdisc-pilot01");
    let mut trial = dsmb::server::config::TrialConfig::load(&root.join("trial.toml")).unwrap();
    trial.design.max_events = Some(400.0);
    let snap = load(
        &root.join("cut-2015-03-05/unblinded"),
        &trial,
        &LoadOptions::closed(None),
    )
    .unwrap_or_else(|p| panic!("{p}"));
    let r = closed_report(&snap, &trial).unwrap();
    let i = r
        .interim
        .expect("a time-to-event design has an interim block");
    assert_eq!(
        (i.treatment.as_str(), i.reference.as_str()),
        ("HIGH", "PBO")
    );
    assert_eq!(i.evaluable["HIGH"].events + i.evaluable["PBO"].events, 90);
    assert_eq!(i.look, 1);
    assert!((i.information_fraction - 0.225).abs() < 1e-12);
    // R: getSampleSizeSurvival(getDesignGroupSequential(kMax = 2, alpha = 0.025,
    //   beta = 0.2, typeOfDesign = "asOF", informationRates = c(0.5, 1)),
    //   hazardRatio = 0.7, pi2 = 0.3, accrualTime = 12, followUpTime = 12)$maxNumberOfEvents
    let need = i.required_information.unwrap();
    assert!((need - 247.706_393_908).abs() < 1e-3, "{need}");
    assert_eq!(i.planned_information, 400.0);
    assert!((i.z - -7.233_740_673_673).abs() < 1e-9, "{}", i.z);
    assert!((i.efficacy_bounds[0] - 4.582_445_184_140).abs() < 1e-5);
    assert!((i.efficacy_bounds[1] - 1.959_978_275_001).abs() < 1e-5);
    let cp = i.conditional_power.as_ref().unwrap();
    assert!(
        (cp.design.unwrap() - 0.001_422_122_466).abs() < 1e-4,
        "{cp:?}"
    );
    assert!(cp.trend < 1e-4 && cp.null < 1e-4, "{cp:?}");
    assert!(
        (i.repeated_ci[0] - 1.748_821_702_314).abs() < 1e-4,
        "{:?}",
        i.repeated_ci
    );
    assert!(
        (i.repeated_ci[1] - 12.074_197_107_443).abs() < 1e-3,
        "{:?}",
        i.repeated_ci
    );
    assert!((i.repeated_p_value - 0.499_999_046_328).abs() < 1e-4);
    // z = -7.23 is harm, never futility: with the demo's harm boundary
    // (one-sided 0.025, O'Brien-Fleming type; R: -rpact::getDesignGroupSequential(
    //   sided = 1, alpha = 0.025, typeOfDesign = "asOF",
    //   informationRates = c(0.225, 1))$criticalValues[1] = -4.58244518414)
    // the harm boundary is crossed ...
    assert_eq!(i.formal_look, Some(1));
    assert_eq!(i.verdict_kind, "harm", "{}", i.verdict);
    assert!((i.harm_bound.unwrap() - -4.582_445_184_14).abs() < 1e-5);
    assert!(
        i.verdict.contains("harm boundary is crossed"),
        "{}",
        i.verdict
    );
    // ... and without one, the estimate is said to favour the reference arm.
    let mut no_harm = trial.clone();
    no_harm.design.harm = None;
    let i = closed_report(&snap, &no_harm).unwrap().interim.unwrap();
    assert_eq!(i.verdict_kind, "favours-reference", "{}", i.verdict);
    assert!(
        !i.verdict.contains("futility") && i.verdict.contains("no harm guideline is configured"),
        "{}",
        i.verdict
    );
    // The curve runs over hazard ratios and rises as they fall.
    let c = &i.conditional_power_curve;
    assert!(c.first().unwrap().effect < c.last().unwrap().effect);
    assert!(c
        .windows(2)
        .all(|w| w[0].conditional_power >= w[1].conditional_power));
}
