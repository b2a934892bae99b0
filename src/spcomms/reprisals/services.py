"""Every write to the reprisal register.

Each function takes keyword arguments and the acting user (None only for a source,
who has no account), checks the right, runs in one transaction, writes a
``ReprisalEvent`` (the allegation's history) and an audit row naming the action and
the object, never the content. A stale edit raises ``ReprisalConflict`` (409).
See docs/reprisals.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, fields

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from spcomms.accounts.models import User
from spcomms.audit.services import audit_record
from spcomms.cases.models import Person, PersonKind
from spcomms.communications.models import Communication
from spcomms.intake.models import Submission, SubmissionMessage
from spcomms.reference.models import Country, PerpetratorType, ViolationType
from spcomms.reprisals.access import may_use_register
from spcomms.reprisals.models import (
    Cooperation,
    ReprisalAllegation,
    ReprisalEvent,
    ReprisalEventKind,
    ReprisalStatus,
)
from spcomms.visits.models import VisitRequest

MAX_TEXT = 20_000


class ReprisalError(Exception):
    """Base of the errors raised here; the message is meant for the user."""


class ReprisalInvalid(ReprisalError):
    """The values cannot be stored; ``field`` names the one at fault, if one."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


class ReprisalConflict(ReprisalError):
    """Someone changed the allegation since the form was opened (HTTP 409)."""


class NotAllowed(PermissionDenied):
    """The actor may not use the register; the pages answer it as a 404 or 403."""


@dataclass(frozen=True)
class AllegationValues:
    """Everything staff record about an allegation, as the form cleans it."""

    country: Country | None
    reported_on: dt.date
    cooperation: str
    status: str = ReprisalStatus.ALLEGED
    person: Person | None = None
    subject_kind: str = PersonKind.INDIVIDUAL
    occurred_on: dt.date | None = None
    council_session: str = ""
    submission: Submission | None = None
    communication: Communication | None = None
    visit: VisitRequest | None = None
    acts: Sequence[ViolationType] = ()
    perpetrators: Sequence[PerpetratorType] = ()
    description: str = ""
    summary: str = ""
    action_communication: Communication | None = None
    raised_with_senior_official: bool = False
    sg_report_year: int | None = None
    government_response: str = ""


SCALAR_FIELDS = tuple(
    f.name for f in fields(AllegationValues) if f.name not in ("acts", "perpetrators")
)
TEXT_FIELDS = ("description", "summary", "government_response")


def _require(actor: User | None) -> User:
    if actor is None or not may_use_register(actor):
        raise NotAllowed
    return actor


def _check(values: AllegationValues) -> None:
    if values.country is None:
        raise ReprisalInvalid(_("Choose the State where the reprisal took place."), "country")
    if values.cooperation not in Cooperation.values:
        raise ReprisalInvalid(_("Choose the cooperation the reprisal followed."), "cooperation")
    if values.status not in ReprisalStatus.values:
        raise ReprisalInvalid(_("Choose a status."), "status")
    if values.subject_kind not in PersonKind.values:
        raise ReprisalInvalid(_("Choose the kind of person or organisation."), "subject_kind")
    if values.occurred_on and values.occurred_on > values.reported_on:
        raise ReprisalInvalid(
            _("The reprisal cannot have happened after it was reported: check both dates."),
            "occurred_on",
        )
    if values.reported_on > timezone.now().date():
        raise ReprisalInvalid(_("The date of the report cannot be in the future."), "reported_on")
    if values.sg_report_year is not None and not 1990 <= values.sg_report_year <= 2100:
        raise ReprisalInvalid(
            _("Give the year of the Secretary-General's report, such as 2024."), "sg_report_year"
        )
    for name in TEXT_FIELDS:
        if len(getattr(values, name)) > MAX_TEXT:
            raise ReprisalInvalid(
                _("This text is too long: keep it under 20,000 characters."), name
            )
    acted = (
        values.action_communication is not None
        or values.raised_with_senior_official
        or values.sg_report_year is not None
    )
    if values.status == ReprisalStatus.ACTED_ON and not acted:
        raise ReprisalInvalid(
            _(
                "An allegation is acted on when a communication was sent about it, it was "
                "raised with the senior official on reprisals, or it was included in the "
                "Secretary-General's report: record which, or choose another status."
            ),
            "status",
        )
    if values.action_communication is not None and not values.action_communication.reference:
        raise ReprisalInvalid(
            _("Only a communication that was sent can be recorded as the action taken."),
            "action_communication",
        )


