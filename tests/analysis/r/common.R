# What the R scripts beside it share, read with source(file.path(folder, "common.R")): the model
# of seed 000 Table 1, and numbers written for JSON (17 significant digits, NA as null).
formula <- improved ~ cy_polity + cy_fragility + upr_1y + cy_aid_dependency + reply +
  n_mentions + business + v_arbitrary_detention + v_torture + v_conviction +
  v_disciplinary_measures + v_administrative_harassment + minority + female_trans

num <- function(x) {
  x <- unname(x)
  paste0("[", paste(ifelse(is.na(x), "null", sprintf("%.17g", x)), collapse = ", "), "]")
}
