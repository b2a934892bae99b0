"""Factories for test data: typed functions that build valid objects with few arguments.

Each takes keyword arguments for what a test cares about and fills the rest with
plausible values. They need the reference data (the ``reference`` fixture).
"""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from spcomms.cases.models import (
    CaseFile,
    CaseFilePerson,
    ConsentGiver,
    ConsentRecord,
    Person,
    PersonKind,
    PublicNaming,
)
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
from spcomms.intake.models import Submission, SubmissionAttachment
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


def case_file(
    *,
    persons: tuple[Person, ...] = (),
    country: str = "COL",
    facts: str = "",
    places: str = "",
    context: str = "",
    not_to_transmit: tuple[str, ...] = (),
    attachments: tuple[bool, ...] = (),
) -> CaseFile:
    """A case file opened from a submission with these answers; ``not_to_transmit`` names
    the answers the source kept from the State, and each flag in ``attachments`` adds an
    attachment, marked not to transmit when True."""
    number = next(_numbers)
    submission = Submission.objects.create(
        receipt_lookup=f"lookup-{number}",
        receipt_hash="not-a-real-hash",
        sender_kind="organisation",
        facts=facts,
        places=places,
        context=context,
        not_to_transmit=list(not_to_transmit),
        received_at=timezone.now(),
    )
    for position, secret in enumerate(attachments):
        SubmissionAttachment.objects.create(
            submission=submission,
            filename=f"annex-{position}.pdf",
            content_type="application/pdf",
            size=10,
            original_path=f"test/{number}-{position}",
            not_to_transmit=secret,
            uploaded_at=timezone.now(),
        )
    created = CaseFile.objects.create(
        submission=submission,
        country=Country.objects.get(iso3=country),
        opened_at=timezone.now(),
    )
    for named in persons:
        CaseFilePerson.objects.create(case_file=created, person=named)
    return created