def _apply(allegation: ReprisalAllegation, values: AllegationValues) -> list[str]:
    """Copy ``values`` onto ``allegation``; return the names of the fields that changed."""
    changed = []
    for name in SCALAR_FIELDS:
        if name in ("country", "person", "submission", "communication", "visit"):
            before: object = getattr(allegation, f"{name}_id")
            after: object = getattr(getattr(values, name), "pk", None)
            setattr(allegation, name, getattr(values, name))
        elif name == "action_communication":
            before = allegation.action_communication_id
            after = getattr(values.action_communication, "pk", None)
            allegation.action_communication = values.action_communication
        else:
            before, after = getattr(allegation, name), getattr(values, name)
            setattr(allegation, name, after)
        if before != after:
            changed.append(name)
    return changed


def _set_terms(allegation: ReprisalAllegation, values: AllegationValues, *, new: bool) -> list[str]:
    changed = []
    for name in ("acts", "perpetrators"):
        wanted = {term.pk for term in getattr(values, name)}
        manager = getattr(allegation, name)
        if new or set(manager.values_list("pk", flat=True)) != wanted:
            manager.set(list(getattr(values, name)))
            if wanted or not new:
                changed.append(name)
    return changed


@transaction.atomic
def reprisal_create(
    *, actor: User | None, values: AllegationValues, now: dt.datetime | None = None
) -> ReprisalAllegation:
    """Record a new allegation in the register."""
    actor = _require(actor)
    _check(values)
    now = now or timezone.now()
    allegation = ReprisalAllegation(recorded_by=actor)
    _apply(allegation, values)
    allegation.save()
    _set_terms(allegation, values, new=True)
    ReprisalEvent.objects.create(
        allegation=allegation,
        kind=ReprisalEventKind.CREATED,
        at=now,
        actor=actor,
        fields=[],
        to_status=allegation.status,
    )
    audit_record(actor=actor, action="reprisal_create", obj=allegation)
    return allegation


@transaction.atomic
def reprisal_update(
    *,
    actor: User | None,
    allegation: ReprisalAllegation,
    values: AllegationValues,
    version: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> ReprisalAllegation:
    """Change an allegation. ``version`` is its ``updated_at`` when the form was opened:
    a save over someone else's newer change is refused instead of undoing it."""
    actor = _require(actor)
    _check(values)
    locked = ReprisalAllegation.objects.select_for_update().get(pk=allegation.pk)
    if version is not None and locked.updated_at != version:
        raise ReprisalConflict(
            _(
                "Someone else changed this allegation after you opened it. Open it again to "
                "see their change, then make yours."
            )
        )
    before_status = locked.status
    changed = _apply(locked, values)
    locked.save()
    changed += _set_terms(locked, values, new=False)
    if changed:
        ReprisalEvent.objects.create(
            allegation=locked,
            kind=ReprisalEventKind.EDITED,
            at=now or timezone.now(),
            actor=actor,
            fields=sorted(changed),
            from_status=before_status,
            to_status=locked.status,
        )
        audit_record(
            actor=actor,
            action="reprisal_update",
            obj=locked,
            fields=len(changed),
            status=locked.status,
        )
    return locked


def reprisal_report_from_source(
    *, submission: Submission, message: SubmissionMessage, now: dt.datetime | None = None
) -> ReprisalAllegation:
    """A source reported a reprisal from its status page: register it as alleged.

    Called by ``intake.services.source_message_send`` inside its transaction, so the
    message and the allegation are stored together or not at all. The State is the
    submission's; the cooperation is the submission itself; the source's words become
    the (encrypted) description, for staff to check and complete.
    """
    now = now or timezone.now()
    first_victim = submission.victims.order_by("position").only("kind").first()
    allegation = ReprisalAllegation.objects.create(
        country_id=submission.country_id,
        reported_on=now.date(),
        cooperation=Cooperation.SUBMISSION,
        submission=submission,
        source_message=message,
        subject_kind=first_victim.kind if first_victim else PersonKind.INDIVIDUAL,
        description=message.body,
        status=ReprisalStatus.ALLEGED,
    )
    ReprisalEvent.objects.create(
        allegation=allegation,
        kind=ReprisalEventKind.REPORTED_BY_SOURCE,
        at=now,
        actor=None,
        fields=[],
        to_status=allegation.status,
    )
    audit_record(actor=None, action="reprisal_reported_by_source", obj=allegation)
    return allegation


def source_report_pending() -> Exists:
    """For a query of submissions: whether its source reported a reprisal that staff have
    not yet taken up (still *alleged*). The triage inbox puts these first, marked urgent."""
    return Exists(
        ReprisalAllegation.objects.filter(
            submission=OuterRef("pk"),
            status=ReprisalStatus.ALLEGED,
            source_message__isnull=False,
        )
    )
