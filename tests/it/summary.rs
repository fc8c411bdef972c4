//! Closed and open summaries of the demo cuts against the reconstruction's
//! expected.json; the unblinded cut and the blinded cut + randomization list
//! must give identical closed summaries.

use crate::helpers::{altshock2, altshock2_trial, expected, repo, SAFETY_KEYS};
use dsmb::server::data::layout::cut_dirs;
use dsmb::server::firewall::{load, LoadOptions};
use dsmb::server::report::{closed_report, open_report, ClosedReport};
use dsmb::stats::proportions::TestName;

fn closed(cut: &std::path::Path, blinded: bool) -> ClosedReport {
    let trial = altshock2_trial();
    let opts = if blinded {
        LoadOptions::closed(Some(cut.join("randlist.csv")))
    } else {
        LoadOptions::closed(None)
    };
    let dir = cut.join(if blinded { "blinded" } else { "unblinded" });
    let snap = load(&dir, &trial, &opts).unwrap_or_else(|p| panic!("{p}"));
    closed_report(&snap, &trial).unwrap()
}

#[test]
fn closed_summaries_match_expected_json_by_both_routes() {
    let expected = expected();
    for cut in cut_dirs(&altshock2()).unwrap() {
        let name = cut.file_name().unwrap().to_str().unwrap().to_string();
        let want = &expected["cuts"][&name];
        let unblinded = closed(&cut, false);
        let blinded = closed(&cut, true);
        let mut a = serde_json::to_value(&unblinded).unwrap();
        let mut b = serde_json::to_value(&blinded).unwrap();
        // Only the files (and their hashes) differ between the two routes.
        a.as_object_mut().unwrap().remove("files");
        b.as_object_mut().unwrap().remove("files");
        assert_eq!(a, b, "{name}: unblinded and blinded + randlist differ");

        let r = unblinded;
        for arm in ["IABP", "SOC"] {
            assert_eq!(
                u64::from(r.enrollment.by_arm[arm]),
                want["enrolled"][arm].as_u64().unwrap(),
                "{name} enrolled {arm}"
            );
            for (site, n) in &r.enrollment.by_site_arm {
                assert_eq!(
                    u64::from(n[arm]),
                    want["enrolled_by_site"][site][arm].as_u64().unwrap(),
                    "{name} site {site} {arm}"
                );
            }
            assert_eq!(
                u64::from(r.primary.by_arm[arm].events),
                want["primary_endpoint"]["failures_death_within_60d"][arm]
                    .as_u64()
                    .unwrap(),
                "{name} primary failures {arm}"
            );
        }
        assert_eq!(r.safety.len(), SAFETY_KEYS.len());
        for (cat, (label, key)) in r.safety.iter().zip(SAFETY_KEYS) {
            assert_eq!(cat.category, label);
            for arm in ["IABP", "SOC"] {
                assert_eq!(
                    u64::from(cat.by_arm[arm].subjects),
                    want["safety_subjects"][key][arm].as_u64().unwrap(),
                    "{name} {label} {arm}"
                );
            }
            assert_eq!(
                u64::from(cat.subjects),
                want["safety_subjects"][key]["total"].as_u64().unwrap(),
                "{name} {label} total"
            );
        }
        for row in &r.subgroups {
            for arm in ["IABP", "SOC"] {
                let w = &want["subgroups_primep"][&row.variable][&row.level][arm];
                assert_eq!(
                    u64::from(row.by_arm[arm].events),
                    w["events"].as_u64().unwrap(),
                    "{name} {} {} {arm} events",
                    row.variable,
                    row.level
                );
                assert_eq!(
                    u64::from(row.by_arm[arm].n),
                    w["n"].as_u64().unwrap(),
                    "{name} {} {} {arm} n",
                    row.variable,
                    row.level
                );
            }
        }
        assert_eq!(r.subgroups.len(), 14, "{name}: 7 variables x 2 levels");
    }
}

#[test]
fn the_final_cut_safety_tests_follow_the_chi_square_or_fisher_rule() {
    let cut = altshock2().join("cut-2024-12-31");
    let r = closed(&cut, false);
    let by_name = |n: &str| r.safety.iter().find(|c| c.category == n).unwrap();
    // Bleeding 9/53 vs 4/48: all expected counts >= 5 -> chi-square with
    // continuity correction. R: chisq.test(matrix(c(9, 44, 4, 44), 2))$p.value
    let bleeding = by_name("BARC>=3 bleeding");
    assert_eq!(bleeding.test, Some(TestName::ChiSquare));
    assert!((bleeding.p_value.unwrap() - 0.318_024_980_573_758_2).abs() < 1e-9);
    // Vascular 4/53 vs 0/48 -> Fisher. R: fisher.test(matrix(c(4, 49, 0, 48), 2))$p.value
    let vascular = by_name("Vascular complications");
    assert_eq!(vascular.test, Some(TestName::Fisher));
    assert!((vascular.p_value.unwrap() - 0.119_376_427_438_662_2).abs() < 1e-9);
    // Stroke 3/53 vs 0/48. R: fisher.test(matrix(c(3, 50, 0, 48), 2))$p.value
    let stroke = by_name("Stroke");
    assert!((stroke.p_value.unwrap() - 0.244_356_435_643_564_2).abs() < 1e-9);
}

