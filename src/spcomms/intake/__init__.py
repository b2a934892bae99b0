"""Submissions from defenders and NGOs, receipt codes, messages and attachments."""
