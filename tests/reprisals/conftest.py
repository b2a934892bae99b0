"""Fixtures for the reprisal register: the intake's private folder, and builders."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.cache import cache
from pytest_django import Settings

from tests.web.conftest import source_organisation

__all__ = ["source_organisation"]  # the persona fixture, shared with the web tests


@pytest.fixture(autouse=True)
def intake_dir(settings: Settings, tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "media" / "intake"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SPCOMMS_INTAKE_DIR = folder
    cache.clear()
    yield folder
    cache.clear()
