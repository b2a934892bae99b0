# The model of seed 000 Table 1 fitted by R, independently of spcomms, on the invented fixture
# datasets beside this script. Writes FILE.json next to each FILE.csv.
# Run: Rscript tests/analysis/r/model.R tests/analysis/r  (needs r-base-core, r-cran-brglm2,
# r-cran-sandwich from Debian). tests/analysis/model/test_r_agreement.py compares spcomms
# to the frozen outputs, and reruns this script when Rscript is installed.
suppressPackageStartupMessages({
  library(brglm2)
  library(sandwich)
})

args <- commandArgs(trailingOnly = TRUE)
folder <- if (length(args) > 0) args[1] else "."
source(file.path(folder, "common.R"))

names_of <- function(x) {
  paste0("[", paste0('"', names(x), '"', collapse = ", "), "]")
}
# Standard errors from the inverse Fisher information at the final estimate (summary.glm uses
# the weights of the iteration before).
conventional_se <- function(fit, data) {
  x <- model.matrix(formula, data)
  p <- as.vector(plogis(x %*% coef(fit)))
  sqrt(diag(solve(crossprod(x * sqrt(p * (1 - p))))))
}

for (name in c("cases", "separated")) {
  data <- read.csv(file.path(folder, paste0(name, ".csv")))
  ml <- glm(formula, family = binomial, data = data,
            control = glm.control(epsilon = 1e-14, maxit = 100))
  out <- c(
    sprintf('  "r_version": "%s"', R.version.string),
    sprintf('  "brglm2_version": "%s"', as.character(packageVersion("brglm2"))),
    sprintf('  "sandwich_version": "%s"', as.character(packageVersion("sandwich"))),
    sprintf('  "terms": %s', names_of(coef(ml))),
    sprintf('  "glm_converged": %s', if (ml$converged) "true" else "false"),
    # Under separation glm's estimate runs off: the largest absolute coefficient shows it.
    sprintf('  "glm_largest_abs_coef": %.17g', max(abs(coef(ml))))
  )
  # detectseparation is not packaged by Debian (brglm2 dropped detect_separation at 0.8.0),
  # so the separated fixture is known by construction: no business case improved.
  if (name == "cases") {
    cluster <- sqrt(diag(vcovCL(ml, cluster = ~country, type = "HC1")))
    profile <- suppressMessages(confint(ml, level = 0.95))
    out <- c(out,
      sprintf('  "method": "%s"', "maximum likelihood"),
      sprintf('  "coef": %s', num(coef(ml))),
      sprintf('  "se": %s', num(conventional_se(ml, data))),
      sprintf('  "loglik": %.17g', as.numeric(logLik(ml))),
      sprintf('  "se_cluster": %s', num(cluster)),
      # Profile-likelihood intervals: MASS's profile (R < 4.4), interpolated on a grid.
      sprintf('  "profile_low": %s', num(profile[, 1])),
      sprintf('  "profile_high": %s', num(profile[, 2])))
  } else {
    firth <- glm(formula, family = binomial, data = data, method = "brglmFit",
                 type = "AS_mean", epsilon = 1e-12, maxit = 500)
    out <- c(out,
      sprintf('  "method": "%s"', "Firth penalised likelihood"),
      sprintf('  "coef": %s', num(coef(firth))),
      sprintf('  "se": %s', num(conventional_se(firth, data))))
  }
  writeLines(c("{", paste(out, collapse = ",\n"), "}"), file.path(folder, paste0(name, ".json")))
}
