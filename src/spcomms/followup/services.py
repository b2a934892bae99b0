"""Reading and recording follow-ups: every write here, with its permission check and audit row.

Staff (secretariat, administrators) and researchers see the follow-up lists and
record assessments on a follow-up's page; the source of a case answers the
questionnaire of its own case from its status page. An assessment is never
changed: a new one is added and the latest per follow-up counts. Audit rows name
the assessment, the period and the codes, never the comment or the basis.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from spcomms.accounts.models import Role, User
from spcomms.audit.services import audit_record
from spcomms.cases.models import CaseFile, CaseFilePerson
from spcomms.communications.models import CommunicationPerson, CommunicationStatus
from spcomms.followup import schedule
from spcomms.followup.guidance import Guidance, guidance_for
from spcomms.followup.models import (
    Assessment,
    AssessmentSource,
    CaseDevelopment,
    Channel,
    InformationLevel,
    PerceivedImpact,
)
from spcomms.followup.schedule import FollowUp
from spcomms.intake.models import Submission

MAX_TEXT = 20_000
FOLLOW_UP_ROLES = (Role.SECRETARIAT, Role.ADMINISTRATOR, Role.RESEARCHER)


class NotAllowed(Exception):
    """The user or the source may not do this (shown as 404, like a missing object)."""


class FollowUpInvalid(Exception):
    def __init__(self, message: str, field_name: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field_name = field_name


class AlreadyAnswered(Exception):
    """The source already answered this follow-up (shown as 409)."""


def may_follow_up(user: User | AnonymousUser) -> bool:
    return (
        isinstance(user, User)
        and user.is_authenticated
        and user.is_active
        and user.role in FOLLOW_UP_ROLES
    )


def access_follow_up(user: User | AnonymousUser, mention_pk: int, period_months: int) -> FollowUp:
    """The follow-up of a named person at a configured period, or 404 for anyone not allowed."""
    if not may_follow_up(user) or period_months not in schedule.periods():
        raise Http404
    mention = (
        CommunicationPerson.objects.select_related("communication").filter(pk=mention_pk).first()
    )
    found = None if mention is None else schedule.follow_up_of(mention, period_months)
    if found is None:
        raise Http404
    return found


def _check_text(value: str, field_name: str) -> None:
    if len(value) > MAX_TEXT:
        raise FollowUpInvalid(_("Keep it under 20,000 characters."), field_name)


@transaction.atomic
def assessment_record(
    *,
    actor: User,
    follow_up: FollowUp,
    development: str,
    source: str,
    information_level: str,
    basis: str,
    assessed_on: dt.date,
    impact_attention: str = "",
    impact_communication: str = "",
    negative_impact: bool = False,
    comment: str = "",
) -> Assessment:
    """Add a staff or researcher's assessment to a follow-up; the earlier ones stay as history."""
    if not may_follow_up(actor):
        raise NotAllowed
    if development not in CaseDevelopment.values:
        raise FollowUpInvalid(_("Choose how the situation developed."), "development")
    if source not in AssessmentSource.values:
        raise FollowUpInvalid(_("Choose the source of the assessment."), "source")
    if information_level not in InformationLevel.values:
        raise FollowUpInvalid(_("Choose the information level."), "information_level")
    for name, value in (
        ("impact_attention", impact_attention),
        ("impact_communication", impact_communication),
    ):
        if value and value not in PerceivedImpact.values:
            raise FollowUpInvalid(_("Choose one of the answers."), name)
    if not basis.strip():
        raise FollowUpInvalid(
            _("Say what the assessment rests on: the reports, contacts or records consulted."),
            "basis",
        )
    if assessed_on > schedule.today():
        raise FollowUpInvalid(
            _("The date of the assessment cannot be in the future."), "assessed_on"
        )
    _check_text(basis, "basis")
    _check_text(comment, "comment")
    assessment = Assessment.objects.create(
        case_id=follow_up.anchor_id,
        period_months=follow_up.period_months,
        development=development,
        source=source,
        information_level=information_level,
        impact_attention=impact_attention,
        impact_communication=impact_communication,
        negative_impact=negative_impact,
        comment=comment,
        basis=basis,
        assessed_on=assessed_on,
        channel=Channel.PAGE,
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action="followup.assess",
        obj=assessment,
        period_months=follow_up.period_months,
        development=development,
        source=source,
        information_level=information_level,
    )
    return assessment


# The source's questionnaire ------------------------------------------------------------


@dataclass
class SourceFollowUp:
    """A follow-up of the source's own case, as the source sees it."""

    follow_up: FollowUp
    name: str
    """The name as this source's case file holds it (never another record's spelling)."""
    guidance: list[Guidance] = field(default_factory=list)
    answer: Assessment | None = None
    """This source's own answer, once given."""

    @property
    def key(self) -> str:
        return f"{self.follow_up.anchor_id}-{self.follow_up.period_months}"


