"""Writing a planned import, table by table, in bulk.

Runs inside the import's transaction. New rows get their ids first, so that
communications, named persons and replies can point to each other. Then, in
this order: rows the file no longer holds are deleted (so that what replaces
them meets the unique constraints), new rows are inserted table by table,
parents first, and changed rows are updated (an update may point to a new
row).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from django.db import models
from django.db.models.functions import Greatest

from spcomms.accounts.models import User
from spcomms.cases.models import ConsentRecord, Person
from spcomms.communications.importing.bulk import allocate_ids, insert_rows
from spcomms.communications.importing.planning import NO_ID_YET, New, Plan, Ref
from spcomms.communications.importing.state import by_ids, chunks
from spcomms.communications.models import (
    Addressee,
    Communication,
    CommunicationMandate,
    CommunicationPerson,
    CommunicationStatus,
    CommunicationTransition,
    NonStateActor,
    ReferenceCounter,
    Reply,
)
from spcomms.publication.index import publication_changed, publication_invalidate

M = TypeVar("M", bound=models.Model)
UPDATE_BATCH = 500
STEPS = 8  # the advances of write_plan, and the audit row


def _give_ids(model: type[models.Model], news: Sequence[New]) -> None:
    for new, pk in zip(news, allocate_ids(model, len(news)), strict=True):
        assert new.pk == NO_ID_YET  # noqa: S101  # each new row is given one id, once
        new.pk = pk


def _delete(model: type[models.Model], lookup: str, ids: Sequence[int]) -> None:
    """Delete through the ORM, so that cascades (links, addressed persons) follow."""
    for batch in chunks(ids):
        model._default_manager.filter(**{f"{lookup}__in": batch}).delete()


def write_plan(plan: Plan, *, actor: User | None, advance: Callable[[int], object]) -> None:
    actor_id = actor.pk if actor is not None and actor.pk else None
    _actors(plan)
    _give_ids(Person, [row.ref for row in plan.new_persons if isinstance(row.ref, New)])
    _give_ids(
        Communication, [row.ref for row in plan.new_communications if isinstance(row.ref, New)]
    )
    _give_ids(CommunicationPerson, [mention for mention, _c, _p in plan.new_mentions])
    _give_ids(Reply, [row.ref for row in plan.new_replies if isinstance(row.ref, New)])
    _deletions(plan)
    advance(1)
    _insert_persons(plan, actor_id)
    advance(1)
    _insert_communications(plan, actor_id)
    advance(1)
    _insert_mentions(plan)
    advance(1)
    _insert_replies(plan, actor_id)
    advance(1)
    _updates(plan)
    _invalidate_public(plan)
    advance(1)
    _counters(plan)
    advance(1)


def _actors(plan: Plan) -> None:
    for (name, kind), home, new in plan.new_actors:
        new.pk = NonStateActor.objects.create(name=name, kind=kind, home_country_id=home).pk
    for pk, home in plan.actor_homes:
        NonStateActor.objects.filter(pk=pk).update(home_country_id=home)


def _deletions(plan: Plan) -> None:
    _delete(Person.issue_areas.through, "person_id", plan.issue_areas_cleared)
    _delete(CommunicationMandate, "communication_id", plan.mandates_cleared)
    _delete(Addressee, "communication_id", plan.addressees_cleared)
    _delete(CommunicationPerson, "pk", plan.mentions_deleted)
    for through in (
        CommunicationPerson.violations.through,
        CommunicationPerson.perpetrators.through,
    ):
        _delete(through, "communicationperson_id", plan.mention_links_cleared)
    _delete(Reply, "pk", plan.replies_deleted)
    _delete(Reply.persons_addressed.through, "reply_id", plan.reply_persons_cleared)


def _insert_persons(plan: Plan, actor_id: int | None) -> None:
    insert_rows(
        Person,
        (
            "id",
            "key",
            "external_key",
            "name",
            "kind",
            "gender",
            "country_id",
            "affiliation",
            "created_at",
        ),
        (
            (
                row.ref.pk,
                row.key,
                row.external_key,
                row.name,
                row.kind,
                row.gender,
                row.country_id,
                row.affiliation,
                plan.now,
            )
            for row in plan.new_persons
        ),
    )
    insert_rows(
        Person.issue_areas.through,
        ("person_id", "issuearea_id"),
        ((person.pk, area) for person, area in plan.issue_area_rows),
    )
    insert_rows(
        ConsentRecord,
        (
            "person_id",
            "given_by",
            "written",
            "transmit_to_state",
            "public_naming",
            "recorded_at",
            "recorded_by_id",
            "revoked_at",
        ),
        (
            (
                person.pk,
                consent.given_by,
                consent.written,
                consent.transmit_to_state,
                consent.public_naming,
                recorded_at,
                actor_id,
                None,
            )
            for person, consent, recorded_at in plan.consents
        ),
    )


def _follow_up(ref: Ref | None) -> int | None:
    return ref.pk if ref is not None else None


def _insert_communications(plan: Plan, actor_id: int | None) -> None:
    insert_rows(
        Communication,
        (
            "id",
            "type",
            "status",
            "language",
            "subject",
            "ref_code",
            "ref_number",
            "ref_year",
            "sent_at",
            "reply_due_at",
            "follow_up_of_id",
            "concerns_reprisal",
            "facts",
            "norms",
            "concerns",
            "questions",
            "withheld",
            "withheld_reason",
            "created_at",
            "created_by_id",
        ),
        (
            (
                row.ref.pk,
                row.type,
                CommunicationStatus.SENT.value,
                row.language,
                row.subject,
                row.code,
                row.number,
                row.year,
                row.sent_at,
                row.reply_due_at,
                _follow_up(row.follow_up_of),
                row.concerns_reprisal,
                row.facts,
                row.norms,
                row.concerns,
                row.questions,
                False,
                "",
                plan.now,
                actor_id,
            )
            for row in plan.new_communications
        ),
    )
    insert_rows(
        CommunicationTransition,
        ("communication_id", "from_status", "to_status", "at", "actor_id"),
        (
            (row.ref.pk, "", CommunicationStatus.SENT.value, row.sent_at, actor_id)
            for row in plan.new_communications
        ),
    )
    insert_rows(
        CommunicationMandate,
        ("communication_id", "mandate_id", "is_lead", "approved_at", "approved_by_id"),
        (
            (communication.pk, mandate, lead, None, None)
            for communication, mandate, lead in plan.mandate_rows
        ),
    )
    insert_rows(
        Addressee,
        ("communication_id", "country_id", "non_state_actor_id", "is_copy"),
        (
            (
                communication.pk,
                country,
                plan.actor_ids[actor].pk if actor is not None else None,
                is_copy,
            )
            for communication, country, actor, is_copy in plan.addressee_rows
        ),
    )


def _insert_mentions(plan: Plan) -> None:
    insert_rows(
        CommunicationPerson,
        ("id", "communication_id", "person_id"),
        (
            (mention.pk, communication.pk, person.pk)
            for mention, communication, person in plan.new_mentions
        ),
    )
    insert_rows(
        CommunicationPerson.violations.through,
        ("communicationperson_id", "violationtype_id"),
        ((mention.pk, code) for mention, code in plan.violation_rows),
    )
    insert_rows(
        CommunicationPerson.perpetrators.through,
        ("communicationperson_id", "perpetratortype_id"),
        ((mention.pk, code) for mention, code in plan.perpetrator_rows),
    )


def _insert_replies(plan: Plan, actor_id: int | None) -> None:
    insert_rows(
        Reply,
        (
            "id",
            "communication_id",
            "received_on",
            "language",
            "document",
            "reply_class_id",
            "confidential",
            "recorded_at",
            "recorded_by_id",
        ),
        (
            (
                row.ref.pk,
                row.communication.pk,
                row.received_on,
                row.language,
                "",
                row.class_id,
                row.confidential,
                plan.now,
                actor_id,
            )
            for row in plan.new_replies
        ),
    )
    insert_rows(
        Reply.persons_addressed.through,
        ("reply_id", "communicationperson_id"),
        ((reply.pk, mention.pk) for reply, mention in plan.reply_person_rows),
    )


def _updates(plan: Plan) -> None:
    Person.objects.bulk_update(
        [
            Person(
                pk=row.ref.pk,
                name=row.name,
                kind=row.kind,
                gender=row.gender,
                country_id=row.country_id,
                affiliation=row.affiliation,
            )
            for row in plan.changed_persons
        ],
        ["name", "kind", "gender", "country", "affiliation"],
        batch_size=UPDATE_BATCH,
    )
    Communication.objects.bulk_update(
        [
            Communication(
                pk=row.ref.pk,
                type=row.type,
                status=CommunicationStatus.SENT,
                language=row.language,
                subject=row.subject,
                sent_at=row.sent_at,
                reply_due_at=row.reply_due_at,
                follow_up_of_id=_follow_up(row.follow_up_of),
                concerns_reprisal=row.concerns_reprisal,
                facts=row.facts,
                norms=row.norms,
                concerns=row.concerns,
                questions=row.questions,
            )
            for row in plan.changed_communications
        ],
        [
            "type",
            "status",
            "language",
            "subject",
            "sent_at",
            "reply_due_at",
            "follow_up_of",
            "concerns_reprisal",
            "facts",
            "norms",
            "concerns",
            "questions",
        ],
        batch_size=UPDATE_BATCH,
    )
    Reply.objects.bulk_update(
        [
            Reply(
                pk=row.ref.pk,
                received_on=row.received_on,
                language=row.language,
                reply_class_id=row.class_id,
                confidential=row.confidential,
            )
            for row in plan.changed_replies
        ],
        ["received_on", "language", "reply_class", "confidential"],
        batch_size=UPDATE_BATCH,
    )


def _invalidate_public(plan: Plan) -> None:
    """Drop the public index rows whose text may have changed (ADR 4): of the letters that
    changed, of every letter that names a person whose name, attributes or consent changed,
    and of letters to a non-State actor whose home State changed. The next public request
    rebuilds them from the record."""
    stale = set(plan.updated_communications)
    persons = set(plan.updated_persons)
    for mentions in by_ids(CommunicationPerson.objects.all(), "person_id", persons):
        stale.update(
            communication_id
            for communication_id, person_id in mentions.values_list("communication_id", "person_id")
            if person_id in persons
        )
    actors = {pk for pk, _home in plan.actor_homes}
    if actors:
        stale.update(
            Addressee.objects.filter(non_state_actor_id__in=actors).values_list(
                "communication_id", flat=True
            )
        )
    for batch in chunks(sorted(stale)):
        publication_invalidate(communication_ids=batch)
    if plan.new_communications and not stale:
        # New letters past their deadline are public at once: the next public request
        # (or `spcomms publication sync`) must look for them.
        publication_changed()


def _counters(plan: Plan) -> None:
    """Raise each code and year's counter to at least the highest number imported (ADR 4)."""
    if not plan.counters:
        return
    codes = {code for code, _year in plan.counters}
    years = {year for _code, year in plan.counters}
    existing = {
        (counter.ref_code, counter.ref_year): counter
        for counter in ReferenceCounter.objects.select_for_update().filter(
            ref_code__in=codes, ref_year__in=years
        )
    }
    missing = [
        ReferenceCounter(ref_code=code, ref_year=year, last_number=number)
        for (code, year), number in plan.counters.items()
        if (code, year) not in existing
    ]
    ReferenceCounter.objects.bulk_create(missing, batch_size=UPDATE_BATCH)
    for (code, year), number in plan.counters.items():
        counter = existing.get((code, year))
        if counter is not None and counter.last_number < number:
            ReferenceCounter.objects.filter(pk=counter.pk).update(
                last_number=Greatest(models.F("last_number"), models.Value(number))
            )
