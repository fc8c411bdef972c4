# Subgroup hazard ratios (high dose against placebo, TTDE) and the
# treatment-by-subgroup likelihood-ratio interaction tests of the CDISC pilot
# demo, with survival::coxph (Efron ties). Rscript validation/cdisc_subgroups.R
suppressMessages({library(survival); library(foreign)})
tte <- read.xport("demo/cdisc-pilot01/cut-2015-03-05/unblinded/adtte.xpt")
adsl <- read.xport("demo/cdisc-pilot01/cut-2015-03-05/unblinded/adsl.xpt")
d <- merge(tte[tte$PARAMCD == "TTDE", c("USUBJID", "AVAL", "CNSR")],
           adsl[, c("USUBJID", "TRT01P", "AGE", "SEX")], by = "USUBJID")
d <- d[d$TRT01P %in% c("Placebo", "Xanomeline High Dose"), ]
d$trt <- as.numeric(d$TRT01P == "Xanomeline High Dose")
d$age <- cut(d$AGE, c(-Inf, 64, 80, Inf))
for (v in c("age", "SEX")) {
  for (l in levels(factor(d[[v]]))) {
    f <- coxph(Surv(AVAL, 1 - CNSR) ~ trt, data = d[d[[v]] == l, ])
    cat(v, l, sprintf("%.12f", c(exp(coef(f)), exp(confint(f)))), "\n")
  }
  f1 <- coxph(as.formula(paste("Surv(AVAL, 1 - CNSR) ~ trt +", v)), data = d)
  f2 <- coxph(as.formula(paste("Surv(AVAL, 1 - CNSR) ~ trt *", v)), data = d)
  a <- anova(f1, f2)
  cat(v, "interaction", sprintf("%.12f", c(a$Chisq[2], a$Df[2], a$`Pr(>|Chi|)`[2])), "\n")
}
