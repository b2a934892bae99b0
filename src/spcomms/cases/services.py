"""Merging persons, undoing a merge, telling two persons apart, and splitting one.

Each service takes the acting user, checks that they may manage persons, runs in one
transaction, and writes an audit row with identifiers and counts only, never a name.
The design (decision 0008): a merge rewrites no mention. The absorbed record points at
the survivor through ``Person.merged_into`` and every count resolves it, so undoing
a merge restores exactly what was there. Consent never widens: a merge adds, where
needed, a consent record that is the strictest of the persons' consents, and undoing
revokes it. The public index learns of every change through the publication signals
(the services save through the ORM, never by bulk update).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from spcomms.accounts.models import User
from spcomms.audit.services import audit_record
from spcomms.cases.access import may_manage_persons
from spcomms.cases.models import (
    ConsentGiver,
    ConsentRecord,
    Person,
    PersonDistinct,
    PersonMerge,
    PersonSplit,
    PersonSplitMove,
    PublicNaming,
)
from spcomms.communications.models import CommunicationPerson

NAMING_ORDER = (PublicNaming.WITHHELD, PublicNaming.INITIALS, PublicNaming.FULL)


class PersonError(Exception):
    """The step is not possible in the persons' present state (HTTP 409)."""


class NotAllowed(PermissionDenied):
    """The actor may not manage persons; the pages answer it as a 404."""


def _check(actor: User) -> None:
    if not may_manage_persons(actor):
        raise NotAllowed


def group_of(person: Person) -> list[int]:
    """The ids of ``person`` and of the persons merged into them."""
    return [person.pk, *Person.objects.filter(merged_into=person).values_list("pk", flat=True)]


# Consent ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Allowed:
    """What a consent allows, reduced to the two things that can widen."""

    transmit_to_state: bool
    public_naming: str

    def within(self, other: Allowed) -> bool:
        """Whether this allows nothing that ``other`` does not."""
        return (other.transmit_to_state or not self.transmit_to_state) and NAMING_ORDER.index(
            PublicNaming(self.public_naming)
        ) <= NAMING_ORDER.index(PublicNaming(other.public_naming))


NOTHING = Allowed(transmit_to_state=False, public_naming=PublicNaming.WITHHELD)


def _allowed(record: ConsentRecord | None) -> Allowed:
    if record is None:
        return NOTHING
    return Allowed(record.transmit_to_state, record.public_naming)


def _strictest(allowed: Iterable[Allowed]) -> Allowed:
    found = list(allowed)
    return Allowed(
        transmit_to_state=all(entry.transmit_to_state for entry in found),
        public_naming=min(
            (PublicNaming(entry.public_naming) for entry in found), key=NAMING_ORDER.index
        ),
    )


def _narrow_consents(persons: Sequence[Person], *, actor: User) -> list[ConsentRecord]:
    """Record, for every person whose consent allows more than the strictest of them all,
    a consent record that allows only that much. Returns the records added."""
    current = {person.pk: person.current_consent() for person in persons}
    strictest = _strictest(_allowed(record) for record in current.values())
    added = []
    now = timezone.now()
    for person in persons:
        record = current[person.pk]
        if record is None or _allowed(record).within(strictest):
            continue
        added.append(
            ConsentRecord.objects.create(
                person=person,
                given_by=record.given_by or ConsentGiver.OTHER,
                written=record.written,
                transmit_to_state=strictest.transmit_to_state,
                public_naming=strictest.public_naming,
                recorded_at=now,
                recorded_by=actor,
            )
        )
    return added


# Merging -----------------------------------------------------------------------------------


def _shared_communications(first: Sequence[int], second: Sequence[int]) -> list[str]:
    shared = (
        CommunicationPerson.objects.filter(person_id__in=first)
        .filter(
            communication_id__in=CommunicationPerson.objects.filter(person_id__in=second).values(
                "communication_id"
            )
        )
        .select_related("communication")
        .order_by("communication_id")
    )
    return [str(link.communication) for link in shared]


@transaction.atomic
def person_merge(
    *, actor: User, survivor: Person, absorbed: Person, score: float | None = None
) -> PersonMerge:
    """Say that ``absorbed`` is ``survivor``. Refused when either is merged already,
    when they are one record, or when one communication names both (it would then name
    one person twice: correct the communication first)."""
    _check(actor)
    if survivor.pk == absorbed.pk:
        raise PersonError(_("A person cannot be merged into themselves."))
    locked = {
        person.pk: person
        for person in Person.objects.select_for_update().filter(pk__in=[survivor.pk, absorbed.pk])
    }
    survivor, absorbed = locked[survivor.pk], locked[absorbed.pk]
    if survivor.merged_into_id is not None or absorbed.merged_into_id is not None:
        raise PersonError(
            _("One of these records was merged into another person already; merge that person.")
        )
    survivor_group, absorbed_group = group_of(survivor), group_of(absorbed)
    shared = _shared_communications(survivor_group, absorbed_group)
    if shared:
        raise PersonError(
            _(
                "Both are named in %(references)s, and a communication names a person once. "
                "If one is a duplicate there, remove it from that communication first."
            )
            % {"references": ", ".join(shared)}
        )
    members = list(Person.objects.filter(pk__in=[*survivor_group, *absorbed_group]))
    consents = _narrow_consents(members, actor=actor)
    carried = list(Person.objects.filter(merged_into=absorbed))
    merge = PersonMerge.objects.create(
        survivor=survivor,
        absorbed=absorbed,
        score=score,
        merged_at=timezone.now(),
        merged_by=actor,
    )
    merge.carried.set(carried)
    merge.consents_added.set(consents)
    for person in carried:
        person.merged_into = survivor
        person.save(update_fields=["merged_into"])
    absorbed.merged_into = survivor
    absorbed.save(update_fields=["merged_into"])
    audit_record(
        actor=actor,
        action="person_merge",
        obj=merge,
        survivor=survivor.pk,
        absorbed=absorbed.pk,
        carried=len(carried),
        consents_narrowed=len(consents),
    )
    return merge


