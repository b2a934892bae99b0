"""The examples of docs/import.md import, and the JSON and CSV examples say the same thing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from spcomms.communications.importing.services import communications_import
from tests.communications.importing.conftest import WriteFile, row_counts

pytestmark = pytest.mark.django_db

DOCS = Path(__file__).resolve().parents[3] / "docs" / "import.md"


def _examples(language: str) -> list[str]:
    text = DOCS.read_text(encoding="utf-8")
    start = text.index("## Communications")
    end = text.find("\n## ", start + 1)
    section = text[start : end if end != -1 else len(text)]
    return re.findall(rf"```{language}\n(.*?)```", section, flags=re.DOTALL)


def test_the_documented_json_and_csv_examples_import_to_the_same_records(
    reference: None, write_file: WriteFile
) -> None:
    (document,) = _examples("json")
    letters, replies = _examples("csv")

    first = communications_import(path=write_file(document, "records.json"))
    before = row_counts()
    second = communications_import(
        path=write_file(letters, "letters.csv"), replies=write_file(replies, "replies.csv")
    )

    assert (first.communications.created, first.persons.created) == (3, 3)
    assert (first.consents_added, first.replies) == (2, 2)
    assert (second.communications.unchanged, second.persons.unchanged) == (3, 3)
    assert row_counts() == {**before, "audit.AuditEvent": before["audit.AuditEvent"] + 1}
