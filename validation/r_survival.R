# Reference values for the survival / rates / incidence statistics, computed in
# R (survival 3.5.3, stats) and written to tests/fixtures/r_survival.json.
#
# Sections of the output object:
#   "survival"  - Kaplan-Meier (survfit, log-log CI), log-rank (survdiff, also
#                 stratified), Cox PH (coxph, Efron and Breslow ties), subgroup
#                 Cox HRs with a likelihood-ratio interaction test, and
#                 Aalen-Johansen cumulative incidence for competing risks.
#                 Includes the CDISC pilot ADTTE (PARAMCD == "TTDE").
#   "rates"     - two-arm binomial proportions: Wilson / Clopper-Pearson CIs,
#                 risk difference (Newcombe hybrid score and Miettinen-Nurminen
#                 CIs), risk ratio, odds ratio, Fisher exact and chi-square tests.
#   "incidence" - event rates per 100 person-years with exact Poisson CIs and
#                 the exact (conditional binomial) rate-ratio test.
#
# All simulated data use set.seed so the output is reproducible. Simulated
# continuous times are rounded (to at most 6 decimals) before fitting so the printed data
# are exactly the data R used. Numbers are printed with 15 significant digits
# ("%.15g"); non-finite values (NA, NaN, Inf) are written as JSON null.
#
# Run from the repository root:
#   cd /work/main && Rscript validation/r_survival.R
suppressPackageStartupMessages({
  library(survival)
  library(foreign)
})
stopifnot(packageVersion("survival") >= "3.0")

# ---------------------------------------------------------------------------
# Minimal JSON writer (full control over number formatting)
# ---------------------------------------------------------------------------
A <- function(x) structure(list(x), class = "jarr") # force a JSON array
json_str <- function(s) {
  s <- gsub("\\\\", "\\\\\\\\", s)
  s <- gsub("\"", "\\\\\"", s)
  paste0("\"", s, "\"")
}
json_atoms <- function(v) {
  if (is.factor(v)) v <- as.character(v)
  if (is.character(v)) return(ifelse(is.na(v), "null", json_str(v)))
  if (is.logical(v)) return(ifelse(is.na(v), "null", ifelse(v, "true", "false")))
  v <- as.numeric(v)
  ifelse(is.finite(v), sprintf("%.15g", v), "null")
}
to_json <- function(x) {
  if (inherits(x, "jarr")) {
    return(paste0("[", paste(json_atoms(unname(x[[1]])), collapse = ", "), "]"))
  }
  if (is.list(x)) {
    keep <- !vapply(x, is.null, logical(1))
    x <- x[keep]
    if (!is.null(names(x))) {
      return(paste0("{", paste(json_str(names(x)), vapply(x, to_json, ""), sep = ": ", collapse = ", "), "}"))
    }
    return(paste0("[", paste(vapply(x, to_json, ""), collapse = ", "), "]"))
  }
  if (length(x) != 1) stop("scalar expected, got length ", length(x))
  json_atoms(unname(x))
}

# Warnings seen while producing the fixture (reported at the end).
warnings_log <- character(0)
note_warning <- function(where, msg) {
  warnings_log <<- c(warnings_log, paste0(where, ": ", msg))
}

# ---------------------------------------------------------------------------
# Survival
# ---------------------------------------------------------------------------
km_entry <- function(time, status, g, risk_times) {
  df <- data.frame(time = time, status = status)
  fit <- survfit(Surv(time, status) ~ 1, data = df, conf.type = "log-log", conf.int = 0.95)
  tab <- summary(fit)$table
  sr <- summary(fit, times = risk_times, extend = TRUE)
  list(
    group = g,
    time = A(fit$time), n_risk = A(fit$n.risk), n_event = A(fit$n.event),
    n_censor = A(fit$n.censor), surv = A(fit$surv), std_err = A(fit$std.err),
    lower = A(fit$lower), upper = A(fit$upper),
    median = tab[["median"]], median_lower = tab[["0.95LCL"]], median_upper = tab[["0.95UCL"]],
    at_risk = A(sr$n.risk)
  )
}

