"""The public record has no tables of its own: it reads the published communications."""
