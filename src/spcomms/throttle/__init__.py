"""Rate limits shared by every server process: counts of attempts per hashed subject."""
