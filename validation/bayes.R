# Bayesian summaries of the primary endpoint on both demo trials, from the
# data files (not the dashboard's output), with base R (integrate, pbeta,
# dbeta, uniroot, pnorm, qnorm) and survival's coxph. Writes
# tests/fixtures/r_bayes.json.
#
#   Rscript validation/bayes.R
library(survival)
library(foreign)
num <- function(x) sprintf("%.15g", x)

# Altshock-2, final cut: 60-day success (no PRIMEP event by day 60) among
# the evaluable (an event by day 60 or followed to day 60), IABP vs SoC,
# under the trial.toml's three Beta prior pairs; MCID 0.10.
cut <- "demo/altshock2/cut-2024-12-31"
adtte <- read.csv(file.path(cut, "blinded/adtte.csv"), stringsAsFactors = FALSE)
rand <- read.csv(file.path(cut, "randlist.csv"), stringsAsFactors = FALSE)
d <- merge(adtte[adtte$PARAMCD == "PRIMEP", ], rand[, c("USUBJID", "ARMCD")], by = "USUBJID")
event <- d$CNSR == 0 & d$AVAL <= 60
evaluable <- event | d$AVAL >= 60
succ <- function(arm) c(sum(!event[evaluable & d$ARMCD == arm]), sum(evaluable & d$ARMCD == arm))
st <- succ("IABP"); sc <- succ("SOC")
binary <- function(name, pt, pc, mcid) {
  at <- pt[1] + st[1]; bt <- pt[2] + st[2] - st[1]
  ac <- pc[1] + sc[1]; bc <- pc[2] + sc[2] - sc[1]
  above <- function(delta) integrate(function(x) dbeta(x, ac, bc) *
    pbeta(x + delta, at, bt, lower.tail = FALSE), 0, 1, rel.tol = 1e-12)$value
  q <- function(p) uniroot(function(dd) 1 - above(dd) - p, c(-1, 1), tol = 1e-13)$root
  b <- above(0)
  sprintf('{"prior": "%s", "estimate": %s, "lo95": %s, "hi95": %s, "p_benefit": %s, "p_harm": %s, "p_mcid": %s}',
          name, num(at / (at + bt) - ac / (ac + bc)), num(q(0.025)), num(q(0.975)),
          num(b), num(1 - b), num(above(mcid)))
}
a <- c(binary("Uniform", c(1, 1), c(1, 1), 0.10),
       binary("Sceptical", c(11, 9), c(11, 9), 0.10),
       binary("Enthusiastic", c(15, 5), c(11, 9), 0.10))

# CDISC pilot: TTDE, high dose against placebo (Cox, Efron ties), design
# HR 0.7, MCID 0.85: flat, sceptical N(0, s^2) and enthusiastic
# N(log 0.7, s^2) with s = -log(0.7) / qnorm(0.95).
dir <- "demo/cdisc-pilot01/cut-2015-03-05/unblinded"
adsl <- read.xport(file.path(dir, "adsl.xpt"))
tte <- read.xport(file.path(dir, "adtte.xpt"))
tte <- merge(tte[tte$PARAMCD == "TTDE", c("USUBJID", "AVAL", "CNSR")],
             adsl[, c("USUBJID", "TRT01P")], by = "USUBJID")
tte <- tte[tte$TRT01P %in% c("Placebo", "Xanomeline High Dose"), ]
tte$high <- as.numeric(tte$TRT01P == "Xanomeline High Dose")
fit <- coxph(Surv(AVAL, 1 - CNSR) ~ high, data = tte, ties = "efron")
est <- unname(coef(fit)); se <- unname(sqrt(diag(vcov(fit))))
s <- -log(0.7) / qnorm(0.95)
normal <- function(name, m0, s0) {
  if (is.na(s0)) { m <- est; sd <- se } else {
    w0 <- 1 / s0^2; w1 <- 1 / se^2; m <- (w0 * m0 + w1 * est) / (w0 + w1); sd <- sqrt(1 / (w0 + w1))
  }
  b <- pnorm(0, m, sd)
  sprintf('{"prior": "%s", "estimate": %s, "lo95": %s, "hi95": %s, "p_benefit": %s, "p_harm": %s, "p_mcid": %s}',
          name, num(exp(m)), num(exp(qnorm(0.025, m, sd))), num(exp(qnorm(0.975, m, sd))),
          num(b), num(1 - b), num(pnorm(log(0.85), m, sd)))
}
c1 <- c(normal("Flat (reference)", 0, NA), normal("Sceptical", 0, s), normal("Enthusiastic", log(0.7), s))

writeLines(c('{"altshock2": [', paste0("  ", paste(a, collapse = ",\n  ")), '],',
             '"cdisc-pilot01": [', paste0("  ", paste(c1, collapse = ",\n  ")), ']}'),
           "tests/fixtures/r_bayes.json")
