"""``spcomms persons duplicates`` and the hint after ``spcomms import communications``."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from spcomms.cases.models import Person
from spcomms.communications.management.commands.import_communications import duplicates_hint
from tests import factories

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = StringIO()
    call_command("persons_duplicates", *args, stdout=out)
    return out.getvalue()


def test_it_lists_pairs_by_number_and_key_never_by_name(reference: None) -> None:
    first = factories.person(name="Yousef Al-Amri", country="SAU")
    second = factories.person(name="يوسف العمري", country="SAU")
    factories.person(name="Tariq Suleiman", country="JOR")
    out = _run()
    assert f"{first.pk} ({first.key.hex[:8]}) and {second.pk} ({second.key.hex[:8]})" in out
    assert f"/staff/persons/{first.pk}/" in out
    assert out.endswith("1 pair of persons may be the same.\n")
    assert "Yousef" not in out
    assert "يوسف" not in out


def test_json_output_and_limits(reference: None) -> None:
    factories.person(name="Olga Petrova", country="RUS")
    factories.person(name="Ольга Петрова", country="RUS")
    factories.person(name="Olga Petrowa", country="RUS")
    parsed = json.loads(_run("--json"))
    assert parsed["version"] == 1
    assert len(parsed["pairs"]) == 3
    assert len(json.loads(_run("--json", "--limit", "1"))["pairs"]) == 1
    factories.person(name="Olga Petrenko", country="RUS")
    assert _run("--threshold", "100").endswith("3 pairs of persons may be the same.\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--threshold", "abc"), "from 0 to 100"),
        (("--threshold", "101"), "from 0 to 100"),
        (("--limit", "-1"), r"0 \(no limit\) or more"),
    ],
)
def test_bad_options_are_refused(reference: None, args: tuple[str, ...], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        _run(*args)


def test_merged_persons_are_not_listed(reference: None, secretariat_officer: object) -> None:
    first = factories.person(name="Olga Petrova", country="RUS")
    second = factories.person(name="Ольга Петрова", country="RUS")
    Person.objects.filter(pk=second.pk).update(merged_into=first)
    assert _run().endswith("0 pairs of persons may be the same.\n")


def test_the_import_hint_names_counts_only() -> None:
    assert "2 new persons may be the same as others (3 pairs)" in duplicates_hint(2, 3)
    assert "spcomms persons duplicates" in duplicates_hint(1, 1)
    assert duplicates_hint(0, 0) == "No new person looks like a person already recorded."
