"""Small builders for the rows the web pages count.

Each returns a valid row with as few arguments as a test needs. They need the
reference data (the ``reference`` fixture).
"""

from __future__ import annotations

import datetime as dt
import itertools
import uuid

from django.utils import timezone

from spcomms.accounts.models import User
from spcomms.cases.models import Person, PersonKind
from spcomms.communications.models import (
    Addressee,
    Communication,
    CommunicationMandate,
    CommunicationPerson,
    CommunicationStatus,
    CommunicationType,
    Reply,
)
from spcomms.intake.models import SenderKind, Submission, SubmissionStatus
from spcomms.reference.models import Country, Mandate

_numbers = itertools.count(1)

# A name that must never appear on any page these tests look at.
SECRET_NAME = "Quintessa Varga-Holloway"


def sent_communication(
    *,
    days_ago: int = 90,
    reply_days: int = 60,
    mandate: str = "sr-hrd",
    country: str = "COL",
    named: str | None = None,
) -> Communication:
    """A communication sent ``days_ago`` days ago, published once its deadline passed."""
    sent_at = timezone.now() - dt.timedelta(days=days_ago)
    communication = Communication.objects.create(
        type=CommunicationType.ALLEGATION_LETTER,
        status=CommunicationStatus.SENT,
        subject="Detention of a defender",
        ref_code=country,
        ref_number=next(_numbers),
        ref_year=sent_at.year,
        sent_at=sent_at,
        reply_due_at=sent_at + dt.timedelta(days=reply_days),
    )
    CommunicationMandate.objects.create(
        communication=communication, mandate=Mandate.objects.get(code=mandate), is_lead=True
    )
    Addressee.objects.create(communication=communication, country=Country.objects.get(iso3=country))
    if named is not None:
        person = Person.objects.create(kind=PersonKind.INDIVIDUAL, name=named)
        CommunicationPerson.objects.create(communication=communication, person=person)
    return communication


def draft_communication(*, mandate: str = "sr-hrd", approved: bool = False) -> Communication:
    communication = Communication.objects.create(
        type=CommunicationType.URGENT_APPEAL, subject="Threats against a defender"
    )
    CommunicationMandate.objects.create(
        communication=communication,
        mandate=Mandate.objects.get(code=mandate),
        is_lead=True,
        approved_at=timezone.now() if approved else None,
    )
    return communication


def reply_to(communication: Communication, *, confidential: bool = False) -> Reply:
    assert communication.sent_at is not None
    return Reply.objects.create(
        communication=communication,
        received_on=(communication.sent_at + dt.timedelta(days=10)).date(),
        language="en",
        confidential=confidential,
    )


def submission(
    *,
    status: SubmissionStatus = SubmissionStatus.RECEIVED,
    source_account: User | None = None,
) -> Submission:
    return Submission.objects.create(
        receipt_lookup=uuid.uuid4().hex,
        receipt_hash="not-a-real-hash",
        status=status,
        sender_kind=SenderKind.ORGANISATION,
        sender_name=SECRET_NAME,
        source_account=source_account,
        received_at=timezone.now(),
    )
