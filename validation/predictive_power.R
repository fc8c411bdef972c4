# Predictive power by numerical integration of conditional power over the
# posterior (R integrate), independent of the closed forms in
# src/stats/interim.rs. Rscript validation/predictive_power.R
# Predictive power by numerical integration of conditional power over the posterior (independent of the closed form).
t <- 0.505; z <- 0.745593040705; c <- 1.96859564632
cp <- function(theta) pnorm((sqrt(t)*z + sqrt(1-t)*theta*sqrt(1-t) - c)/sqrt(1-t))
# flat prior: posterior theta ~ N(z/sqrt(t), 1/t)
print(integrate(function(th) cp(th) * dnorm(th, z/sqrt(t), 1/sqrt(t)), -Inf, Inf, rel.tol=1e-12)$value, digits=12)
# normal prior N(3, 1^2): posterior precision 1 + t, mean (3 + z sqrt(t))/(1 + t)
pm <- (3 + z*sqrt(t))/(1+t); ps <- 1/sqrt(1+t)
print(integrate(function(th) cp(th) * dnorm(th, pm, ps), -Inf, Inf, rel.tol=1e-12)$value, digits=12)
