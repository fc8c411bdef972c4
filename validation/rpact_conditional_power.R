# Reference conditional powers from rpact (getStageResults + getConditionalPower,
# the functions getAnalysisResults calls) for rates, means and survival,
# written to tests/fixtures/rpact_conditional_power.json. Run from the
# repository root:  Rscript validation/rpact_conditional_power.R
suppressMessages(library(rpact))
# design: typeOfDesign, gammaA, informationRates, alpha, sided, typeBetaSpending, gammaB, beta, binding
D <- function(a, t, alpha = 0.025, sided = 1, ga = NA, bs = "none", gb = NA, beta = 0.2, binding = FALSE, rule, fut = NA)
  list(a = a, t = t, alpha = alpha, sided = sided, ga = ga, bs = bs, gb = gb, beta = beta, binding = binding, rule = rule, fut = fut)
design <- function(d) {
  args <- list(kMax = length(d$t), alpha = d$alpha, sided = d$sided, typeOfDesign = d$a, informationRates = d$t)
  if (!is.na(d$ga)) args$gammaA <- d$ga
  if (d$bs != "none") {
    args$typeBetaSpending <- d$bs; args$beta <- d$beta; args$bindingFutility <- d$binding
    if (!is.na(d$gb)) args$gammaB <- d$gb
  }
  do.call(getDesignGroupSequential, args)
}
t3 <- c(0.3, 0.6, 1)
cases <- list(
  # rates: stage-wise n1, n2, events1, events2; pi1/pi2 NA = observed (trend)
  list(id = "rates-asOF-3-s1", kind = "rates", d = D("asOF", t3, rule = "obf"), stage = 1,
       n1 = 30, n2 = 30, x1 = 20, x2 = 14, nPlanned = c(60, 80), pi1 = 0.65, pi2 = 0.5, r = 1),
  list(id = "rates-asOF-bsOF-binding-3-s1", kind = "rates", d = D("asOF", t3, bs = "bsOF", binding = TRUE, rule = "obf", fut = "obf"), stage = 1,
       n1 = 30, n2 = 30, x1 = 20, x2 = 14, nPlanned = c(60, 80), pi1 = 0.65, pi2 = 0.5, r = 1),
  list(id = "rates-asOF-bsOF-nonbinding-3-s1", kind = "rates", d = D("asOF", t3, bs = "bsOF", binding = FALSE, rule = "obf", fut = "obf"), stage = 1,
       n1 = 30, n2 = 30, x1 = 20, x2 = 14, nPlanned = c(60, 80), pi1 = 0.65, pi2 = 0.5, r = 1),
  list(id = "rates-asOF-3-s1-two-sided", kind = "rates", d = D("asOF", t3, alpha = 0.05, sided = 2, rule = "obf"), stage = 1,
       n1 = 30, n2 = 30, x1 = 20, x2 = 14, nPlanned = c(60, 80), pi1 = 0.65, pi2 = 0.5, r = 1),
  list(id = "rates-asP-4-s2-alloc2", kind = "rates", d = D("asP", c(0.25, 0.5, 0.75, 1), rule = "pocock"), stage = 2,
       n1 = c(40, 42), n2 = c(20, 21), x1 = c(18, 22), x2 = c(6, 8), nPlanned = c(63, 63), pi1 = 0.5, pi2 = 0.35, r = 2),
  list(id = "rates-asKD3-5-s3", kind = "rates", d = D("asKD", (1:5) / 5, ga = 3, rule = "kd:3"), stage = 3,
       n1 = c(25, 25, 25), n2 = c(25, 25, 25), x1 = c(10, 12, 9), x2 = c(8, 7, 9), nPlanned = c(50, 50), pi1 = 0.45, pi2 = 0.3, r = 1),
  list(id = "rates-asHSD-4-2-s1-trend", kind = "rates", d = D("asHSD", c(0.5, 1), ga = -4, rule = "hsd:-4"), stage = 1,
       n1 = 53, n2 = 48, x1 = 43, x2 = 36, nPlanned = c(99), pi1 = NA, pi2 = NA, r = 1),
  list(id = "rates-OF-classic-4-s2", kind = "rates", d = D("OF", c(0.25, 0.5, 0.75, 1), rule = "obf-classic"), stage = 2,
       n1 = c(30, 30), n2 = c(30, 30), x1 = c(12, 15), x2 = c(9, 10), nPlanned = c(60, 60), pi1 = 0.45, pi2 = 0.3, r = 1),
  list(id = "rates-HP-3-s1", kind = "rates", d = D("HP", c(1/3, 2/3, 1), rule = "haybittle-peto"), stage = 1,
       n1 = 50, n2 = 50, x1 = 30, x2 = 22, nPlanned = c(100, 100), pi1 = 0.6, pi2 = 0.45, r = 1),
  # means: stage-wise n per group, means, sds; thetaH1 and assumedStDev NA = observed
  list(id = "means-asOF-3-s1", kind = "means", d = D("asOF", t3, rule = "obf"), stage = 1,
       n1 = 30, n2 = 30, m1 = 1.2, m2 = 0.5, s1 = 2, s2 = 2.2, nPlanned = c(60, 80), theta = 0.8, sd = 2, r = 1),
  list(id = "means-asOF-3-s2", kind = "means", d = D("asOF", t3, rule = "obf"), stage = 2,
       n1 = c(30, 30), n2 = c(30, 30), m1 = c(1.2, 1.0), m2 = c(0.5, 0.6), s1 = c(2, 2.1), s2 = c(2.2, 1.9), nPlanned = c(80), theta = 0.6, sd = 2, r = 1),
  list(id = "means-asP-bsP-nonbinding-4-s2", kind = "means", d = D("asP", c(0.2, 0.45, 0.7, 1), bs = "bsP", binding = FALSE, rule = "pocock", fut = "pocock"), stage = 2,
       n1 = c(20, 25), n2 = c(20, 25), m1 = c(10, 11), m2 = c(8, 9.5), s1 = c(5, 6), s2 = c(5.5, 5), nPlanned = c(50, 60), theta = 2, sd = 5.5, r = 1),
  list(id = "means-asKD2-bsKD2-binding-5-s3", kind = "means", d = D("asKD", (1:5) / 5, ga = 2, bs = "bsKD", gb = 2, binding = TRUE, rule = "kd:2", fut = "kd:2"), stage = 3,
       n1 = c(20, 20, 20), n2 = c(20, 20, 20), m1 = c(3, 3.4, 2.9), m2 = c(2.2, 2.5, 2.4), s1 = c(2, 2, 2), s2 = c(2, 2, 2), nPlanned = c(40, 40), theta = 0.7, sd = 2, r = 1),
  list(id = "means-asHSD-2-10-s4-trend", kind = "means", d = D("asHSD", (1:10) / 10, ga = -2, rule = "hsd:-2"), stage = 4,
       n1 = c(15, 15, 15, 15), n2 = c(15, 15, 15, 15), m1 = c(5, 5.5, 4.8, 5.2), m2 = c(4.2, 4.6, 4.5, 4.4), s1 = c(2, 2.3, 2.1, 1.9), s2 = c(2.2, 2, 2.4, 2.1), nPlanned = rep(30, 6), theta = NA, sd = NA, r = 1),
  list(id = "means-asOF-2-s1-alloc2", kind = "means", d = D("asOF", c(0.4, 1), rule = "obf"), stage = 1,
       n1 = 40, n2 = 20, m1 = 12, m2 = 10, s1 = 4, s2 = 4.5, nPlanned = c(90), theta = 2.5, sd = 4.2, r = 2),
  list(id = "means-P-classic-3-s1", kind = "means", d = D("P", c(1/3, 2/3, 1), rule = "pocock-classic"), stage = 1,
       n1 = 25, n2 = 25, m1 = 0.9, m2 = 0.3, s1 = 1.5, s2 = 1.4, nPlanned = c(50, 50), theta = 0.5, sd = 1.5, r = 1),
  list(id = "means-asOF-6-s3-two-sided", kind = "means", d = D("asOF", c(0.15, 0.3, 0.5, 0.7, 0.85, 1), alpha = 0.05, sided = 2, rule = "obf"), stage = 3,
       n1 = c(15, 15, 20), n2 = c(15, 15, 20), m1 = c(2, 2.4, 2.2), m2 = c(1.5, 1.6, 1.7), s1 = c(1.8, 2, 1.9), s2 = c(1.9, 1.8, 2), nPlanned = c(40, 40, 30), theta = 0.6, sd = 1.9, r = 1),
  # survival: stage-wise events and log-rank z; hr NA = observed
  list(id = "surv-asOF-3-s2", kind = "survival", d = D("asOF", t3, rule = "obf"), stage = 2,
       events = c(40, 45), logRanks = c(1.1, 1.6), nPlanned = c(70), hr = 1.5, r = 1),
  list(id = "surv-asOF-3-s1", kind = "survival", d = D("asOF", t3, rule = "obf"), stage = 1,
       events = 40, logRanks = 1.1, nPlanned = c(45, 70), hr = 1.4, r = 1),
  list(id = "surv-asOF-bsOF-binding-4-s2", kind = "survival", d = D("asOF", c(0.3, 0.55, 0.8, 1), bs = "bsOF", binding = TRUE, beta = 0.1, rule = "obf", fut = "obf"), stage = 2,
       events = c(60, 50), logRanks = c(1.4, 1.2), nPlanned = c(50, 40), hr = 1.6, r = 1),
  list(id = "surv-asOF-bsOF-nonbinding-4-s2", kind = "survival", d = D("asOF", c(0.3, 0.55, 0.8, 1), bs = "bsOF", binding = FALSE, beta = 0.1, rule = "obf", fut = "obf"), stage = 2,
       events = c(60, 50), logRanks = c(1.4, 1.2), nPlanned = c(50, 40), hr = 1.6, r = 1),
  list(id = "surv-asP-5-s4-trend", kind = "survival", d = D("asP", (1:5) / 5, rule = "pocock"), stage = 4,
       events = c(30, 30, 30, 30), logRanks = c(0.8, 1.3, 0.4, 1.0), nPlanned = c(30), hr = NA, r = 1),
  list(id = "surv-asKD1-2-s1-alloc2", kind = "survival", d = D("asKD", c(0.6, 1), ga = 1, rule = "kd:1"), stage = 1,
       events = 120, logRanks = 1.7, nPlanned = c(80), hr = 1.5, r = 2),
  list(id = "surv-asHSD1-3-s1", kind = "survival", d = D("asHSD", c(0.35, 0.7, 1), ga = 1, rule = "hsd:1"), stage = 1,
       events = 70, logRanks = 2.0, nPlanned = c(70, 60), hr = 1.3, r = 1),
  list(id = "surv-HP-4-s3", kind = "survival", d = D("HP", c(0.25, 0.5, 0.75, 1), rule = "haybittle-peto"), stage = 3,
       events = c(50, 50, 50), logRanks = c(1.5, 0.9, 1.4), nPlanned = c(50), hr = 1.35, r = 1),
  list(id = "surv-asOF-8-s5-two-sided", kind = "survival", d = D("asOF", (1:8) / 8, alpha = 0.05, sided = 2, rule = "obf"), stage = 5,
       events = rep(25, 5), logRanks = c(1.0, 0.6, 1.2, 0.9, 1.3), nPlanned = c(25, 25, 25), hr = 1.5, r = 1)
)
num <- function(x) paste0("[", paste(ifelse(is.finite(x), sprintf("%.12g", x), "null"), collapse = ", "), "]")
out <- c()
for (cs in cases) {
  d <- design(cs$d)
  k <- cs$stage
  if (cs$kind == "rates") {
    ds <- getDataset(n1 = cs$n1, n2 = cs$n2, events1 = cs$x1, events2 = cs$x2)
    sr <- getStageResults(d, ds, stage = k)
    p1 <- if (is.na(cs$pi1)) sum(cs$x1) / sum(cs$n1) else cs$pi1
    p2 <- if (is.na(cs$pi2)) sum(cs$x2) / sum(cs$n2) else cs$pi2
    cp <- getConditionalPower(sr, nPlanned = cs$nPlanned, pi1 = p1, pi2 = p2, allocationRatioPlanned = cs$r)
    data <- sprintf('"n1": %s, "n2": %s, "x1": %s, "x2": %s, "pi1": %.12g, "pi2": %.12g', num(cs$n1), num(cs$n2), num(cs$x1), num(cs$x2), p1, p2)
  } else if (cs$kind == "means") {
    ds <- getDataset(n1 = cs$n1, n2 = cs$n2, means1 = cs$m1, means2 = cs$m2, stDevs1 = cs$s1, stDevs2 = cs$s2)
    sr <- getStageResults(d, ds, stage = k, normalApproximation = TRUE)
    th <- if (is.na(cs$theta)) sr$effectSizes[k] else cs$theta
    sd <- if (is.na(cs$sd)) sr$overallStDevs[k] else cs$sd
    cp <- getConditionalPower(sr, nPlanned = cs$nPlanned, thetaH1 = th, assumedStDev = sd, allocationRatioPlanned = cs$r)
    data <- sprintf('"theta": %.12g, "sd": %.12g', th, sd)
  } else {
    ds <- getDataset(events = cs$events, logRanks = cs$logRanks)
    sr <- getStageResults(d, ds, stage = k)
    hr <- if (is.na(cs$hr)) sr$effectSizes[k] else cs$hr
    cp <- getConditionalPower(sr, nPlanned = cs$nPlanned, thetaH1 = hr, allocationRatioPlanned = cs$r)
    data <- sprintf('"events": %s, "stage_z": %s, "hr": %.12g', num(cs$events), num(cs$logRanks), hr)
  }
  fut <- if (cs$d$bs == "none") "null" else sprintf('"%s"', cs$d$fut)
  out <- c(out, sprintf('  {"id": "%s", "kind": "%s", "rule": "%s", "futility": %s, "binding": %s, "beta": %.12g, "looks": %s, "alpha": %.12g, "sided": %d, "stage": %d, "z": %.12g, %s, "allocation": %.12g, "n_planned": %s, "conditional_power": %s}',
    cs$id, cs$kind, cs$d$rule, fut, tolower(cs$d$binding), cs$d$beta, num(cs$d$t), cs$d$alpha, cs$d$sided, k,
    sr$overallTestStatistics[k], data, cs$r, num(cs$nPlanned), num(cp$conditionalPower[(k + 1):length(cs$d$t)])))
}
writeLines(c("[", paste(out, collapse = ",\n"), "]"), "tests/fixtures/rpact_conditional_power.json")
cat("wrote", length(cases), "cases\n")
