# The random-intercept model by country fitted by R's lme4, independently of spcomms, on three
# invented fixtures: clustered.csv beside this script (600 cases, 36 countries, country SD 0.8),
# cases.csv beside it (300 cases, 12 countries, no country effect drawn) and
# ../model/cases.csv (460 cases, where the country variance is estimated at zero). Writes
# mixed.json beside this script.
# Run: Rscript tests/analysis/r/mixed.R tests/analysis/r  (needs r-base-core and r-cran-lme4
# from Debian). tests/analysis/model/test_mixed.py compares spcomms to the frozen output, and
# reruns this script when Rscript and lme4 are installed.
suppressPackageStartupMessages(library(lme4))

args <- commandArgs(trailingOnly = TRUE)
folder <- if (length(args) > 0) args[1] else "."
source(file.path(folder, "common.R"))
mixed <- update(formula, . ~ . + (1 | country))


fit_file <- function(path) {
  data <- read.csv(path)
  ml <- glm(formula, family = binomial, data = data,
            control = glm.control(epsilon = 1e-14, maxit = 100))
  # Adaptive Gauss-Hermite quadrature with 25 nodes; bobyqa run to a small trust radius and
  # the conditional modes to a tight tolerance, so that the optimum is found to about 1e-7.
  fit <- suppressMessages(glmer(
    mixed, family = binomial, data = data, nAGQ = 25,
    control = glmerControl(optimizer = "bobyqa", tolPwrss = 1e-10,
                           optCtrl = list(maxfun = 1e5, rhoend = 1e-10))))
  # vcov() of a glmer fit inverts lme4's finite-difference Hessian of the deviance over
  # (theta, beta) and keeps the beta block.
  se <- sqrt(diag(as.matrix(vcov(fit))))
  ll_glm <- as.numeric(logLik(ml))
  ll <- as.numeric(logLik(fit))
  lr <- 2 * (ll - ll_glm)
  c(
    sprintf('    "terms": [%s]', paste0('"', names(fixef(fit)), '"', collapse = ", ")),
    sprintf('    "optimizer_code": %d', fit@optinfo$conv$opt),
    sprintf('    "singular": %s', if (isSingular(fit)) "true" else "false"),
    sprintf('    "countries": %d', ngrps(fit)[["country"]]),
    sprintf('    "coef": %s', num(fixef(fit))),
    sprintf('    "se": %s', num(se)),
    sprintf('    "country_sd": %.17g', getME(fit, "theta")[[1]]),
    sprintf('    "loglik": %.17g', ll),
    sprintf('    "aic": %.17g', AIC(fit)),
    sprintf('    "loglik_glm": %.17g', ll_glm),
    sprintf('    "lr_statistic": %.17g', lr),
    sprintf('    "lr_p": %.17g', 0.5 * pchisq(lr, df = 1, lower.tail = FALSE))
  )
}

files <- list(
  clustered = file.path(folder, "clustered.csv"),
  cases = file.path(folder, "cases.csv"),
  zero = file.path(folder, "..", "model", "cases.csv")
)
out <- c(
  sprintf('  "r_version": "%s"', R.version.string),
  sprintf('  "lme4_version": "%s"', as.character(packageVersion("lme4")))
)
for (name in names(files)) {
  out <- c(out, sprintf('  "%s": {\n%s\n  }', name,
                        paste(fit_file(files[[name]]), collapse = ",\n")))
}
writeLines(c("{", paste(out, collapse = ",\n"), "}"), file.path(folder, "mixed.json"))