logrank_entry <- function(fit, ngroups_with_obs) {
  obs <- fit$obs
  ex <- fit$exp
  if (is.matrix(obs)) obs <- rowSums(obs)
  if (is.matrix(ex)) ex <- rowSums(ex)
  # survdiff's own degrees of freedom (groups with expected events > 0,
  # less one; floored at 0: it is -1 when no group expects an event) and its
  # own p-value (NaN when there is nothing to test, written as null).
  df <- max(0, sum(ex > 0) - 1)
  list(chisq = fit$chisq, df = df, p = fit$pvalue,
       observed = A(obs), expected = A(ex))
}

# Run an expression, collecting (and muffling) warnings.
with_warnings <- function(expr) {
  w <- character(0)
  val <- withCallingHandlers(expr, warning = function(cond) {
    w <<- c(w, conditionMessage(cond))
    invokeRestart("muffleWarning")
  })
  list(value = val, warnings = unique(w))
}

cox_entry <- function(fit) {
  s <- summary(fit)
  ci <- exp(confint(fit))
  list(
    coef = A(coef(fit)), se = A(sqrt(diag(vcov(fit)))), hr = A(exp(coef(fit))),
    lower = A(ci[, 1]), upper = A(ci[, 2]),
    wald_p = A(s$coefficients[, "Pr(>|z|)"]),
    loglik = A(fit$loglik),
    lr_chisq = s$logtest[["test"]], lr_df = s$logtest[["df"]], lr_p = s$logtest[["pvalue"]],
    # summary()$waldtest rounds the statistic to 2 decimals (its p-value uses
    # the unrounded value), so the statistic is taken from fit$wald.test.
    wald_chisq = unname(fit$wald.test), wald_p_overall = s$waldtest[["pvalue"]],
    score_chisq = s$sctest[["test"]], score_p = s$sctest[["pvalue"]]
  )
}

survival_case <- function(id, time, status, group, levels, risk_times,
                          strata = NULL, subgroup = NULL, usubjid = NULL,
                          competing = FALSE, cox = TRUE, cox_note = NULL) {
  stopifnot(length(time) == length(status), length(time) == length(group))
  stopifnot(all(group %in% levels))
  gf <- factor(group, levels = levels)
  out <- list(id = id, time = A(time), status = A(as.integer(status)),
              group = A(as.character(group)), levels = A(levels))
  if (!is.null(usubjid)) out$usubjid <- A(usubjid)
  if (!is.null(strata)) out$strata <- A(as.character(strata))
  if (!is.null(subgroup)) out$subgroup <- A(as.character(subgroup))
  out$risk_times <- A(risk_times)

  if (competing) {
    aj <- lapply(levels, function(g) {
      sel <- group == g
      df <- data.frame(time = time[sel], status = status[sel])
      fit <- survfit(Surv(time, factor(status, 0:2)) ~ 1, data = df)
      i1 <- match("1", fit$states)
      i2 <- match("2", fit$states)
      stopifnot(!is.na(i1), !is.na(i2))
      list(group = g, time = A(fit$time),
           cif1 = A(fit$pstate[, i1]), cif2 = A(fit$pstate[, i2]),
           se1 = A(fit$std.err[, i1]), se2 = A(fit$std.err[, i2]))
    })
    out$aalen_johansen <- aj
    return(out)
  }

  out$km <- lapply(levels, function(g) {
    sel <- group == g
    km_entry(time[sel], status[sel], g, risk_times)
  })

  ng <- sum(table(gf) > 0)
  r <- with_warnings(survdiff(Surv(time, status) ~ gf))
  for (m in r$warnings) note_warning(paste0(id, " survdiff"), m)
  sd <- r$value
  out$logrank <- logrank_entry(sd, ng)
  if (!is.finite(sd$pvalue)) {
    out$logrank_note <- paste0("survdiff's p-value is ", format(sd$pvalue),
      ": no group has an expected event, so there is nothing to test")
  }
  if (!is.null(strata)) {
    st <- factor(strata, levels = sort(unique(as.character(strata)), method = "radix"))
    r <- with_warnings(survdiff(Surv(time, status) ~ gf + strata(st)))
    for (m in r$warnings) note_warning(paste0(id, " survdiff stratified"), m)
    sds <- r$value
    out$logrank_stratified <- logrank_entry(sds, ng)
  }

  if (cox && sum(status) > 0) {
    warn_all <- character(0)
    for (ties in c("efron", "breslow")) {
      r <- with_warnings(coxph(Surv(time, status) ~ gf, ties = ties))
      out[[paste0("cox_", ties)]] <- cox_entry(r$value)
      if (length(r$warnings)) {
        warn_all <- c(warn_all, r$warnings)
        for (m in r$warnings) note_warning(paste0(id, " coxph ", ties), m)
      }
    }
    warn_all <- unique(warn_all)
    if (length(warn_all)) {
      out$cox_warning <- paste(warn_all, collapse = " | ")
      out$cox_note <- if (is.null(cox_note)) "coxph issued a warning; values recorded as returned by R" else cox_note
    } else if (!is.null(cox_note)) {
      out$cox_note <- cox_note
    }
  }

  if (!is.null(subgroup)) {
    stopifnot(length(levels) == 2)
    # byte-wise (C locale) sort, independent of the R session's locale
    sub_levels <- sort(unique(as.character(subgroup)), method = "radix")
    out$subgroup_cox <- lapply(sub_levels, function(l) {
      sel <- subgroup == l
      r <- with_warnings(coxph(Surv(time[sel], status[sel]) ~ gf[sel], ties = "efron"))
      for (m in r$warnings) note_warning(paste0(id, " subgroup ", l), m)
      fit <- r$value
      ci <- exp(confint(fit))
      list(level = l, hr = exp(coef(fit))[[1]], lower = ci[1, 1], upper = ci[1, 2])
    })
    sf <- factor(subgroup, levels = sub_levels)
    f_add <- coxph(Surv(time, status) ~ gf + sf, ties = "efron")
    f_int <- coxph(Surv(time, status) ~ gf * sf, ties = "efron")
    chisq <- 2 * (f_int$loglik[2] - f_add$loglik[2])
    df <- sum(!is.na(coef(f_int))) - sum(!is.na(coef(f_add)))
    out$interaction <- list(chisq = chisq, df = df, p = pchisq(chisq, df, lower.tail = FALSE))
  }
  out
}

