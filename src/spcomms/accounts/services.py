"""What each role sees first after signing in: counts, never names.

One query per figure, whatever the size of the database.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from spcomms.accounts.models import Role, User
from spcomms.communications.models import (
    Communication,
    CommunicationPerson,
    CommunicationStatus,
)
from spcomms.covariates.models import CountryYearValue
from spcomms.followup.models import Assessment
from spcomms.intake.models import Submission, SubmissionStatus


@dataclass(frozen=True)
class Figure:
    label: str
    value: int
    explanation: str = ""


@dataclass(frozen=True)
class Workspace:
    role: Role
    introduction: str
    figures: list[Figure]


def workspace_summary(user: User) -> Workspace:
    role = Role(user.role)
    if role in (Role.SECRETARIAT, Role.ADMINISTRATOR):
        return Workspace(role, _secretariat_introduction(role), _secretariat_figures(user))
    if role == Role.MANDATE_HOLDER:
        return Workspace(
            role,
            _("The communications of your mandates, and the drafts that wait for your approval."),
            _mandate_holder_figures(user),
        )
    if role == Role.RESEARCHER:
        return Workspace(
            role,
            _("The size of the research record. It is pseudonymised: it holds no names."),
            _researcher_figures(),
        )
    # An organisation's workspace is its list of submissions (spcomms.intake.account_views).
    raise ValueError(f"no staff workspace for the role {role}")


def _secretariat_introduction(role: Role) -> str:
    if role == Role.ADMINISTRATOR:
        return _(
            "The state of the caseload. Accounts, roles, mandates and reference data are "
            "managed in the administration."
        )
    return _("The submissions that wait for triage and the communications that wait for a reply.")


def _secretariat_figures(user: User) -> list[Figure]:
    now = timezone.now()
    sent = Communication.objects.filter(status=CommunicationStatus.SENT)
    figures = [
        Figure(
            _("Submissions awaiting triage"),
            Submission.objects.filter(
                status__in=[SubmissionStatus.RECEIVED, SubmissionStatus.UNDER_REVIEW]
            ).count(),
            _("Received or under review."),
        ),
        Figure(
            _("Submissions waiting for the source"),
            Submission.objects.filter(status=SubmissionStatus.INFO_REQUESTED).count(),
            _("More information was requested."),
        ),
        Figure(
            _("Communications awaiting a reply"),
            sent.filter(reply_due_at__gt=now, replies__isnull=True).count(),
            _("Sent, before the reply deadline, no reply yet."),
        ),
        Figure(
            _("Deadlines passed without a reply"),
            sent.filter(reply_due_at__lte=now, replies__isnull=True).count(),
            _("To follow up with the State or other addressee."),
        ),
    ]
    if user.role == Role.ADMINISTRATOR:
        figures.append(
            Figure(
                _("Active accounts"),
                User.objects.filter(is_active=True).count(),
            )
        )
    return figures


def _mandate_holder_figures(user: User) -> list[Figure]:
    mandates = user.mandates.all()
    return [
        Figure(
            _("Communications of your mandates"),
            Communication.objects.filter(
                status=CommunicationStatus.SENT, mandate_links__mandate__in=mandates
            )
            .distinct()
            .count(),
            _("Sent by your mandates, alone or jointly."),
        ),
        Figure(
            _("Drafts awaiting your approval"),
            Communication.objects.filter(
                status=CommunicationStatus.DRAFT,
                mandate_links__mandate__in=mandates,
                mandate_links__approved_at__isnull=True,
            )
            .distinct()
            .count(),
            _("Drafts that one of your mandates has not yet approved."),
        ),
    ]


def _researcher_figures() -> list[Figure]:
    return [
        Figure(
            _("Communications in the research record"),
            Communication.objects.filter(status=CommunicationStatus.SENT).count(),
        ),
        Figure(
            _("Persons named in communications"),
            CommunicationPerson.objects.count(),
            _("Each mention of a person in a communication is one case."),
        ),
        Figure(_("Follow-up assessments"), Assessment.objects.count()),
        Figure(_("Country-year covariate values"), CountryYearValue.objects.count()),
    ]
