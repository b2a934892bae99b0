"""Analysis of the record: the research dataset (seed 000) and, later, statistics and models."""