surv_cases <- list()
add_surv <- function(...) surv_cases[[length(surv_cases) + 1]] <<- survival_case(...)

# Simulate exponential event times with independent uniform censoring.
sim_exp <- function(n, rate, cens_max, digits = 6) {
  t_ev <- rexp(n, rate)
  t_c <- runif(n, 0, cens_max)
  list(time = round(pmin(t_ev, t_c), digits), status = as.integer(t_ev <= t_c))
}
# Integer (tied) times: ceiling of exponential times / uniform censoring.
sim_int <- function(n, rate, cens_max) {
  t_ev <- ceiling(rexp(n, rate))
  t_c <- ceiling(runif(n, 0, cens_max))
  list(time = pmin(t_ev, t_c), status = as.integer(t_ev <= t_c))
}
bind_groups <- function(parts, labels) {
  list(time = unlist(lapply(parts, `[[`, "time")),
       status = unlist(lapply(parts, `[[`, "status")),
       group = rep(labels, vapply(parts, function(p) length(p$time), 1L)))
}

# 1. Small hand-written data with many ties (times 1..5), incl. event/censor ties.
add_surv("hand-ties-14",
  time   = c(1, 1, 2, 3, 3, 4, 5,   1, 2, 2, 2, 3, 4, 5),
  status = c(1, 0, 1, 1, 1, 0, 1,   1, 1, 1, 0, 1, 1, 0),
  group  = rep(c("A", "B"), each = 7), levels = c("A", "B"),
  risk_times = c(0, 1, 2, 3, 4, 5, 6))

# 2. Hand-written, 3 groups, heavy ties at every time point.
add_surv("hand-ties-3groups-15",
  time   = c(1, 2, 2, 3, 5,   1, 1, 2, 4, 4,   2, 3, 3, 3, 5),
  status = c(1, 1, 0, 1, 1,   1, 1, 1, 1, 0,   1, 1, 0, 1, 0),
  group  = rep(c("Ctl", "Lo", "Hi"), each = 5), levels = c("Ctl", "Lo", "Hi"),
  risk_times = c(0, 2, 4))

# 3. Two groups n = 20 each, continuous exponential times, random censoring (no ties).
set.seed(101)
d <- bind_groups(list(sim_exp(20, 0.10, 30), sim_exp(20, 0.05, 30)), c("Control", "Treatment"))
stopifnot(!anyDuplicated(d$time))
add_surv("exp-n20-noties", d$time, d$status, d$group, c("Control", "Treatment"),
  risk_times = c(0, 5, 10, 15, 20, 25))

