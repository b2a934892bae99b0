"""Persons (individuals, organisations, groups), their consent, and the case files that name them."""
