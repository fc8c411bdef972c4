# The standard report tables computed in base R on both demo trials' data as
# shipped: the Altshock-2 final cut's blinded CSV files with the
# randomization list's arms, and the CDISC pilot's unchanged SAS transport
# files through foreign::read.xport. (The Altshock-2 crossovers need the
# actual treatment, which only the unblinded Parquet carries: the tests take
# them from the reconstruction's expected.json.) Writes
# tests/fixtures/r_report_tables.json.
#
#   Rscript validation/report_tables.R
library(foreign)
json_counts <- function(x) {
  # A named vector of counts as a JSON object.
  paste0("{", paste(sprintf('"%s": %d', names(x), as.integer(x)), collapse = ", "), "}")
}
by_arm <- function(hit, arm, arms) {
  c(sapply(arms, function(a) sum(hit & arm == a, na.rm = TRUE)), total = sum(hit, na.rm = TRUE))
}
out <- character()

# --- Disposition ----------------------------------------------------------
# Altshock-2: ADSL (blinded) with the randomization list's ARMCD.
adsl <- read.csv("demo/altshock2/cut-2024-12-31/blinded/adsl.csv", na.strings = "")
rand <- read.csv("demo/altshock2/cut-2024-12-31/randlist.csv")
d <- merge(adsl, rand[, c("USUBJID", "ARMCD", "ARM")], by = "USUBJID")
arms <- c("IABP", "SOC")
status <- function(s) by_arm(d$EOSSTT == s, d$ARMCD, arms)
alt <- c(
  sprintf('"randomized": %s', json_counts(by_arm(rep(TRUE, nrow(d)), d$ARMCD, arms))),
  sprintf('"completed": %s', json_counts(status("COMPLETED"))),
  sprintf('"discontinued": %s', json_counts(status("DISCONTINUED"))),
  sprintf('"reason_death": %s', json_counts(by_arm(d$DCSREAS == "DEATH", d$ARMCD, arms))),
  sprintf('"itt": %s', json_counts(by_arm(d$ITTFL == "Y", d$ARMCD, arms))),
  sprintf('"per_protocol": %s', json_counts(by_arm(d$PPROTFL == "Y", d$ARMCD, arms)))
)
out <- c(out, sprintf('"altshock2_disposition": {%s}', paste(alt, collapse = ", ")))

# CDISC pilot: no EOSSTT; DCREASCD gives the reason ('Completed' completed).
adsl <- read.xport("demo/cdisc-pilot01/cut-2015-03-05/unblinded/adsl.xpt")
arm <- as.character(adsl$TRT01P)
arms <- c("Placebo", "Xanomeline Low Dose", "Xanomeline High Dose")
reason <- as.character(adsl$DCREASCD)
reasons <- sort(unique(reason[reason != "Completed"]))
cd <- c(
  sprintf('"randomized": %s', json_counts(by_arm(rep(TRUE, nrow(adsl)), arm, arms))),
  sprintf('"completed": %s', json_counts(by_arm(reason == "Completed", arm, arms))),
  sprintf('"discontinued": %s', json_counts(by_arm(reason != "Completed", arm, arms))),
  sprintf('"crossed_over": %s', json_counts(by_arm(as.character(adsl$TRT01A) != arm, arm, arms))),
  sprintf('"reasons": {%s}', paste(sapply(reasons, function(r)
    sprintf('"%s": %s', r, json_counts(by_arm(reason == r, arm, arms)))), collapse = ", ")),
  sprintf('"itt": %s', json_counts(by_arm(adsl$ITTFL == "Y", arm, arms))),
  sprintf('"safety": %s', json_counts(by_arm(adsl$SAFFL == "Y", arm, arms)))
)
out <- c(out, sprintf('"cdisc_disposition": {%s}', paste(cd, collapse = ", ")))

writeLines(paste0("{\n", paste(out, collapse = ",\n"), "\n}"), "tests/fixtures/r_report_tables.json")