# 4. Two groups n = 100 each with ties (integer times).
set.seed(102)
d <- bind_groups(list(sim_int(100, 1 / 12, 36), sim_int(100, 1 / 18, 36)), c("Placebo", "Active"))
add_surv("ties-n100", d$time, d$status, d$group, c("Placebo", "Active"),
  risk_times = c(0, 6, 12, 18, 24, 30, 36))

# 5. Three groups n = 60 each (times rounded to 0.1, some ties).
set.seed(103)
d <- bind_groups(list(sim_exp(60, 0.08, 40, 1), sim_exp(60, 0.06, 40, 1), sim_exp(60, 0.04, 40, 1)),
                 c("Placebo", "Low", "High"))
add_surv("three-groups-n60", d$time, d$status, d$group, c("Placebo", "Low", "High"),
  risk_times = c(0, 10, 20, 30, 40))

# 6. Unequal sizes (5 vs 50).
set.seed(104)
d <- bind_groups(list(sim_exp(5, 0.1, 25, 3), sim_exp(50, 0.07, 25, 3)), c("Small", "Large"))
add_surv("unequal-5-vs-50", d$time, d$status, d$group, c("Small", "Large"),
  risk_times = c(0, 5, 10, 15, 20))

# 7. One arm with zero events (all censored in the treatment arm).
set.seed(105)
a <- sim_int(15, 1 / 8, 20)
b <- list(time = sort(sample(3:20, 15, replace = TRUE)), status = rep(0L, 15))
d <- bind_groups(list(a, b), c("Control", "Treatment"))
add_surv("zero-events-arm", d$time, d$status, d$group, c("Control", "Treatment"),
  risk_times = c(0, 5, 10, 15, 20),
  cox_note = "Treatment arm has no events: the partial-likelihood MLE of the log HR is -Inf; coxph stops at a large negative coefficient (huge SE, Wald CI/p meaningless). loglik, LR and score tests are finite and well defined.")

# 8. All subjects censored in both arms (km and logrank only, no cox).
add_surv("all-censored",
  time   = c(2, 4, 4, 6, 8, 9,   1, 3, 5, 5, 7, 10),
  status = rep(0L, 12),
  group  = rep(c("A", "B"), each = 6), levels = c("A", "B"),
  risk_times = c(0, 4, 8, 12), cox = FALSE)

# 9. Single-subject group (1 vs 15).
set.seed(106)
b <- sim_int(15, 1 / 6, 15)
d <- list(time = c(4, b$time), status = c(1L, b$status), group = c("Single", rep("Rest", 15)))
add_surv("single-subject-group", d$time, d$status, d$group, c("Rest", "Single"),
  risk_times = c(0, 2, 4, 6, 8, 10))

# 10. A group where every subject has an event (KM reaches 0; median CI upper open).
set.seed(107)
a <- list(time = round(rexp(12, 0.2), 2), status = rep(1L, 12))
b <- sim_exp(12, 0.1, 20, 2)
d <- bind_groups(list(a, b), c("AllEvents", "Censored"))
add_surv("all-events-group", d$time, d$status, d$group, c("Censored", "AllEvents"),
  risk_times = c(0, 2, 5, 10, 20))

# 11. Heavy censoring (79% censored with this seed).
set.seed(108)
d <- bind_groups(list(sim_exp(50, 0.03, 25, 4), sim_exp(50, 0.02, 25, 4)), c("Control", "Treatment"))
add_surv("heavy-censoring-80", d$time, d$status, d$group, c("Control", "Treatment"),
  risk_times = c(0, 5, 10, 15, 20, 25))

# 12. Stratified: 2 groups, 3 strata (integer times).
set.seed(109)
parts <- list(); grp <- c(); str <- c()
for (s in 1:3) {
  for (g in c("Control", "Treatment")) {
    rate <- c(1 / 10, 1 / 15, 1 / 25)[s] * (if (g == "Treatment") 0.7 else 1)
    p <- sim_int(30, rate, 30)
    parts[[length(parts) + 1]] <- p
    grp <- c(grp, rep(g, 30)); str <- c(str, rep(paste0("S", s), 30))
  }
}
d <- bind_groups(parts, rep("x", length(parts)))
add_surv("stratified-3strata", d$time, d$status, grp, c("Control", "Treatment"),
  strata = str, risk_times = c(0, 5, 10, 20, 30))

