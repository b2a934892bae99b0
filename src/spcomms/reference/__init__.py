"""Reference data: countries, regions, mandates and the vocabularies of the domain."""
