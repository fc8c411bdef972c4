# Benefit-risk on both demo trials with a base-R pairwise implementation:
# every subject of the treatment arm against every subject of the control
# arm, outcome by outcome (the first that tells them apart decides);
# by time: i wins when j had the event before i's observed time; by
# presence: i wins when free of the outcome and j is not. Win ratio, net
# benefit, win odds and DOOR with U-statistic (DeLong-type) intervals, and
# the Finkelstein-Schoenfeld test (pooled scores, permutation variance).
# Reads the data files, not the dashboard's output. Writes
# tests/fixtures/r_benefit_risk.json.
#
#   Rscript validation/benefit_risk.R
library(foreign)
num <- function(x) sprintf("%.15g", x)

# levels: a list of per-subject lists list(kind = "time"|"presence", time, event | present)
cmp_matrix <- function(lv, a, b) {
  if (lv$kind == "time") {
    ta <- lv$time[a]; ea <- lv$event[a]; tb <- lv$time[b]; eb <- lv$event[b]
    win <- outer(ta, tb, function(x, y) y < x) & matrix(eb, length(a), length(b), byrow = TRUE)
    loss <- outer(ta, tb, function(x, y) x < y) & matrix(ea, length(a), length(b))
  } else {
    pa <- lv$present[a]; pb <- lv$present[b]
    win <- outer(!pa, pb, "&"); loss <- outer(pa, !pb, "&")
  }
  win * 1 - loss * 1
}
hier <- function(levels, a, b) {
  res <- matrix(0, length(a), length(b)); open <- matrix(TRUE, length(a), length(b))
  by_level <- NULL
  for (lv in levels) {
    m <- cmp_matrix(lv, a, b)
    decided <- open & m != 0
    res[decided] <- m[decided]
    by_level <- rbind(by_level, c(sum(decided & m == 1), sum(decided & m == -1)))
    open <- open & m == 0
  }
  list(res = res, by_level = by_level)
}
win_stats <- function(levels, t, c) {
  h <- hier(levels, t, c); r <- h$res
  m <- length(t); n <- length(c)
  W <- sum(r == 1); L <- sum(r == -1); Ti <- m * n - W - L
  pw <- W / (m * n); pl <- L / (m * n)
  aw <- rowSums(r == 1) / n; al <- rowSums(r == -1) / n
  cw <- colSums(r == 1) / m; cl <- colSums(r == -1) / m
  vw <- var(aw) / m + var(cw) / n; vl <- var(al) / m + var(cl) / n
  cwl <- cov(aw, al) / m + cov(cw, cl) / n
  z <- qnorm(0.975)
  nb <- pw - pl; se_nb <- sqrt(vw + vl - 2 * cwl)
  wr <- pw / pl; se_wr <- sqrt(vw / pw^2 + vl / pl^2 - 2 * cwl / (pw * pl))
  wo <- (1 + nb) / (1 - nb); se_wo <- 2 * se_nb / (1 - nb^2)
  all <- c(t, c); p <- hier(levels, all, all)$res
  u <- rowSums(p); N <- m + n
  S <- sum(u[seq_len(m)]); V <- m * n / (N * (N - 1)) * sum(u^2)
  sprintf(paste0('{"wins": %d, "losses": %d, "ties": %d, "by_level": [%s], ',
                 '"win_ratio": [%s, %s, %s], "net_benefit": [%s, %s, %s], ',
                 '"win_odds": [%s, %s, %s], "door": [%s, %s, %s], "p": %s}'),
          W, L, Ti, paste(sprintf("[%d, %d]", h$by_level[, 1], h$by_level[, 2]), collapse = ", "),
          num(wr), num(exp(log(wr) - z * se_wr)), num(exp(log(wr) + z * se_wr)),
          num(nb), num(nb - z * se_nb), num(nb + z * se_nb),
          num(wo), num(exp(log(wo) - z * se_wo)), num(exp(log(wo) + z * se_wo)),
          num((1 + nb) / 2), num((1 + nb - z * se_nb) / 2), num((1 + nb + z * se_nb) / 2),
          num(2 * pnorm(-abs(S / sqrt(V)))))
}

# Altshock-2, final cut (blinded files with the randomization list): death
# by day 60 (ADTTE OS, by time within 60), escalation to Impella or VA-ECMO
# (ADSL ESCDEV), BARC >= 3 bleeding and stroke (ADAE, by presence).
cut <- "demo/altshock2/cut-2024-12-31"
adsl <- read.csv(file.path(cut, "blinded/adsl.csv"), stringsAsFactors = FALSE)
adtte <- read.csv(file.path(cut, "blinded/adtte.csv"), stringsAsFactors = FALSE)
adae <- read.csv(file.path(cut, "blinded/adae.csv"), stringsAsFactors = FALSE)
rand <- read.csv(file.path(cut, "randlist.csv"), stringsAsFactors = FALSE)
arm <- rand$ARMCD[match(adsl$USUBJID, rand$USUBJID)]
os <- adtte[adtte$PARAMCD == "OS", ]
k <- match(adsl$USUBJID, os$USUBJID)
time <- pmin(os$AVAL[k], 60); event <- os$CNSR[k] == 0 & os$AVAL[k] <= 60
bleed <- adae$USUBJID[adae$AECAT == "BLEEDING" & adae$BARC %in% c("3a", "3b", "3c", "4", "5")]
stroke <- adae$USUBJID[adae$AECAT == "STROKE"]
levels <- list(
  list(kind = "time", time = time, event = event),
  list(kind = "presence", present = adsl$ESCDEV %in% c("IMPELLA", "VA-ECMO")),
  list(kind = "presence", present = adsl$USUBJID %in% bleed),
  list(kind = "presence", present = adsl$USUBJID %in% stroke))
a <- win_stats(levels, which(arm == "IABP"), which(arm == "SOC"))

# CDISC pilot: death (DTHFL), discontinuation for an adverse event
# (DSRAEFL), time to the first dermatologic event (ADTTE TTDE); high dose
# against placebo.
dir <- "demo/cdisc-pilot01/cut-2015-03-05/unblinded"
ps <- read.xport(file.path(dir, "adsl.xpt"))
pt <- read.xport(file.path(dir, "adtte.xpt"))
pt <- pt[pt$PARAMCD == "TTDE", ]
k <- match(ps$USUBJID, pt$USUBJID)
plevels <- list(
  list(kind = "presence", present = ps$DTHFL %in% "Y"),
  list(kind = "presence", present = ps$DSRAEFL %in% "Y"),
  list(kind = "time", time = ifelse(is.na(k), 0, pt$AVAL[k]), event = !is.na(k) & pt$CNSR[k] == 0))
trt <- as.character(ps$TRT01P)
b <- win_stats(plevels, which(trt == "Xanomeline High Dose"), which(trt == "Placebo"))

writeLines(c('{"altshock2": ', a, ',', '"cdisc-pilot01": ', b, '}'), "tests/fixtures/r_benefit_risk.json")
