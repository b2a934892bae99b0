"""Planning an import: what to create, update, replace or leave alone.

The plan compares the checked file with what the database holds, reference by
reference and person by person (``external_key``), and finds the problems only
the database can show: a follow-up of a reference that does not exist, a
consent older than the one it would replace, a named person or a reply that
the file drops although follow-up assessments, a document or a source's
comments hang on it. Nothing is written here; a new row gets a ``New``
reference whose id is given when the plan is written.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext

from spcomms.communications.importing import schema
from spcomms.communications.importing.names import placeholder, replace_names
from spcomms.communications.importing.problems import Problem
from spcomms.communications.importing.records import (
    Checked,
    CommunicationData,
    Consent,
    PersonData,
    ReplyData,
)
from spcomms.communications.importing.state import (
    ActorKey,
    ExistingCommunication,
    ExistingConsent,
    ExistingPerson,
    ExistingReference,
    ExistingReply,
    load_actors,
    load_communications,
    load_persons,
    load_references,
)
from spcomms.communications.importing.validation import followed_problem
from spcomms.communications.models import CommunicationStatus


@dataclass(frozen=True, slots=True)
class Known:
    """A row that exists, by its id."""

    pk: int


NO_ID_YET = 0


@dataclass(eq=False, slots=True)
class New:
    """A row to create; its id is given (``writing``) before any row is written."""

    pk: int = NO_ID_YET


Ref = Known | New


@dataclass(slots=True)
class PersonRow:
    ref: Ref
    key: uuid.UUID
    external_key: str
    name: str
    kind: str
    gender: str
    country_id: int | None
    affiliation: str


@dataclass(slots=True)
class CommunicationRow:
    ref: Ref
    type: str
    code: str
    number: int
    year: int
    sent_at: dt.datetime
    reply_due_at: dt.datetime
    subject: str
    language: str
    facts: str
    concerns: str
    questions: str
    norms: str
    follow_up_of: Ref | None
    concerns_reprisal: bool


@dataclass(slots=True)
class ReplyRow:
    ref: Ref
    communication: Ref
    received_on: dt.date
    language: str
    class_id: int | None
    confidential: bool


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class Plan:
    now: dt.datetime
    actor_ids: dict[ActorKey, Ref] = field(default_factory=dict)
    new_actors: list[tuple[ActorKey, int | None, New]] = field(default_factory=list)
    actor_homes: list[tuple[int, int]] = field(default_factory=list)
    new_persons: list[PersonRow] = field(default_factory=list)
    changed_persons: list[PersonRow] = field(default_factory=list)
    issue_areas_cleared: list[int] = field(default_factory=list)
    issue_area_rows: list[tuple[Ref, int]] = field(default_factory=list)
    consents: list[tuple[Ref, Consent, dt.datetime]] = field(default_factory=list)
    new_communications: list[CommunicationRow] = field(default_factory=list)
    changed_communications: list[CommunicationRow] = field(default_factory=list)
    mandates_cleared: list[int] = field(default_factory=list)
    mandate_rows: list[tuple[Ref, int, bool]] = field(default_factory=list)
    addressees_cleared: list[int] = field(default_factory=list)
    addressee_rows: list[tuple[Ref, int | None, ActorKey | None, bool]] = field(
        default_factory=list
    )
    mentions_deleted: list[int] = field(default_factory=list)
    new_mentions: list[tuple[New, Ref, Ref]] = field(default_factory=list)
    """(mention, communication, person)."""
    mention_links_cleared: list[int] = field(default_factory=list)
    violation_rows: list[tuple[Ref, int]] = field(default_factory=list)
    perpetrator_rows: list[tuple[Ref, int]] = field(default_factory=list)
    replies_deleted: list[int] = field(default_factory=list)
    new_replies: list[ReplyRow] = field(default_factory=list)
    changed_replies: list[ReplyRow] = field(default_factory=list)
    reply_persons_cleared: list[int] = field(default_factory=list)
    reply_person_rows: list[tuple[Ref, Ref]] = field(default_factory=list)
    counters: dict[tuple[str, int], int] = field(default_factory=dict)
    communications: Counts = field(default_factory=Counts)
    persons: Counts = field(default_factory=Counts)
    updated_communications: list[int] = field(default_factory=list)
    updated_persons: list[int] = field(default_factory=list)
    """Stored persons whose name, attributes or consent change: the public text of every
    letter that names them may change too."""
    problems: list[Problem] = field(default_factory=list)

    @property
    def consents_added(self) -> int:
        return len(self.consents)


@dataclass(slots=True)
class _Person:
    """A person of the file and the row it is, or becomes."""

    data: PersonData
    ref: Ref
    key: uuid.UUID


def plan_import(checked: Checked, *, now: dt.datetime) -> Plan:
    """Compare the checked file with the database; the plan says what to write."""
    plan = Plan(now=now)
    persons = _plan_persons(checked, plan)
    actor_names = _plan_actors(checked, plan)
    identities = [c.identity for c in checked.communications]
    stored = load_references(
        [
            *identities,
            *((code, year, number) for _kind, code, number, year in checked.follow_ups_elsewhere),
        ]
    )
    existing = load_communications(
        [stored[identity].pk for identity in identities if identity in stored]
    )
    refs: dict[tuple[str, int, int], Ref] = {
        identity: Known(stored[identity].pk) if identity in stored else New()
        for identity in identities
    }
    _check_follow_ups_elsewhere(checked, stored, refs, plan)
    for communication in checked.communications:
        ref = refs[communication.identity]
        before = existing.get(ref.pk) if isinstance(ref, Known) else None
        _plan_communication(communication, ref, before, persons, refs, actor_names, plan)
        key = (communication.code, communication.year)
        plan.counters[key] = max(plan.counters.get(key, 0), communication.number)
    return plan


def _plan_actors(checked: Checked, plan: Plan) -> dict[int, ActorKey]:
    """Find or plan the non-State actors of the file; returns every actor's name and kind by id."""
    by_key, by_pk = load_actors()
    for key, home in checked.actors.items():
        actor = by_key.get(key)
        if actor is None:
            new = New()
            plan.new_actors.append((key, home, new))
            plan.actor_ids[key] = new
            continue
        plan.actor_ids[key] = Known(actor.pk)
        if home is not None and actor.home_country_id != home:
            plan.actor_homes.append((actor.pk, home))
    return by_pk


