"""``spcomms dataset cases`` as a user runs it: the installed console script, in a process
of its own, on a fresh SQLite instance. Refusals exit 2 with one clear line, no traceback
and no file."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.console import run_console


@pytest.fixture(scope="module")
def instance(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("dataset")
    migrated = run_console(folder, "migrate", "--no-input")
    assert migrated.returncode == 0, migrated.stderr
    loaded = run_console(folder, "reference", "load")
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
    result = run_console(instance, "dataset", "cases", "--out", str(out / "cases.csv"), *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert list(out.iterdir()) == []


def test_unknown_extension_and_unwritable_place_exit_2(instance: Path) -> None:
    result = run_console(instance, "dataset", "cases", "--out", str(instance / "cases.xlsx"))
    assert result.returncode == 2
    assert "unknown file type .xlsx; use .csv, .parquet, .dta (Stata) or .sav (SPSS)" in (
        result.stderr
    )
    result = run_console(instance, "dataset", "cases", "--out", "/proc/spcomms-cases.sav")
    assert result.returncode == 2
    assert "could not be written" in result.stderr
    assert "Traceback" not in result.stderr
    assert not list(instance.glob("cases*"))


def test_an_empty_record_gives_the_header_and_the_dictionary(instance: Path) -> None:
    result = run_console(instance, "dataset", "cases", "--out", str(instance / "empty.csv"))
    assert result.returncode == 0, result.stderr
    assert "0 rows written to" in result.stdout
    header = (instance / "empty.csv").read_text().splitlines()
    assert header[0].startswith("person_key,comm_id,comm_ref,comm_type,sent_date,")
    assert len(header) == 1
    assert (instance / "empty.dictionary.csv").read_text().count("\n") == len(
        header[0].split(",")
    ) + 1
    assert (instance / "empty.missing.csv").read_bytes() == b"variable,country,year,rows\r\n"
