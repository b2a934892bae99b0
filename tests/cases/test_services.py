"""Merging, undoing, telling apart and splitting persons, and what counts after each."""

from __future__ import annotations

import datetime as dt

import pytest

from spcomms.accounts.models import User
from spcomms.audit.models import AuditEvent
from spcomms.cases.models import ConsentRecord, Person, PersonDistinct, PublicNaming
from spcomms.cases.services import (
    NotAllowed,
    PersonError,
    person_mark_distinct,
    person_merge,
    person_merge_undo,
    person_split,
)
from spcomms.communications.models import CommunicationPerson
from spcomms.publication.models import IndexState
from tests import factories

pytestmark = pytest.mark.django_db

MARCH = dt.datetime(2016, 3, 1, 9, tzinfo=dt.UTC)


def _count(person: Person) -> int:
    return Person.objects.with_mention_count().get(pk=person.pk).mention_count


def _named(person: Person, times: int, start: dt.datetime = MARCH) -> list[int]:
    return [
        factories.communication(persons=(person,), sent_at=start + dt.timedelta(days=40 * i)).pk
        for i in range(times)
    ]


def test_a_merge_adds_the_mentions_and_its_undoing_takes_them_away(
    secretariat_officer: User,
) -> None:
    nabeel = factories.person(name="Nabeel Haddad")
    nabil = factories.person(name="Nabil Haddad")
    _named(nabeel, 2)
    _named(nabil, 3)
    factories.communication(persons=(nabil,), sent_at=None)  # a draft does not count

    merge = person_merge(actor=secretariat_officer, survivor=nabeel, absorbed=nabil, score=97)
    assert (_count(nabeel), Person.objects.canonical().filter(pk=nabil.pk).exists()) == (5, False)

    person_merge_undo(actor=secretariat_officer, merge=merge)
    nabil.refresh_from_db()
    assert (_count(nabeel), _count(nabil), nabil.merged_into_id) == (2, 3, None)