@transaction.atomic
def person_merge_undo(*, actor: User, merge: PersonMerge) -> PersonMerge:
    """Put back what ``merge`` changed: the absorbed record and those it carried stand
    apart again, and the consent records it added are revoked. Refused when a later
    merge moved these records on (undo that one first) or when it is undone already."""
    _check(actor)
    merge = PersonMerge.objects.select_for_update().get(pk=merge.pk)
    if merge.undone_at is not None:
        raise PersonError(_("This merge was undone already."))
    absorbed = Person.objects.select_for_update().get(pk=merge.absorbed_id)
    carried = list(merge.carried.select_for_update())
    if absorbed.merged_into_id != merge.survivor_id or any(
        person.merged_into_id != merge.survivor_id for person in carried
    ):
        raise PersonError(
            _(
                "The kept person was merged into another since; undo that later merge first, "
                "then this one."
            )
        )
    now = timezone.now()
    revoked = 0
    for record in merge.consents_added.filter(revoked_at__isnull=True):
        record.revoked_at = max(now, record.recorded_at)
        record.save(update_fields=["revoked_at"])
        revoked += 1
    absorbed.merged_into = None
    absorbed.save(update_fields=["merged_into"])
    for person in carried:
        person.merged_into = absorbed
        person.save(update_fields=["merged_into"])
    merge.undone_at = max(now, merge.merged_at)
    merge.undone_by = actor
    merge.save(update_fields=["undone_at", "undone_by"])
    audit_record(
        actor=actor,
        action="person_merge_undo",
        obj=merge,
        survivor=merge.survivor_id,
        absorbed=absorbed.pk,
        carried=len(carried),
        consents_revoked=revoked,
    )
    return merge


# Telling apart and splitting ---------------------------------------------------------------


@transaction.atomic
def person_mark_distinct(*, actor: User, first: Person, second: Person) -> PersonDistinct:
    """Remember that two persons are not the same, so the pair is not proposed again."""
    _check(actor)
    if first.pk == second.pk:
        raise PersonError(_("A person is the same as themselves."))
    low, high = sorted((first.pk, second.pk))
    decision, _created = PersonDistinct.objects.get_or_create(
        first_id=low,
        second_id=high,
        defaults={"decided_at": timezone.now(), "decided_by": actor},
    )
    audit_record(actor=actor, action="person_mark_distinct", obj=decision, first=low, second=high)
    return decision


def distinct_pairs() -> set[tuple[int, int]]:
    return set(PersonDistinct.objects.values_list("first_id", "second_id"))


@transaction.atomic
def person_split(
    *, actor: User, person: Person, mentions: Sequence[CommunicationPerson], name: str
) -> PersonSplit:
    """Move ``mentions`` of ``person`` (or of records merged into them) to a new person
    called ``name``, who starts with the kind, country and organisation of ``person``
    and with no consent: consent is recorded for them afresh. The two are remembered
    as not the same."""
    _check(actor)
    if person.merged_into_id is not None:
        raise PersonError(_("This record was merged into another person; split that person."))
    if not name.strip():
        raise PersonError(_("Give the name of the new person."))
    group = group_of(person)
    chosen = list(
        CommunicationPerson.objects.select_for_update().filter(
            pk__in=[mention.pk for mention in mentions]
        )
    )
    if not chosen:
        raise PersonError(_("Choose at least one communication to move to the new person."))
    if any(mention.person_id not in group for mention in chosen):
        raise PersonError(_("Only this person's own mentions can be moved."))
    created = Person.objects.create(
        kind=person.kind,
        name=name.strip(),
        gender=person.gender,
        country=person.country,
        affiliation=person.affiliation,
    )
    created.issue_areas.set(person.issue_areas.all())
    split = PersonSplit.objects.create(
        source=person, created=created, split_at=timezone.now(), split_by=actor
    )
    for mention in chosen:
        PersonSplitMove.objects.create(
            split=split, mention=mention, from_person_id=mention.person_id
        )
        mention.person = created
        mention.save(update_fields=["person"])
    low, high = sorted((person.pk, created.pk))
    PersonDistinct.objects.create(
        first_id=low, second_id=high, decided_at=split.split_at, decided_by=actor
    )
    audit_record(
        actor=actor,
        action="person_split",
        obj=split,
        source=person.pk,
        created=created.pk,
        moved=len(chosen),
    )
    return split


def merges_of(person: Person) -> list[PersonMerge]:
    """The merges that involved ``person`` as survivor or absorbed, latest first."""
    return list(
        PersonMerge.objects.filter(Q(survivor=person) | Q(absorbed=person)).select_related(
            "survivor", "absorbed"
        )
    )