# -- persons -----------------------------------------------------------------------------------


def _plan_persons(checked: Checked, plan: Plan) -> dict[str, _Person]:
    existing = load_persons(list(checked.persons))
    persons: dict[str, _Person] = {}
    for external_key, data in checked.persons.items():
        before = existing.get(external_key)
        if before is not None and before.merged:
            plan.problems.append(
                data.at.problem(
                    "key",
                    gettext(
                        "person key %(key)s belongs to a person who was merged into another; "
                        "name the person under the key of the person they were merged into."
                    )
                    % {"key": external_key},
                )
            )
            continue
        ref: Ref = Known(before.pk) if before is not None else New()
        key = before.key if before is not None else uuid.uuid4()
        persons[external_key] = _Person(data, ref, key)
        if before is not None:
            _keep_what_the_file_leaves_out(data, before)
        row = PersonRow(
            ref,
            key,
            external_key,
            data.name,
            data.kind,
            data.gender,
            data.country_id,
            data.affiliation,
        )
        consent = _consent_to_add(data, before, plan)
        if consent is not None and data.consent is not None:
            plan.consents.append((ref, data.consent, consent))
        if before is None:
            plan.new_persons.append(row)
            plan.issue_area_rows.extend((ref, area) for area in sorted(data.issue_area_ids))
            plan.persons.created += 1
            continue
        changed = consent is not None
        if (before.name, before.kind, before.gender, before.country_id, before.affiliation) != (
            data.name,
            data.kind,
            data.gender,
            data.country_id,
            data.affiliation,
        ):
            plan.changed_persons.append(row)
            changed = True
        if before.issue_area_ids != data.issue_area_ids:
            plan.issue_areas_cleared.append(before.pk)
            plan.issue_area_rows.extend((ref, area) for area in sorted(data.issue_area_ids))
            changed = True
        if changed:
            plan.persons.updated += 1
            plan.updated_persons.append(before.pk)
        else:
            plan.persons.unchanged += 1
    return persons