# 13. Stratified: 3 groups, 2 strata, continuous times.
set.seed(110)
parts <- list(); grp <- c(); str <- c()
for (s in c("Region1", "Region2")) {
  for (g in c("Placebo", "Low", "High")) {
    rate <- (if (s == "Region1") 0.08 else 0.04) * c(Placebo = 1, Low = 0.8, High = 0.6)[[g]]
    n <- if (s == "Region1") 25 else 35
    parts[[length(parts) + 1]] <- sim_exp(n, rate, 30, 3)
    grp <- c(grp, rep(g, n)); str <- c(str, rep(s, n))
  }
}
d <- bind_groups(parts, rep("x", length(parts)))
add_surv("stratified-2strata-3groups", d$time, d$status, grp, c("Placebo", "Low", "High"),
  strata = str, risk_times = c(0, 10, 20, 30))

# 14. Subgroup with 2 levels (HR differs by subgroup).
set.seed(111)
n <- 160
grp <- rep(c("Control", "Treatment"), each = n / 2)
sub <- sample(c("Female", "Male"), n, replace = TRUE)
rate <- 0.08 * ifelse(grp == "Treatment", ifelse(sub == "Female", 0.4, 0.9), 1)
t_ev <- rexp(n, rate); t_c <- runif(n, 5, 30)
add_surv("subgroup-2level", round(pmin(t_ev, t_c), 3), as.integer(t_ev <= t_c), grp,
  c("Control", "Treatment"), subgroup = sub, risk_times = c(0, 10, 20, 30))

# 15. Subgroup with 3 levels (integer times, ties).
set.seed(112)
n <- 240
grp <- rep(c("Placebo", "Drug"), n / 2)
sub <- sample(c("<65", "65-80", ">80"), n, replace = TRUE)
rate <- ifelse(sub == "<65", 1 / 20, ifelse(sub == "65-80", 1 / 14, 1 / 9)) *
  ifelse(grp == "Drug", ifelse(sub == ">80", 1.0, 0.65), 1)
t_ev <- ceiling(rexp(n, rate)); t_c <- ceiling(runif(n, 10, 36))
add_surv("subgroup-3level", pmin(t_ev, t_c), as.integer(t_ev <= t_c), grp,
  c("Placebo", "Drug"), subgroup = sub, risk_times = c(0, 6, 12, 24, 36))

# 16. Large n = 2000 with ties (integer days).
set.seed(113)
d <- bind_groups(list(sim_int(1000, 1 / 400, 730), sim_int(1000, 1 / 520, 730)), c("Control", "Treatment"))
add_surv("large-n2000-ties", d$time, d$status, d$group, c("Control", "Treatment"),
  risk_times = c(0, 90, 180, 365, 545, 730))

# 17. Median exactly at a step: survival equals 0.5 on an interval, so
# survival's median is the midpoint of that step and the next event time.
add_surv("median-exact-step",
  time   = c(1, 2, 3, 4, 5, 6, 7, 8, 9, 10,   2, 4, 6, 8),
  status = c(rep(1L, 10), 1, 1, 1, 0),
  group  = c(rep("Ten", 10), rep("Four", 4)), levels = c("Ten", "Four"),
  risk_times = c(0, 5, 10))

# 18. Equal hazards (null case), continuous times, n = 40 each.
set.seed(114)
d <- bind_groups(list(sim_exp(40, 0.05, 40), sim_exp(40, 0.05, 40)), c("A", "B"))
add_surv("equal-hazards-n40", d$time, d$status, d$group, c("A", "B"),
  risk_times = c(0, 10, 20, 30, 40))

# 19. Three groups, unequal sizes, integer times with ties.
set.seed(115)
d <- bind_groups(list(sim_int(30, 1 / 6, 20), sim_int(45, 1 / 9, 20), sim_int(15, 1 / 4, 20)),
                 c("Ref", "B", "C"))
add_surv("three-groups-unequal-ties", d$time, d$status, d$group, c("Ref", "B", "C"),
  risk_times = c(0, 4, 8, 12, 16, 20))

# 20. Competing risks: 2 groups, continuous times (cause 1 = event of interest, 2 = death).
set.seed(116)
sim_cr <- function(n, r1, r2, cmax, digits) {
  t1 <- rexp(n, r1); t2 <- rexp(n, r2); tc <- runif(n, 0, cmax)
  t <- pmin(t1, t2, tc)
  st <- ifelse(t == tc, 0L, ifelse(t == t1, 1L, 2L))
  list(time = round(t, digits), status = st)
}
d <- bind_groups(list(sim_cr(50, 0.06, 0.03, 30, 6), sim_cr(50, 0.035, 0.03, 30, 6)), c("Control", "Treatment"))
add_surv("cr-two-groups", d$time, d$status, d$group, c("Control", "Treatment"),
  risk_times = c(0, 10, 20, 30), competing = TRUE)

