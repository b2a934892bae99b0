"""Fixtures for the persons' tests: the source persona of the web tests."""

from tests.web.conftest import source_organisation

__all__ = ["source_organisation"]