def _keep_what_the_file_leaves_out(data: PersonData, before: ExistingPerson) -> None:
    """An attribute the file does not give anywhere is left as stored: a later file that
    names a known person by key and name alone does not wipe their gender or issue areas."""
    given = data.given_at
    if "kind" not in given:
        data.kind = before.kind
    if "gender" not in given:
        data.gender = before.gender
    if "country" not in given:
        data.country_id = before.country_id
    if "affiliation" not in given:
        data.affiliation = before.affiliation
    if "issue_areas" not in given:
        data.issue_area_ids = before.issue_area_ids


def _consent_to_add(
    data: PersonData, before: ExistingPerson | None, plan: Plan
) -> dt.datetime | None:
    """When the file's consent differs from the current one: the time to record it at."""
    consent = data.consent
    if consent is None:
        return None
    recorded_at = schema.midnight(consent.recorded_on) if consent.recorded_on else plan.now
    current = before.consent if before is not None else None
    if current is None:
        return recorded_at
    if _same_consent(consent, current):
        return None
    if recorded_at <= current.recorded_at:
        at = data.given_at.get("consent", data.at)
        plan.problems.append(
            at.problem(
                "recorded_on",
                gettext(
                    "person key %(key)s: this consent differs from the current one, recorded on "
                    "%(current)s, but is not dated after it, so it would not take effect. Give "
                    "the date the new consent was given, or leave recorded_on empty."
                )
                % {"key": data.key, "current": current.recorded_at.date().isoformat()},
            )
        )
        return None
    return recorded_at


def _same_consent(consent: Consent, current: ExistingConsent) -> bool:
    if (
        consent.recorded_on is not None
        and consent.recorded_on != current.recorded_at.astimezone(dt.UTC).date()
    ):
        return False
    return (
        consent.given_by,
        consent.transmit_to_state,
        consent.public_naming,
        consent.written,
    ) == (
        current.given_by,
        current.transmit_to_state,
        current.public_naming,
        current.written,
    )


# -- communications ---------------------------------------------------------------------------


def _check_follow_ups_elsewhere(
    checked: Checked,
    stored: dict[tuple[str, int, int], ExistingReference],
    refs: dict[tuple[str, int, int], Ref],
    plan: Plan,
) -> None:
    for target, communications in checked.follow_ups_elsewhere.items():
        _kind, code, number, year = target
        found = stored.get((code, year, number))
        given = schema.reference_text(*target)
        for communication in communications:
            if found is None:
                plan.problems.append(
                    communication.at.problem(
                        "follow_up_of",
                        gettext(
                            "there is no communication %(reference)s, neither in the file nor "
                            "in the database."
                        )
                        % {"reference": given},
                    )
                )
                continue
            message = (
                followed_problem(given, found.reference, found.sent_at, communication)
                if found.sent_at is not None
                else None
            )
            if message:
                plan.problems.append(communication.at.problem("follow_up_of", message))
        if found is not None:
            refs.setdefault((code, year, number), Known(found.pk))


def _texts(communication: CommunicationData, persons: dict[str, _Person]) -> tuple[str, str, str]:
    replacements = {
        persons[m.person_key].data.name: placeholder(persons[m.person_key].key)
        for m in communication.mentions
        if m.person_key in persons
    }
    return (
        replace_names(communication.facts, replacements),
        replace_names(communication.concerns, replacements),
        replace_names(communication.questions, replacements),
    )


