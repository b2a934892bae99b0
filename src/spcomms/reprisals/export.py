"""A year's cases in the shape of the Secretary-General's annual report on reprisals.

Each case gives the State, the person or organisation, the cooperation, the date, the
acts, a summary of the allegation, the action the mandates took and the government's
response, as the annexes of that report set them out (seed 003 describes the report;
its figures are drawn from it). The export is for staff preparing the submission, and
it follows the public-naming rules all the same, because what goes into that report
becomes public:

- a person is named only with consent to public naming (full name; initials when that
  is the consent), otherwise described by kind without anything that identifies them;
- the summary and the response are staff texts written to be shared; each is checked
  for the names that must stay hidden (the person's, the victims' of the submission it
  followed, the source's) with the public record's guard, and replaced by a notice if
  one appears, so that staff rewrite it;
- a communication is cited by its reference only once it is public.

A year's cases are the allegations reported in that year that staff have taken up
(any status but *alleged*), and those marked for that year's report.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from spcomms.cases.models import ConsentRecord, Person, PersonKind, PublicNaming
from spcomms.communications.letters import guard_trips, initials
from spcomms.communications.models import Communication, PublicState, Reply
from spcomms.core.csvsafe import safe_row
from spcomms.intake.models import SubmissionVictim
from spcomms.reprisals.models import Cooperation, ReprisalAllegation, ReprisalStatus

COLUMNS = (
    "case",
    "state",
    "person_or_organisation",
    "cooperation",
    "date",
    "acts",
    "perpetrators",
    "summary",
    "action_taken",
    "government_response",
)


@dataclass(frozen=True)
class ExportCase:
    case: int
    state: str
    person_or_organisation: str
    cooperation: str
    date: str
    acts: str
    perpetrators: str
    summary: str
    action_taken: str
    government_response: str
    withheld_texts: int  # texts replaced because they named someone who must stay hidden

    def cells(self) -> list[str]:
        return [str(getattr(self, name)) for name in COLUMNS]


def year_cases(year: int) -> QuerySet[ReprisalAllegation]:
    """The allegations of ``year``'s export, oldest first."""
    return (
        ReprisalAllegation.objects.filter(
            Q(reported_on__year=year) & ~Q(status=ReprisalStatus.ALLEGED) | Q(sg_report_year=year)
        )
        .select_related("country", "person", "communication", "action_communication", "submission")
        .prefetch_related(
            "acts",
            "perpetrators",
            Prefetch(
                "person__consents",
                queryset=ConsentRecord.objects.filter(revoked_at__isnull=True),
            ),
            Prefetch(
                "action_communication__replies",
                queryset=Reply.objects.order_by("received_on", "pk"),
            ),
        )
        .order_by("reported_on", "pk")
    )


def _described(kind: str) -> str:
    if kind == PersonKind.ORGANISATION:
        return _("A civil society organisation (name withheld)")
    if kind == PersonKind.GROUP:
        return _("A group of human rights defenders (names withheld)")
    if kind == PersonKind.COMMUNITY:
        return _("A community (name withheld)")
    return _("A human rights defender (name withheld)")


def _naming(person: Person | None) -> str:
    if person is None:
        return PublicNaming.WITHHELD
    consent = person.current_consent()
    return consent.public_naming if consent is not None else PublicNaming.WITHHELD


def person_shown(allegation: ReprisalAllegation) -> str:
    """The person or organisation as the report may show them."""
    person = allegation.person
    naming = _naming(person)
    if person is not None and naming == PublicNaming.FULL:
        return str(person.name)
    if person is not None and naming == PublicNaming.INITIALS:
        return initials(str(person.name))
    return _described(person.kind if person is not None else allegation.subject_kind)


def hidden_names(allegation: ReprisalAllegation) -> list[str]:
    """Names that must not appear in the exported texts."""
    names: list[str] = []
    person = allegation.person
    if person is not None and _naming(person) != PublicNaming.FULL:
        names.append(str(person.name))
    if allegation.submission is not None:
        submission = allegation.submission
        if submission.sender_name:
            names.append(str(submission.sender_name))
        for victim in SubmissionVictim.objects.filter(submission=submission).exclude(
            consent_public=PublicNaming.FULL
        ):
            victim.submission = submission
            names.append(str(victim.name))
    return names


