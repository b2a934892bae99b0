"""``spcomms dataset cases`` as a user runs it: the installed console script, in a process
of its own, on a fresh SQLite instance. Refusals exit 2 with one clear line, no traceback
and no file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SPCOMMS = Path(sys.executable).with_name("spcomms")


def _environment(folder: Path) -> dict[str, str]:
    environ = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("SPCOMMS_") and key not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    environ["SPCOMMS_VAR_DIR"] = str(folder / "var")
    environ["DATABASE_URL"] = f"sqlite:///{folder / 'spcomms.sqlite3'}"
    return environ


def _run(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # our own console script with arguments from this test
        [str(SPCOMMS), *args],
        env=_environment(folder),
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def instance(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("dataset")
    migrated = _run(folder, "migrate", "--no-input")
    assert migrated.returncode == 0, migrated.stderr
    loaded = _run(folder, "reference", "load")
    assert loaded.returncode == 0, loaded.stderr
    return folder


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2016-02-30"], "--from 2016-02-30 is not a date; write it as YYYY-MM-DD"),
        (["--mandate", "sr-nobody"], "No mandate has the code sr-nobody. Known codes: "),
        (["--sample", "many"], "--sample must be a whole number of at least 1, not many."),
    ],
)
def test_bad_arguments_exit_2_without_a_traceback(
    instance: Path, args: list[str], message: str
) -> None:
    out = instance / "out"
    out.mkdir(exist_ok=True)
    result = _run(instance, "dataset", "cases", "--out", str(out / "cases.csv"), *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert list(out.iterdir()) == []


def test_unknown_extension_and_unwritable_place_exit_2(instance: Path) -> None:
    result = _run(instance, "dataset", "cases", "--out", str(instance / "cases.xlsx"))
    assert result.returncode == 2
    assert "unknown file type .xlsx; use .csv, .parquet, .dta (Stata) or .sav (SPSS)" in (
        result.stderr
    )
    result = _run(instance, "dataset", "cases", "--out", "/proc/spcomms-cases.sav")
    assert result.returncode == 2
    assert "could not be written" in result.stderr
    assert "Traceback" not in result.stderr
    assert not list(instance.glob("cases*"))


def test_an_empty_record_gives_the_header_and_the_dictionary(instance: Path) -> None:
    result = _run(instance, "dataset", "cases", "--out", str(instance / "empty.csv"))
    assert result.returncode == 0, result.stderr
    assert "0 rows written to" in result.stdout
    header = (instance / "empty.csv").read_text().splitlines()
    assert header[0].startswith("person_key,comm_id,comm_ref,comm_type,sent_date,")
    assert len(header) == 1
    assert (instance / "empty.dictionary.csv").read_text().count("\n") == len(
        header[0].split(",")
    ) + 1
    assert (instance / "empty.missing.csv").read_bytes() == b"variable,country,year,rows\r\n"
