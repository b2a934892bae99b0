# What spcomms reports beside the coefficients, computed by R alone on the invented fixtures
# cases.csv (maximum likelihood, glm) and separated.csv (Firth, brglm2's AS_mean) beside this
# script: the log likelihood, Cox-Snell and Nagelkerke pseudo-R2, the stars of seed 000 Table 1,
# clustered standard errors (sandwich::vcovCL, HC1), average marginal effects with
# delta-method standard errors, AUC and Brier score. Writes measures.json beside the script.
# Run: Rscript tests/analysis/r/measures.R tests/analysis/r  (needs r-base-core, r-cran-brglm2
# and r-cran-sandwich from Debian). tests/analysis/model/test_r_measures.py compares spcomms
# to the frozen output, and reruns this script when Rscript is installed.
suppressPackageStartupMessages({
  library(brglm2)
  library(sandwich)
})

args <- commandArgs(trailingOnly = TRUE)
folder <- if (length(args) > 0) args[1] else "."
source(file.path(folder, "common.R"))

text <- function(x) {
  paste0("[", paste0('"', x, '"', collapse = ", "), "]")
}

measures <- function(fit, data) {
  x <- model.matrix(formula, data)
  y <- data$improved
  n <- length(y)
  b <- coef(fit)
  p <- as.vector(plogis(x %*% b))
  # The conventional covariance: the inverse Fisher information at the final estimate.
  covariance <- solve(crossprod(x * sqrt(p * (1 - p))))
  se <- sqrt(diag(covariance))
  pvalue <- 2 * pnorm(-abs(b / se))
  stars <- ifelse(pvalue < 0.001, "***", ifelse(pvalue < 0.01, "**",
                  ifelse(pvalue < 0.05, "*", "")))
  loglik <- sum(dbinom(y, 1, p, log = TRUE))
  null <- glm(improved ~ 1, family = binomial, data = data,
              control = glm.control(epsilon = 1e-14, maxit = 100))
  loglik0 <- as.numeric(logLik(null))
  cox_snell <- 1 - exp(2 * (loglik0 - loglik) / n)
  nagelkerke <- cox_snell / (1 - exp(2 * loglik0 / n))
  cluster <- sqrt(diag(vcovCL(fit, cluster = ~country, type = "HC1")))
  # Average marginal effects: the mean derivative of the probability for each predictor; the
  # delta method with the Jacobian of the effects in b by central differences.
  ame <- function(beta) {
    q <- as.vector(plogis(x %*% beta))
    beta * mean(q * (1 - q))
  }
  h <- 1e-6
  jacobian <- sapply(seq_along(b), function(j) {
    step <- replace(numeric(length(b)), j, h)
    (ame(b + step) - ame(b - step)) / (2 * h)
  })
  ame_se <- sqrt(diag(jacobian %*% covariance %*% t(jacobian)))
  # AUC over every pair of an improved and a not improved case, ties counted half.
  higher <- outer(p[y == 1], p[y == 0], ">")
  tied <- outer(p[y == 1], p[y == 0], "==")
  auc <- mean(higher + 0.5 * tied)
  c(
    sprintf('    "terms": %s', text(names(b))),
    sprintf('    "loglik": %.17g', loglik),
    sprintf('    "loglik_null": %.17g', loglik0),
    sprintf('    "cox_snell": %.17g', cox_snell),
    sprintf('    "nagelkerke": %.17g', nagelkerke),
    sprintf('    "p": %s', num(pvalue)),
    sprintf('    "stars": %s', text(stars)),
    sprintf('    "se_cluster": %s', num(cluster)),
    sprintf('    "ame": %s', num(ame(b)[-1])),
    sprintf('    "ame_se": %s', num(ame_se[-1])),
    sprintf('    "auc": %.17g', auc),
    sprintf('    "brier": %.17g', mean((p - y)^2))
  )
}

cases <- read.csv(file.path(folder, "cases.csv"))
ml <- glm(formula, family = binomial, data = cases,
          control = glm.control(epsilon = 1e-14, maxit = 100))
separated <- read.csv(file.path(folder, "separated.csv"))
firth <- glm(formula, family = binomial, data = separated, method = "brglmFit",
             type = "AS_mean", epsilon = 1e-12, maxit = 500)
out <- c(
  sprintf('  "r_version": "%s"', R.version.string),
  sprintf('  "brglm2_version": "%s"', as.character(packageVersion("brglm2"))),
  sprintf('  "sandwich_version": "%s"', as.character(packageVersion("sandwich"))),
  sprintf('  "cases": {\n%s\n  }', paste(measures(ml, cases), collapse = ",\n")),
  sprintf('  "separated": {\n%s\n  }', paste(measures(firth, separated), collapse = ",\n"))
)
writeLines(c("{", paste(out, collapse = ",\n"), "}"), file.path(folder, "measures.json"))
