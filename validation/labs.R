# The laboratory section's values by visit and change from baseline,
# computed in base R on the Altshock-2 final cut as shipped: the blinded
# ADLB and ADSL CSV files with the randomization list's arms. Quantiles are
# R's default (type 7); the difference of mean changes is t.test(x, y)
# (Welch). Writes tests/fixtures/r_labs.json.
#
#   Rscript validation/labs.R
cut <- "demo/altshock2/cut-2024-12-31"
lb <- read.csv(file.path(cut, "blinded/adlb.csv"), na.strings = "")
adsl <- read.csv(file.path(cut, "blinded/adsl.csv"), na.strings = "")
rand <- read.csv(file.path(cut, "randlist.csv"))
adsl <- merge(adsl, rand[, c("USUBJID", "ARMCD")], by = "USUBJID")
lb <- merge(lb, adsl[, c("USUBJID", "ARMCD", "RANDDT")], by = "USUBJID")
lb <- lb[!is.na(lb$AVAL), ]
lb$base <- !is.na(lb$ABLFL) & lb$ABLFL == "Y"
lb$post <- !lb$base & as.Date(lb$ADT) > as.Date(lb$RANDDT)
arms <- c("IABP", "SOC")
params <- c("HGB", "PLAT", "CREAT", "LACTATE", "ALT", "AST", "BILI")
num <- function(x) sprintf("%.15g", x)
quart <- function(v) {
  if (length(v) == 0) return("null")
  q <- quantile(v, c(0.25, 0.5, 0.75), type = 7, names = FALSE)
  sprintf('{"n": %d, "q1": %s, "median": %s, "q3": %s}', length(v), num(q[1]), num(q[2]), num(q[3]))
}
trends <- character()
for (p in params) {
  d <- lb[lb$PARAMCD == p & (lb$base | lb$post) & !is.na(lb$AVISITN), ]
  visits <- sort(unique(d$AVISITN))
  per_visit <- character()
  for (v in visits) {
    at <- d[d$AVISITN == v, ]
    cells <- c(sapply(arms, function(a) sprintf('"%s": %s', a, quart(at$AVAL[at$ARMCD == a]))),
               sprintf('"total": %s', quart(at$AVAL)))
    per_visit <- c(per_visit, sprintf('"%s": {%s}', format(v), paste(cells, collapse = ", ")))
  }
  trends <- c(trends, sprintf('"%s": {%s}', p, paste(per_visit, collapse = ", ")))
}
change <- character()
for (p in params) {
  b <- lb[lb$PARAMCD == p & lb$base, c("USUBJID", "AVAL")]
  b <- b[!duplicated(b$USUBJID), ]
  x <- lb[lb$PARAMCD == p & lb$post & lb$AVISITN == 3, c("USUBJID", "AVAL", "ARMCD")]
  x <- x[!duplicated(x$USUBJID), ]
  m <- merge(x, b, by = "USUBJID", suffixes = c("", ".base"))
  m$chg <- m$AVAL - m$AVAL.base
  g <- function(a) {
    v <- m$chg[m$ARMCD == a]
    sprintf('"%s": {"n": %d, "mean": %s, "sd": %s}', a, length(v), num(mean(v)), num(sd(v)))
  }
  t <- t.test(m$chg[m$ARMCD == "IABP"], m$chg[m$ARMCD == "SOC"])
  welch <- sprintf('"welch": {"estimate": %s, "lower": %s, "upper": %s, "p": %s}',
                   num(unname(t$estimate[1] - t$estimate[2])), num(t$conf.int[1]),
                   num(t$conf.int[2]), num(t$p.value))
  change <- c(change, sprintf('"%s": {%s, %s, %s}', p, g("IABP"), g("SOC"), welch))
}
out <- sprintf('{"trends": {%s}, "change": {%s}}\n',
               paste(trends, collapse = ", "), paste(change, collapse = ", "))
writeLines(out, "tests/fixtures/r_labs.json", sep = "")