def source_follow_ups(submission: Submission, *, on: dt.date | None = None) -> list[SourceFollowUp]:
    """The follow-ups now due for the persons of this submission's case, oldest first."""
    on = schedule.today() if on is None else on
    case_file = CaseFile.objects.filter(submission=submission).first()
    if case_file is None:
        return []
    entries = list(
        CaseFilePerson.objects.filter(case_file=case_file)
        .select_related("person")
        .prefetch_related("violations")
    )
    if not entries:
        return []
    mentions = list(
        CommunicationPerson.objects.filter(
            communication__case_files=case_file,
            communication__status=CommunicationStatus.SENT,
        )
        .select_related("communication")
        .prefetch_related("violations")
        .distinct()
    )
    merged = schedule.canonical_map(
        {entry.person_id for entry in entries} | {row.person_id for row in mentions}
    )
    own = {schedule.canonical(merged, entry.person_id): entry for entry in entries}
    ours = [row for row in mentions if schedule.canonical(merged, row.person_id) in own]
    codes: dict[tuple[int, int], set[str]] = {}
    for row in ours:
        key = (row.communication_id, schedule.canonical(merged, row.person_id))
        codes.setdefault(key, set()).update(v.code for v in row.violations.all())
    answers: dict[tuple[int, int], Assessment] = {}
    for answer in Assessment.objects.filter(
        submission=submission, channel=Channel.QUESTIONNAIRE
    ).order_by("recorded_at", "pk"):
        answers[(answer.case_id, answer.period_months)] = answer
    result = []
    for item in schedule.build(ours, merged=merged, with_assessments=False):
        if item.due_on > on:
            continue
        entry = own[item.person_id]
        violation_codes = codes.get((item.communication_id, item.person_id), set()) | {
            v.code for v in entry.violations.all()
        }
        given = next(
            (
                answers[(pk, item.period_months)]
                for pk in item.mention_ids
                if (pk, item.period_months) in answers
            ),
            None,
        )
        result.append(
            SourceFollowUp(
                follow_up=item,
                name=entry.person.name,
                guidance=guidance_for(violation_codes),
                answer=given,
            )
        )
    return result


def source_follow_up(submission: Submission, mention_pk: int, period_months: int) -> SourceFollowUp:
    """One due follow-up of this source's case, or ``NotAllowed``."""
    for item in source_follow_ups(submission):
        if (
            item.follow_up.period_months == period_months
            and mention_pk in item.follow_up.mention_ids
        ):
            return item
    raise NotAllowed


@transaction.atomic
def follow_up_answer(
    *,
    submission: Submission,
    mention_pk: int,
    period_months: int,
    development: str,
    impact_attention: str,
    impact_communication: str,
    negative_impact: bool,
    comment: str,
    now: dt.datetime | None = None,
) -> Assessment:
    """Store the source's answer as a survey assessment (comment encrypted at rest).

    The information level is "complete or good" (the source's own account) unless the
    source says the development is not known.
    """
    item = source_follow_up(submission, mention_pk, period_months)
    # Lock the submission row so that two answers sent at once cannot both pass the check.
    Submission.objects.select_for_update().filter(pk=submission.pk).first()
    if Assessment.objects.filter(
        submission=submission,
        channel=Channel.QUESTIONNAIRE,
        case_id__in=item.follow_up.mention_ids,
        period_months=period_months,
    ).exists():
        raise AlreadyAnswered
    if development not in CaseDevelopment.values:
        raise FollowUpInvalid(_("Choose how the situation developed."), "development")
    for name, value in (
        ("impact_attention", impact_attention),
        ("impact_communication", impact_communication),
    ):
        if value not in PerceivedImpact.values:
            raise FollowUpInvalid(_("Choose one of the answers."), name)
    _check_text(comment, "comment")
    moment = now or timezone.now()
    assessment = Assessment.objects.create(
        case_id=item.follow_up.anchor_id,
        period_months=period_months,
        development=development,
        source=AssessmentSource.SURVEY,
        information_level=InformationLevel.LIMITED
        if development == CaseDevelopment.NOT_KNOWN
        else InformationLevel.COMPLETE,
        impact_attention=impact_attention,
        impact_communication=impact_communication,
        negative_impact=negative_impact,
        comment=comment,
        assessed_on=schedule.local_day(moment),
        channel=Channel.QUESTIONNAIRE,
        submission=submission,
    )
    audit_record(
        actor=None,
        action="followup.answer",
        obj=assessment,
        period_months=period_months,
        development=development,
    )
    return assessment
