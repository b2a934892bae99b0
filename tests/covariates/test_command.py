"""``spcomms import covariates FILE``, through call_command and as a real process."""

from __future__ import annotations

import sqlite3
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from spcomms.covariates.models import CountryYearValue
from tests.console import run_console, run_on_terminal
from tests.covariates.conftest import WriteFile, stored


def _call(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_covariates", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_it_prints_one_summary_line_and_no_progress_off_a_terminal(
    reference: None, shared_data: Path
) -> None:
    out, err = _call(str(shared_data / "wdi" / "ny.gdp.mktp.cd.csv"))

    assert out.count("\n") == 1
    assert out.startswith("Imported ny.gdp.mktp.cd.csv (World Bank indicator CSV, NY.GDP.MKTP.CD):")
    assert "Aid dependency: 0 created" in out
    assert "World Bank aggregates (AFE, AFW," in out
    assert "2 codes not in ISO 3166 (CHI, XKX)" in out
    assert err == ""


@pytest.mark.django_db
def test_a_second_run_reports_everything_unchanged(reference: None, write_file: WriteFile) -> None:
    path = write_file("country,year,polity,fragility\nKEN,2015,9,12\nBRA,2015,8,\n")
    _call(str(path))

    out, _err = _call(str(path))

    assert "3 values: 0 created, 0 updated, 3 unchanged." in out


@pytest.mark.django_db
def test_a_bad_file_is_a_command_error_listing_the_problems(
    reference: None, write_file: WriteFile
) -> None:
    path = write_file("country,year,polity\nKEN,2015,eleven\nXYZ,2016,3\n", "bad.csv")

    with pytest.raises(CommandError) as refused:
        _call(str(path))

    assert str(refused.value).splitlines() == [
        "bad.csv was not imported and nothing was written: 2 problems.",
        "  line 2, column polity: 'eleven' is not a number.",
        "  line 3, column country: unknown country code 'XYZ': use an ISO 3166-1 alpha-3 (KEN) "
        "or alpha-2 (KE) code.",
        "Correct the file and import it again.",
    ]
    assert not CountryYearValue.objects.exists()


@pytest.mark.django_db
def test_the_list_of_problems_stops_at_fifty(reference: None, write_file: WriteFile) -> None:
    rows = "".join(f"KEN,{year},high\n" for year in range(1950, 2010))
    path = write_file("country,year,polity\n" + rows)

    with pytest.raises(CommandError) as refused:
        _call(str(path))

    lines = str(refused.value).splitlines()
    assert lines[0].endswith("60 problems.")
    assert sum(1 for line in lines if "is not a number" in line) == 50
    assert "  … and 10 more." in lines


@pytest.mark.django_db
def test_the_format_option_overrides_the_header(reference: None, write_file: WriteFile) -> None:
    path = write_file("country,year,polity\nKEN,2015,9\n")

    with pytest.raises(CommandError, match="the required column country_text_id is missing"):
        _call(str(path), "--format", "vdem")


@pytest.mark.django_db
def test_the_indicator_option_names_a_long_world_bank_file(
    reference: None, write_file: WriteFile
) -> None:
    path = write_file("Country Name,Country Code,Year,Value\nKenya,KEN,2015,70120446896.8359\n")

    out, _err = _call(str(path), "--indicator", "NY.GDP.MKTP.CD")

    assert "(World Bank indicator CSV, NY.GDP.MKTP.CD)" in out
    assert stored("KEN", 2015, "gdp_usd") == 70120446896.8359


# The same command as a user runs it: the installed console script, in a
# process of its own, on a fresh SQLite database.


@pytest.fixture
def instance(tmp_path: Path) -> Path:
    """A fresh spcomms instance on SQLite with its reference data."""
    assert run_console(tmp_path, "migrate", "--no-input").returncode == 0
    loaded = run_console(tmp_path, "reference", "load")
    assert loaded.returncode == 0, loaded.stderr
    return tmp_path


def _count_values(database: Path) -> int:
    with sqlite3.connect(database) as connection:
        (count,) = connection.execute("SELECT COUNT(*) FROM covariates_countryyearvalue").fetchone()
    return int(count)


def test_the_console_script_imports_a_file_and_refuses_a_bad_one(
    instance: Path, shared_data: Path, write_file: WriteFile
) -> None:
    good = run_console(
        instance, "import", "covariates", str(shared_data / "vdem_simple_1946_2024.csv")
    )
    assert good.returncode == 0, good.stderr
    assert good.stdout.startswith("Imported vdem_simple_1946_2024.csv (V-Dem country-year CSV)")
    assert good.stderr == ""
    before = _count_values(instance / "spcomms.sqlite3")
    assert before > 60000

    bad_file = write_file("country,year,polity\nKEN,2015,12\n", "polity.csv")
    bad = run_console(instance, "import", "covariates", str(bad_file))

    assert bad.returncode == 1
    assert "polity.csv was not imported and nothing was written: 1 problem." in bad.stderr
    assert "line 2, column polity: 12 is outside the range of polity (from -10 to 10)." in (
        bad.stderr
    )
    assert "Traceback" not in bad.stderr
    assert bad.stdout == ""
    assert _count_values(instance / "spcomms.sqlite3") == before


def test_the_console_script_explains_itself(tmp_path: Path) -> None:
    result = run_console(tmp_path, "import", "covariates", "--help")

    assert result.returncode == 0
    assert "World Bank" in result.stdout
    assert "--indicator" in result.stdout


def test_a_terminal_sees_a_progress_bar(instance: Path, shared_data: Path) -> None:
    """On a terminal the import shows progress on stderr; the summary still goes to stdout."""
    process, terminal = run_on_terminal(
        instance, "import", "covariates", str(shared_data / "wdi" / "dt.oda.odat.cd.csv")
    )

    assert process.returncode == 0
    assert process.stdout.startswith("Imported dt.oda.odat.cd.csv")
    assert b"Checking" in terminal
