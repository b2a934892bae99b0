"""What each role sees first after signing in: counts, never names."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from spcomms.accounts.models import Role, User
from spcomms.communications.models import Communication, CommunicationStatus
from spcomms.intake.models import Submission, SubmissionStatus


@dataclass(frozen=True)
class Figure:
    label: str
    value: int


def workspace_summary(user: User) -> list[Figure]:
    now = timezone.now()
    sent = Communication.objects.filter(status=CommunicationStatus.SENT)
    if user.role in (Role.SECRETARIAT, Role.ADMINISTRATOR):
        return [
            Figure(
                _("Submissions awaiting triage"),
                Submission.objects.filter(
                    status__in=[SubmissionStatus.RECEIVED, SubmissionStatus.UNDER_REVIEW]
                ).count(),
            ),
            Figure(
                _("Communications awaiting a reply"),
                sent.filter(reply_due_at__gt=now, replies__isnull=True).count(),
            ),
            Figure(_("Communications sent"), sent.count()),
        ]
    if user.role == Role.MANDATE_HOLDER:
        mine = sent.filter(mandate_links__mandate__in=user.mandates.all()).distinct()
        return [
            Figure(_("Communications of your mandates"), mine.count()),
            Figure(
                _("Drafts awaiting your approval"),
                Communication.objects.filter(
                    Q(status=CommunicationStatus.DRAFT),
                    mandate_links__mandate__in=user.mandates.all(),
                    mandate_links__approved_at__isnull=True,
                )
                .distinct()
                .count(),
            ),
        ]
    if user.role == Role.RESEARCHER:
        return [Figure(_("Communications in the research record"), sent.count())]
    return [Figure(_("Your submissions"), Submission.objects.filter(source_account=user).count())]
