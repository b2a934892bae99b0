"""``spcomms import assessments FILE``: hand-coded outcomes, CSV and JSON, idempotent, every
error by row and field, nothing written on error (issue 5)."""

from __future__ import annotations

import json
import subprocess
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from spcomms.audit.models import AuditEvent
from spcomms.cases.models import Person
from spcomms.communications.models import CommunicationPerson
from spcomms.followup.models import Assessment, Channel
from spcomms.followup.schedule import build
from tests.communications.importing.conftest import good
from tests.console import SPCOMMS

pytestmark = pytest.mark.django_db

HEADER = (
    "reference,person_key,period_months,development,source,information_level,"
    "impact_attention,impact_communication,negative_impact,assessed_on,basis,comment\n"
)
GOOD_CSV = HEADER + (
    "UA CHN 5/2016,ngo-1,12,somewhat_better,survey,complete,probably_yes,definitely_yes,"
    "false,2017-03-05,,Released on bail in May\n"
    "UA CHN 5/2016,ngo-2,12,same,desk,limited,,,,,Press reports of March 2017,\n"
    "AL CHN 9/2016,ngo-1,6,much_worse,desk,complete,,,yes,2017-01-20,Trial monitoring notes,\n"
)
GOOD_JSON: list[dict[str, Any]] = [
    {
        "reference": "UA CHN 5/2016",
        "person_key": "ngo-1",
        "period_months": 12,
        "development": "somewhat_better",
        "source": "survey",
        "information_level": "complete",
        "impact_attention": "probably_yes",
        "impact_communication": "definitely_yes",
        "negative_impact": False,
        "assessed_on": "2017-03-05",
        "comment": "Released on bail in May",
    },
    {
        "reference": "AL CHN 9/2016",
        "person_key": "ngo-1",
        "period_months": 6,
        "development": "much_worse",
        "source": "desk",
        "information_level": "complete",
        "negative_impact": True,
    },
]


@pytest.fixture
def communications(reference: None, tmp_path: Path) -> None:
    """The communications of the communications-import tests, imported as a user would."""
    path = tmp_path / "communications.json"
    path.write_text(json.dumps(good()), encoding="utf-8")
    call_command("import_communications", str(path), stdout=StringIO())


def _write(tmp_path: Path, content: str | bytes | list[Any] | dict[str, Any], name: str) -> Path:
    path = tmp_path / name
    if isinstance(content, list | dict):
        content = json.dumps(content)
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def _import(path: Path, *options: str) -> str:
    out = StringIO()
    call_command("import_assessments", str(path), *options, stdout=out)
    return out.getvalue()


def _refused(path: Path, *options: str) -> str:
    before = (Assessment.objects.count(), AuditEvent.objects.count())
    with pytest.raises(CommandError) as refused:
        _import(path, *options)
    assert (Assessment.objects.count(), AuditEvent.objects.count()) == before
    message = str(refused.value)
    assert "nothing was written" in message
    return message


def _mention(reference_number: int, key: str) -> CommunicationPerson:
    return CommunicationPerson.objects.get(
        communication__ref_number=reference_number, person__external_key=key
    )


def test_a_csv_file_is_imported_and_importing_it_again_writes_nothing(
    communications: None, tmp_path: Path
) -> None:
    path = _write(tmp_path, GOOD_CSV, "assessments.csv")
    assert _import(path) == "Imported assessments.csv (CSV): 3 assessments added, 0 unchanged.\n"
    first = Assessment.objects.get(case=_mention(5, "ngo-1"), period_months=12)
    assert (first.development, first.source, first.information_level) == (
        "somewhat_better",
        "survey",
        "complete",
    )
    assert (first.impact_attention, first.impact_communication) == (
        "probably_yes",
        "definitely_yes",
    )
    assert first.channel == Channel.IMPORT
    assert str(first.assessed_on) == "2017-03-05"
    desk = Assessment.objects.get(case=_mention(5, "ngo-2"))
    assert desk.basis == "Press reports of March 2017"
    # Without a date, the assessment is dated on its due date: 1 March 2016 + 12 months.
    assert str(desk.assessed_on) == "2017-03-01"
    assert Assessment.objects.get(case=_mention(9, "ngo-1")).negative_impact is True
    audits = AuditEvent.objects.filter(action="followup.import").count()

    assert _import(path) == "Imported assessments.csv (CSV): 0 assessments added, 3 unchanged.\n"
    assert Assessment.objects.count() == 3
    assert AuditEvent.objects.filter(action="followup.import").count() == audits == 1


