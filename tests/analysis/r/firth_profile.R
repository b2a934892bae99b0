# Profile-likelihood 95 % intervals of a Firth fit, computed in R independently of spcomms, on
# separated.csv: the penalised log likelihood l(b) + log|X'WX|/2 (Firth 1993) is maximised by
# brglm2 (type "AS_mean"), then, for each coefficient, maximised over the others with that
# coefficient fixed (optim's BFGS with the analytic modified score), and the ends are where
# twice its drop reaches the chi-square(1) 95 % point (uniroot). Writes firth_profile.json.
# Run: Rscript tests/analysis/r/firth_profile.R tests/analysis/r  (needs r-base-core and
# r-cran-brglm2). tests/analysis/model/test_firth_profile_r.py compares spcomms to it.
suppressPackageStartupMessages(library(brglm2))

args <- commandArgs(trailingOnly = TRUE)
folder <- if (length(args) > 0) args[1] else "."
source(file.path(folder, "common.R"))

data <- read.csv(file.path(folder, "separated.csv"))
x <- model.matrix(formula, data)
y <- data$improved
penalised <- function(b) {
  eta <- as.vector(x %*% b)
  p <- plogis(eta)
  sum(y * eta - log1p(exp(eta))) +
    0.5 * as.numeric(determinant(crossprod(x * sqrt(p * (1 - p))))$modulus)
}
modified_score <- function(b) {
  p <- plogis(as.vector(x %*% b))
  w <- p * (1 - p)
  xw <- x * sqrt(w)
  h <- rowSums((xw %*% solve(crossprod(xw))) * xw)
  as.vector(crossprod(x, y - p + h * (0.5 - p)))
}
fit <- glm(formula, family = binomial, data = data, method = "brglmFit", type = "AS_mean",
           control = list(epsilon = 1e-14, maxit = 500))
beta <- coef(fit)
maximum <- penalised(beta)
se <- sqrt(diag(solve(crossprod(x * sqrt(plogis(as.vector(x %*% beta)) *
                                           (1 - plogis(as.vector(x %*% beta))))))))
profile <- function(j, value) {
  full <- function(g) append(g, value, after = j - 1)
  best <- optim(beta[-j], function(g) -penalised(full(g)),
                function(g) -modified_score(full(g))[-j], method = "BFGS",
                control = list(reltol = 1e-16, maxit = 5000))
  -best$value
}
critical <- qchisq(0.95, 1)
low <- high <- rep(NA_real_, length(beta))
for (j in seq_along(beta)) {
  excess <- function(value) 2 * (maximum - profile(j, value)) - critical
  for (direction in c(-1, 1)) {
    inner <- beta[j]
    outer <- beta[j] + direction * se[j]
    while (abs(outer - beta[j]) <= 20 * se[j]) {
      if (excess(outer) > 0) {
        end <- uniroot(excess, sort(c(inner, outer)), tol = 1e-12)$root
        if (direction < 0) low[j] <- end else high[j] <- end
        break
      }
      inner <- outer
      outer <- outer + direction * se[j]
    }
  }
}
writeLines(c(
  "{",
  sprintf('  "r_version": "%s",', R.version.string),
  sprintf('  "brglm2_version": "%s",', as.character(packageVersion("brglm2"))),
  sprintf('  "terms": [%s],', paste0('"', names(beta), '"', collapse = ", ")),
  sprintf('  "coef": %s,', num(beta)),
  sprintf('  "penalised_loglik": %.17g,', maximum),
  sprintf('  "profile_low": %s,', num(low)),
  sprintf('  "profile_high": %s', num(high)),
  "}"
), file.path(folder, "firth_profile.json"))