# 21. Competing risks with integer times: ties between event types (and with censoring).
set.seed(117)
d <- bind_groups(list(sim_cr(40, 0.10, 0.06, 24, 0), sim_cr(40, 0.07, 0.06, 24, 0)), c("Control", "Treatment"))
d$time <- pmax(d$time, 1)
tie_types <- any(sapply(split(d$status, paste(d$group, d$time)), function(s) all(c(1, 2) %in% s)))
stopifnot(tie_types)
add_surv("cr-ties", d$time, d$status, d$group, c("Control", "Treatment"),
  risk_times = c(0, 6, 12, 18, 24), competing = TRUE)

# 22. Competing risks, hand-written, explicit event-type ties.
add_surv("cr-hand-ties",
  time   = c(1, 1, 2, 2, 2, 3, 4, 4, 5,   1, 2, 2, 3, 3, 3, 4, 5, 5),
  status = c(1, 2, 1, 2, 0, 1, 2, 1, 0,   2, 1, 0, 1, 2, 1, 0, 2, 1),
  group  = rep(c("A", "B"), each = 9), levels = c("A", "B"),
  risk_times = c(0, 2, 4), competing = TRUE)

# 23. Real data: CDISC pilot 01 ADTTE, time to first dermatologic event.
adtte <- foreign::read.xport("demo/cdisc-pilot01/cut-2015-03-05/unblinded/adtte.xpt")
tt <- adtte[adtte$PARAMCD == "TTDE", ]
add_surv("cdisc-pilot01-ttde", tt$AVAL, as.integer(1 - tt$CNSR), tt$TRTP,
  c("Placebo", "Xanomeline Low Dose", "Xanomeline High Dose"),
  usubjid = tt$USUBJID, risk_times = c(0, 30, 60, 90, 120, 150, 180))

# ---------------------------------------------------------------------------
# Rates (two binomial arms; arm 1 = treatment, arm 2 = reference)
# ---------------------------------------------------------------------------
zq <- qnorm(0.975)
q95 <- qchisq(0.95, 1)

# Restricted MLE (p1t, p2t) of the two binomial probabilities under
# p1 - p2 = delta. The log-likelihood is concave in p2t on the feasible range
# [max(0, -delta), min(1, 1 - delta)]; the root of its score is found by
# bisection to machine precision (boundary maxima handled explicitly).
mn_rmle <- function(x1, n1, x2, n2, delta) {
  lo <- max(0, -delta); hi <- min(1, 1 - delta)
  if (hi - lo <= 0) return(c(lo + delta, lo))
  score <- function(p2) {
    p1 <- p2 + delta
    s <- 0
    if (x1 > 0) s <- s + x1 / p1
    if (n1 - x1 > 0) s <- s - (n1 - x1) / (1 - p1)
    if (x2 > 0) s <- s + x2 / p2
    if (n2 - x2 > 0) s <- s - (n2 - x2) / (1 - p2)
    s
  }
  if (score(lo) <= 0) return(c(lo + delta, lo))
  if (score(hi) >= 0) return(c(hi + delta, hi))
  a <- lo; b <- hi
  repeat {
    m <- (a + b) / 2
    if (m <= a || m >= b) break
    if (score(m) > 0) a <- m else b <- m
  }
  p2 <- (a + b) / 2
  c(p2 + delta, p2)
}
# Farrington-Manning / Miettinen-Nurminen closed form (cross-check only).
mn_rmle_closed <- function(x1, n1, x2, n2, delta) {
  p1 <- x1 / n1; p2 <- x2 / n2; th <- n2 / n1
  a <- 1 + th
  b <- -(1 + th + p1 + th * p2 + delta * (th + 2))
  cc <- delta^2 + delta * (2 * p1 + th + 1) + p1 + th * p2
  d <- -p1 * delta * (1 + delta)
  v <- b^3 / (3 * a)^3 - b * cc / (6 * a^2) + d / (2 * a)
  u <- sign(v) * sqrt(max(0, b^2 / (3 * a)^2 - cc / (3 * a)))
  w <- (pi + acos(max(-1, min(1, if (u == 0) 0 else v / u^3)))) / 3
  p1t <- 2 * u * cos(w) - b / (3 * a)
  c(p1t, p1t - delta)
}
mn_z2 <- function(x1, n1, x2, n2, delta) {
  N <- n1 + n2
  pt <- mn_rmle(x1, n1, x2, n2, delta)
  V <- (pt[1] * (1 - pt[1]) / n1 + pt[2] * (1 - pt[2]) / n2) * N / (N - 1)
  num <- x1 / n1 - x2 / n2 - delta
  if (num == 0) return(0)
  if (V <= 0) return(Inf)
  num^2 / V
}
mn_ci <- function(x1, n1, x2, n2) {
  rd <- x1 / n1 - x2 / n2
  # z^2 is capped at a large finite value so uniroot can evaluate the end
  # points delta = -1 / +1 (where V = 0); this does not move the roots.
  f <- function(delta) min(mn_z2(x1, n1, x2, n2, delta), 1e8) - q95
  lower <- if (rd <= -1 || f(-1) <= 0) -1 else
    uniroot(f, c(-1, rd), tol = 1e-12, maxiter = 10000)$root
  upper <- if (rd >= 1 || f(1) <= 0) 1 else
    uniroot(f, c(rd, 1), tol = 1e-12, maxiter = 10000)$root
  c(max(-1, lower), min(1, upper))
}
mn_closed_maxdiff <- 0

