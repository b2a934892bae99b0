"""Country-year covariates (Polity, fragility, aid dependency, UPR, V-Dem) and their import."""
