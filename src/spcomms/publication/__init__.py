"""The public record: published pages, search and open data."""
