"""The same seed gives the same dataset, names and references included; another seed does not."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from spcomms.cases.models import ConsentRecord, Person
from spcomms.communications.models import Communication, CommunicationPerson, Reply
from spcomms.demo.services import demo_build
from spcomms.followup.models import Assessment
from spcomms.reprisals.models import ReprisalAllegation
from spcomms.visits.models import VisitRequest

SCALE = 0.05


def snapshot() -> dict[str, Any]:
    """What a user could see of the dataset, without the database's own keys."""
    return {
        "counts": [
            model.objects.count()
            for model in (
                Communication,
                CommunicationPerson,
                Person,
                ConsentRecord,
                Reply,
                Assessment,
                ReprisalAllegation,
                VisitRequest,
            )
        ],
        "references": sorted(c.reference for c in Communication.objects.all()),
        "letters": sorted(
            (c.reference, c.sent_at, c.subject, c.facts, c.concerns_reprisal)
            for c in Communication.objects.exclude(sent_at=None)
        ),
        "names": sorted((str(p.key), p.name, p.affiliation) for p in Person.objects.all()),
        "named": sorted(
            (m.communication.reference, str(m.person.key))
            for m in CommunicationPerson.objects.select_related("communication", "person")
        ),
        "replies": sorted(
            (r.communication.reference, r.received_on, r.reply_class_id or 0)
            for r in Reply.objects.select_related("communication")
        ),
        "assessments": sorted(
            (a.case.communication.reference, str(a.case.person.key), a.development, a.source)
            for a in Assessment.objects.select_related("case__communication", "case__person")
        ),
    }


def built(seed: int) -> dict[str, Any]:
    with transaction.atomic():
        demo_build(seed=seed, scale=SCALE)
        taken = snapshot()
        transaction.set_rollback(True)
    return taken


@pytest.mark.usefixtures("reference")
def test_the_same_seed_gives_the_same_dataset_names_and_references_included() -> None:
    first, second = built(7), built(7)
    assert first["counts"][0] > 0
    assert first == second


@pytest.mark.usefixtures("reference")
def test_another_seed_gives_other_names_references_and_counts() -> None:
    first, other = built(7), built(8)
    assert first["names"] != other["names"]
    assert first["letters"] != other["letters"]
    assert set(first["references"]) != set(other["references"])
