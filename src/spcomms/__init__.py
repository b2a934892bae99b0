"""spcomms: UN Special Procedures communications about human rights defenders."""

__version__ = "0.1.0"
