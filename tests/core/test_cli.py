"""The ``spcomms`` command: sentences of two words, demo mode, clean errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from spcomms.cli import demo_environment, resolve
from tests.core.test_settings import run_spcomms


def test_two_words_name_one_command() -> None:
    assert resolve(["reference", "load"]) == ["reference_load"]
    assert resolve(["import", "covariates", "file.csv", "--format", "vdem"]) == [
        "import_covariates",
        "file.csv",
        "--format",
        "vdem",
    ]


def test_single_commands_and_options_pass_through() -> None:
    assert resolve(["migrate", "--plan"]) == ["migrate", "--plan"]
    assert resolve(["check", "--deploy"]) == ["check", "--deploy"]
    assert resolve(["reference"]) == ["reference"]


def test_the_demo_runs_in_demo_mode_on_its_own_database(tmp_path: Path) -> None:
    environ = {"SPCOMMS_VAR_DIR": str(tmp_path)}
    demo_environment(environ)
    assert environ["SPCOMMS_ENV"] == "demo"
    assert environ["DATABASE_URL"] == f"sqlite:///{tmp_path.resolve() / 'demo.sqlite3'}"


def test_the_demo_keeps_an_explicit_database(tmp_path: Path) -> None:
    environ = {"DATABASE_URL": "postgres://postgres@127.0.0.1/x"}
    demo_environment(environ)
    assert environ["DATABASE_URL"] == "postgres://postgres@127.0.0.1/x"


def test_help_lists_the_project_commands(tmp_path: Path) -> None:
    result = run_spcomms(tmp_path, "help")
    assert result.returncode == 0
    assert "reference_load" in result.stdout


def test_an_unknown_command_fails_without_a_traceback(tmp_path: Path) -> None:
    result = run_spcomms(tmp_path, "fly", "away")
    assert result.returncode != 0
    assert "Unknown command: 'fly'" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["stats", "replies", "--from", "2015-01-01", "--to", "2015-12-31"],
        ["reference", "load"],
        ["persons", "duplicates"],
    ],
)
def test_a_command_on_a_database_never_migrated_says_to_migrate_without_a_traceback(
    tmp_path: Path, args: list[str]
) -> None:
    result = run_spcomms(tmp_path, *args)
    assert result.returncode == 1
    assert "spcomms: the database refused: no such table: " in result.stderr
    assert "run `spcomms migrate`" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_database_refusal_shows_only_its_first_line() -> None:
    from django.db import IntegrityError

    from spcomms.cli import database_refusal

    refusal = IntegrityError(
        'duplicate key value violates unique constraint "x"\nDETAIL: Key (name)=(secret).'
    )
    assert database_refusal(refusal) == (
        'spcomms: the database refused: duplicate key value violates unique constraint "x"\n'
    )


@pytest.mark.parametrize("args", [["reference", "load"]])
def test_a_fresh_instance_migrates_and_loads_reference_data(
    tmp_path: Path, args: list[str]
) -> None:
    assert run_spcomms(tmp_path, "migrate", "--no-input").returncode == 0
    result = run_spcomms(tmp_path, *args)
    assert result.returncode == 0, result.stderr
    assert "249 countries" in result.stdout
    again = run_spcomms(tmp_path, *args)
    assert "0 countries" in again.stdout
