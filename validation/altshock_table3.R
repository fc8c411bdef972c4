# Altshock-2 Table 3 (final cut, ITT): each outcome compared between the arms
# as the paper did -- Pearson's chi-square WITHOUT continuity correction, or
# Fisher's exact test when an expected count is below 5 -- and the primary
# endpoint's unadjusted Cox model and log-rank test. Reads the blinded CSV
# files and the randomization list of demo/altshock2/cut-2024-12-31 (not the
# dashboard's output); the outcome counts are the reconstruction's
# expected.json. Writes tests/fixtures/altshock_table3.json.
#
#   Rscript validation/altshock_table3.R
library(survival)
cut <- "demo/altshock2/cut-2024-12-31"
counts <- list(  # subjects with >= 1 event, IABP of 53 and SoC of 48 (expected.json)
  "Death within 60 days (primary endpoint failure)" = c(10, 12),
  "BARC>=3 bleeding" = c(9, 4), "Vascular complications" = c(4, 0),
  "Limb ischaemia" = c(2, 0), "Systemic embolism" = c(0, 1), "Stroke" = c(3, 0),
  "Major ventricular arrhythmia" = c(2, 2), "Cardiac arrest" = c(7, 6),
  "Sepsis" = c(10, 8), "Septic shock" = c(4, 8))
n <- c(53, 48)
rows <- lapply(names(counts), function(name) {
  x <- counts[[name]]
  m <- matrix(c(x[1], n[1] - x[1], x[2], n[2] - x[2]), 2)
  expected <- suppressWarnings(chisq.test(m, correct = FALSE)$expected)
  fisher <- any(expected < 5)
  p <- if (fisher) fisher.test(m)$p.value else chisq.test(m, correct = FALSE)$p.value
  sprintf('{"category": "%s", "iabp": %d, "soc": %d, "test": "%s", "p": %.15g}',
          name, x[1], x[2], if (fisher) "fisher" else "chi-square", p)
})
adtte <- read.csv(file.path(cut, "blinded/adtte.csv"))
rand <- read.csv(file.path(cut, "randlist.csv"))
d <- merge(adtte[adtte$PARAMCD == "PRIMEP", ], rand[, c("USUBJID", "ARMCD")], by = "USUBJID")
d$arm <- factor(d$ARMCD, levels = c("SOC", "IABP"))
fit <- coxph(Surv(AVAL, 1 - CNSR) ~ arm, data = d, ties = "efron")
s <- summary(fit)
lr <- survdiff(Surv(AVAL, 1 - CNSR) ~ arm, data = d)
cox <- sprintf('{"hr": %.15g, "lo95": %.15g, "hi95": %.15g, "wald_p": %.15g, "logrank_p": %.15g}',
               s$conf.int[1, "exp(coef)"], s$conf.int[1, "lower .95"], s$conf.int[1, "upper .95"],
               s$coefficients[1, "Pr(>|z|)"], pchisq(lr$chisq, 1, lower.tail = FALSE))
writeLines(paste0('{"table3": [\n  ', paste(rows, collapse = ",\n  "), '\n],\n"cox_primep": ', cox, '}'),
           "tests/fixtures/altshock_table3.json")
