//! Event-rate and survival estimators against R 4.2 (`stats`, `survival`
//! 3.5). The reference values and the R calls that made them are in
//! validation/r_survival.R; tests read tests/fixtures/r_survival.json.
//! Every value must agree within 1e-6, relative.

use crate::helpers::repo;
use dsmb::stats::proportions::{chi_square, clopper_pearson, fisher_exact, TwoByTwo};
use dsmb::stats::rates::{
    incidence_rate, miettinen_nurminen, newcombe, odds_ratio, rate_ratio, risk_ratio, wilson,
};
use dsmb::stats::survival::{
    aalen_johansen, cox, kaplan_meier, log_rank, treatment_cox, CoxFit, Ties,
};
use serde_json::{json, Value};

const REL: f64 = 1e-6;

fn fixture() -> Value {
    let text = std::fs::read_to_string(repo().join("tests/fixtures/r_survival.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// A checker that records every comparison and every failure.
#[derive(Default)]
struct Check {
    compared: usize,
    worst: f64,
    failures: Vec<String>,
}

impl Check {
    /// Compare `got` with R's `want` (JSON number or null = not defined).
    fn num(&mut self, what: &str, got: Option<f64>, want: &Value) {
        self.compared += 1;
        match (got, want.as_f64()) {
            (None, None) => {}
            (Some(g), None) if !g.is_finite() => {}
            (Some(g), Some(w)) => {
                let err = (g - w).abs() / w.abs().max(1e-300);
                let ok = (g - w).abs() <= REL * w.abs() + 1e-12;
                if ok {
                    self.worst = self.worst.max(if w.abs() > 1e-6 { err } else { 0.0 });
                } else {
                    self.failures.push(format!("{what}: {g} vs R {w}"));
                }
            }
            (g, w) => self.failures.push(format!("{what}: {g:?} vs R {w:?}")),
        }
    }

    fn nums(&mut self, what: &str, got: &[Option<f64>], want: &Value) {
        let want = want.as_array().unwrap();
        if got.len() != want.len() {
            self.failures
                .push(format!("{what}: {} values vs R {}", got.len(), want.len()));
            return;
        }
        for (i, (g, w)) in got.iter().zip(want).enumerate() {
            self.num(&format!("{what}[{i}]"), *g, w);
        }
    }

    fn pair(&mut self, what: &str, got: Option<(f64, f64)>, want: &Value) {
        // R writes an undefined interval as [null, null].
        let want_arr = want.as_array().filter(|w| !w.iter().all(Value::is_null));
        match (got, want_arr) {
            (Some((a, b)), Some(w)) => {
                self.num(&format!("{what} lower"), Some(a), &w[0]);
                self.num(&format!("{what} upper"), Some(b), &w[1]);
            }
            (None, None) => {}
            (g, w) => self.failures.push(format!("{what}: {g:?} vs R {w:?}")),
        }
    }

    fn finish(self, name: &str) {
        assert!(
            self.failures.is_empty(),
            "{} of {} {name} values differ from R:\n{}",
            self.failures.len(),
            self.compared,
            self.failures.join("\n")
        );
        eprintln!(
            "{name}: {} values within {REL:e} of R (largest relative difference {:.1e})",
            self.compared, self.worst
        );
    }
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_string())
        .collect()
}

fn some(v: &[f64]) -> Vec<Option<f64>> {
    v.iter().map(|&x| Some(x)).collect()
}

/// Codes 0..k for `values` in the order of `levels`.
fn codes(values: &[String], levels: &[String]) -> Vec<usize> {
    values
        .iter()
        .map(|v| levels.iter().position(|l| l == v).expect("a known level"))
        .collect()
}

fn sorted_levels(values: &[String]) -> Vec<String> {
    let mut l = values.to_vec();
    l.sort();
    l.dedup();
    l
}

fn check_cox(c: &mut Check, id: &str, fit: &CoxFit, want: &Value) {
    let name = |s: &str| format!("{id} {s}");
    c.nums(&name("loglik"), &some(&fit.loglik), &want["loglik"]);
    c.num(&name("lr_chisq"), Some(fit.lr_chisq), &want["lr_chisq"]);
    c.num(&name("lr_p"), Some(fit.lr_p()), &want["lr_p"]);
    c.num(
        &name("score_chisq"),
        Some(fit.score_chisq),
        &want["score_chisq"],
    );
    c.num(&name("score_p"), Some(fit.score_p()), &want["score_p"]);
    if !fit.converged || want.get("cox_warning").is_some() {
        // The estimate runs to infinity (an arm without events): R stops
        // where its iterations stop; only the likelihood-based tests are
        // comparable.
        return;
    }
    let p = fit.coef.len();
    c.nums(&name("coef"), &some(&fit.coef), &want["coef"]);
    c.nums(&name("se"), &some(&fit.se), &want["se"]);
    let hr: Vec<_> = (0..p).map(|j| fit.hazard_ratio(j, 0.95)).collect();
    c.nums(
        &name("hr"),
        &hr.iter().map(|h| Some(h.0)).collect::<Vec<_>>(),
        &want["hr"],
    );
    c.nums(
        &name("lower"),
        &hr.iter().map(|h| Some(h.1[0])).collect::<Vec<_>>(),
        &want["lower"],
    );
    c.nums(
        &name("upper"),
        &hr.iter().map(|h| Some(h.1[1])).collect::<Vec<_>>(),
        &want["upper"],
    );
    c.nums(
        &name("wald_p"),
        &hr.iter().map(|h| Some(h.2)).collect::<Vec<_>>(),
        &want["wald_p"],
    );
    c.num(
        &name("wald_chisq"),
        Some(fit.wald_chisq),
        &want["wald_chisq"],
    );
    c.num(
        &name("wald_p_overall"),
        Some(fit.wald_p()),
        &want["wald_p_overall"],
    );
}

#[test]
fn survival_estimators_match_r_within_1e_6() {
    let fx = fixture();
    let cases = fx["survival"].as_array().unwrap();
    let mut c = Check::default();
    let mut seen_cdisc = false;
    for case in cases {
        let id = case["id"].as_str().unwrap();
        seen_cdisc |= id.starts_with("cdisc");
        let time = floats(&case["time"]);
        let status: Vec<u8> = floats(&case["status"]).iter().map(|&s| s as u8).collect();
        let levels = strings(&case["levels"]);
        let group = codes(&strings(&case["group"]), &levels);
        let k = levels.len();
        if let Some(aj) = case.get("aalen_johansen") {
            for (g, want) in aj.as_array().unwrap().iter().enumerate() {
                let idx: Vec<usize> = (0..time.len()).filter(|&i| group[i] == g).collect();
                let t: Vec<f64> = idx.iter().map(|&i| time[i]).collect();
                let s: Vec<u8> = idx.iter().map(|&i| status[i]).collect();
                let fit = aalen_johansen(&t, &s);
                let name = format!("{id} AJ {}", levels[g]);
                c.nums(&format!("{name} time"), &some(&fit.time), &want["time"]);
                c.nums(&format!("{name} cif1"), &some(&fit.cif1), &want["cif1"]);
                c.nums(&format!("{name} cif2"), &some(&fit.cif2), &want["cif2"]);
            }
            continue;
        }
        let event: Vec<bool> = status.iter().map(|&s| s == 1).collect();
        let risk_times = floats(&case["risk_times"]);
        if let Some(km) = case.get("km") {
            for (g, want) in km.as_array().unwrap().iter().enumerate() {
                let idx: Vec<usize> = (0..time.len()).filter(|&i| group[i] == g).collect();
                let t: Vec<f64> = idx.iter().map(|&i| time[i]).collect();
                let e: Vec<bool> = idx.iter().map(|&i| event[i]).collect();
                let fit = kaplan_meier(&t, &e, 0.95);
                let name = format!("{id} KM {}", levels[g]);
                let n = |v: &[u32]| v.iter().map(|&x| Some(f64::from(x))).collect::<Vec<_>>();
                c.nums(&format!("{name} time"), &some(&fit.time), &want["time"]);
                c.nums(&format!("{name} n_risk"), &n(&fit.n_risk), &want["n_risk"]);
                c.nums(
                    &format!("{name} n_event"),
                    &n(&fit.n_event),
                    &want["n_event"],
                );
                c.nums(
                    &format!("{name} n_censor"),
                    &n(&fit.n_censor),
                    &want["n_censor"],
                );
                c.nums(&format!("{name} surv"), &some(&fit.surv), &want["surv"]);
                c.nums(&format!("{name} std_err"), &fit.std_err, &want["std_err"]);
                c.nums(&format!("{name} lower"), &fit.lower, &want["lower"]);
                c.nums(&format!("{name} upper"), &fit.upper, &want["upper"]);
                c.num(&format!("{name} median"), fit.median(), &want["median"]);
                let (lo, hi) = fit.median_ci();
                c.num(&format!("{name} median LCL"), lo, &want["median_lower"]);
                c.num(&format!("{name} median UCL"), hi, &want["median_upper"]);
                let at: Vec<Option<f64>> = risk_times
                    .iter()
                    .map(|&tau| Some(f64::from(fit.at_risk(tau))))
                    .collect();
                c.nums(&format!("{name} at risk"), &at, &want["at_risk"]);
                // The drawn curve runs to R's last time (censored or not),
                // and its censoring marks are at R's times with n.censor > 0.
                let (r_time, r_cens) = (floats(&want["time"]), floats(&want["n_censor"]));
                let end = fit.steps().last().map(|p| p[0]);
                c.num(&format!("{name} curve end"), end, &json!(r_time.last()));
                let marks: Vec<Option<f64>> =
                    fit.censor_marks().iter().map(|m| Some(m[0])).collect();
                let want_marks: Vec<f64> = r_time
                    .iter()
                    .zip(&r_cens)
                    .filter(|(_, &n)| n > 0.0)
                    .map(|(&t, _)| t)
                    .collect();
                c.nums(&format!("{name} censor marks"), &marks, &json!(want_marks));
            }
        }
        if let Some(want) = case.get("logrank") {
            let lr = log_rank(&time, &event, &group, k, None);
            c.num(
                &format!("{id} logrank chisq"),
                Some(lr.chisq),
                &want["chisq"],
            );
            c.num(&format!("{id} logrank df"), Some(lr.df as f64), &want["df"]);
            c.num(&format!("{id} logrank p"), Some(lr.p), &want["p"]);
            c.nums(
                &format!("{id} logrank O"),
                &some(&lr.observed),
                &want["observed"],
            );
            c.nums(
                &format!("{id} logrank E"),
                &some(&lr.expected),
                &want["expected"],
            );
        }
        if let Some(want) = case.get("logrank_stratified") {
            let s = strings(&case["strata"]);
            let strata = codes(&s, &sorted_levels(&s));
            let lr = log_rank(&time, &event, &group, k, Some(&strata));
            c.num(
                &format!("{id} stratified chisq"),
                Some(lr.chisq),
                &want["chisq"],
            );
            c.num(&format!("{id} stratified p"), Some(lr.p), &want["p"]);
            c.nums(
                &format!("{id} stratified O"),
                &some(&lr.observed),
                &want["observed"],
            );
            c.nums(
                &format!("{id} stratified E"),
                &some(&lr.expected),
                &want["expected"],
            );
        }
        for (key, ties) in [("cox_efron", Ties::Efron), ("cox_breslow", Ties::Breslow)] {
            if let Some(want) = case.get(key) {
                let fit = treatment_cox(&time, &event, &group, k, ties)
                    .unwrap_or_else(|| panic!("{id} {key}: no fit"));
                check_cox(&mut c, &format!("{id} {key}"), &fit, want);
            }
        }
        if let Some(want) = case.get("subgroup_cox") {
            let sub = strings(&case["subgroup"]);
            let sub_levels = sorted_levels(&sub);
            let sub_codes = codes(&sub, &sub_levels);
            for w in want.as_array().unwrap() {
                let level = w["level"].as_str().unwrap();
                let s = sub_levels.iter().position(|l| l == level).unwrap();
                let idx: Vec<usize> = (0..time.len()).filter(|&i| sub_codes[i] == s).collect();
                let t: Vec<f64> = idx.iter().map(|&i| time[i]).collect();
                let e: Vec<bool> = idx.iter().map(|&i| event[i]).collect();
                let g: Vec<usize> = idx.iter().map(|&i| group[i]).collect();
                let fit = treatment_cox(&t, &e, &g, k, Ties::Efron).unwrap();
                let (hr, ci, _) = fit.hazard_ratio(0, 0.95);
                let name = format!("{id} subgroup {level}");
                c.num(&format!("{name} hr"), Some(hr), &w["hr"]);
                c.num(&format!("{name} lower"), Some(ci[0]), &w["lower"]);
                c.num(&format!("{name} upper"), Some(ci[1]), &w["upper"]);
            }
            // Interaction: likelihood ratio of group × subgroup against
            // group + subgroup.
            let m = sub_levels.len();
            let main_p = (k - 1) + (m - 1);
            let full_p = main_p + (k - 1) * (m - 1);
            let mut main = vec![0.0; time.len() * main_p];
            let mut full = vec![0.0; time.len() * full_p];
            for i in 0..time.len() {
                let (g, s) = (group[i], sub_codes[i]);
                let mut row = vec![0.0; full_p];
                if g > 0 {
                    row[g - 1] = 1.0;
                }
                if s > 0 {
                    row[k - 1 + s - 1] = 1.0;
                }
                if g > 0 && s > 0 {
                    row[main_p + (g - 1) * (m - 1) + (s - 1)] = 1.0;
                }
                main[i * main_p..(i + 1) * main_p].copy_from_slice(&row[..main_p]);
                full[i * full_p..(i + 1) * full_p].copy_from_slice(&row);
            }
            let a = cox(&time, &event, &main, main_p, Ties::Efron).unwrap();
            let b = cox(&time, &event, &full, full_p, Ties::Efron).unwrap();
            let chisq = 2.0 * (b.loglik[1] - a.loglik[1]);
            let df = (full_p - main_p) as f64;
            let w = &case["interaction"];
            c.num(&format!("{id} interaction chisq"), Some(chisq), &w["chisq"]);
            c.num(&format!("{id} interaction df"), Some(df), &w["df"]);
            c.num(
                &format!("{id} interaction p"),
                Some(dsmb::stats::special::chi_square_sf(chisq, df)),
                &w["p"],
            );
        }
    }
    assert!(cases.len() >= 20, "{} survival cases", cases.len());
    assert!(seen_cdisc, "the CDISC pilot ADTTE is among the cases");
    c.finish("survival");
}

#[test]
fn rate_estimators_match_r_within_1e_6() {
    let fx = fixture();
    let cases = fx["rates"].as_array().unwrap();
    let mut c = Check::default();
    for case in cases {
        let id = case["id"].as_str().unwrap();
        let g = |k: &str| case[k].as_u64().unwrap();
        let (x1, n1, x2, n2) = (g("x1"), g("n1"), g("x2"), g("n2"));
        let name = |s: &str| format!("{id} {s}");
        c.pair(&name("wilson1"), wilson(x1, n1, 0.95), &case["wilson1"]);
        c.pair(&name("wilson2"), wilson(x2, n2, 0.95), &case["wilson2"]);
        c.pair(&name("cp1"), clopper_pearson(x1, n1, 0.95), &case["cp1"]);
        c.pair(&name("cp2"), clopper_pearson(x2, n2, 0.95), &case["cp2"]);
        let nc = newcombe(x1, n1, x2, n2, 0.95);
        c.num(&name("rd"), nc.map(|x| x.estimate), &case["rd"]);
        c.pair(&name("newcombe"), nc.map(|x| x.ci), &case["newcombe"]);
        let mn = miettinen_nurminen(x1, n1, x2, n2, 0.95);
        c.pair(&name("mn"), mn.map(|x| x.ci), &case["mn"]);
        let rr = risk_ratio(x1, n1, x2, n2, 0.95);
        c.num(&name("rr"), rr.map(|x| x.estimate), &case["rr"]);
        c.pair(&name("rr_ci"), rr.map(|x| x.ci), &case["rr_ci"]);
        let or = odds_ratio(x1, n1, x2, n2, 0.95);
        c.num(&name("or"), or.map(|x| x.estimate), &case["or"]);
        c.pair(&name("or_ci"), or.map(|x| x.ci), &case["or_ci"]);
        let t = TwoByTwo {
            events_1: x1,
            n_1: n1,
            events_2: x2,
            n_2: n2,
        };
        c.num(&name("fisher_p"), fisher_exact(&t), &case["fisher_p"]);
        for (key, yates) in [("chisq", false), ("chisq_yates", true)] {
            let r = chi_square(&t, yates);
            c.num(
                &name(&format!("{key}_stat")),
                r.map(|x| x.0),
                &case[&format!("{key}_stat")],
            );
            c.num(
                &name(&format!("{key}_p")),
                r.map(|x| x.1),
                &case[&format!("{key}_p")],
            );
        }
    }
    assert!(cases.len() >= 15, "{} rate cases", cases.len());
    c.finish("rates");
}

#[test]
fn incidence_rates_match_r_poisson_test_within_1e_6() {
    let fx = fixture();
    let cases = fx["incidence"].as_array().unwrap();
    let mut c = Check::default();
    for case in cases {
        let id = case["id"].as_str().unwrap();
        let x1 = case["x1"].as_u64().unwrap();
        let x2 = case["x2"].as_u64().unwrap();
        let t1 = case["t1"].as_f64().unwrap();
        let t2 = case["t2"].as_f64().unwrap();
        let name = |s: &str| format!("{id} {s}");
        let r1 = incidence_rate(x1, t1, 100.0, 0.95);
        let r2 = incidence_rate(x2, t2, 100.0, 0.95);
        c.num(&name("rate1"), r1.map(|x| x.estimate), &case["rate1"]);
        c.num(&name("rate2"), r2.map(|x| x.estimate), &case["rate2"]);
        c.pair(&name("ci1"), r1.map(|x| x.ci), &case["ci1"]);
        c.pair(&name("ci2"), r2.map(|x| x.ci), &case["ci2"]);
        let rr = rate_ratio(x1, t1, x2, t2, 0.95);
        c.num(
            &name("rate_ratio"),
            rr.map(|x| x.estimate),
            &case["rate_ratio"],
        );
        c.pair(
            &name("rate_ratio_ci"),
            rr.map(|x| x.ci),
            &case["rate_ratio_ci"],
        );
        c.num(
            &name("rate_ratio_p"),
            rr.map(|x| x.p_value),
            &case["rate_ratio_p"],
        );
    }
    assert!(cases.len() >= 6, "{} incidence cases", cases.len());
    c.finish("incidence");
}
