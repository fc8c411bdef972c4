# The time-to-event interim block of the CDISC pilot demo (hypothetical
# design: 2 looks at 0.5 and 1, one-sided alpha 0.025, O'Brien-Fleming
# spending, high dose against placebo), with the planned final events set to
# 400 (tests/it/summary.rs sets design.max_events = 400) so that the cut is an
# early interim look. Rscript validation/cdisc_interim.R
suppressMessages({library(rpact); library(survival); library(foreign)})
d <- read.xport("demo/cdisc-pilot01/cut-2015-03-05/unblinded/adtte.xpt")
d <- d[d$PARAMCD == "TTDE" & d$TRTP %in% c("Placebo", "Xanomeline High Dose"), ]
g <- factor(d$TRTP, levels = c("Placebo", "Xanomeline High Dose"))
sd <- survdiff(Surv(d$AVAL, 1 - d$CNSR) ~ g)
# Positive z favours high dose: fewer events than expected on it.
z <- sign(sd$exp[2] - sd$obs[2]) * sqrt(sd$chisq)
D <- sum(sd$obs)
cat("events", D, "z", sprintf("%.12f", z), "t", sprintf("%.12f", D / 400), "\n")
des <- getDesignGroupSequential(kMax = 2, alpha = 0.025, sided = 1, typeOfDesign = "asOF",
                                informationRates = c(D / 400, 1))
cat("bounds", sprintf("%.12f", des$criticalValues), "\n")
# rpact's direction: a hazard ratio above 1 favours the treatment, so the
# design's 0.7 (high dose / placebo) is 1/0.7 there and rpact's hazard
# ratios are the reciprocals of ours.
ds <- getDataset(events = D, logRanks = z)
sr <- getStageResults(des, ds, stage = 1)
cat("CP design", sprintf("%.12f", getConditionalPower(sr, nPlanned = 400 - D, thetaH1 = 1 / 0.7)$conditionalPower[2]), "\n")
cat("CP trend", sprintf("%.12g", getConditionalPower(sr, nPlanned = 400 - D)$conditionalPower[2]), "\n")
cat("CRP", sprintf("%.12g", getConditionalRejectionProbabilities(sr)[1]), "\n")
a <- getAnalysisResults(des, ds, stage = 1, nPlanned = 400 - D, thetaH1 = 1 / 0.7)
cat("RCI (ours: reciprocals)", sprintf("%.12f", 1 / c(a$repeatedConfidenceIntervalUpperBounds[1], a$repeatedConfidenceIntervalLowerBounds[1])), "\n")
cat("repeated p", sprintf("%.12f", a$repeatedPValues[1]), "\n")
