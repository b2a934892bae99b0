"""The follow-up settings are read strictly: a wrong list of months stops the program."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.core.test_settings import run_spcomms


@pytest.mark.parametrize("months", ["", "3,six,12", "0,6", "3,121", "-3"])
def test_a_wrong_list_of_months_stops_the_program_with_a_message(
    tmp_path: Path, months: str
) -> None:
    result = run_spcomms(tmp_path, "check", SPCOMMS_FOLLOWUP_MONTHS=months)
    assert result.returncode == 2
    assert (
        "SPCOMMS_FOLLOWUP_MONTHS must list whole numbers of months from 1 to 120" in result.stderr
    )
    assert "Traceback" not in result.stderr


def test_a_negative_grace_stops_the_program(tmp_path: Path) -> None:
    result = run_spcomms(tmp_path, "check", SPCOMMS_FOLLOWUP_GRACE_DAYS="-1")
    assert result.returncode == 2
    assert "SPCOMMS_FOLLOWUP_GRACE_DAYS must be at least 0" in result.stderr


def test_months_in_any_order_and_repeated_are_read_as_a_sorted_set(tmp_path: Path) -> None:
    result = run_spcomms(
        tmp_path,
        "shell",
        "-c",
        "from django.conf import settings; print(settings.SPCOMMS_FOLLOWUP_MONTHS)",
        SPCOMMS_FOLLOWUP_MONTHS="12, 3,6,3",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("[3, 6, 12]")
