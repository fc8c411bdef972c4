# Quantiles (type 7, R's default), mean and sd of test vectors and of the
# Altshock-2 final cut's baseline covariates by arm, read from the blinded
# ADSL and the randomization list, with the absolute standardized differences
# between the arms (means over the pooled SD; a level's share of each arm's
# subjects likewise). Writes tests/fixtures/r_descriptive.json.
#
#   Rscript validation/descriptive.R
cases <- list(
  one = c(5),
  two = c(1, 4),
  odd = c(3, 1, 4, 1, 5, 9, 2, 6, 5),
  even = c(2.5, 7.1, 1.25, 9.75, 3.5, 8.0),
  ties = c(1, 1, 1, 2, 2, 10),
  negative = c(-3.2, 0, 4.4, -1.1, 2.2, 100)
)
adsl <- read.csv("demo/altshock2/cut-2024-12-31/blinded/adsl.csv")
rand <- read.csv("demo/altshock2/cut-2024-12-31/randlist.csv")
d <- merge(adsl, rand[, c("USUBJID", "ARMCD")], by = "USUBJID")
for (v in c("AGE", "MAP", "LACTATE", "LVEF", "ONSETHR")) {
  for (arm in c("IABP", "SOC")) cases[[paste(v, arm)]] <- d[d$ARMCD == arm, v]
  cases[[paste(v, "total")]] <- d[[v]]
}
num <- function(x) if (is.na(x)) "null" else sprintf("%.15g", x)
rows <- sapply(names(cases), function(name) {
  x <- cases[[name]]; x <- x[!is.na(x)]
  q <- quantile(x, c(0.25, 0.5, 0.75), type = 7, names = FALSE)
  sprintf('"%s": {"values": [%s], "n": %d, "q1": %s, "median": %s, "q3": %s, "mean": %s, "sd": %s, "min": %s, "max": %s}',
          name, paste(sprintf("%.15g", x), collapse = ", "), length(x), num(q[1]), num(q[2]), num(q[3]),
          num(mean(x)), num(if (length(x) > 1) sd(x) else NA), num(min(x)), num(max(x)))
})
counts <- sprintf('"counts": {"male": [%d, %d], "scai_B": [%d, %d], "scai_C": [%d, %d], "scai_D": [%d, %d], "nonischemic": [%d, %d], "lactate_gt_2": [%d, %d]}',
  sum(d$SEX == "M" & d$ARMCD == "IABP"), sum(d$SEX == "M" & d$ARMCD == "SOC"),
  sum(d$SCAISTG == "B" & d$ARMCD == "IABP"), sum(d$SCAISTG == "B" & d$ARMCD == "SOC"),
  sum(d$SCAISTG == "C" & d$ARMCD == "IABP"), sum(d$SCAISTG == "C" & d$ARMCD == "SOC"),
  sum(d$SCAISTG == "D" & d$ARMCD == "IABP"), sum(d$SCAISTG == "D" & d$ARMCD == "SOC"),
  sum(d$ETIOL != "ISCHEMIC" & d$ARMCD == "IABP"), sum(d$ETIOL != "ISCHEMIC" & d$ARMCD == "SOC"),
  sum(d$LACTATE > 2 & d$ARMCD == "IABP", na.rm = TRUE), sum(d$LACTATE > 2 & d$ARMCD == "SOC", na.rm = TRUE))
iabp <- d$ARMCD == "IABP"; soc <- d$ARMCD == "SOC"
smd_mean <- function(x) {
  a <- x[iabp & !is.na(x)]; b <- x[soc & !is.na(x)]
  abs(mean(a) - mean(b)) / sqrt((var(a) + var(b)) / 2)
}
smd_share <- function(hit) {
  p <- sum(hit & iabp, na.rm = TRUE) / sum(iabp); q <- sum(hit & soc, na.rm = TRUE) / sum(soc)
  abs(p - q) / sqrt((p * (1 - p) + q * (1 - q)) / 2)
}
smd <- c(AGE = smd_mean(d$AGE), MAP = smd_mean(d$MAP), LACTATE = smd_mean(d$LACTATE),
         LVEF = smd_mean(d$LVEF), ONSETHR = smd_mean(d$ONSETHR),
         male = smd_share(d$SEX == "M"), scai_B = smd_share(d$SCAISTG == "B"),
         scai_C = smd_share(d$SCAISTG == "C"), scai_D = smd_share(d$SCAISTG == "D"),
         nonischemic = smd_share(d$ETIOL == "NONISCHEMIC"), lactate_gt_2 = smd_share(d$LACTATE > 2))
std_diff <- sprintf('"std_diff": {%s}', paste(sprintf('"%s": %.15g', names(smd), smd), collapse = ", "))
writeLines(paste0("{\n", paste(rows, collapse = ",\n"), ",\n", counts, ",\n", std_diff, "\n}"), "tests/fixtures/r_descriptive.json")
