"""Formula injection (issue 7): an attacker puts a spreadsheet formula where a CSV export
will carry it (a subject, a State's name, an organisation, a mandate's name, a
covariate's label), hoping a member of staff opens the file in a spreadsheet, which
would run ``=cmd|' /C calc'!A0``. Every CSV writer passes its text cells through one
helper, ``spcomms.core.csvsafe``, which prefixes them with a single quote; numbers stay
numbers, so that ``-3.5`` is still a number in the file."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from spcomms.accounts.models import User
from spcomms.analysis.dataset import Column, Dataset, MissingReport
from spcomms.analysis.writers import Paths, write
from spcomms.cases.models import PersonKind, PublicNaming
from spcomms.communications.models import CommunicationMandate
from spcomms.core.csvsafe import FORMULA_STARTS, neutralise, safe_cell, safe_row
from spcomms.reference.models import Country, Mandate, MandateKind
from tests import factories
from tests.communications.clients import client_for
from tests.reprisals.builders import allegation

SOURCE = Path(__file__).resolve().parents[2] / "src" / "spcomms"
CALC = "=cmd|' /C calc'!A0"
NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def runs_as_formula(cell: str) -> bool:
    """Would a spreadsheet read this cell as a formula?"""
    return cell.startswith(FORMULA_STARTS) and not NUMBER.fullmatch(cell)


def cells(text: str) -> Iterator[str]:
    for row in csv.reader(io.StringIO(text)):
        yield from row


# The rule ----------------------------------------------------------------------------


@given(text=st.text())
def test_no_text_cell_leaves_the_helper_able_to_run_as_a_formula(text: str) -> None:
    shown = neutralise(text)

    assert not runs_as_formula(shown)
    assert shown in (text, "'" + text)  # nothing else is changed: the text stays readable


@given(
    number=st.one_of(
        st.integers(),
        st.floats(allow_nan=False, allow_infinity=False),
        st.decimals(allow_nan=False, allow_infinity=False),
    )
)
def test_numbers_stay_numbers(number: object) -> None:
    assert safe_cell(number) is number
    assert neutralise(str(number)) == str(number)


@pytest.mark.parametrize(
    "attack",
    [CALC, "@SUM(1+1)", "+1-1", "-2+3", "\t=1+1", "\r=1+1", "\uff1d1+1", "-1e3+cmd"],
)
def test_each_formula_start_is_neutralised(attack: str) -> None:
    assert safe_row([attack, -3.5, "-3.5", 7]) == ["'" + attack, -3.5, "-3.5", 7]


def test_every_csv_writer_of_the_package_uses_the_one_helper() -> None:
    """A new CSV writer that forgets the helper fails here, not in a spreadsheet."""
    writers = [
        path
        for path in SOURCE.rglob("*.py")
        if "csv.writer(" in path.read_text(encoding="utf-8")
        or "csv.DictWriter(" in path.read_text(encoding="utf-8")
    ]
    assert len(writers) >= 4  # the public download, statistics, reprisals, the dataset
    for path in writers:
        assert "from spcomms.core.csvsafe import" in path.read_text(encoding="utf-8"), path
    definitions = [
        path
        for path in SOURCE.rglob("*.py")
        if re.search(r"^FORMULA_STARTS\s*=", path.read_text(encoding="utf-8"), re.MULTILINE)
    ]
    assert [path.relative_to(SOURCE).as_posix() for path in definitions] == ["core/csvsafe.py"]


# Each export, through what staff and the public use ------------------------------------------


@pytest.mark.django_db
def test_the_public_download_neutralises_a_subject_a_state_and_an_organisation(
    client: Client, reference: None
) -> None:
    Country.objects.filter(iso3="COL").update(name_en=CALC)
    organisation = factories.person(
        name="+1-1 Collective", kind=PersonKind.ORGANISATION, public_naming=PublicNaming.FULL
    )
    sent = factories.communication(
        country="COL", sent_at=dt.datetime(2016, 3, 1, 9, tzinfo=dt.UTC), persons=(organisation,)
    )
    sent.subject = "@SUM(1+1)"
    sent.save()

    response = client.get("/communications/download.csv")
    text = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]  # a streaming response
    [row] = list(csv.DictReader(line for line in io.StringIO(text) if not line.startswith("#")))

    assert row["addressees"] == "'" + CALC
    assert row["subject"] == "'@SUM(1+1)"
    assert row["persons"] == "'+1-1 Collective"
    assert row["replies_late"] == "0"
    assert not any(runs_as_formula(cell) for cell in cells(text))


@pytest.mark.django_db
def test_the_staff_statistics_download_neutralises_a_mandate_name_and_keeps_its_counts(
    researcher: User,
) -> None:
    mandate = Mandate.objects.create(
        code="formula", kind=MandateKind.values[0], name_en="-2+3", name_fr="-2+3", name_es="-2+3"
    )
    made = factories.communication(country="COL", sent_at=dt.datetime(2015, 2, 1, tzinfo=dt.UTC))
    CommunicationMandate.objects.create(communication=made, mandate=mandate)

    response = client_for(researcher).get(
        "/staff/communications/statistics/replies-mandate-communications.csv"
        "?from=2015-01-01&to=2015-12-31"
    )
    text = response.content.decode()
    rows = [row for row in csv.reader(io.StringIO(text)) if row and not row[0].startswith("#")]

    [mandate_row] = [row for row in rows if row[0].endswith("-2+3")]
    assert mandate_row[0] == "'-2+3"
    assert all(NUMBER.fullmatch(cell) for cell in mandate_row[1:])
    assert not any(runs_as_formula(cell) for cell in cells(text))


@pytest.mark.django_db
def test_the_reprisals_export_command_neutralises_a_state_name(
    reference: None, tmp_path: Path
) -> None:
    Country.objects.filter(iso3="BHR").update(name_en="@SUM(1+1)")
    allegation(country="BHR", summary="+1-1 was the slogan on the banner.")
    out = tmp_path / "reprisals.csv"

    call_command("reprisals_export", "--year", "2016", "--out", str(out), "--format", "csv")

    text = out.read_text(encoding="utf-8")
    assert "'@SUM(1+1)" in text
    assert "'+1-1 was the slogan" in text
    assert not any(runs_as_formula(cell) for cell in cells(text))


def test_the_research_dataset_neutralises_text_and_keeps_negative_numbers(
    tmp_path: Path,
) -> None:
    columns = [
        Column("country", "str", "State addressed", "ISO 3166-1 alpha-3", "spcomms record"),
        Column("polity", "float", CALC, "A covariate a researcher added", "@import"),
        Column("n_named", "int", "Persons named", "Distinct persons", "spcomms record"),
    ]
    dataset = Dataset(
        columns=columns,
        chunks=iter([{"country": ["+1-1", "KEN"], "polity": [-3.5, 9.0], "n_named": [-2, 1]}]),
        report=MissingReport(),
        synthetic=False,
        candidate_rows=2,
        selected_rows=2,
    )

    paths: Paths = write(dataset, tmp_path / "cases.csv")

    data = list(csv.reader(io.StringIO(paths.data.read_text(encoding="utf-8"))))
    assert data[1:] == [["'+1-1", "-3.5", "-2"], ["KEN", "9.0", "1"]]
    dictionary = paths.dictionary.read_text(encoding="utf-8")
    assert "'" + CALC in dictionary
    assert "'@import" in dictionary
    assert not any(runs_as_formula(cell) for cell in cells(dictionary))
