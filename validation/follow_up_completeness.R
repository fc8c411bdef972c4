# Follow-up completeness of the Altshock-2 primary endpoint (60-day death)
# at each cut, pooled, from the blinded files: subjects whose day 60 has
# passed by the cut ("due"), of them those whose 60-day outcome is known
# (died, or followed 60 days), and Clark's completeness index (observed /
# potential follow-up, potential = min(cut or death - RANDDT, 60) days, an
# event counting as complete follow-up). Written from the definitions, in base R.
# Rscript validation/follow_up_completeness.R
for (cut_name in c("2022-06-30", "2023-09-30", "2024-12-31")) {
  cut <- paste0("demo/altshock2/cut-", cut_name, "/blinded")
  sl <- read.csv(file.path(cut, "adsl.csv"), colClasses = "character")
  tt <- read.csv(file.path(cut, "adtte.csv"), colClasses = "character")
  tt <- tt[tt$PARAMCD == "PRIMEP", c("USUBJID", "AVAL", "CNSR")]
  d <- merge(sl[, c("USUBJID", "RANDDT", "DTHDT")], tt, all.x = TRUE)
  since <- as.numeric(as.Date(cut_name) - as.Date(d$RANDDT))
  dth <- as.Date(ifelse(d$DTHDT == "", NA, d$DTHDT))
  to_end <- ifelse(!is.na(dth) & dth < as.Date(cut_name), as.numeric(dth - as.Date(d$RANDDT)), since)
  pot <- pmin(to_end, 60)
  event <- !is.na(d$CNSR) & d$CNSR == "0"
  aval <- ifelse(is.na(d$AVAL), 0, as.numeric(d$AVAL))
  obs <- ifelse(event, pot, pmin(pmax(aval, 0), pot))
  due <- since >= 60
  complete <- due & (event | (!is.na(d$AVAL) & aval >= 60))
  cat(sprintf('("%s", %d, %d, %.12f),\n', cut_name, sum(due), sum(complete), sum(obs) / sum(pot)))
}
# The CDISC pilot (hypothetical design): primary ADTTE TTDE, no horizon;
# randomization date stands in as TRTSDT; potential follow-up to the cut (no
# death date in the pilot's ADSL).
suppressMessages(library(foreign))
cut <- "demo/cdisc-pilot01/cut-2015-03-05/unblinded"
sl <- read.xport(file.path(cut, "adsl.xpt"))
tt <- read.xport(file.path(cut, "adtte.xpt"))
tt <- tt[tt$PARAMCD == "TTDE", c("USUBJID", "AVAL", "CNSR")]
d <- merge(sl[, c("USUBJID", "TRTSDT")], tt, all.x = TRUE)
d <- d[!is.na(d$TRTSDT), ]
rand <- as.Date(d$TRTSDT, origin = "1960-01-01")
pot <- pmax(as.numeric(as.Date("2015-03-05") - rand), 0)
event <- !is.na(d$CNSR) & d$CNSR == 0
aval <- ifelse(is.na(d$AVAL), 0, d$AVAL)
obs <- ifelse(event, pot, pmin(pmax(aval, 0), pot))
cat(sprintf('("cdisc", %.6f, %.6f, %.12f),\n', sum(obs), sum(pot), sum(obs) / sum(pot)))
