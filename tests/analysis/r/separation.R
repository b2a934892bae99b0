# The separation check of spcomms redone in R, independently of it, with Debian's lpSolve:
# Konis's (2007) linear programmes on every sample of separation_samples.csv.
# Writes separation.json beside the CSV.
# Run: Rscript tests/analysis/r/separation.R tests/analysis/r  (needs r-base-core and
# r-cran-lpsolve). tests/analysis/model/test_separation_r.py compares spcomms to the frozen
# verdicts, and reruns this script when Rscript and lpSolve are installed.
suppressPackageStartupMessages(library(lpSolve))

args <- commandArgs(trailingOnly = TRUE)
folder <- if (length(args) > 0) args[1] else "."
source(file.path(folder, "common.R"))
tolerance <- 1e-7

# With s = +1 for an improved case and -1 otherwise, and each column of the model matrix
# divided by its largest absolute value, A = s * X. Separation: some b with A b >= 0 and
# sum(A b) > 0. lpSolve's variables are non-negative, so b = w - 1 with 0 <= w <= 2.
verdict <- function(data) {
  x <- model.matrix(formula, data)
  scale <- apply(abs(x), 2, max)
  scale[scale == 0] <- 1
  a <- sweep(x, 2, scale, "/") * ifelse(data$improved > 0.5, 1, -1)
  k <- ncol(a)
  bounds <- diag(k)
  first <- lp("max", colSums(a),
              rbind(a, bounds), c(rep(">=", nrow(a)), rep("<=", k)),
              c(rowSums(a), rep(2, k)))
  optimum <- first$objval - sum(a)
  if (first$status != 0 || optimum <= tolerance * nrow(a)) {
    return(list(found = FALSE, kind = "none", directions = character(0)))
  }
  b <- first$solution - 1
  moving <- abs(b) > tolerance
  directions <- sprintf('"%s": %d', colnames(x)[moving], as.integer(sign(b[moving])))
  # Complete separation: a margin t > 0 with A b >= t in every row, |b| <= 1, t <= 1.
  # Variables (w, t), b = w - 1: A w - t >= A 1.
  second <- lp("max", c(rep(0, k), 1),
               rbind(cbind(a, -1), cbind(bounds, 0), c(rep(0, k), 1)),
               c(rep(">=", nrow(a)), rep("<=", k), "<="),
               c(rowSums(a), rep(2, k), 1))
  complete <- second$status == 0 && second$objval > tolerance
  list(found = TRUE, kind = if (complete) "complete" else "quasi-complete",
       directions = directions)
}

every <- read.csv(file.path(folder, "separation_samples.csv"))
lines <- character(0)
for (name in unique(every$sample)) {
  result <- verdict(every[every$sample == name, ])
  lines <- c(lines, sprintf(
    '    "%s": {"found": %s, "kind": "%s", "directions": {%s}}',
    name, if (result$found) "true" else "false", result$kind,
    paste(result$directions, collapse = ", ")))
}
writeLines(c(
  "{",
  sprintf('  "r_version": "%s",', R.version.string),
  sprintf('  "lpSolve_version": "%s",', as.character(packageVersion("lpSolve"))),
  '  "samples": {',
  paste(lines, collapse = ",\n"),
  "  }",
  "}"
), file.path(folder, "separation.json"))
