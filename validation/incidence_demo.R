# Exposure-adjusted event rates of the demo safety tables with R's
# poisson.test: CDISC pilot "Dermatologic events" (CQ01NAM, treatment-
# emergent) per 100 patient-years of TRTDUR, high dose against placebo, and
# Altshock-2 (final cut) BARC>=3 bleeding per 100 patient-years of the
# 60-day follow-up (ADTTE PRIMEP AVAL), IABP against SoC.
# Rscript validation/incidence_demo.R
suppressMessages(library(foreign))
rate <- function(x, days) poisson.test(x, days / 365.25)
adsl <- read.xport("demo/cdisc-pilot01/cut-2015-03-05/unblinded/adsl.xpt")
adae <- read.xport("demo/cdisc-pilot01/cut-2015-03-05/unblinded/adae.xpt")
ev <- merge(adae[adae$CQ01NAM %in% "DERMATOLOGIC EVENTS" & adae$TRTEMFL %in% "Y", "USUBJID", drop = FALSE],
            adsl[, c("USUBJID", "TRT01P")])
x <- table(factor(ev$TRT01P, levels = c("Placebo", "Xanomeline High Dose")))
days <- tapply(adsl$TRTDUR, adsl$TRT01P, sum, na.rm = TRUE)[c("Placebo", "Xanomeline High Dose")]
for (a in names(x)) { p <- rate(x[[a]], days[[a]]); cat(a, x[[a]], sprintf("%.12f", c(100 * p$estimate, 100 * p$conf.int)), "\n") }
p <- poisson.test(c(x[[2]], x[[1]]), c(days[[2]], days[[1]]) / 365.25)
cat("rate ratio", sprintf("%.12g", c(p$estimate, p$conf.int, p$p.value)), "\n")
cut <- "demo/altshock2/cut-2024-12-31"
rl <- read.csv(file.path(cut, "randlist.csv"), colClasses = "character")
ae <- read.csv(file.path(cut, "blinded/adae.csv"), colClasses = "character")
tte <- read.csv(file.path(cut, "blinded/adtte.csv"), colClasses = "character")
b <- merge(ae[ae$AECAT == "BLEEDING" & ae$BARC %in% c("3a", "3b", "3c", "4", "5"), "USUBJID", drop = FALSE], rl)
x <- table(factor(b$ARMCD, levels = c("SOC", "IABP")))
f <- merge(tte[tte$PARAMCD == "PRIMEP", c("USUBJID", "AVAL")], rl)
days <- tapply(as.numeric(f$AVAL), f$ARMCD, sum)[c("SOC", "IABP")]
for (a in names(x)) { p <- rate(x[[a]], days[[a]]); cat(a, x[[a]], sprintf("%.12f", c(100 * p$estimate, 100 * p$conf.int)), "\n") }
p <- poisson.test(c(x[["IABP"]], x[["SOC"]]), c(days[["IABP"]], days[["SOC"]]) / 365.25)
cat("rate ratio", sprintf("%.12g", c(p$estimate, p$conf.int, p$p.value)), "\n")
