# Safety monitoring rules in base R, written to tests/fixtures/r_safety_rules.json:
# - the posterior probability that a group's event rate exceeds p0 under a
#   Beta(a, b) prior: 1 - pbeta(p0, a + x, b + n - x);
# - the posterior probability that group B's rate exceeds group A's by delta:
#   integrate(dbeta(pA) * P(pB > pA + delta)) at rel.tol 1e-12;
# - exact sequential boundaries for a rate against p0 (the types of R's
#   stoppingrule calc.rule.bin: "Pocock", "OBF", "BB"), each constant found by
#   bisection in base R, and the boundaries' probability of stopping by a
#   short recursion over the number of events (pbinom/dbinom).
# Run from the repository root: Rscript validation/safety_rules.R (R 4.2).
num <- function(x) paste0("[", paste(sprintf("%.15g", x), collapse = ", "), "]")

# The demo's rules (demo/altshock2/trial.toml [[safety_rules]]) at the final
# cut: BARC>=3 bleeding in 9 of 53 (IABP + SoC) and 4 of 48 (SoC) subjects
# (expected.json); stroke in 3 of 53 and 0 of 48.
posterior <- list(
  list(a = 1, b = 1, x = 9, n = 53, p0 = 0.1),
  list(a = 1, b = 1, x = 4, n = 48, p0 = 0.1),
  list(a = 1, b = 1, x = 3, n = 20, p0 = 0.1),
  list(a = 0.6, b = 2.4, x = 4, n = 7, p0 = 0.2),
  list(a = 0.5, b = 0.5, x = 0, n = 12, p0 = 0.05),
  list(a = 1, b = 1, x = 9, n = 53, p0 = 0.1),
  list(a = 2, b = 8, x = 15, n = 40, p0 = 0.25)
)
post_json <- sapply(posterior, function(q) sprintf(
  '{"a": %s, "b": %s, "x": %d, "n": %d, "p0": %s, "p": %.15g}',
  q$a, q$b, q$x, q$n, q$p0, 1 - pbeta(q$p0, q$a + q$x, q$b + q$n - q$x)))

diffs <- list(
  list(a = 1, b = 1, xa = 9, na = 53, xb = 4, nb = 48, delta = 0),
  list(a = 1, b = 1, xa = 4, na = 48, xb = 9, nb = 53, delta = 0),
  list(a = 1, b = 1, xa = 9, na = 53, xb = 4, nb = 48, delta = 0),
  list(a = 1, b = 1, xa = 4, na = 48, xb = 9, nb = 53, delta = 0.05),
  list(a = 0.5, b = 0.5, xa = 0, na = 20, xb = 3, nb = 22, delta = 0.1),
  list(a = 1, b = 1, xa = 30, na = 100, xb = 20, nb = 100, delta = -0.05)
)
diff_json <- sapply(diffs, function(q) {
  f <- function(pa) dbeta(pa, q$a + q$xa, q$b + q$na - q$xa) *
    pbeta(pa + q$delta, q$a + q$xb, q$b + q$nb - q$xb, lower.tail = FALSE)
  p <- integrate(f, 0, 1, rel.tol = 1e-12, abs.tol = 1e-14, subdivisions = 1000L)$value
  sprintf('{"a": %s, "b": %s, "xa": %d, "na": %d, "xb": %d, "nb": %d, "delta": %s, "p": %.15g}',
          q$a, q$b, q$xa, q$na, q$xb, q$nb, q$delta, p)
})

# The probability of stopping at any look of ns with boundary b (stop at n
# when the events reach b[n]), when the event rate is p.
stop_prob <- function(ns, b, p) {
  alive <- c(1, rep(0, max(ns)))  # alive[x + 1]: not stopped, x events
  seen <- 0; stopped <- 0
  for (k in seq_along(ns)) {
    m <- ns[k] - seen
    nxt <- rep(0, max(ns) + 1)
    for (x in 0:seen) if (alive[x + 1] > 0) {
      nxt[(x + 0:m) + 1] <- nxt[(x + 0:m) + 1] + alive[x + 1] * dbinom(0:m, m, p)
    }
    if (b[k] <= ns[k]) {
      idx <- (b[k]:ns[k]) + 1
      stopped <- stopped + sum(nxt[idx]); nxt[idx] <- 0
    }
    alive <- nxt; seen <- ns[k]
  }
  stopped
}
bound <- function(type, ns, p0, cval, prior) {
  N <- max(ns)
  sapply(ns, function(n) {
    x <- 0:n
    stops <- switch(type,
      pocock = x >= 1 & pbinom(x - 1, n, p0, lower.tail = FALSE) <= cval,
      obf = x >= ceiling(n * p0 + cval * sqrt(N * p0 * (1 - p0))),
      bb = (1 - pbeta(p0, prior[1] + x, prior[2] + n - x)) >= cval)
    if (any(stops)) min(x[stops]) else n + 1
  })
}
rule <- function(id, type, ns, p0, alpha, prior = c(NA, NA), at = c(0.2, 0.25, 0.3, 0.35, 0.4)) {
  # Pocock: a larger level stops more; OBF and BB: a larger constant stops less.
  lo <- 0; hi <- switch(type, pocock = alpha, obf = 10 + sqrt(max(ns)), bb = 1)
  for (i in 1:200) {
    mid <- (lo + hi) / 2
    keeps <- stop_prob(ns, bound(type, ns, p0, mid, prior), p0) <= alpha
    if (type == "pocock") { if (keeps) lo <- mid else hi <- mid } else { if (keeps) hi <- mid else lo <- mid }
  }
  cval <- if (type == "pocock") lo else hi
  b <- bound(type, ns, p0, cval, prior)
  sprintf('{"id": "%s", "type": "%s", "ns": %s, "p0": %s, "alpha": %s, "prior": %s, "stop_at": %s, "size": %.15g, "rates": %s, "stopping": %s}',
          id, type, num(ns), p0, alpha, if (is.na(prior[1])) "null" else num(prior), num(b),
          stop_prob(ns, b, p0), num(at), num(sapply(at, function(p) stop_prob(ns, b, p))))
}
rules <- c(
  rule("stoppingrule-bb-example", "bb", 1:30, 0.2, 0.1, c(0.6, 2.4)),
  rule("pocock-30", "pocock", 1:30, 0.2, 0.1),
  rule("obf-30", "obf", 1:30, 0.2, 0.1),
  rule("pocock-looks-10", "pocock", seq(10, 60, 10), 0.1, 0.05, at = c(0.1, 0.15, 0.2, 0.3)),
  rule("bb-looks-5", "bb", seq(5, 50, 5), 0.15, 0.05, c(1, 1), at = c(0.15, 0.2, 0.3)),
  rule("altshock2-stroke", "bb", 1:100, 0.02, 0.1, c(0.5, 24.5), at = c(0.02, 0.03, 0.04, 0.05, 0.06))
)
writeLines(paste0('{\n"posterior": [\n  ', paste(post_json, collapse = ",\n  "),
                  '\n],\n"difference": [\n  ', paste(diff_json, collapse = ",\n  "),
                  '\n],\n"sequential": [\n  ', paste(rules, collapse = ",\n  "), '\n]\n}'),
           "tests/fixtures/r_safety_rules.json")