rate_case <- function(id, x1, n1, x2, n2) {
  sw <- function(expr, where) {
    r <- with_warnings(expr)
    for (m in r$warnings) note_warning(paste0(id, " ", where), m)
    r$value
  }
  w1 <- sw(prop.test(x1, n1, correct = FALSE)$conf.int, "prop.test arm1")
  w2 <- sw(prop.test(x2, n2, correct = FALSE)$conf.int, "prop.test arm2")
  p1 <- x1 / n1; p2 <- x2 / n2; rd <- p1 - p2
  newc <- c(rd - sqrt((p1 - w1[1])^2 + (w2[2] - p2)^2),
            rd + sqrt((w1[2] - p1)^2 + (p2 - w2[1])^2))
  mn <- mn_ci(x1, n1, x2, n2)
  for (dl in mn) if (abs(dl) < 1) {
    mn_closed_maxdiff <<- max(mn_closed_maxdiff,
      abs(mn_rmle(x1, n1, x2, n2, dl) - mn_rmle_closed(x1, n1, x2, n2, dl)))
  }
  m <- matrix(c(x1, n1 - x1, x2, n2 - x2), 2)
  ft <- fisher.test(m)
  cs <- sw(chisq.test(m, correct = FALSE), "chisq.test")
  cy <- sw(chisq.test(m, correct = TRUE), "chisq.test(yates)")
  out <- list(id = id, x1 = x1, n1 = n1, x2 = x2, n2 = n2,
    wilson1 = A(w1), wilson2 = A(w2),
    cp1 = A(binom.test(x1, n1)$conf.int), cp2 = A(binom.test(x2, n2)$conf.int),
    rd = rd, newcombe = A(newc), mn = A(mn))
  if (x1 > 0 && x2 > 0) {
    rr <- p1 / p2
    se <- sqrt(1 / x1 - 1 / n1 + 1 / x2 - 1 / n2)
    out$rr <- rr; out$rr_ci <- A(exp(log(rr) + c(-1, 1) * zq * se))
  } else {
    out$rr <- NA; out$rr_ci <- A(c(NA, NA))
  }
  if (all(c(x1, n1 - x1, x2, n2 - x2) > 0)) {
    or <- (x1 * (n2 - x2)) / (x2 * (n1 - x1))
    se <- sqrt(1 / x1 + 1 / (n1 - x1) + 1 / x2 + 1 / (n2 - x2))
    out$or <- or; out$or_ci <- A(exp(log(or) + c(-1, 1) * zq * se))
  } else {
    out$or <- NA; out$or_ci <- A(c(NA, NA))
  }
  out$fisher_p <- ft$p.value
  out$fisher_or <- ft$estimate[[1]]
  out$fisher_or_ci <- A(ft$conf.int)
  out$chisq_p <- cs$p.value; out$chisq_stat <- cs$statistic[[1]]
  out$chisq_yates_p <- cy$p.value; out$chisq_yates_stat <- cy$statistic[[1]]
  out
}

