"""The audit log: who did what to which object, when; never the content."""