def test_the_comment_and_basis_are_encrypted_at_rest(communications: None, tmp_path: Path) -> None:
    _import(_write(tmp_path, GOOD_CSV, "assessments.csv"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT comment, basis FROM followup_assessment")
        stored = " ".join(str(cell) for row in cursor.fetchall() for cell in row)
    assert "bail" not in stored
    assert "Press reports" not in stored


def test_a_json_file_as_a_list_or_an_object_gives_the_same_assessments(
    communications: None, tmp_path: Path
) -> None:
    assert "2 assessments added" in _import(_write(tmp_path, GOOD_JSON, "a.json"))
    assert "0 assessments added, 2 unchanged" in _import(
        _write(tmp_path, {"assessments": GOOD_JSON}, "b.json")
    )


def test_a_changed_value_adds_an_assessment_that_counts_and_keeps_the_earlier_one(
    communications: None, tmp_path: Path
) -> None:
    _import(_write(tmp_path, GOOD_JSON, "a.json"))
    changed = [dict(GOOD_JSON[0], development="much_better"), GOOD_JSON[1]]
    assert "1 assessments added, 1 unchanged" in _import(_write(tmp_path, changed, "b.json"))
    mention = _mention(5, "ngo-1")
    (follow_up,) = build(
        CommunicationPerson.objects.filter(pk=mention.pk).select_related("communication"),
        months=[12],
    )
    assert [a.development for a in follow_up.assessments] == ["much_better", "somewhat_better"]
    assert follow_up.latest is not None
    assert follow_up.latest.development == "much_better"


def test_a_person_merged_into_another_is_found_by_their_own_key(
    communications: None, tmp_path: Path
) -> None:
    Person.objects.filter(external_key="ngo-2").update(
        merged_into=Person.objects.get(external_key="ngo-1")
    )
    row = HEADER + "UA CHN 5/2016,ngo-2,12,same,desk,limited,,,,,Reports,\n"
    assert "1 assessments added" in _import(_write(tmp_path, row, "m.csv"))
    assert Assessment.objects.get().case == _mention(5, "ngo-2")


@pytest.mark.parametrize(
    ("row", "where", "message"),
    [
        ("UA CHN 5/2016,ngo-1,0,same,desk,limited", "column period_months", "from 1 to 120"),
        ("UA CHN 5/2016,ngo-1,twelve,same,desk,limited", "column period_months", "'twelve'"),
        ("UA CHN 5/2016,ngo-1,12,better,desk,limited", "column development", "much_better"),
        ("UA CHN 5/2016,ngo-1,12,same,phone,limited", "column source", "survey, desk"),
        ("UA CHN 5/2016,ngo-1,12,same,desk,poor", "column information_level", "complete"),
        (
            "UA CHN 5/2016,ngo-1,12,same,desk,limited,maybe",
            "column impact_attention",
            "do_not_know",
        ),
        (
            "UA CHN 5/2016,ngo-1,12,same,desk,limited,,,often",
            "column negative_impact",
            "true or false",
        ),
        ("UA CHN 5/2016,ngo-1,12,same,desk,limited,,,,2017-02-30", "column assessed_on", "exists"),
        (
            "UA CHN 5/2016,ngo-1,12,same,desk,limited,,,,01/03/2017",
            "column assessed_on",
            "YYYY-MM-DD",
        ),
        ("UA CHN 5/2016,,12,same,desk,limited", "column person_key", "required"),
        (",ngo-1,12,same,desk,limited", "column reference", "required"),
        ("UA CHINA 5/2016,ngo-1,12,same,desk,limited", "column reference", "UA CHN 5/2016"),
        (
            "UA CHN 6/2016,ngo-1,12,same,desk,limited",
            "column reference",
            "Import the communications",
        ),
        ("UA CHN 5/2016,ngo-9,12,same,desk,limited", "column person_key", "no person has the key"),
        (
            "AL OTH 2/2017,ngo-1,12,same,desk,limited",
            "column person_key",
            "not named in AL OTH 2/2017",
        ),
    ],
)
def test_a_bad_value_is_refused_with_its_line_and_column(
    communications: None, tmp_path: Path, row: str, where: str, message: str
) -> None:
    good_row = "AL CHN 9/2016,ngo-1,6,same,desk,limited\n"
    text = _refused(_write(tmp_path, HEADER + good_row + row + "\n", "bad.csv"))
    assert f"line 3, {where}: " in text
    assert message in text
    assert "line 2" not in text


def test_every_problem_of_a_file_is_listed_at_once(communications: None, tmp_path: Path) -> None:
    rows = (
        "UA CHN 5/2016,ngo-1,0,same,desk,limited\n"
        "UA CHN 5/2016,ngo-2,12,better,phone,limited\n"
        "UA CHN 5/2016,ngo-1,12,same,desk,limited\n"
        "UA CHN 5/2016,ngo-1,12,same,desk,complete\n"
    )
    text = _refused(_write(tmp_path, HEADER + rows, "bad.csv"))
    assert "4 problems" in text
    assert "line 2, column period_months" in text
    assert "line 3, column development" in text
    assert "line 3, column source" in text
    assert "line 5, column period_months: line 4 already gives" in text


def test_a_name_or_comment_is_never_quoted_in_a_message(
    communications: None, tmp_path: Path
) -> None:
    row = "UA CHN 5/2016,ngo-1,12,Li Wen was freed,desk,limited,,,,,,Secret comment\n"
    text = _refused(_write(tmp_path, HEADER + row, "bad.csv"))
    assert "column development" in text
    assert "Secret comment" not in text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"PK\x03\x04rest-of-a-zip", "spreadsheet"),
        (HEADER.encode(), "header but no data rows"),
        (b"reference;person_key;period_months\nUA CHN 5/2016;ngo-1;12\n", "semicolons"),
        (
            HEADER.replace("development", "developement").encode()
            + b"UA CHN 5/2016,ngo-1,12,same,desk,limited\n",
            "Did you mean development?",
        ),
        (b"reference,person_key\nUA CHN 5/2016,ngo-1\n", "required column period_months"),
        (
            HEADER.encode()
            + "UA CHN 5/2016,ngo-1,12,same,desk,limited,,,,,Caf\xe9\n".encode("latin-1"),
            "not UTF-8",
        ),
        (HEADER.encode() + b"UA CHN 5/2016,ngo-1,12,same,desk,limited,,,,,,,extra\n", "cells"),
        (b'UA CHN 5/2016,"ngo-1\n', "cannot be read as CSV"),
    ],
)
def test_a_csv_file_that_cannot_be_read_is_refused(
    communications: None, tmp_path: Path, content: bytes, message: str
) -> None:
    assert message in _refused(_write(tmp_path, content, "bad.csv"))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[{", "not valid JSON"),
        ("[]", "holds no assessments"),
        ('{"rows": []}', "must hold a list of assessments"),
        ('{"assessments": [], "extra": 1}', "extra: unknown key"),
        ("[3]", "assessments[0]: this must be an object"),
        (
            json.dumps([dict(GOOD_JSON[0], develpment="same")]),
            "assessments[0].develpment: unknown key for an assessment. Did you mean development?",
        ),
        (
            json.dumps([dict(GOOD_JSON[0], period_months=True)]),
            "assessments[0].period_months: 'True' is not a period",
        ),
        (
            json.dumps([dict(GOOD_JSON[0], development=3)]),
            "assessments[0].development: '3' is not a case development",
        ),
    ],
)
def test_a_json_file_with_problems_is_refused_by_path(
    communications: None, tmp_path: Path, content: str, message: str
) -> None:
    assert message in _refused(_write(tmp_path, content, "bad.json"))


def test_a_missing_file_is_refused(communications: None, tmp_path: Path) -> None:
    assert "there is no file at" in _refused(tmp_path / "absent.csv")


def test_the_command_exits_non_zero_without_a_traceback(tmp_path: Path) -> None:
    """Through the real ``spcomms`` program: a refused file is a message and exit status 1."""
    result = subprocess.run(
        [str(SPCOMMS), "import", "assessments", str(tmp_path / "absent.csv")],
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin", "DATABASE_URL": "sqlite:///" + str(tmp_path / "x.sqlite3")},
    )
    assert result.returncode == 1
    assert "absent.csv was not imported and nothing was written" in result.stderr
    assert "Traceback" not in result.stderr
