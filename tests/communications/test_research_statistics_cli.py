"""``spcomms stats replies``, ``stats outcomes`` and ``stats reprisals``: text, JSON and refusals.

The figures are those counted by hand in test_research_statistics.py; here they are
read back through the command as a user types it.
"""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from spcomms.communications.models import Communication
from spcomms.demo.models import SyntheticDataset
from tests import factories
from tests.core.test_settings import run_spcomms
from tests.reprisals.builders import allegation

pytestmark = pytest.mark.usefixtures("reference")

PERIOD = ("--from", "2015-01-01", "--to", "2015-12-31")


def at(year: int, month: int, day: int) -> dt.datetime:
    return dt.datetime(year, month, day, 9, tzinfo=dt.UTC)


def stats(command: str, *args: str) -> str:
    out = StringIO()
    call_command(f"stats_{command}", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def two_communications() -> list[Communication]:
    """Two communications of 2015 to Colombia, each naming one person; the first got a
    reply classed *steps taken* addressing its person, the second none (deadline passed)."""
    made = []
    for month in (2, 5):
        person = factories.person(name=f"Person {month}")
        made.append(
            factories.communication(country="COL", sent_at=at(2015, month, 1), persons=(person,))
        )
    answer = factories.reply(to=made[0], received_on=dt.date(2015, 3, 1))
    answer.persons_addressed.set(made[0].named.all())
    return made


def test_replies_as_json_carry_every_count_its_share_and_n(
    two_communications: list[Communication],
) -> None:
    data = json.loads(stats("replies", *PERIOD, "--json"))
    assert data["version"] == 1
    assert data["synthetic"] is False
    assert data["period"] == {"from": "2015-01-01", "to": "2015-12-31"}
    tables = {table["key"]: table for table in data["tables"]}
    overall = tables["replies-overall"]
    assert overall["n"] == 2
    communications = next(r for r in overall["rows"] if r["key"] == "communications")
    assert communications["n"] == 2
    assert communications["cells"]["steps_taken"] == {"count": 1, "share": 0.5}
    assert communications["cells"]["no_reply"] == {"count": 1, "share": 0.5}
    assert communications["replied"] == 1
    assert communications["reply_rate"] == 0.5
    region = tables["replies-region-cases"]
    latin = next(r for r in region["rows"] if r["key"] == "latin_america_caribbean")
    assert latin["n"] == 2
    africa = next(r for r in region["rows"] if r["key"] == "africa")
    assert africa["cells"]["steps_taken"] == {"count": 0, "share": None}
    assert "label" not in json.dumps(data)


def test_replies_as_text_show_count_share_and_the_cases_behind_each_table(
    two_communications: list[Communication],
) -> None:
    text = stats("replies", *PERIOD, "--table", "replies-overall")
    assert "Reply classes overall" in text
    assert "n = 2 communications and persons named (cases); communications sent from " in text
    line = next(line for line in text.splitlines() if "Per communication" in line)
    assert "1 (50.0 %)" in line
    assert "Reply classes by region" not in text  # one table only


def test_outcomes_and_reprisals_in_an_empty_period_say_so() -> None:
    text = stats("outcomes", "--from", "2001-01-01", "--to", "2001-12-31")
    assert "n = 0 persons named (cases) with a one-year assessment" in text
    assert "0 (—)" in text
    reprisals = stats("reprisals", "--from", "2001-01-01", "--to", "2001-12-31")
    assert "Nothing to count in this period." in reprisals


def test_reprisals_as_json_per_state_and_year() -> None:
    allegation(country="BHR", reported_on=dt.date(2015, 3, 1), sg_report_year=2015)
    allegation(country="BHR", reported_on=dt.date(2015, 9, 1), sg_report_year=2015)
    data = json.loads(stats("reprisals", *PERIOD, "--json"))
    (table,) = data["tables"]
    assert table["key"] == "reprisals"
    assert table["columns"] == ["2015"]
    assert table["rows"] == [
        {"key": "BHR", "n": 2, "cells": {"2015": {"count": 2, "share": None}}},
    ]


def test_the_synthetic_label_shows_when_the_data_are_synthetic() -> None:
    SyntheticDataset.objects.create(seed=0, scale=1)
    assert stats("outcomes", *PERIOD).startswith("These figures are computed from synthetic data")
    assert json.loads(stats("outcomes", *PERIOD, "--json"))["synthetic"] is True


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--from", "2015-13-01", "--to", "2015-12-31"), "--from 2015-13-01 is not a date"),
        (("--from", "2016-01-01", "--to", "2015-12-31"), "is after its end"),
        ((*PERIOD, "--mandate", "nope"), "There is no mandate with the code nope"),
        ((*PERIOD, "--table", "nope"), "There is no table nope here"),
    ],
)
def test_bad_input_is_refused_with_exit_status_2(args: tuple[str, ...], message: str) -> None:
    with pytest.raises(CommandError, match=message) as refused:
        stats("replies", *args)
    assert refused.value.returncode == 2


def test_the_installed_command_exits_2_without_a_traceback(tmp_path: Path) -> None:
    result = run_spcomms(tmp_path, "stats", "outcomes", "--from", "yesterday", "--to", "2015-12-31")
    assert result.returncode == 2
    assert "--from yesterday is not a date" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
