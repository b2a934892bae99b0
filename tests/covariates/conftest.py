"""Fixtures for the covariate imports: the public data files and small files of our own."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from spcomms.covariates.models import CountryYearValue

# /work/shared/data beside the repository, as its README describes; a copy
# elsewhere can be named with SPCOMMS_SHARED_DATA.
DEFAULT_SHARED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data"

WriteFile = Callable[..., Path]


@pytest.fixture
def shared_data() -> Path:
    """The public files under shared/data, read in place and never copied."""
    folder = Path(os.environ.get("SPCOMMS_SHARED_DATA", DEFAULT_SHARED_DATA))
    if not (folder / "vdem_simple_1946_2024.csv").is_file():
        pytest.skip(f"the public data files are not at {folder} (set SPCOMMS_SHARED_DATA)")
    return folder


@pytest.fixture
def write_file(tmp_path: Path) -> WriteFile:
    """Write a small file in tmp_path: text is encoded as asked, bytes are written as they are."""

    def write(content: str | bytes, name: str = "covariates.csv", encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
        return path

    return write


def stored(iso3: str, year: int, variable: str) -> float | None:
    """The stored value of one country, year and variable, or None."""
    return (
        CountryYearValue.objects.filter(country__iso3=iso3, year=year, variable__code=variable)
        .values_list("value", flat=True)
        .first()
    )