def _plan_communication(
    communication: CommunicationData,
    ref: Ref,
    before: ExistingCommunication | None,
    persons: dict[str, _Person],
    refs: dict[tuple[str, int, int], Ref],
    actor_names: dict[int, ActorKey],
    plan: Plan,
) -> None:
    facts, concerns, questions = _texts(communication, persons)
    follow_up: Ref | None = None
    if communication.follow_up_of is not None:
        _kind, code, number, year = communication.follow_up_of
        follow_up = refs.get((code, year, number))
    row = CommunicationRow(
        ref=ref,
        type=communication.type,
        code=communication.code,
        number=communication.number,
        year=communication.year,
        sent_at=communication.sent_at,
        reply_due_at=communication.reply_due_at,
        subject=communication.subject,
        language=communication.language,
        facts=facts,
        concerns=concerns,
        questions=questions,
        norms=communication.norms,
        follow_up_of=follow_up,
        concerns_reprisal=communication.concerns_reprisal,
    )
    mandates = {(communication.lead_mandate_id, True)} | {
        (mandate, False) for mandate in communication.joined_mandate_ids
    }
    addressees = [(a.country_id, a.actor, a.is_copy) for a in communication.addressees]
    if before is None:
        plan.new_communications.append(row)
        plan.mandate_rows.extend((ref, mandate, lead) for mandate, lead in sorted(mandates))
        plan.addressee_rows.extend((ref, *addressee) for addressee in addressees)
        _plan_mentions(communication, ref, None, persons, plan)
        plan.communications.created += 1
        return
    changed = _scalars_differ(row, before)
    if changed:
        plan.changed_communications.append(row)
    if before.mandates != mandates:
        plan.mandates_cleared.append(before.pk)
        plan.mandate_rows.extend((ref, mandate, lead) for mandate, lead in sorted(mandates))
        changed = True
    stored_addressees = [
        (country, actor_names[actor] if actor is not None else None, copy)
        for country, actor, copy in before.addressees
    ]
    if _addressee_order(stored_addressees) != _addressee_order(addressees):
        plan.addressees_cleared.append(before.pk)
        plan.addressee_rows.extend((ref, *addressee) for addressee in addressees)
        changed = True
    changed = _plan_mentions(communication, ref, before, persons, plan) or changed
    if changed:
        plan.communications.updated += 1
        plan.updated_communications.append(before.pk)
    else:
        plan.communications.unchanged += 1


def _addressee_order(
    addressees: list[tuple[int | None, ActorKey | None, bool]],
) -> tuple[tuple[int | None, ...], frozenset[tuple[int | None, ActorKey | None, bool]]]:
    """What matters of the addressees: who they are, and the order of the States addressed
    (the first gives the reference its code and the letter its region)."""
    addressed = tuple(country for country, actor, copy in addressees if not copy and actor is None)
    return addressed, frozenset(addressees)


def _scalars_differ(row: CommunicationRow, before: ExistingCommunication) -> bool:
    follow_up = row.follow_up_of.pk if row.follow_up_of is not None else None
    if isinstance(row.follow_up_of, New):
        return True
    return (
        row.type,
        CommunicationStatus.SENT.value,
        row.language,
        row.subject,
        row.sent_at,
        row.reply_due_at,
        follow_up,
        row.concerns_reprisal,
        row.facts,
        row.concerns,
        row.questions,
        row.norms,
    ) != (
        before.type,
        before.status,
        before.language,
        before.subject,
        before.sent_at,
        before.reply_due_at,
        before.follow_up_of_id,
        before.concerns_reprisal,
        before.facts,
        before.concerns,
        before.questions,
        before.norms,
    )


