# Reference futility designs from rpact (getDesignGroupSequential with
# typeBetaSpending; drift = sqrt(getDesignCharacteristics()$shift)), written to
# tests/fixtures/rpact_futility.json. Run from the repository root:
#   Rscript validation/rpact_futility.R
library(rpact)
cases <- list(
 list(id="nb-asOF-bsOF-4", a="asOF", bs="bsOF", ga=NA, gb=NA, t=c(0.3,0.55,0.8,1), alpha=0.025, beta=0.1, binding=FALSE, rule="obf", fut="obf"),
 list(id="b-asOF-bsOF-4", a="asOF", bs="bsOF", ga=NA, gb=NA, t=c(0.3,0.55,0.8,1), alpha=0.025, beta=0.1, binding=TRUE, rule="obf", fut="obf"),
 list(id="nb-asOF-bsOF-10", a="asOF", bs="bsOF", ga=NA, gb=NA, t=(1:10)/10, alpha=0.025, beta=0.1, binding=FALSE, rule="obf", fut="obf"),
 list(id="nb-asP-bsP-3", a="asP", bs="bsP", ga=NA, gb=NA, t=c(1/3,2/3,1), alpha=0.025, beta=0.2, binding=FALSE, rule="pocock", fut="pocock"),
 list(id="b-asKD2-bsKD2-5", a="asKD", bs="bsKD", ga=2, gb=2, t=(1:5)/5, alpha=0.025, beta=0.2, binding=TRUE, rule="kd:2", fut="kd:2"),
 list(id="nb-asHSD-4-bsHSD-2-3", a="asHSD", bs="bsHSD", ga=-4, gb=-2, t=c(0.4,0.7,1), alpha=0.025, beta=0.15, binding=FALSE, rule="hsd:-4", fut="hsd:-2"),
 list(id="b-asOF-bsKD3-2", a="asOF", bs="bsKD", ga=NA, gb=3, t=c(0.5,1), alpha=0.025, beta=0.2, binding=TRUE, rule="obf", fut="kd:3")
)
num <- function(x) paste0("[", paste(ifelse(is.finite(x), sprintf("%.12g", x), "null"), collapse = ", "), "]")
out <- c()
for (cs in cases) {
  args <- list(kMax=length(cs$t), alpha=cs$alpha, beta=cs$beta, sided=1, typeOfDesign=cs$a, typeBetaSpending=cs$bs, informationRates=cs$t, bindingFutility=cs$binding)
  if (!is.na(cs$ga)) args$gammaA <- cs$ga
  if (!is.na(cs$gb)) args$gammaB <- cs$gb
  d <- do.call(getDesignGroupSequential, args)
  ch <- getDesignCharacteristics(d)
  out <- c(out, sprintf('  {"id": "%s", "rule": "%s", "futility": "%s", "binding": %s, "looks": %s, "alpha": %s, "beta": %s, "efficacy_z": %s, "futility_z": %s, "cumulative_alpha": %s, "cumulative_beta": %s, "drift": %.12g}',
    cs$id, cs$rule, cs$fut, tolower(cs$binding), num(cs$t), sprintf("%.12g", cs$alpha), sprintf("%.12g", cs$beta), num(d$criticalValues), num(d$futilityBounds), num(d$alphaSpent), num(d$betaSpent), ch$shift^0.5))
}
writeLines(c("[", paste(out, collapse = ",\n"), "]"), "tests/fixtures/rpact_futility.json")
cat("wrote", length(cases), "cases\n")
