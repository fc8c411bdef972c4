# Reference harm (lower) boundaries from rpact, written to
# tests/fixtures/rpact_harm.json. A harm bound computed alone is the one-sided
# design of the harm alpha, negated:
#   getDesignGroupSequential(sided = 1, alpha = <harm alpha>,
#     typeOfDesign = "asOF" | "asP" | "asHSD", gammaA = <gamma>, informationRates = t)
# Run from the repository root: Rscript validation/rpact_harm.R (R 4.2, rpact 3.3,
# Debian r-cran-rpact). Tests read the JSON; they do not need R.
library(rpact)

cases <- list(
  list(id = "harm-asOF-2", spending = "obf", type = "asOF", g = NA, t = c(0.5, 1), alpha = 0.025),
  # gsDesign's published harm example: Pocock-type harm spending of 0.1.
  list(id = "harm-asP-5-gsdesign", spending = "pocock", type = "asP", g = NA, t = c(0.110, 0.385, 0.633, 0.834, 1), alpha = 0.1),
  list(id = "harm-asHSD-2-3", spending = "hsd:-2", type = "asHSD", g = -2, t = c(0.3, 0.6, 1), alpha = 0.05),
  list(id = "harm-asOF-4", spending = "obf", type = "asOF", g = NA, t = c(0.25, 0.5, 0.75, 1), alpha = 0.05),
  list(id = "harm-asP-2", spending = "pocock", type = "asP", g = NA, t = c(0.5, 1), alpha = 0.025),
  list(id = "harm-asHSD1-5", spending = "hsd:1", type = "asHSD", g = 1, t = c(0.2, 0.4, 0.6, 0.8, 1), alpha = 0.1),
  list(id = "harm-asOF-3-unequal", spending = "obf", type = "asOF", g = NA, t = c(0.33, 0.67, 1), alpha = 0.1)
)

num <- function(x) paste0("[", paste(sprintf("%.12g", x), collapse = ", "), "]")
out <- c()
for (cs in cases) {
  d <- if (is.na(cs$g)) {
    getDesignGroupSequential(sided = 1, alpha = cs$alpha, typeOfDesign = cs$type, informationRates = cs$t)
  } else {
    getDesignGroupSequential(sided = 1, alpha = cs$alpha, typeOfDesign = cs$type, gammaA = cs$g, informationRates = cs$t)
  }
  out <- c(out, sprintf(
    '{"id": "%s", "spending": "%s", "looks": %s, "harm_alpha": %.12g, "harm_z": %s, "cumulative_harm_alpha": %s}',
    cs$id, cs$spending, num(cs$t), cs$alpha, num(-d$criticalValues), num(d$alphaSpent)))
}
writeLines(paste0("[\n  ", paste(out, collapse = ",\n  "), "\n]"), "tests/fixtures/rpact_harm.json")
