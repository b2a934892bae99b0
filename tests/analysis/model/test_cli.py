"""``spcomms model improvement`` as a researcher runs it: the table, the JSON, bad files."""

from __future__ import annotations

import json
import os
import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.analysis.model.make_fixtures import cases
from tests.analysis.test_dataset import Record, record  # noqa: F401 (the fixture)
from tests.console import SPCOMMS

HERE = Path(__file__).parent


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SPCOMMS), "model", "improvement", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=os.environ.copy(),
        check=False,
    )


def test_the_table_puts_the_three_subsets_side_by_side() -> None:
    done = run("--data", str(HERE / "cases.csv"))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    header = next(line for line in lines if "All regime types" in line)
    assert header.index("All regime types") < header.index("Closed regimes")
    assert header.index("Closed regimes") < header.index("Open regimes")
    assert any(line.startswith("Number of mentions by SR") and "***" in line for line in lines)
    observations = next(line for line in lines if line.startswith("Observations")).split()
    assert observations[1:] == ["460", "187", "273"]
    assert "Pseudo-R2 (Nagelkerke)" in done.stdout
    assert "quasi-complete separation" in done.stdout
    assert "Odds ratio" in done.stdout


def test_json_for_one_subset_from_parquet() -> None:
    done = run("--data", str(HERE / "cases.parquet"), "--subset", "open", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["model"] == "logit"
    assert result["outcome"] == "improved"
    assert len(result["predictors"]) == 14
    assert [fit["subset"] for fit in result["fits"]] == ["open"]
    fit = result["fits"][0]
    assert fit["status"] == "fitted"
    assert fit["method"] == "maximum likelihood"
    assert fit["observations"] == 273
    assert fit["separation"] == {"found": False, "kind": "none", "directions": {}}
    names = [term["name"] for term in fit["terms"]]
    assert names == [*result["predictors"], "const"]
    term = fit["terms"][0]
    for key in ("coef", "se", "z", "p", "stars", "odds_ratio", "or_low", "or_high"):
        assert key in term
    assert 0 < fit["cox_snell"] < fit["nagelkerke"] < 1
    assert fit["log_likelihood"] < 0
    assert result["covariates_without_values"] == []


def test_csv_and_parquet_give_the_same_estimates() -> None:
    results = []
    for name in ("cases.csv", "cases.parquet"):
        out = StringIO()
        call_command("model_improvement", "--data", str(HERE / name), "--json", stdout=out)
        results.append(json.loads(out.getvalue()))
    csv, parquet = results
    assert csv["fits"][0]["terms"] == parquet["fits"][0]["terms"]


def command_error(*args: str) -> CommandError:
    """Runs the command in this process (faster than a new one) and returns its error."""
    with pytest.raises(CommandError) as raised:
        call_command("model_improvement", *args, stdout=StringIO(), stderr=StringIO())
    return raised.value


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "the file is empty"),
        ("improved,regime\n1,2\n", "missing column(s): cy_polity"),
        (None, "column reply must hold numbers; row 3 has 'yes'"),
        ("wrong_values", "column business must be 0 or 1 (or empty); row 1 has 2"),
        ("header_only", "the file has no rows"),
    ],
)
def test_bad_files_exit_2_with_the_reason(
    tmp_path: Path, content: str | None, message: str
) -> None:
    path = tmp_path / "bad.csv"
    frame = cases(30, seed=1)
    if content is None:
        frame["reply"] = frame["reply"].astype(object)
        frame.loc[2, "reply"] = "yes"
        frame.to_csv(path, index=False)
    elif content == "wrong_values":
        frame.loc[0, "business"] = 2
        frame.to_csv(path, index=False)
    elif content == "header_only":
        frame.iloc[:0].to_csv(path, index=False)
    else:
        path.write_text(content)
    error = command_error("--data", str(path))
    assert error.returncode == 2
    assert message in str(error)


def test_unknown_type_missing_file_and_garbled_parquet_exit_2(tmp_path: Path) -> None:
    garbled = tmp_path / "cases.parquet"
    garbled.write_bytes(b"not parquet at all")
    for path, message in [
        (tmp_path / "cases.xlsx", "unknown file type .xlsx"),
        (tmp_path / "none.csv", "no such file"),
        (garbled, "not a readable parquet file"),
    ]:
        error = command_error("--data", str(path))
        assert error.returncode == 2
        assert message in str(error)


def test_a_bad_file_run_as_a_program_exits_2_without_traceback(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("improved,regime\n1,2\n")
    done = run("--data", str(path))
    assert done.returncode == 2
    assert "missing column(s): cy_polity" in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""


def test_a_missing_value_in_a_row_leaves_it_out_and_says_so(tmp_path: Path) -> None:
    frame = cases(460, seed=2019)
    frame.loc[:4, "cy_polity"] = None
    path = tmp_path / "gaps.csv"
    frame.to_csv(path, index=False)
    out = StringIO()
    call_command("model_improvement", "--data", str(path), "--subset", "all", stdout=out)
    assert "5 of 460 rows left out for a missing value" in out.getvalue()


def test_data_and_record_options_do_not_mix() -> None:
    error = command_error("--data", str(HERE / "cases.csv"), "--mandate", "sr-hrd")
    assert error.returncode == 2
    assert "--data" in str(error)


@pytest.mark.django_db
def test_an_empty_record_exits_2() -> None:
    with pytest.raises(CommandError) as raised:
        call_command("model_improvement")
    assert raised.value.returncode == 2
    assert "no case" in str(raised.value)


def test_the_record_is_read_through_the_dataset_builder(record: Record) -> None:  # noqa: F811
    out, err = StringIO(), StringIO()
    call_command("model_improvement", "--json", stdout=out, stderr=err)
    result = json.loads(out.getvalue())
    assert result["data"] == "record"
    # A handful of cases: every subset is reported as not fitted, with its reasons.
    for fit in result["fits"]:
        assert fit["status"] == "not fitted"
        assert fit["reasons"]
        assert fit["terms"] == []