def test_a_communication_naming_both_later_counts_once(secretariat_officer: User) -> None:
    first = factories.person(name="Olga Petrova")
    second = factories.person(name="Ольга Петрова")
    _named(first, 1)
    person_merge(actor=secretariat_officer, survivor=first, absorbed=second)
    # Named again under the old record by mistake, and under the kept one: one mention.
    factories.communication(persons=(first,), sent_at=dt.datetime(2019, 1, 1, tzinfo=dt.UTC))
    both = factories.communication(sent_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    CommunicationPerson.objects.create(communication=both, person=first)
    CommunicationPerson.objects.create(communication=both, person=second)
    assert _count(first) == 3


def test_merging_a_person_who_absorbed_others_carries_them_and_undo_restores_them(
    secretariat_officer: User,
) -> None:
    kept = factories.person(name="Tariq Suleiman")
    middle = factories.person(name="Tarek Sulaiman")
    oldest = factories.person(name="Tariq Sulayman")
    for person, times in ((kept, 1), (middle, 2), (oldest, 4)):
        _named(person, times)
    first = person_merge(actor=secretariat_officer, survivor=middle, absorbed=oldest)
    assert _count(middle) == 6
    second = person_merge(actor=secretariat_officer, survivor=kept, absorbed=middle)
    oldest.refresh_from_db()
    assert (oldest.merged_into_id, _count(kept)) == (kept.pk, 7)

    with pytest.raises(PersonError, match="undo that later merge first"):
        person_merge_undo(actor=secretariat_officer, merge=first)
    person_merge_undo(actor=secretariat_officer, merge=second)
    oldest.refresh_from_db()
    assert (oldest.merged_into_id, _count(kept), _count(middle)) == (middle.pk, 1, 6)
    person_merge_undo(actor=secretariat_officer, merge=first)
    assert (_count(kept), _count(middle), _count(oldest)) == (1, 2, 4)


def test_a_merge_is_undone_once(secretariat_officer: User) -> None:
    merge = person_merge(
        actor=secretariat_officer,
        survivor=factories.person(name="A One"),
        absorbed=factories.person(name="A Two"),
    )
    person_merge_undo(actor=secretariat_officer, merge=merge)
    with pytest.raises(PersonError, match="undone already"):
        person_merge_undo(actor=secretariat_officer, merge=merge)


def test_refused_merges(secretariat_officer: User) -> None:
    first = factories.person(name="Samira Khalil")
    second = factories.person(name="Sameera Khaleel")
    third = factories.person(name="Samira Khaleel")
    with pytest.raises(PersonError):
        person_merge(actor=secretariat_officer, survivor=first, absorbed=first)
    factories.communication(persons=(first, second), number=501)
    with pytest.raises(PersonError, match="UA COL 501/2016"):
        person_merge(actor=secretariat_officer, survivor=first, absorbed=second)
    person_merge(actor=secretariat_officer, survivor=first, absorbed=third)
    with pytest.raises(PersonError, match="merged into another person already"):
        person_merge(actor=secretariat_officer, survivor=second, absorbed=third)
    assert Person.objects.filter(merged_into__isnull=False).count() == 1


def test_only_the_secretariat_and_administrators_manage_persons(
    mandate_holder: User, researcher: User
) -> None:
    first = factories.person(name="Ana Lopez")
    second = factories.person(name="Ana López")
    for outsider in (mandate_holder, researcher):
        with pytest.raises(NotAllowed):
            person_merge(actor=outsider, survivor=first, absorbed=second)
        with pytest.raises(NotAllowed):
            person_mark_distinct(actor=outsider, first=first, second=second)
    assert not Person.objects.filter(merged_into__isnull=False).exists()


def test_a_merge_never_widens_consent_and_undoing_restores_it(
    secretariat_officer: User,
) -> None:
    open_ = factories.person(name="Walid Barakat", public_naming=PublicNaming.FULL)
    careful = factories.person(name="Waleed Barakat", public_naming=PublicNaming.INITIALS)
    silent = factories.person(name="Walid Barakaat", public_naming=None)

    merge = person_merge(actor=secretariat_officer, survivor=open_, absorbed=careful)
    current = open_.current_consent()
    assert current is not None
    assert (current.public_naming, current.transmit_to_state) == (PublicNaming.INITIALS, True)
    assert careful.current_consent().public_naming == PublicNaming.INITIALS  # type: ignore[union-attr]

    second = person_merge(actor=secretariat_officer, survivor=open_, absorbed=silent)
    for person in (open_, careful):
        record = person.current_consent()
        assert record is not None
        assert (record.public_naming, record.transmit_to_state) == (PublicNaming.WITHHELD, False)
    assert silent.current_consent() is None

    person_merge_undo(actor=secretariat_officer, merge=second)
    person_merge_undo(actor=secretariat_officer, merge=merge)
    assert open_.current_consent().public_naming == PublicNaming.FULL  # type: ignore[union-attr]
    assert careful.current_consent().public_naming == PublicNaming.INITIALS  # type: ignore[union-attr]
    assert ConsentRecord.objects.filter(revoked_at__isnull=False).count() == 3


def test_a_merge_and_its_undoing_tell_the_public_index(secretariat_officer: User) -> None:
    first = factories.person(name="Aisha Mahmoud")
    second = factories.person(name="Aicha Mahmud", public_naming=PublicNaming.WITHHELD)
    _named(second, 1)
    IndexState.objects.update_or_create(pk=1, defaults={"token": 1})
    merge = person_merge(actor=secretariat_officer, survivor=first, absorbed=second)
    assert IndexState.objects.get(pk=1).token != 1
    IndexState.objects.filter(pk=1).update(token=2)
    person_merge_undo(actor=secretariat_officer, merge=merge)
    assert IndexState.objects.get(pk=1).token != 2


def test_a_split_moves_the_chosen_mentions_to_a_new_person_without_consent(
    secretariat_officer: User,
) -> None:
    person = factories.person(name="Mohammed Saleh")
    merged = factories.person(name="Mohamed Saleh")
    kept_ids = _named(person, 2)
    moved_ids = _named(merged, 2, start=dt.datetime(2018, 1, 1, tzinfo=dt.UTC))
    person_merge(actor=secretariat_officer, survivor=person, absorbed=merged)
    assert _count(person) == 4

    moving = list(CommunicationPerson.objects.filter(communication_id__in=moved_ids))
    split = person_split(
        actor=secretariat_officer, person=person, mentions=moving, name="Mohammed Salah"
    )
    created = split.created
    assert (_count(person), _count(created)) == (2, 2)
    assert created.current_consent() is None
    assert created.name == "Mohammed Salah"
    assert PersonDistinct.objects.filter(
        first=min(person.pk, created.pk, key=int), second=max(person.pk, created.pk)
    ).exists()
    assert sorted(split.moves.values_list("from_person_id", flat=True)) == [merged.pk] * 2
    assert set(
        CommunicationPerson.objects.filter(person=person).values_list("communication_id", flat=True)
    ) == set(kept_ids)


def test_a_split_refuses_mentions_of_someone_else(secretariat_officer: User) -> None:
    person = factories.person(name="Hussein Jaber")
    stranger = factories.person(name="Someone Else")
    _named(stranger, 1)
    with pytest.raises(PersonError, match="own mentions"):
        person_split(
            actor=secretariat_officer,
            person=person,
            mentions=list(CommunicationPerson.objects.filter(person=stranger)),
            name="Hussein Jabir",
        )
    with pytest.raises(PersonError, match="at least one"):
        person_split(actor=secretariat_officer, person=person, mentions=[], name="X Y")
    assert Person.objects.count() == 2


def test_every_action_is_audited_without_names(secretariat_officer: User) -> None:
    first = factories.person(name="Narges Tavakoli")
    second = factories.person(name="Narges Tavakkoli")
    third = factories.person(name="Nasrin Tavakoli")
    _named(first, 1)
    merge = person_merge(actor=secretariat_officer, survivor=first, absorbed=second)
    person_merge_undo(actor=secretariat_officer, merge=merge)
    person_mark_distinct(actor=secretariat_officer, first=third, second=first)
    person_split(
        actor=secretariat_officer,
        person=first,
        mentions=list(CommunicationPerson.objects.filter(person=first)),
        name="Narges Tavakolian",
    )
    events = AuditEvent.objects.filter(action__startswith="person_")
    assert sorted(events.values_list("action", flat=True)) == [
        "person_mark_distinct",
        "person_merge",
        "person_merge_undo",
        "person_split",
    ]
    dumped = " ".join(str(event.detail) for event in events)
    for fragment in ("Narges", "Tavakol", "Nasrin"):
        assert fragment not in dumped