def _plan_mentions(
    communication: CommunicationData,
    ref: Ref,
    before: ExistingCommunication | None,
    persons: dict[str, _Person],
    plan: Plan,
) -> bool:
    """Plan the named persons and the replies of one communication; True if any changes."""
    changed = False
    stored = before.mentions if before is not None else {}
    kept: set[int] = set()
    mention_of: dict[str, Ref] = {}
    for mention in communication.mentions:
        person = persons.get(mention.person_key)
        if person is None:
            continue
        previous = stored.get(person.ref.pk) if isinstance(person.ref, Known) else None
        if previous is None:
            new = New()
            plan.new_mentions.append((new, ref, person.ref))
            plan.violation_rows.extend((new, v) for v in sorted(mention.violation_ids))
            plan.perpetrator_rows.extend((new, p) for p in sorted(mention.perpetrator_ids))
            mention_of[mention.person_key] = new
            changed = True
            continue
        kept.add(previous.person_id)
        mention_of[mention.person_key] = Known(previous.pk)
        if (previous.violation_ids, previous.perpetrator_ids) != (
            mention.violation_ids,
            mention.perpetrator_ids,
        ):
            plan.mention_links_cleared.append(previous.pk)
            plan.violation_rows.extend(
                (Known(previous.pk), v) for v in sorted(mention.violation_ids)
            )
            plan.perpetrator_rows.extend(
                (Known(previous.pk), p) for p in sorted(mention.perpetrator_ids)
            )
            changed = True
    for person_id, previous in stored.items():
        if person_id in kept:
            continue
        changed = True
        if previous.assessed:
            plan.problems.append(
                communication.at.problem(
                    None,
                    gettext(
                        "%(reference)s names a person (id %(person)d) who is not in the file "
                        "and whose case has follow-up assessments; removing the person would "
                        "delete them. Name the person in the file, or ask the secretariat."
                    )
                    % {"reference": communication.reference, "person": person_id},
                )
            )
        plan.mentions_deleted.append(previous.pk)
    if communication.replies is not None:
        changed = _plan_replies(communication, ref, before, persons, mention_of, plan) or changed
    elif before is not None:
        for reply in before.replies:
            if reply.received_on < communication.sent_at.date():
                plan.problems.append(
                    communication.at.problem(
                        "sent_on",
                        gettext(
                            "a stored reply was received on %(received)s, before this date of "
                            "sending; give the replies in the file, or correct the date."
                        )
                        % {"received": reply.received_on.isoformat()},
                    )
                )
                break
    return changed


def _sorted_replies(replies: Iterable[ReplyData]) -> list[ReplyData]:
    return sorted(replies, key=lambda reply: reply.received_on)


def _plan_replies(
    communication: CommunicationData,
    ref: Ref,
    before: ExistingCommunication | None,
    persons: dict[str, _Person],
    mention_of: dict[str, Ref],
    plan: Plan,
) -> bool:
    """Pair the stored replies with the file's, in date order; update, add and remove."""
    assert communication.replies is not None  # noqa: S101  # called only when the file gives replies
    wanted = _sorted_replies(communication.replies)
    stored: list[ExistingReply] = before.replies if before is not None else []
    changed = False
    for position, reply in enumerate(wanted):
        person_ids = {
            persons[key].ref.pk for key in reply.person_keys if isinstance(persons[key].ref, Known)
        }
        all_known = all(isinstance(persons[key].ref, Known) for key in reply.person_keys)
        addressed = [mention_of[key] for key in sorted(reply.person_keys) if key in mention_of]
        if position < len(stored):
            previous = stored[position]
            row = ReplyRow(
                Known(previous.pk),
                ref,
                reply.received_on,
                reply.language,
                reply.class_id,
                reply.confidential,
            )
            if (
                previous.received_on,
                previous.language,
                previous.class_id,
                previous.confidential,
            ) != (
                reply.received_on,
                reply.language,
                reply.class_id,
                reply.confidential,
            ):
                plan.changed_replies.append(row)
                changed = True
            if not all_known or previous.person_ids != person_ids:
                plan.reply_persons_cleared.append(previous.pk)
                plan.reply_person_rows.extend((row.ref, mention) for mention in addressed)
                changed = True
            continue
        new = New()
        plan.new_replies.append(
            ReplyRow(
                new, ref, reply.received_on, reply.language, reply.class_id, reply.confidential
            )
        )
        plan.reply_person_rows.extend((new, mention) for mention in addressed)
        changed = True
    for previous in stored[len(wanted) :]:
        changed = True
        if previous.has_document or previous.has_comments:
            plan.problems.append(
                communication.at.problem(
                    "replies",
                    gettext(
                        "the stored reply of %(received)s is not in the file and has a document "
                        "or a source's comments, which removing it would delete. Give it in the "
                        "file, or ask the secretariat."
                    )
                    % {"received": previous.received_on.isoformat()},
                )
            )
        plan.replies_deleted.append(previous.pk)
    return changed