#[test]
fn the_open_summary_has_no_arm_and_suppresses_small_cells() {
    let trial = altshock2_trial();
    let cut = altshock2().join("cut-2024-12-31");
    for part in ["blinded", "unblinded"] {
        let snap = load(&cut.join(part), &trial, &LoadOptions::open()).unwrap();
        let r = open_report(&snap, &trial).unwrap();
        let text = serde_json::to_string(&r).unwrap();
        for arm_word in ["IABP", "SOC", "SoC", "by_arm", "ARM"] {
            assert!(
                !text.contains(arm_word),
                "{part}: open report mentions {arm_word}: {text}"
            );
        }
        assert_eq!(r.enrollment.total, 101);
        // Stroke: 3 subjects pooled, below the threshold of 5 -> suppressed.
        let stroke = r.safety.iter().find(|c| c.category == "Stroke").unwrap();
        assert!(stroke.suppressed && stroke.subjects.is_none() && stroke.ci95.is_none());
        // BARC>=3 bleeding: 13 pooled, shown with its exact CI.
        let bleeding = r
            .safety
            .iter()
            .find(|c| c.category == "BARC>=3 bleeding")
            .unwrap();
        assert_eq!(bleeding.subjects, Some(13));
        // R: binom.test(13, 101)$conf.int
        let ci = bleeding.ci95.unwrap();
        assert!((ci[0] - 0.070_350_181_473_413_74).abs() < 1e-9);
        assert!((ci[1] - 0.210_042_011_205_691_3).abs() < 1e-9);
    }
}

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
    assert!(i.verdict.contains("stopping for futility"), "{}", i.verdict);
    // The curve runs over hazard ratios and rises as they fall.
    let c = &i.conditional_power_curve;
    assert!(c.first().unwrap().effect < c.last().unwrap().effect);
    assert!(c
        .windows(2)
        .all(|w| w[0].conditional_power >= w[1].conditional_power));
}

