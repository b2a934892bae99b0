"""Staff, mandate-holder, researcher and administrator accounts, and their roles."""
