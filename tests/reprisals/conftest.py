"""Fixtures for the reprisal register: the intake's private folder (and a clean cache
around each test, as for the intake's own tests), and the source persona."""

from __future__ import annotations

from tests.intake.conftest import intake_dir
from tests.web.conftest import source_organisation

# The intake's autouse fixture and the persona fixture, shared with those tests.
__all__ = ["intake_dir", "source_organisation"]
