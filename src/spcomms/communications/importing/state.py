"""What the database already holds of the communications and persons of a file.

Each function reads one kind of row for many objects at once, in chunks (so a
list of ids never exceeds what a database accepts in one query), and decrypts
names and texts only for the rows the file is about: they are compared in
Python, since SQL cannot compare encrypted values.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from django.db import models

from spcomms.cases.models import ConsentRecord, Person
from spcomms.communications.importing.records import Reference
from spcomms.communications.models import (
    Addressee,
    Communication,
    CommunicationMandate,
    CommunicationPerson,
    NonStateActor,
    Reply,
    ReplyComment,
)
from spcomms.followup.models import Assessment

CHUNK = 5000
# Ask for a range of ids when it holds at most this many ids per id wanted.
DENSE = 2
T = TypeVar("T")
M = TypeVar("M", bound=models.Model)
ActorKey = tuple[str, str]


def chunks(values: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    batch: list[T] = []
    for value in values:
        batch.append(value)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def by_ids(
    queryset: models.QuerySet[M, T], field: str, ids: Collection[int]
) -> Iterator[models.QuerySet[M, T]]:
    """Querysets that together return the rows whose ``field`` is one of ``ids``, and
    perhaps a few others, which the caller drops.

    The ids an import touches are mostly contiguous (rows it created together),
    so a range is asked for when it is dense enough; Django would otherwise
    prepare every value of long ``IN`` lists one by one, which took longer
    than reading the rows.
    """
    if not ids:
        return
    low, high = min(ids), max(ids)
    if high - low < DENSE * len(ids):
        yield queryset.filter(**{f"{field}__gte": low, f"{field}__lte": high})
        return
    for batch in chunks(sorted(ids)):
        yield queryset.filter(**{f"{field}__in": batch})


@dataclass(frozen=True, slots=True)
class ExistingConsent:
    given_by: str
    transmit_to_state: bool
    public_naming: str
    written: bool
    recorded_at: dt.datetime


@dataclass(slots=True)
class ExistingPerson:
    pk: int
    key: uuid.UUID
    name: str
    kind: str
    gender: str
    country_id: int | None
    affiliation: str
    merged: bool
    issue_area_ids: frozenset[int] = frozenset()
    consent: ExistingConsent | None = None


def load_persons(external_keys: Collection[str]) -> dict[str, ExistingPerson]:
    """The persons with these external keys, with their issue areas and current consent."""
    persons: dict[str, ExistingPerson] = {}
    for batch in chunks(external_keys):
        for values in Person.objects.filter(external_key__in=batch).values_list(
            "pk",
            "external_key",
            "key",
            "name",
            "kind",
            "gender",
            "country_id",
            "affiliation",
            "merged_into_id",
        ):
            pk, external_key, key, name, kind, gender, country_id, affiliation, merged = values
            if external_key is None:  # not asked for; the filter leaves none out
                continue
            persons[external_key] = ExistingPerson(
                pk, key, name, kind, gender, country_id, affiliation, merged is not None
            )
    by_pk = {person.pk: person for person in persons.values()}
    areas: dict[int, set[int]] = defaultdict(set)
    through = Person.issue_areas.through
    for queryset in by_ids(through.objects.all(), "person_id", by_pk):
        for person_id, area_id in queryset.values_list("person_id", "issuearea_id"):
            if person_id in by_pk:
                areas[person_id].add(area_id)
    consents = ConsentRecord.objects.filter(revoked_at__isnull=True).order_by(
        "person_id", "-recorded_at", "-pk"
    )
    for current in by_ids(consents, "person_id", by_pk):
        for person_id, given_by, transmit, naming, written, recorded_at in current.values_list(
            "person_id", "given_by", "transmit_to_state", "public_naming", "written", "recorded_at"
        ):
            person = by_pk.get(person_id)
            if person is not None and person.consent is None:  # the latest comes first
                person.consent = ExistingConsent(given_by, transmit, naming, written, recorded_at)
    for person_id, found in areas.items():
        by_pk[person_id].issue_area_ids = frozenset(found)
    return persons


@dataclass(frozen=True, slots=True)
class ExistingMention:
    pk: int
    person_id: int
    violation_ids: frozenset[int]
    perpetrator_ids: frozenset[int]
    assessed: bool


@dataclass(frozen=True, slots=True)
class ExistingReply:
    pk: int
    received_on: dt.date
    language: str
    class_id: int | None
    confidential: bool
    person_ids: frozenset[int]
    has_document: bool
    has_comments: bool


@dataclass(slots=True)
class ExistingCommunication:
    pk: int
    type: str
    status: str
    language: str
    subject: str
    sent_at: dt.datetime | None
    reply_due_at: dt.datetime | None
    follow_up_of_id: int | None
    concerns_reprisal: bool
    facts: str
    concerns: str
    questions: str
    norms: str
    mandates: set[tuple[int, bool]] = field(default_factory=set)
    addressees: list[tuple[int | None, int | None, bool]] = field(default_factory=list)
    """(country id, non-State actor id, copied), in the order they were stored."""
    mentions: dict[int, ExistingMention] = field(default_factory=dict)
    """By person id."""
    replies: list[ExistingReply] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ExistingReference:
    pk: int
    reference: str
    sent_at: dt.datetime | None


def load_references(identities: Collection[Reference]) -> dict[Reference, ExistingReference]:
    """The stored communications with these references (addressee code, year, number)."""
    if not identities:
        return {}
    wanted = set(identities)
    found: dict[Reference, ExistingReference] = {}
    codes = {code for code, _year, _number in wanted}
    years = {year for _code, year, _number in wanted}
    for pk, kind, code, year, number, sent_at in Communication.objects.filter(
        ref_code__in=codes, ref_year__in=years
    ).values_list("pk", "type", "ref_code", "ref_year", "ref_number", "sent_at"):
        if (
            code is not None
            and year is not None
            and number is not None
            and ((code, year, number) in wanted)
        ):
            found[(code, year, number)] = ExistingReference(
                pk, f"{kind} {code} {number}/{year}", sent_at
            )
    return found


SCALARS = (
    "pk",
    "type",
    "status",
    "language",
    "subject",
    "sent_at",
    "reply_due_at",
    "follow_up_of_id",
    "concerns_reprisal",
    "facts",
    "concerns",
    "questions",
    "norms",
)


def load_communications(pks: Sequence[int]) -> dict[int, ExistingCommunication]:
    """The stored communications with these ids, with everything the import may replace."""
    found: dict[int, ExistingCommunication] = {}
    wanted = set(pks)
    for queryset in by_ids(Communication.objects.order_by(), "pk", wanted):
        for values in queryset.values_list(*SCALARS):
            if values[0] in wanted:
                found[values[0]] = ExistingCommunication(*values)
    for links in by_ids(CommunicationMandate.objects.all(), "communication_id", wanted):
        for communication_id, mandate_id, is_lead in links.values_list(
            "communication_id", "mandate_id", "is_lead"
        ):
            if communication_id in wanted:
                found[communication_id].mandates.add((mandate_id, is_lead))
    for addressees in by_ids(Addressee.objects.order_by("pk"), "communication_id", wanted):
        for communication_id, country_id, actor_id, is_copy in addressees.values_list(
            "communication_id", "country_id", "non_state_actor_id", "is_copy"
        ):
            if communication_id in wanted:
                found[communication_id].addressees.append((country_id, actor_id, is_copy))
    _load_mentions(found)
    _load_replies(found)
    return found


def _links(
    through: type[models.Model], owner: str, target: str, owners: set[int]
) -> dict[int, set[int]]:
    links: dict[int, set[int]] = defaultdict(set)
    for queryset in by_ids(through._default_manager.all(), owner, owners):
        for owner_id, target_id in queryset.values_list(owner, target):
            if owner_id in owners:
                links[owner_id].add(target_id)
    return links


def _load_mentions(found: dict[int, ExistingCommunication]) -> None:
    rows: list[tuple[int, int, int]] = []
    for queryset in by_ids(CommunicationPerson.objects.all(), "communication_id", found):
        rows.extend(
            row
            for row in queryset.values_list("pk", "communication_id", "person_id")
            if row[1] in found
        )
    pks = {pk for pk, _communication, _person in rows}
    violations = _links(
        CommunicationPerson.violations.through, "communicationperson_id", "violationtype_id", pks
    )
    perpetrators = _links(
        CommunicationPerson.perpetrators.through,
        "communicationperson_id",
        "perpetratortype_id",
        pks,
    )
    assessed: set[int] = set()
    for assessments in by_ids(Assessment.objects.all(), "case_id", pks):
        assessed.update(assessments.values_list("case_id", flat=True))
    for pk, communication_id, person_id in rows:
        found[communication_id].mentions[person_id] = ExistingMention(
            pk,
            person_id,
            frozenset(violations.get(pk, ())),
            frozenset(perpetrators.get(pk, ())),
            pk in assessed,
        )


def _load_replies(found: dict[int, ExistingCommunication]) -> None:
    rows: list[tuple[int, int, dt.date, str, int | None, bool, str]] = []
    replies = Reply.objects.order_by("communication_id", "received_on", "pk")
    for queryset in by_ids(replies, "communication_id", found):
        rows.extend(
            row
            for row in queryset.values_list(
                "pk",
                "communication_id",
                "received_on",
                "language",
                "reply_class_id",
                "confidential",
                "document",
            )
            if row[1] in found
        )
    pks = {row[0] for row in rows}
    addressed = _links(Reply.persons_addressed.through, "reply_id", "communicationperson_id", pks)
    commented: set[int] = set()
    for comments in by_ids(ReplyComment.objects.all(), "reply_id", pks):
        commented.update(comments.values_list("reply_id", flat=True))
    mention_person = {
        mention.pk: person_id
        for communication in found.values()
        for person_id, mention in communication.mentions.items()
    }
    for pk, communication_id, received_on, language, class_id, confidential, document in rows:
        found[communication_id].replies.append(
            ExistingReply(
                pk,
                received_on,
                language,
                class_id,
                confidential,
                frozenset(mention_person[m] for m in addressed.get(pk, ()) if m in mention_person),
                bool(document),
                pk in commented,
            )
        )


@dataclass(frozen=True)
class ExistingActor:
    pk: int
    home_country_id: int | None


def load_actors() -> tuple[dict[ActorKey, ExistingActor], dict[int, ActorKey]]:
    """Every non-State actor, by name and kind, and the name and kind of each by id."""
    by_key: dict[ActorKey, ExistingActor] = {}
    by_pk: dict[int, ActorKey] = {}
    for pk, name, kind, home in NonStateActor.objects.values_list(
        "pk", "name", "kind", "home_country_id"
    ):
        by_key[(name, kind)] = ExistingActor(pk, home)
        by_pk[pk] = (name, kind)
    return by_key, by_pk