def _guarded(text: str, names: Iterable[str]) -> tuple[str, bool]:
    if text and guard_trips([text], names):
        return (
            _(
                "[Withheld: this text names someone who has not consented to be named in "
                "public. Rewrite it in the register.]"
            ),
            True,
        )
    return text, False


def _communication_cited(communication: Communication) -> str:
    sent = communication.sent_at.date().isoformat() if communication.sent_at else ""
    if communication.public_state() == PublicState.PUBLISHED:
        return _("Communication %(reference)s sent to the Government on %(date)s") % {
            "reference": communication.reference,
            "date": sent,
        }
    return _("A communication was sent to the Government on %(date)s (not yet public)") % {
        "date": sent
    }


def _cooperation(allegation: ReprisalAllegation) -> str:
    label = str(Cooperation(allegation.cooperation).label)
    followed = allegation.communication
    if (
        allegation.cooperation == Cooperation.COMMUNICATION
        and followed is not None
        and followed.public_state() == PublicState.PUBLISHED
    ):
        return f"{label}: {followed.reference}"
    if allegation.cooperation == Cooperation.COUNCIL_SESSION and allegation.council_session:
        return f"{label}: {allegation.council_session}"
    return label


def _actions(allegation: ReprisalAllegation) -> str:
    taken = []
    if allegation.action_communication is not None:
        taken.append(_communication_cited(allegation.action_communication))
    if allegation.raised_with_senior_official:
        taken.append(_("Raised with the UN's senior official on reprisals"))
    if allegation.sg_report_year is not None:
        taken.append(
            _("Included in the Secretary-General's report of %(year)d")
            % {"year": allegation.sg_report_year}
        )
    return "; ".join(taken) or _("No action recorded yet")


def _response(allegation: ReprisalAllegation) -> str:
    written = str(allegation.government_response).strip()
    if written:
        return written
    communication = allegation.action_communication
    if communication is None:
        return _("No response recorded")
    replies = list(communication.replies.all())
    if not replies:
        return _("No reply received")
    shown = []
    for reply in replies:
        if reply.confidential:
            shown.append(_("A reply was received; the Government asked that it stay confidential"))
        else:
            shown.append(_("Reply received on %(date)s") % {"date": reply.received_on.isoformat()})
    return "; ".join(shown)


def export_case(allegation: ReprisalAllegation) -> ExportCase:
    names = hidden_names(allegation)
    summary, summary_withheld = _guarded(allegation.summary.strip(), names)
    response, response_withheld = _guarded(_response(allegation), names)
    when = allegation.occurred_on or allegation.reported_on
    return ExportCase(
        case=allegation.pk,
        state=allegation.country.name if allegation.country else "",
        person_or_organisation=person_shown(allegation),
        cooperation=_cooperation(allegation),
        date=when.isoformat(),
        acts="; ".join(term.name for term in allegation.acts.all()),
        perpetrators="; ".join(term.name for term in allegation.perpetrators.all()),
        summary=summary or _("No summary written yet"),
        action_taken=_actions(allegation),
        government_response=response,
        withheld_texts=int(summary_withheld) + int(response_withheld),
    )


def export_cases(year: int) -> list[ExportCase]:
    return [export_case(allegation) for allegation in year_cases(year)]


def column_labels() -> list[str]:
    return [
        _("Case"),
        _("State"),
        _("Person or organisation"),
        _("Cooperation with the UN"),
        _("Date"),
        _("Type of act"),
        _("Perpetrators"),
        _("Summary of the allegation"),
        _("Action taken by the mandates"),
        _("Response of the Government"),
    ]


def export_csv(cases: Iterable[ExportCase]) -> str:
    """CSV with a header row; no cell can be read as a formula by a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(safe_row(column_labels()))
    for case in cases:
        writer.writerow(safe_row(case.cells()))
    return out.getvalue()


def export_html(cases: list[ExportCase], *, year: int) -> str:
    """A standalone HTML document, one section per State, to open and paste from."""
    by_state: dict[str, list[ExportCase]] = {}
    for case in sorted(cases, key=lambda c: (c.state, c.date, c.case)):
        by_state.setdefault(case.state or _("State not recorded"), []).append(case)
    return render_to_string(
        "reprisals/export.html", {"year": year, "states": sorted(by_state.items())}
    )
