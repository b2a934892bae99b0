"""A merge never widens what anyone consented to, whatever the consents were, and the
public record follows at once; undoing the merge restores each record's consent."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.db import transaction
from django.test import Client

from spcomms.accounts.models import User
from spcomms.cases.models import ConsentGiver, ConsentRecord, Person, PublicNaming
from spcomms.cases.services import NAMING_ORDER, person_merge, person_merge_undo
from spcomms.publication.records import reference_slug
from tests import factories

pytestmark = pytest.mark.django_db

# (transmit to the State, naming in public), or None for no consent at all.
CONSENTS: list[tuple[bool, PublicNaming] | None] = [
    None,
    (False, PublicNaming.WITHHELD),
    (True, PublicNaming.WITHHELD),
    (True, PublicNaming.INITIALS),
    (True, PublicNaming.FULL),
]


def _person(name: str, consent: tuple[bool, PublicNaming] | None) -> Person:
    person = factories.person(name=name, public_naming=None)
    if consent is not None:
        ConsentRecord.objects.create(
            person=person,
            given_by=ConsentGiver.VICTIM,
            transmit_to_state=consent[0],
            public_naming=consent[1],
            recorded_at=dt.datetime(2015, 1, 1, tzinfo=dt.UTC),
        )
    return person


def _allowed(person: Person) -> tuple[bool, int]:
    record = person.current_consent()
    if record is None:
        return (False, 0)
    return (record.transmit_to_state, NAMING_ORDER.index(PublicNaming(record.public_naming)))


class Rollback(Exception):
    """Raised to undo one combination's rows inside the test's transaction."""


def _merge_and_undo(actor: User, consents: tuple[tuple[bool, PublicNaming] | None, ...]) -> None:
    """Three records with these consents merged in a chain, checked, undone, checked; the
    rows are rolled back by raising ``Rollback``."""
    with transaction.atomic():
        persons = [_person(f"Walid Barakat {n}", c) for n, c in enumerate(consents)]
        before = [_allowed(person) for person in persons]
        strictest = (all(t for t, _n in before), min(n for _t, n in before))
        first = person_merge(actor=actor, survivor=persons[1], absorbed=persons[2])
        second = person_merge(actor=actor, survivor=persons[0], absorbed=persons[1])
        after = [_allowed(person) for person in persons]
        assert all(t <= strictest[0] and n <= strictest[1] for t, n in after), consents
        person_merge_undo(actor=actor, merge=second)
        person_merge_undo(actor=actor, merge=first)
        assert [_allowed(person) for person in persons] == before, consents
        raise Rollback


def test_no_record_allows_more_than_the_strictest_after_merges_and_undo_restores(
    secretariat_officer: User,
) -> None:
    """Every combination of three records' consents (125)."""
    for consents in itertools.product(CONSENTS, repeat=3):
        with pytest.raises(Rollback):
            _merge_and_undo(secretariat_officer, consents)


def test_a_merge_with_a_withheld_record_takes_the_name_off_the_public_record_at_once(
    client: Client, secretariat_officer: User
) -> None:
    """The attacker reads the public record: after staff merge a record whose consent names
    the person with one whose consent does not, the name must not be found."""
    named = factories.person(name="Zubeyda Qarawi", public_naming=PublicNaming.FULL)
    withheld = factories.person(name="Zubaida Qarawi", public_naming=PublicNaming.WITHHELD)
    published = factories.communication(persons=(named,))
    factories.communication(persons=(withheld,), sent_at=dt.datetime(2017, 3, 1, tzinfo=dt.UTC))
    page = f"/communications/{reference_slug(published)}/"
    assert "Zubeyda Qarawi" in client.get(page).content.decode()
    assert (
        reference_slug(published)
        in client.get("/communications/", {"q": "Zubeyda"}).content.decode()
    )

    merge = person_merge(actor=secretariat_officer, survivor=named, absorbed=withheld)
    assert "Zubeyda" not in client.get(page).content.decode()
    found = client.get("/communications/", {"q": "Zubeyda"}).content.decode()
    assert reference_slug(published) not in found

    person_merge_undo(actor=secretariat_officer, merge=merge)
    assert "Zubeyda Qarawi" in client.get(page).content.decode()
