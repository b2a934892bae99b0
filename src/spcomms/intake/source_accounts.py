"""Accounts of NGOs that submit often: opening and closing one, and what it may read.

Anonymous submission with a receipt code stays the default; an account is an
NGO's own choice (docs/intake.md, "Accounts for organisations"). The account is
an ordinary ``source`` user of ``spcomms.accounts``: it signs in on the same
page, with the same throttle, and must set up an authenticator app before it
may do anything (``source_account_of``). What it may read is its own
submissions and nothing else: ``source_submission`` answers ``None`` alike for
a submission that does not exist and one that belongs to someone else.

Nothing here reads or keeps the client's address or user agent.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Exists, F, Max, OuterRef, Q
from django.db.models.functions import Coalesce, Greatest
from django.http import HttpRequest
from django.utils import timezone

from spcomms.accounts.models import Role, SourceOrganisation, User
from spcomms.accounts.signin import stored_state
from spcomms.audit.services import audit_record
from spcomms.communications.models import Communication, CommunicationStatus
from spcomms.intake.models import Submission, SubmissionMessage, SubmissionStatus
from spcomms.intake.services import OPEN_STATUSES, NotAllowed

# A short reference the NGO and the staff's inbox both show for a submission.
REFERENCE_CHARS = 8


def submission_reference(submission: Submission) -> str:
    return submission.public_id.hex[:REFERENCE_CHARS]


# Who is signed in ---------------------------------------------------------------------


def is_source_account(user: object) -> bool:
    return isinstance(user, User) and user.is_active and user.role == Role.SOURCE


def source_account_of(request: HttpRequest) -> User | None:
    """The NGO account signed in on this request, once it has given its second factor.

    A source account with no authenticator app, or whose session has not yet
    given a code, is no account here: it can link, list and open nothing.
    """
    user = request.user
    if not is_source_account(user) or stored_state(request.session) != "verified":
        return None
    assert isinstance(user, User)  # noqa: S101  # is_source_account checked it
    return user


# Opening and closing -------------------------------------------------------------------


def source_account_open(*, organisation: str, username: str, password: str) -> User:
    """Open an NGO account; the caller signs it in and sends it to set up its app."""
    with transaction.atomic():
        user = User.objects.create_user(username=username, password=password, role=Role.SOURCE)
        SourceOrganisation.objects.create(user=user, name=organisation.strip())
        audit_record(actor=user, action="source_account.opened", obj=user)
    return user


def source_account_close(*, actor: User) -> int:
    """Close the actor's own NGO account; return how many submissions it unlinked.

    The submissions stay with the staff, unlinked: their receipt codes still
    open them. The account, its organisation's name, its authenticator app and
    its recovery codes are deleted; the audit row keeps only the account's number.
    """
    if not is_source_account(actor):
        raise NotAllowed
    with transaction.atomic():
        unlinked = Submission.objects.filter(source_account=actor).update(source_account=None)
        audit_record(
            actor=None, action="source_account.closed", obj=actor, submissions_unlinked=unlinked
        )
        actor.delete()
    return unlinked


def organisation_name(account: User) -> str:
    profile = SourceOrganisation.objects.filter(user=account).first()
    return profile.name if profile is not None else ""


# What a signed-in NGO may read -----------------------------------------------------------


def source_submission(*, account: User, public_id: uuid.UUID) -> Submission | None:
    """The account's own submission, or None, whether it is missing or someone else's."""
    if not is_source_account(account):
        return None
    return Submission.objects.filter(public_id=public_id, source_account=account).first()


@dataclass(frozen=True)
class SubmissionRow:
    """One line of the NGO's list: no content, so nothing is unsealed to draw it."""

    public_id: uuid.UUID
    reference: str
    received_at: dt.datetime
    country: str
    status: str
    status_label: str
    last_activity: dt.datetime
    unread: int


def source_submission_rows(account: User) -> list[SubmissionRow]:
    """The account's submissions, newest first, in one query whatever their number.

    The status is the one the status page shows (``services.source_status``):
    "acted on" once a communication about the case file was sent.
    """
    if not is_source_account(account):
        raise NotAllowed
    sent = Communication.objects.filter(
        case_files__submission=OuterRef("pk"), status=CommunicationStatus.SENT
    )
    rows = (
        Submission.objects.filter(source_account=account)
        .select_related("country")
        .annotate(
            unread=Count(
                "messages",
                filter=Q(messages__from_source=False, messages__read_at__isnull=True),
                distinct=True,
            ),
            activity=Greatest(
                Coalesce(Max("messages__sent_at"), F("received_at")),
                Coalesce(Max("transitions__at"), F("received_at")),
            ),
            communication_sent=Exists(sent),
        )
        .order_by("-received_at", "-pk")
    )
    result = []
    for row in rows:
        status = row.status
        if row.communication_sent and status in (*OPEN_STATUSES, SubmissionStatus.ACTED_ON):
            status = SubmissionStatus.ACTED_ON
        result.append(
            SubmissionRow(
                public_id=row.public_id,
                reference=submission_reference(row),
                received_at=row.received_at,
                country=row.country.name if row.country is not None else "",
                status=status,
                status_label=str(SubmissionStatus(status).label),
                last_activity=row.activity,
                unread=row.unread,
            )
        )
    return result


def staff_messages_mark_read(submission: Submission, *, now: dt.datetime | None = None) -> int:
    """The source opened its status page: the staff's messages on it are read."""
    return SubmissionMessage.objects.filter(
        submission=submission, from_source=False, read_at__isnull=True
    ).update(read_at=now or timezone.now())
