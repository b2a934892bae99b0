"""Follow-up assessments: what became of each named person, and the perceived impact."""
