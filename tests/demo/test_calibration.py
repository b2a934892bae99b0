"""FULL SCALE: the scale-1 dataset meets every published aggregate within its stated tolerance.

This module builds the whole dataset once (about 4,500 letters and 12,000
mentions; some ten seconds on SQLite, more on PostgreSQL) and rolls it back
at the end. The targets, their sources and tolerances are in
``spcomms.demo.targets``.
"""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from pytest_django import Settings

from spcomms.demo.calibration import CalibrationRow, calibration_measure
from spcomms.demo.services import BuildReport
from spcomms.demo.targets import TARGETS

pytestmark = pytest.mark.usefixtures("full_demo", "db")

BUILD_SECONDS_LIMIT = 60


@pytest.fixture
def rows() -> dict[str, CalibrationRow]:
    return {row.target.key: row for row in calibration_measure()}


def test_the_full_scale_build_takes_well_under_a_minute(full_demo: BuildReport) -> None:
    assert full_demo.scale == 1.0
    assert full_demo.seconds < BUILD_SECONDS_LIMIT


@pytest.mark.parametrize("key", [target.key for target in TARGETS])
def test_the_full_scale_dataset_meets_the_published_figure(
    key: str, rows: dict[str, CalibrationRow]
) -> None:
    row = rows[key]
    assert row.measured is not None, f"{row.target.label}: nothing to measure"
    assert row.ok, (
        f"{row.target.label}: measured {row.measured:.4f}, target {row.expected:.4f} "
        f"± {row.allowed:.4f} ({row.target.source})"
    )


def test_many_persons_are_named_in_more_than_one_letter(full_demo: BuildReport) -> None:
    assert 6000 < full_demo.persons < full_demo.mentions - 2000


def test_demo_check_prints_the_table_and_passes(settings: Settings, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path
    out = StringIO()
    call_command("demo", "--check", stdout=out)
    output = out.getvalue()
    assert "already built (seed 0, scale 1.0)" in output
    assert f"All {len(TARGETS)} calibration targets are within their tolerance." in output
    for target in TARGETS:
        assert target.label in output
    assert re.search(r"Region: Asia-Pacific\s+31\.60 %\s+± 1\.50 pp\s+31\.\d\d %", output)
    assert "runs at http://" not in output  # --check does not serve
