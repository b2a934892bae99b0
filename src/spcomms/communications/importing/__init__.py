"""Importing an organisation's communications from JSON or CSV (see docs/import.md)."""
