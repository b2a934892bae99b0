"""Persons (individuals, organisations, groups), their consent, and their case files."""
