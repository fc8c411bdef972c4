# Reference boundaries from rpact (getDesignGroupSequential), written to
# tests/fixtures/rpact_boundaries.json. Run from the repository root:
#   Rscript validation/rpact_boundaries.R
# (R 4.2 with rpact 3.3, Debian package r-cran-rpact). Tests read the JSON;
# they do not need R.
library(rpact)

cases <- list(
  list(id = "asOF-4-unequal-1s", rule = "obf", type = "asOF", g = NA, t = c(0.3, 0.55, 0.8, 1), alpha = 0.025, sided = 1),
  list(id = "asOF-4-unequal-2s", rule = "obf", type = "asOF", g = NA, t = c(0.3, 0.55, 0.8, 1), alpha = 0.05, sided = 2),
  list(id = "asOF-2-half-1s", rule = "obf", type = "asOF", g = NA, t = c(0.5, 1), alpha = 0.025, sided = 1),
  list(id = "asOF-10-equal-1s", rule = "obf", type = "asOF", g = NA, t = (1:10) / 10, alpha = 0.025, sided = 1),
  list(id = "asOF-3-2s", rule = "obf", type = "asOF", g = NA, t = c(0.25, 0.6, 1), alpha = 0.05, sided = 2),
  list(id = "asP-3-1s", rule = "pocock", type = "asP", g = NA, t = c(1/3, 2/3, 1), alpha = 0.025, sided = 1),
  list(id = "asP-5-unequal-2s", rule = "pocock", type = "asP", g = NA, t = c(0.1, 0.3, 0.5, 0.75, 1), alpha = 0.05, sided = 2),
  list(id = "asP-7-1s", rule = "pocock", type = "asP", g = NA, t = (1:7) / 7, alpha = 0.01, sided = 1),
  list(id = "asKD1-4-1s", rule = "kd:1", type = "asKD", g = 1, t = c(0.25, 0.5, 0.75, 1), alpha = 0.025, sided = 1),
  list(id = "asKD2-5-1s", rule = "kd:2", type = "asKD", g = 2, t = c(0.2, 0.4, 0.6, 0.8, 1), alpha = 0.025, sided = 1),
  list(id = "asKD3-3-2s", rule = "kd:3", type = "asKD", g = 3, t = c(0.4, 0.7, 1), alpha = 0.05, sided = 2),
  list(id = "asKD1.5-6-unequal-1s", rule = "kd:1.5", type = "asKD", g = 1.5, t = c(0.15, 0.3, 0.45, 0.6, 0.85, 1), alpha = 0.025, sided = 1),
  list(id = "asHSD-4-4-1s", rule = "hsd:-4", type = "asHSD", g = -4, t = c(0.25, 0.5, 0.75, 1), alpha = 0.025, sided = 1),
  list(id = "asHSD1-3-1s", rule = "hsd:1", type = "asHSD", g = 1, t = c(0.3, 0.6, 1), alpha = 0.025, sided = 1),
  list(id = "asHSD-2-8-2s", rule = "hsd:-2", type = "asHSD", g = -2, t = (1:8) / 8, alpha = 0.05, sided = 2),
  list(id = "asHSD0-2-1s", rule = "hsd:0", type = "asHSD", g = 0, t = c(0.6, 1), alpha = 0.025, sided = 1),
  list(id = "OF-5-1s", rule = "obf-classic", type = "OF", g = NA, t = (1:5) / 5, alpha = 0.025, sided = 1),
  list(id = "OF-3-2s", rule = "obf-classic", type = "OF", g = NA, t = (1:3) / 3, alpha = 0.05, sided = 2),
  list(id = "OF-4-unequal-1s", rule = "obf-classic", type = "OF", g = NA, t = c(0.2, 0.5, 0.7, 1), alpha = 0.025, sided = 1),
  list(id = "P-4-1s", rule = "pocock-classic", type = "P", g = NA, t = (1:4) / 4, alpha = 0.025, sided = 1),
  list(id = "P-2-2s", rule = "pocock-classic", type = "P", g = NA, t = c(0.5, 1), alpha = 0.05, sided = 2),
  list(id = "P-6-unequal-1s", rule = "pocock-classic", type = "P", g = NA, t = c(0.1, 0.2, 0.4, 0.6, 0.8, 1), alpha = 0.025, sided = 1),
  list(id = "HP-3-1s", rule = "haybittle-peto", type = "HP", g = NA, t = c(1/3, 2/3, 1), alpha = 0.025, sided = 1),
  list(id = "HP-5-2s", rule = "haybittle-peto", type = "HP", g = NA, t = (1:5) / 5, alpha = 0.05, sided = 2),
  list(id = "asOF-9-unequal-1s", rule = "obf", type = "asOF", g = NA, t = c(0.15, 0.22, 0.3, 0.4, 0.5, 0.6, 0.75, 0.9, 1), alpha = 0.025, sided = 1),
  list(id = "asP-2-1s-alpha05", rule = "pocock", type = "asP", g = NA, t = c(0.5, 1), alpha = 0.05, sided = 1)
)

# Inf (a look that spends no alpha at double precision) is written as null.
num <- function(x) paste0("[", paste(ifelse(is.finite(x), sprintf("%.12g", x), "null"), collapse = ", "), "]")
out <- c()
for (cs in cases) {
  args <- list(kMax = length(cs$t), alpha = cs$alpha, sided = cs$sided,
               typeOfDesign = cs$type, informationRates = cs$t)
  if (!is.na(cs$g)) args$gammaA <- cs$g
  d <- do.call(getDesignGroupSequential, args)
  out <- c(out, sprintf(
    '  {"id": "%s", "rule": "%s", "looks": %s, "alpha": %s, "sided": %d, "efficacy_z": %s, "cumulative_alpha": %s}',
    cs$id, cs$rule, num(cs$t), sprintf("%.12g", cs$alpha), cs$sided,
    num(d$criticalValues), num(d$alphaSpent)))
}
writeLines(c("[", paste(out, collapse = ",\n"), "]"), "tests/fixtures/rpact_boundaries.json")
cat("wrote", length(cases), "cases\n")
