"""``spcomms import communications FILE``, through call_command and as a real process."""

from __future__ import annotations

import json
import sqlite3
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from spcomms.communications.models import Communication
from tests.communications.importing.conftest import (
    GOOD_CSV,
    GOOD_REPLIES_CSV,
    LI_WEN,
    WriteFile,
    good,
    row_counts,
)
from tests.console import run_console, run_on_terminal

FIRST_IMPORT = (
    "Imported communications.json (JSON): 3 communications: 3 created, 0 updated, 0 unchanged; "
    "3 persons: 3 created, 0 updated, 0 unchanged; 4 named in all; 2 consent records added; "
    "2 replies.\n"
    "No new person looks like a person already recorded.\n"
)


def _call(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_communications", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_it_prints_one_summary_line_and_no_progress_off_a_terminal(
    reference: None, write_file: WriteFile
) -> None:
    out, err = _call(str(write_file(good())))

    assert out == FIRST_IMPORT
    assert err == ""


@pytest.mark.django_db
def test_a_csv_file_and_its_replies_are_imported_and_a_second_run_changes_nothing(
    reference: None, write_file: WriteFile
) -> None:
    path = write_file(GOOD_CSV, "letters.csv")
    replies = write_file(GOOD_REPLIES_CSV, "replies.csv")
    _call(str(path), "--replies", str(replies))

    out, _err = _call(str(path), "--replies", str(replies))

    assert out.startswith(
        "Imported letters.csv (CSV): 3 communications: 0 created, 0 updated, 3 unchanged; "
        "3 persons: 0 created, 0 updated, 3 unchanged;"
    )
    assert out.endswith("0 consent records added; 2 replies.\n")


@pytest.mark.django_db
def test_without_replies_the_summary_says_they_were_left_alone(
    reference: None, write_file: WriteFile
) -> None:
    out, _err = _call(str(write_file(GOOD_CSV, "letters.csv")))

    assert out.splitlines()[0].endswith("; replies left as they were.")


@pytest.mark.django_db
def test_the_format_option_reads_a_file_whatever_its_name(
    reference: None, write_file: WriteFile
) -> None:
    out, _err = _call(str(write_file(good(), "export.txt")), "--format", "json")

    assert "(JSON): 3 communications" in out


@pytest.mark.django_db
def test_a_bad_file_is_a_command_error_listing_the_problems(
    reference: None, write_file: WriteFile
) -> None:
    document = good()
    document["communications"][0]["mandates"]["lead"] = "sr-hdr"
    document["communications"][1]["sent_on"] = "2016-13-01"
    before = row_counts()

    with pytest.raises(CommandError) as refused:
        _call(str(write_file(document, "bad.json")))

    assert str(refused.value).splitlines() == [
        "bad.json was not imported and nothing was written: 2 problems.",
        "  communications[0].mandates.lead: unknown mandate code 'sr-hdr'. Did you mean sr-hrd?",
        "  communications[1].sent_on: '2016-13-01' is not a date that exists.",
        "Correct the file and import it again.",
    ]
    assert row_counts() == before


@pytest.mark.django_db
def test_the_list_of_problems_stops_at_fifty(reference: None, write_file: WriteFile) -> None:
    rows = "".join(f"UA KEN {n}/2016,2016-01-05,Arrest,sr-hrd,XXX\n" for n in range(1, 61))
    path = write_file("reference,sent_on,subject,lead_mandate,states\n" + rows, "many.csv")

    with pytest.raises(CommandError) as refused:
        _call(str(path))

    lines = str(refused.value).splitlines()
    assert lines[0] == "many.csv was not imported and nothing was written: 60 problems."
    assert sum(1 for line in lines if "unknown State code 'XXX'" in line) == 50
    assert "  … and 10 more." in lines
    assert not Communication.objects.exists()


# The same command as a user runs it: the installed console script, in a process
# of its own, on a fresh SQLite database.


@pytest.fixture(scope="module")
def instance(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh spcomms instance on SQLite with its reference data, shared by this module."""
    folder = tmp_path_factory.mktemp("instance")
    migrated = run_console(folder, "migrate", "--no-input")
    assert migrated.returncode == 0, migrated.stderr
    loaded = run_console(folder, "reference", "load")
    assert loaded.returncode == 0, loaded.stderr
    return folder


def _count(database: Path, table: str) -> int:
    with sqlite3.connect(database) as connection:
        (count,) = connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()  # noqa: S608  # a table name of this test
    return int(count)


def test_the_console_script_imports_a_file_and_refuses_a_bad_one(
    instance: Path, tmp_path: Path
) -> None:
    database = instance / "spcomms.sqlite3"
    bad_file = tmp_path / "bad.csv"
    bad_file.write_text(GOOD_CSV.replace("wg-business", "wg-busyness"), encoding="utf-8")

    bad = run_console(instance, "import", "communications", str(bad_file))

    assert bad.returncode == 1
    assert "bad.csv was not imported and nothing was written: 1 problem." in bad.stderr
    assert "line 5, column lead_mandate: unknown mandate code 'wg-busyness'. Did you mean " in (
        bad.stderr
    )
    assert "Traceback" not in bad.stderr
    assert LI_WEN not in bad.stderr
    assert bad.stdout == ""
    assert _count(database, "communications_communication") == 0
    assert _count(database, "cases_person") == 0

    good_file = tmp_path / "communications.json"
    good_file.write_text(json.dumps(good()), encoding="utf-8")
    imported = run_console(instance, "import", "communications", str(good_file))

    assert imported.returncode == 0, imported.stderr
    assert imported.stdout == FIRST_IMPORT
    assert imported.stderr == ""
    assert _count(database, "communications_communication") == 3
    assert _count(database, "cases_person") == 3


def test_the_console_script_explains_itself(instance: Path) -> None:
    result = run_console(instance, "import", "communications", "--help")

    assert result.returncode == 0
    assert "--replies" in result.stdout
    assert "JSON" in result.stdout


def test_a_terminal_sees_a_progress_bar(instance: Path, tmp_path: Path) -> None:
    """On a terminal the import shows progress on stderr; the summary still goes to stdout."""
    path = tmp_path / "letters.csv"
    path.write_text(GOOD_CSV, encoding="utf-8")
    process, terminal = run_on_terminal(instance, "import", "communications", str(path))

    assert process.returncode == 0
    assert process.stdout.startswith("Imported letters.csv (CSV)")
    assert b"Checking" in terminal
