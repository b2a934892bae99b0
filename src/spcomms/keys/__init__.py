"""The master key's life: its status and its rotation (ADR 10)."""
