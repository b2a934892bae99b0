"""The register of reprisals against those who cooperated with the UN."""
