# Cumulative incidence of the Altshock-2 safety categories by arm at the
# interim (2023-09-30, with subjects still in follow-up) and final cuts, death as a competing risk, with survival's Aalen-Johansen
# estimator (survfit on a multi-state Surv). Time is the study day of the
# first qualifying event (randomization = day 1); death before it is the
# competing event; everyone else is censored at the cut's study day.
# Rscript validation/cumulative_incidence_demo.R
suppressMessages(library(survival))
for (cut_name in c("2023-09-30", "2024-12-31")) {
cut <- paste0("demo/altshock2/cut-", cut_name)
cut_date <- as.Date(cut_name)
rl <- read.csv(file.path(cut, "randlist.csv"), colClasses = "character")
sl <- read.csv(file.path(cut, "blinded/adsl.csv"), colClasses = "character")
ae <- read.csv(file.path(cut, "blinded/adae.csv"), colClasses = "character")
sl <- merge(sl[, c("USUBJID", "RANDDT", "DTHDT")], rl[, c("USUBJID", "ARMCD")])
cats <- list(
  "BARC>=3 bleeding" = ae$AECAT == "BLEEDING" & ae$BARC %in% c("3a", "3b", "3c", "4", "5"),
  "Vascular complications" = ae$AECAT == "VASCULAR COMPLICATION",
  "Stroke" = ae$AECAT == "STROKE",
  "Cardiac arrest" = ae$AECAT == "CARDIAC ARREST"
)
days <- c(1, 2, 5, 10, 30, 60, 365)
for (name in names(cats)) {
  first <- tapply(as.Date(ae$ASTDT[cats[[name]]]), ae$USUBJID[cats[[name]]], min)
  d <- sl
  rand <- as.Date(d$RANDDT)
  ev <- as.Date(first[d$USUBJID], origin = "1970-01-01")
  dth <- as.Date(ifelse(d$DTHDT == "", NA, d$DTHDT))
  t_ev <- as.numeric(ev - rand) + 1
  t_dth <- as.numeric(dth - rand) + 1
  t_cut <- as.numeric(cut_date - rand) + 1
  status <- ifelse(!is.na(t_ev), 1, ifelse(!is.na(t_dth), 2, 0))
  time <- ifelse(status == 1, t_ev, ifelse(status == 2, t_dth, t_cut))
  fit <- survfit(Surv(time, factor(status, 0:2, c("censor", "event", "death"))) ~ ARMCD, data = d)
  s <- summary(fit, times = days, extend = TRUE)
  for (arm in c("SOC", "IABP")) {
    k <- s$strata == paste0("ARMCD=", arm)
    cat(sprintf('("%s", "%s", "%s", [%s]),\n', cut_name, name, arm,
                paste(sprintf("%.12f", s$pstate[k, 2]), collapse = ", ")))
  }
}
}
