# The adverse-event signal screen on both demo trials, from the data files
# (not the dashboard's output): treatment-emergent events (TRTEMFL = Y) of
# the safety population (SAFFL = Y), subjects with each preferred term
# (AEDECOD) within its organ class (AEBODSYS) in the design's two arms;
# terms with at least 4 subjects in one arm; Fisher's exact test; the
# double FDR procedure of Mehrotra & Adewale (2012) at 0.1 written out with
# p.adjust(method = "BH"): BH within each class, the smallest value
# representing the class, BH across classes, the selected classes' terms
# pooled and BH-adjusted together. Writes tests/fixtures/r_ae_signals.json.
#
#   Rscript validation/ae_signals.R
library(foreign)
num <- function(x) sprintf("%.15g", x)
screen <- function(adae, pop, arms, alpha = 0.1, min_subjects = 4) {
  adae <- adae[adae$TRTEMFL %in% "Y" & adae$USUBJID %in% names(pop), ]
  n <- c(sum(pop == arms[1]), sum(pop == arms[2]))
  key <- unique(adae[, c("AEBODSYS", "AEDECOD")])
  rows <- lapply(seq_len(nrow(key)), function(i) {
    ids <- unique(adae$USUBJID[adae$AEBODSYS == key$AEBODSYS[i] & adae$AEDECOD == key$AEDECOD[i]])
    x <- c(sum(pop[ids] == arms[1]), sum(pop[ids] == arms[2]))
    data.frame(soc = key$AEBODSYS[i], pt = key$AEDECOD[i], x1 = x[1], x2 = x[2],
               p = fisher.test(matrix(c(x[1], n[1] - x[1], x[2], n[2] - x[2]), 2))$p.value)
  })
  d <- do.call(rbind, rows)
  d <- d[pmax(d$x1, d$x2) >= min_subjects, ]
  d$within <- ave(d$p, d$soc, FUN = function(p) p.adjust(p, "BH"))
  socs <- unique(d$soc)
  rep <- sapply(socs, function(s) min(d$within[d$soc == s]))
  adj <- p.adjust(rep, "BH")
  sel <- socs[adj <= alpha]
  d$pooled <- NA
  d$pooled[d$soc %in% sel] <- p.adjust(d$p[d$soc %in% sel], "BH")
  terms <- sprintf('{"soc": "%s", "pt": "%s", "subjects": [%d, %d], "p": %s, "within": %s, "pooled": %s}',
                   d$soc, d$pt, d$x1, d$x2, num(d$p), num(d$within),
                   ifelse(is.na(d$pooled), "null", num(d$pooled)))
  classes <- sprintf('{"soc": "%s", "p": %s, "adjusted": %s}', socs, num(rep), num(adj))
  sprintf('{"population": [%d, %d], "classes": [%s], "terms": [\n  %s]}', n[1], n[2],
          paste(classes, collapse = ", "), paste(terms, collapse = ",\n  "))
}

# Altshock-2, final cut (blinded files with the randomization list), IABP
# against SoC.
cut <- "demo/altshock2/cut-2024-12-31"
adsl <- read.csv(file.path(cut, "blinded/adsl.csv"), stringsAsFactors = FALSE)
adae <- read.csv(file.path(cut, "blinded/adae.csv"), stringsAsFactors = FALSE)
rand <- read.csv(file.path(cut, "randlist.csv"), stringsAsFactors = FALSE)
safe <- adsl$USUBJID[adsl$SAFFL %in% "Y"]
pop <- setNames(rand$ARMCD[match(safe, rand$USUBJID)], safe)
a <- screen(adae, pop, c("IABP", "SOC"))

# CDISC pilot: high dose against placebo.
dir <- "demo/cdisc-pilot01/cut-2015-03-05/unblinded"
ps <- read.xport(file.path(dir, "adsl.xpt"))
pa <- read.xport(file.path(dir, "adae.xpt"))
pa$AEBODSYS <- as.character(pa$AEBODSYS); pa$AEDECOD <- as.character(pa$AEDECOD)
pa$USUBJID <- as.character(pa$USUBJID); pa$TRTEMFL <- as.character(pa$TRTEMFL)
safe <- ps[ps$SAFFL %in% "Y", ]
ppop <- setNames(c("Placebo" = "PBO", "Xanomeline Low Dose" = "LOW",
                   "Xanomeline High Dose" = "HIGH")[as.character(safe$TRT01P)],
                 as.character(safe$USUBJID))
b <- screen(pa, ppop, c("HIGH", "PBO"))
writeLines(c('{"altshock2": ', a, ',', '"cdisc-pilot01": ', b, '}'), "tests/fixtures/r_ae_signals.json")
