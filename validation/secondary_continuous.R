# The continuous secondary endpoints of both demo trials, computed in R from
# the data files (not the dashboard's output): n, missing, median and
# quartiles (type 7), mean, SD, min and max by arm; the compared arms'
# difference of means with Welch's 95% interval (t.test) and the configured
# test's p (t.test or wilcox.test, R's defaults). Writes
# tests/fixtures/r_secondary_continuous.json.
#
#   Rscript validation/secondary_continuous.R
library(foreign)
num <- function(x) sprintf("%.15g", x)
summ <- function(x, subjects) {
  q <- quantile(x, c(0.25, 0.5, 0.75), type = 7, names = FALSE)
  sprintf('{"n": %d, "missing": %d, "median": %s, "q1": %s, "q3": %s, "mean": %s, "sd": %s, "min": %s, "max": %s}',
          length(x), subjects - length(x), num(q[2]), num(q[1]), num(q[3]),
          num(mean(x)), num(sd(x)), num(min(x)), num(max(x)))
}
endpoint <- function(name, values, arms, subjects, test) {
  x <- values[[arms[1]]]; y <- values[[arms[2]]]
  tt <- t.test(x, y)
  p <- if (test == "wilcoxon") suppressWarnings(wilcox.test(x, y))$p.value else tt$p.value
  by <- paste(sprintf('"%s": %s', names(values), mapply(summ, values, subjects[names(values)])),
              collapse = ", ")
  sprintf('"%s": {"by_arm": {%s}, "difference": %s, "lo95": %s, "hi95": %s, "p": %s}',
          name, by, num(mean(x) - mean(y)), num(tt$conf.int[1]), num(tt$conf.int[2]), num(p))
}

# Altshock-2, final cut: ADLB LACTATE at "Day 1" (the subject's first record
# of the visit) and its change from the baseline record (ABLFL = Y); IABP
# against SoC; the randomization list gives the arms of the blinded files.
cut <- "demo/altshock2/cut-2024-12-31"
adlb <- read.csv(file.path(cut, "blinded/adlb.csv"), stringsAsFactors = FALSE)
adsl <- read.csv(file.path(cut, "blinded/adsl.csv"), stringsAsFactors = FALSE)
rand <- read.csv(file.path(cut, "randlist.csv"), stringsAsFactors = FALSE)
arm <- setNames(rand$ARMCD, rand$USUBJID)
lact <- adlb[adlb$PARAMCD == "LACTATE" & !is.na(adlb$AVAL), ]
day1 <- lact[lact$AVISIT == "Day 1", ]
day1 <- day1[!duplicated(day1$USUBJID), ]
base <- lact[lact$ABLFL %in% "Y", ]
base <- base[!duplicated(base$USUBJID), ]
chg <- merge(day1[, c("USUBJID", "AVAL")], base[, c("USUBJID", "AVAL")], by = "USUBJID")
subjects <- table(arm[adsl$USUBJID])
by_arm <- function(d, v) list(IABP = d[[v]][arm[d$USUBJID] == "IABP"], SOC = d[[v]][arm[d$USUBJID] == "SOC"])
chg$CHG <- chg$AVAL.x - chg$AVAL.y
a1 <- endpoint("Lactate at day 1, mmol/L", by_arm(day1, "AVAL"), c("IABP", "SOC"), subjects, "wilcoxon")
a2 <- endpoint("Lactate, change from baseline to day 1, mmol/L", by_arm(chg, "CHG"), c("IABP", "SOC"), subjects, "wilcoxon")

# CDISC pilot: ADSL TRTDUR, high dose against placebo, Welch's t-test.
pilot <- read.xport("demo/cdisc-pilot01/cut-2015-03-05/unblinded/adsl.xpt")
parm <- c("Placebo" = "PBO", "Xanomeline Low Dose" = "LOW", "Xanomeline High Dose" = "HIGH")[as.character(pilot$TRT01P)]
psub <- table(parm)
dur <- lapply(c(HIGH = "HIGH", LOW = "LOW", PBO = "PBO"), function(a) pilot$TRTDUR[parm == a & !is.na(pilot$TRTDUR)])
c1 <- endpoint("Treatment duration, days", dur[c("HIGH", "PBO", "LOW")], c("HIGH", "PBO"), psub, "welch")

writeLines(c('{"altshock2": {', paste0("  ", a1, ","), paste0("  ", a2), '},',
             '"cdisc-pilot01": {', paste0("  ", c1), '}}'),
           "tests/fixtures/r_secondary_continuous.json")