fn r_fixture() -> serde_json::Value {
    let text = std::fs::read_to_string(repo().join("tests/fixtures/r_survival.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn rel_close(got: f64, want: f64) -> bool {
    (got - want).abs() <= 1e-6 * want.abs()
}

/// The safety table's risk differences (Newcombe, the config's choice) for
/// the published Altshock-2 counts, through the whole pipeline, against the
/// R values of validation/r_survival.R.
#[test]
fn safety_risk_differences_match_r() {
    let fx = r_fixture();
    let r = closed(&altshock2().join("cut-2024-12-31"), false);
    for (category, id) in [
        ("BARC>=3 bleeding", "altshock2-9-53-vs-4-48"),
        ("Vascular complications", "altshock2-4-53-vs-0-48"),
        ("Stroke", "altshock2-3-53-vs-0-48"),
    ] {
        let want = fx["rates"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap();
        let row = r.safety.iter().find(|c| c.category == category).unwrap();
        let rd = row.risk_difference.expect("two arms: a risk difference");
        assert!(
            rel_close(rd.estimate, want["rd"].as_f64().unwrap()),
            "{category}"
        );
        for j in 0..2 {
            let w = want["newcombe"][j].as_f64().unwrap();
            assert!(
                rel_close(rd.ci95[j], w),
                "{category}: {:?} vs R {w}",
                rd.ci95
            );
        }
    }
}

/// `primary.logrank_p` and `primary.cox` of the CDISC pilot (TTDE, three
/// arms, placebo the reference) from the unchanged SAS transport files,
/// against R's survdiff and coxph (case cdisc-pilot01-ttde of
/// validation/r_survival.R).
#[test]
fn the_cdisc_primary_log_rank_and_cox_match_r() {
    let fx = r_fixture();
    let want = fx["survival"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "cdisc-pilot01-ttde")
        .unwrap();
    let root = repo().join("demo/cdisc-pilot01");
    let trial = dsmb::server::config::TrialConfig::load(&root.join("trial.toml")).unwrap();
    let snap = load(
        &root.join("cut-2015-03-05/unblinded"),
        &trial,
        &LoadOptions::closed(None),
    )
    .unwrap_or_else(|p| panic!("{p}"));
    let r = closed_report(&snap, &trial).unwrap();
    let s = r
        .primary
        .survival
        .expect("a time-to-event primary endpoint");
    let p = s.logrank_p.unwrap();
    assert!(rel_close(p, want["logrank"]["p"].as_f64().unwrap()), "{p}");
    let cox = s.cox.unwrap();
    // R's factor levels: Placebo, Low, High (the config's arm order).
    assert_eq!(
        cox.iter().map(|c| c.arm.as_str()).collect::<Vec<_>>(),
        ["LOW", "HIGH"]
    );
    let w = &want["cox_efron"];
    for (j, row) in cox.iter().enumerate() {
        assert!(rel_close(row.hr, w["hr"][j].as_f64().unwrap()), "{row:?}");
        assert!(
            rel_close(row.ci95[0], w["lower"][j].as_f64().unwrap()),
            "{row:?}"
        );
        assert!(
            rel_close(row.ci95[1], w["upper"][j].as_f64().unwrap()),
            "{row:?}"
        );
        assert!(
            rel_close(row.p, w["wald_p"][j].as_f64().unwrap()),
            "{row:?}"
        );
    }
    // Kaplan-Meier medians and numbers at risk by arm, as survfit gives
    // them (R's risk times are 0, 30, ..., 180: the first seven here).
    assert_eq!(
        &s.risk_times[..7],
        &[0.0, 30.0, 60.0, 90.0, 120.0, 150.0, 180.0]
    );
    for (code, level) in [("PBO", 0), ("LOW", 1), ("HIGH", 2)] {
        let km = &s.kaplan_meier[code];
        let wk = &want["km"][level];
        let r_at_risk: Vec<u32> = wk["at_risk"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap() as u32)
            .collect();
        assert_eq!(&km.at_risk[..7], &r_at_risk[..], "{code} at risk");
        // The curve's last step is the survfit estimate after the last event.
        let r_surv: Vec<f64> = wk["surv"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        let r_events: Vec<f64> = wk["n_event"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        let last_event = r_events.iter().rposition(|&d| d > 0.0).unwrap();
        assert!(
            rel_close(km.curve.last().unwrap()[1], r_surv[last_event]),
            "{code}"
        );
        assert_eq!(km.median, wk["median"].as_f64(), "{code}");
        assert_eq!(km.median_ci95[0], wk["median_lower"].as_f64(), "{code}");
        assert_eq!(km.median_ci95[1], wk["median_upper"].as_f64(), "{code}");
    }
    // The open view carries none of it.
    let open = open_report(
        &load(
            &root.join("cut-2015-03-05/unblinded"),
            &trial,
            &LoadOptions::open(),
        )
        .unwrap(),
        &trial,
    )
    .unwrap();
    let text = serde_json::to_string(&open).unwrap();
    for key in [
        "logrank_p",
        "cox",
        "kaplan_meier",
        "interim",
        "hr",
        "by_arm",
    ] {
        let quoted = format!("\"{key}\"");
        assert!(!text.contains(&quoted), "open view carries {key}");
    }
    for code in ["PBO", "LOW", "HIGH", "Xanomeline"] {
        assert!(!text.contains(code), "open view names arm {code}");
    }
}

/// Subgroup hazard ratios and interaction tests of the CDISC pilot (high
/// dose against placebo) against survival::coxph, Efron ties
/// (validation/cdisc_subgroups.R prints these):
///
/// ```text
/// age (-Inf,64]  5.439505258375 1.663165081776 17.790307035727
/// age (64,80]    5.323494398844 2.812589887474 10.075977568122
/// age (80, Inf]  2.806862977192 1.119010880950  7.040574767281
/// age interaction 2.507899346358 (df 2) p 0.285375428335
/// SEX F 3.653332146722 1.981820976328 6.734632408121
/// SEX M 6.819888663206 3.217370161414 14.456179750882
/// SEX interaction 2.659360152237 (df 1) p 0.102942137325
/// ```
#[test]
fn the_cdisc_subgroup_hazard_ratios_and_interactions_match_r() {
    let root = repo().join("demo/cdisc-pilot01");
    let trial = dsmb::server::config::TrialConfig::load(&root.join("trial.toml")).unwrap();
    let snap = load(
        &root.join("cut-2015-03-05/unblinded"),
        &trial,
        &LoadOptions::closed(None),
    )
    .unwrap_or_else(|p| panic!("{p}"));
    let r = closed_report(&snap, &trial).unwrap();
    let want = [
        (
            "AGE",
            "<=64",
            [5.439_505_258_375, 1.663_165_081_776, 17.790_307_035_727],
        ),
        (
            "AGE",
            "(64,80]",
            [5.323_494_398_844, 2.812_589_887_474, 10.075_977_568_122],
        ),
        (
            "AGE",
            ">80",
            [2.806_862_977_192, 1.119_010_880_950, 7.040_574_767_281],
        ),
        (
            "SEX",
            "F",
            [3.653_332_146_722, 1.981_820_976_328, 6.734_632_408_121],
        ),
        (
            "SEX",
            "M",
            [6.819_888_663_206, 3.217_370_161_414, 14.456_179_750_882],
        ),
    ];
    for (var, level, w) in want {
        let row = r
            .subgroups
            .iter()
            .find(|s| s.variable == var && s.level == level)
            .unwrap_or_else(|| panic!("{var} {level}"));
        let hr = row.hazard_ratio.as_ref().unwrap();
        for (g, w) in [hr.hr, hr.ci95[0], hr.ci95[1]].iter().zip(w) {
            assert!(rel_close(*g, w), "{var} {level}: {hr:?}");
        }
    }
    for (var, chisq, df, p) in [
        ("AGE", 2.507_899_346_358, 2, 0.285_375_428_335),
        ("SEX", 2.659_360_152_237, 1, 0.102_942_137_325),
    ] {
        let t = r
            .subgroup_interactions
            .iter()
            .find(|t| t.variable == var)
            .unwrap();
        assert!(
            rel_close(t.chisq, chisq) && t.df == df && rel_close(t.p, p),
            "{t:?}"
        );
    }
}

/// Exposure-adjusted event rates in the demo safety tables against R's
/// poisson.test (validation/incidence_demo.R prints these):
///
/// ```text
/// CDISC Dermatologic events, TRTDUR: Placebo 73 207.981669266771 [163.024428341988, 261.505723883261]
///   High dose 199 870.580309019044 [753.818836615385, 1000.304391472663]
///   rate ratio 4.18585114779 [3.18588388791, 5.55150560668] p 2.13354376772e-29
/// Altshock-2 BARC>=3 bleeding, PRIMEP follow-up: SOC 5 75.840946843854 [24.625349002938, 176.987470596869]
///   IABP 11 143.439842913245 [71.604652771626, 256.653501141861]
///   rate ratio 1.89132452695 [0.60580775612, 6.94364115461] p 0.317079096961
/// ```
#[test]
fn exposure_adjusted_rates_match_r_poisson_test() {
    let root = repo().join("demo/cdisc-pilot01");
    let trial = dsmb::server::config::TrialConfig::load(&root.join("trial.toml")).unwrap();
    let snap = load(
        &root.join("cut-2015-03-05/unblinded"),
        &trial,
        &LoadOptions::closed(None),
    )
    .unwrap_or_else(|p| panic!("{p}"));
    let cdisc = closed_report(&snap, &trial).unwrap();
    let altshock = closed(&altshock2().join("cut-2024-12-31"), true);
    let cases = [
        (
            &cdisc,
            "Dermatologic events",
            "HIGH",
            "PBO",
            [
                73.0,
                207.981_669_266_771,
                163.024_428_341_988,
                261.505_723_883_261,
            ],
            [
                199.0,
                870.580_309_019_044,
                753.818_836_615_385,
                1_000.304_391_472_663,
            ],
            [
                4.185_851_147_79,
                3.185_883_887_91,
                5.551_505_606_68,
                2.133_543_767_72e-29,
            ],
        ),
        (
            &altshock,
            "BARC>=3 bleeding",
            "IABP",
            "SOC",
            [
                5.0,
                75.840_946_843_854,
                24.625_349_002_938,
                176.987_470_596_869,
            ],
            [
                11.0,
                143.439_842_913_245,
                71.604_652_771_626,
                256.653_501_141_861,
            ],
            [
                1.891_324_526_95,
                0.605_807_756_12,
                6.943_641_154_61,
                0.317_079_096_961,
            ],
        ),
    ];
    for (r, category, arm, reference, want_ref, want_arm, want_ratio) in cases {
        let row = r.safety.iter().find(|c| c.category == category).unwrap();
        let inc = row
            .incidence
            .as_ref()
            .expect("the trial names the exposure");
        for (code, w) in [(reference, want_ref), (arm, want_arm)] {
            let got = &inc[code];
            assert_eq!(got.events as f64, w[0], "{category} {code}");
            for (g, w) in [got.per_100_patient_years, got.ci95[0], got.ci95[1]]
                .iter()
                .zip(&w[1..])
            {
                assert!(rel_close(*g, *w), "{category} {code}: {got:?}");
            }
        }
        let cmp = row.comparisons.iter().find(|c| c.arm == arm).unwrap();
        let rr = cmp.rate_ratio.unwrap();
        for (g, w) in [rr.estimate, rr.ci95[0], rr.ci95[1], rr.p_value]
            .iter()
            .zip(want_ratio)
        {
            assert!((g - w).abs() <= 1e-6 * w.abs(), "{category}: {rr:?}");
        }
    }
}
