"""Factories for test data: typed functions that build valid objects with few arguments.

Each takes keyword arguments for what a test cares about and fills the rest with
plausible values. They need the reference data (the ``reference`` fixture).
"""

from __future__ import annotations

import datetime as dt
import itertools

from spcomms.cases.models import ConsentGiver, ConsentRecord, Person, PersonKind, PublicNaming
from spcomms.communications.models import (
    DEFAULT_REPLY_DAYS,
    Addressee,
    Communication,
    CommunicationMandate,
    CommunicationPerson,
    CommunicationStatus,
    CommunicationType,
    Reply,
)
from spcomms.reference.models import Country, Mandate, ReplyClass

_numbers = itertools.count(1)


def person(
    *,
    name: str = "Test Defender",
    kind: PersonKind = PersonKind.INDIVIDUAL,
    country: str = "COL",
    public_naming: PublicNaming | None = PublicNaming.FULL,
) -> Person:
    """A person; with ``public_naming`` None, no consent is recorded at all."""
    created = Person.objects.create(kind=kind, name=name, country=Country.objects.get(iso3=country))
    if public_naming is not None:
        ConsentRecord.objects.create(
            person=created,
            given_by=ConsentGiver.VICTIM,
            transmit_to_state=True,
            public_naming=public_naming,
            recorded_at=dt.datetime(2015, 1, 1, tzinfo=dt.UTC),
        )
    return created


def communication(
    *,
    type: CommunicationType = CommunicationType.URGENT_APPEAL,
    country: str = "COL",
    sent_at: dt.datetime | None = dt.datetime(2016, 3, 1, 9, 0, tzinfo=dt.UTC),
    number: int | None = None,
    mandate: str = "sr-hrd",
    persons: tuple[Person, ...] = (),
) -> Communication:
    """A communication to a State; sent (with its reference and a 60-day deadline) unless
    ``sent_at`` is None."""
    sent = sent_at is not None
    created = Communication.objects.create(
        type=type,
        subject="Situation of a human rights defender",
        status=CommunicationStatus.SENT if sent else CommunicationStatus.DRAFT,
        sent_at=sent_at,
        reply_due_at=sent_at + dt.timedelta(days=DEFAULT_REPLY_DAYS) if sent_at else None,
        ref_code=country if sent else None,
        ref_number=(number or next(_numbers)) if sent else None,
        ref_year=sent_at.year if sent_at else None,
    )
    CommunicationMandate.objects.create(
        communication=created, mandate=Mandate.objects.get(code=mandate), is_lead=True
    )
    Addressee.objects.create(communication=created, country=Country.objects.get(iso3=country))
    for named in persons:
        CommunicationPerson.objects.create(communication=created, person=named)
    return created


def reply(
    *, to: Communication, received_on: dt.date, reply_class: str | None = "steps_taken"
) -> Reply:
    return Reply.objects.create(
        communication=to,
        received_on=received_on,
        language="en",
        reply_class=ReplyClass.objects.get(code=reply_class) if reply_class else None,
    )