rate_defs <- list(
  list("altshock2-9-53-vs-4-48", 9, 53, 4, 48),
  list("altshock2-4-53-vs-0-48", 4, 53, 0, 48),
  list("altshock2-3-53-vs-0-48", 3, 53, 0, 48),
  list("zero-both-0-50-vs-0-50", 0, 50, 0, 50),
  list("all-events-arm1-20-20-vs-12-20", 20, 20, 12, 20),
  list("all-events-arm2-3-15-vs-15-15", 3, 15, 15, 15),
  list("all-events-both-10-10-vs-8-8", 10, 10, 8, 8),
  list("small-1-3-vs-0-2", 1, 3, 0, 2),
  list("tiny-0-1-vs-1-1", 0, 1, 1, 1),
  list("large-450-1000-vs-400-1000", 450, 1000, 400, 1000),
  list("unequal-7-25-vs-30-200", 7, 25, 30, 200),
  list("unequal-large-120-300-vs-350-700", 120, 300, 350, 700),
  list("equal-10-40-vs-10-40", 10, 40, 10, 40),
  list("equal-props-5-20-vs-15-60", 5, 20, 15, 60),
  list("zero-arm1-0-30-vs-6-30", 0, 30, 6, 30),
  list("rare-2-500-vs-9-500", 2, 500, 9, 500),
  list("moderate-25-100-vs-40-100", 25, 100, 40, 100),
  # Newcombe (1998) Table II examples
  list("newcombe-a-56-70-vs-48-80", 56, 70, 48, 80),
  list("newcombe-b-9-10-vs-3-10", 9, 10, 3, 10),
  list("newcombe-d-5-56-vs-0-29", 5, 56, 0, 29),
  list("newcombe-g-10-10-vs-0-20", 10, 10, 0, 20)
)
rate_cases <- lapply(rate_defs, function(a) do.call(rate_case, a))

# ---------------------------------------------------------------------------
# Incidence (events / person-years; arm 1 = treatment)
# ---------------------------------------------------------------------------
incidence_case <- function(id, x1, t1, x2, t2) {
  pt <- poisson.test(c(x1, x2), c(t1, t2))
  list(id = id, x1 = x1, t1 = t1, x2 = x2, t2 = t2,
       rate1 = 100 * x1 / t1, rate2 = 100 * x2 / t2,
       ci1 = A(poisson.test(x1, t1)$conf.int * 100),
       ci2 = A(poisson.test(x2, t2)$conf.int * 100),
       rate_ratio = pt$estimate[[1]], rate_ratio_ci = A(pt$conf.int),
       rate_ratio_p = pt$p.value)
}
inc_defs <- list(
  list("zero-arm1", 0, 120.5, 5, 130.2),
  list("zero-arm2", 4, 80.3, 0, 75.9),
  list("both-large", 450, 10234.7, 520, 10012.3),
  list("fractional-py", 7, 45.25, 12, 50.75),
  list("equal-rates", 10, 100, 20, 200),
  list("small-counts", 1, 3.7, 2, 4.1),
  list("moderate", 23, 512.6, 41, 498.1),
  list("integer-py", 15, 300, 9, 280)
)
inc_cases <- lapply(inc_defs, function(a) do.call(incidence_case, a))

# ---------------------------------------------------------------------------
# Write
# ---------------------------------------------------------------------------
section <- function(name, cases) {
  paste0("  ", json_str(name), ": [\n",
         paste0("    ", vapply(cases, to_json, ""), collapse = ",\n"), "\n  ]")
}
dir.create("tests/fixtures", showWarnings = FALSE, recursive = TRUE)
writeLines(c("{", paste(section("survival", surv_cases), section("rates", rate_cases),
                        section("incidence", inc_cases), sep = ",\n"), "}"),
           "tests/fixtures/r_survival.json")
cat("wrote", length(surv_cases), "survival,", length(rate_cases), "rates,",
    length(inc_cases), "incidence cases to tests/fixtures/r_survival.json\n")
cat("max |restricted MLE (bisection) - closed form| at MN limits:", format(mn_closed_maxdiff), "\n")
if (length(warnings_log)) {
  cat("warnings captured:\n")
  cat(paste0("  ", unique(warnings_log), "\n"), sep = "")
}
