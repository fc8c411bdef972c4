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

# --- Adverse events by SOC and PT (CDISC pilot, unchanged ADAE) ---------
# Treatment-emergent (TRTEMFL = 'Y') events of safety-population subjects
# (ADSL SAFFL = 'Y'), by the subject's planned arm (ADSL TRT01P): subjects
# with >= 1 event and events, per organ class (AEBODSYS) and term
# (AEDECOD), for any event, serious (AESER = 'Y'), severe (AESEV =
# 'SEVERE') and fatal (AESDTH = 'Y' or AEOUT = 'FATAL'). With each term's
# risk difference, high dose minus placebo, and Newcombe's hybrid score
# interval from the Wilson intervals of prop.test(correct = FALSE).
adae <- read.xport("demo/cdisc-pilot01/cut-2015-03-05/unblinded/adae.xpt")
saf <- adsl[adsl$SAFFL == "Y", c("USUBJID", "TRT01P")]
ae <- merge(adae[adae$TRTEMFL == "Y", ], saf, by = "USUBJID", suffixes = c(".ae", ""))
ae$SOC <- as.character(ae$AEBODSYS); ae$PT <- as.character(ae$AEDECOD)
arm <- as.character(ae$TRT01P)
denom <- table(factor(as.character(saf$TRT01P), levels = arms))
wilson <- function(x, n) prop.test(x, n, correct = FALSE)$conf.int
newcombe <- function(x1, n1, x2, n2) {
  p1 <- x1 / n1; p2 <- x2 / n2; w1 <- wilson(x1, n1); w2 <- wilson(x2, n2)
  c(p1 - p2, p1 - p2 - sqrt((p1 - w1[1])^2 + (w2[2] - p2)^2), p1 - p2 + sqrt((w1[2] - p1)^2 + (p2 - w2[1])^2))
}
ae_rows <- function(keep) {
  d <- ae[keep, ]
  one <- function(rows, name) {
    s <- sapply(arms, function(a) length(unique(d$USUBJID[rows & d$TRT01P == a])))
    e <- sapply(arms, function(a) sum(rows & d$TRT01P == a))
    rd <- newcombe(s[["Xanomeline High Dose"]], denom[["Xanomeline High Dose"]], s[["Placebo"]], denom[["Placebo"]])
    sprintf('"%s": {"subjects": %s, "events": %s, "rd_high_vs_placebo": [%.15g, %.15g, %.15g]}',
            name, json_counts(s), json_counts(e), rd[1], rd[2], rd[3])
  }
  out <- one(rep(TRUE, nrow(d)), "")
  for (soc in sort(unique(d$SOC))) {
    out <- c(out, one(d$SOC == soc, soc))
    for (pt in sort(unique(d$PT[d$SOC == soc]))) out <- c(out, one(d$SOC == soc & d$PT == pt, paste0(soc, "/", pt)))
  }
  paste0("{", paste(out, collapse = ",\n"), "}")
}
fatal <- ae$AESDTH == "Y" | ae$AEOUT == "FATAL"
out <- c(out, sprintf('"cdisc_ae_population": %s', json_counts(c(denom, total = sum(denom)))))
out <- c(out, sprintf('"cdisc_ae": {"any": %s,\n"serious": %s,\n"severe": %s,\n"fatal": %s}',
                      ae_rows(rep(TRUE, nrow(ae))), ae_rows(ae$AESER == "Y"),
                      ae_rows(ae$AESEV == "SEVERE"), ae_rows(fatal)))

# --- Deaths, exposure, deviations ---------------------------------------
# CDISC pilot: deaths by the death flag (no death date), exposure from
# TRTDUR (days) by planned arm. Altshock-2: deaths by DTHDT, within the
# 60-day horizon (study day = DTHDT - RANDDT + 1 <= 60), and the INCDVFL
# deviations by site.
cadsl <- read.xport("demo/cdisc-pilot01/cut-2015-03-05/unblinded/adsl.xpt")
carm <- as.character(cadsl$TRT01P)
out <- c(out, sprintf('"cdisc_deaths": %s', json_counts(by_arm(cadsl$DTHFL == "Y", carm, arms))))
expo <- function(x) {
  x <- x[!is.na(x)]; q <- quantile(x, c(0.25, 0.5, 0.75), type = 7, names = FALSE)
  sprintf('{"n": %d, "mean": %.15g, "sd": %.15g, "q1": %.15g, "median": %.15g, "q3": %.15g, "min": %.15g, "max": %.15g, "patient_years": %.15g}',
          length(x), mean(x), sd(x), q[1], q[2], q[3], min(x), max(x), sum(x) / 365.25)
}
ex <- c(sapply(arms, function(a) sprintf('"%s": %s', a, expo(cadsl$TRTDUR[carm == a]))),
        sprintf('"total": %s', expo(cadsl$TRTDUR)))
out <- c(out, sprintf('"cdisc_exposure": {%s}', paste(ex, collapse = ", ")))
aday <- as.numeric(as.Date(d$DTHDT) - as.Date(d$RANDDT)) + 1
arms2 <- c("IABP", "SOC")
out <- c(out, sprintf('"altshock2_deaths": {"any": %s, "within_60": %s}',
                      json_counts(by_arm(!is.na(d$DTHDT), d$ARMCD, arms2)),
                      json_counts(by_arm(!is.na(aday) & aday <= 60, d$ARMCD, arms2))))
dv <- d$INCDVFL == "Y" & !is.na(d$INCDVFL)
sites <- sort(unique(sprintf("%02d", as.integer(d$SITEID))))
out <- c(out, sprintf('"altshock2_deviations": {"any": %d, "by_site": {%s}}', sum(dv),
                      paste(sapply(sites, function(s) sprintf('"%s": %d', s, sum(dv & sprintf("%02d", as.integer(d$SITEID)) == s))), collapse = ", ")))

writeLines(paste0("{\n", paste(out, collapse = ",\n"), "\n}"), "tests/fixtures/r_report_tables.json")
