"""Every write to country visits: requests and their steps, links, recommendations and
standing invitations.

Each function takes keyword-only arguments and the acting user, checks the actor's
right, runs in one transaction and writes an audit row (identifiers and codes only).
Bad values raise ``InvalidInput`` naming the field (the pages answer 400); a step the
request's state does not allow raises ``WorkflowError`` (409); an actor without the
right raises ``NotAllowed`` (the pages answer 404). The rules are in docs/visits.md.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from spcomms.accounts.models import STAFF_ROLES, User
from spcomms.audit.services import audit_record
from spcomms.reference.models import Country, Mandate
from spcomms.visits.models import (
    FINAL_STATUSES,
    REOPENABLE_STATUSES,
    Recommendation,
    RecommendationStatus,
    StandingInvitation,
    VisitEvent,
    VisitRequest,
    VisitStatus,
)
from spcomms.visits.public import visits_changed

# The first thematic mandate was created in 1980: nothing in this record is older.
EARLIEST = dt.date(1980, 1, 1)
NOTE_LENGTH = 2000
RECOMMENDATION_LENGTH = 4000
URL_LENGTH = 200
# A UN document symbol such as A/HRC/31/55/Add.2.
REPORT_SYMBOL = re.compile(r"^[A-Z][A-Z0-9]*(/[A-Za-z0-9.()\-]+)+$")
REPORT_SYMBOL_LENGTH = 60

S = VisitStatus
_ANSWERS = (S.REMINDED, S.ACCEPTED, S.DATES_PROPOSED, S.POSTPONED, S.REFUSED, S.NO_REPLY)
# The steps each status allows. A renewed request ("requested") reopens a refused
# request or one closed without a reply; a visit carried out takes no further step.
NEXT_STEPS: dict[str, tuple[VisitStatus, ...]] = {
    S.REQUESTED: _ANSWERS,
    S.REMINDED: _ANSWERS,
    S.ACCEPTED: (S.REMINDED, S.DATES_PROPOSED, S.POSTPONED, S.CARRIED_OUT, S.REFUSED, S.NO_REPLY),
    S.DATES_PROPOSED: (
        S.REMINDED,
        S.ACCEPTED,
        S.DATES_PROPOSED,
        S.POSTPONED,
        S.CARRIED_OUT,
        S.REFUSED,
        S.NO_REPLY,
    ),
    S.POSTPONED: (S.REMINDED, S.ACCEPTED, S.DATES_PROPOSED, S.CARRIED_OUT, S.REFUSED, S.NO_REPLY),
    S.CARRIED_OUT: (),
    S.REFUSED: (S.REQUESTED,),
    S.NO_REPLY: (S.REQUESTED,),
}
WITH_DATES = (S.DATES_PROPOSED, S.CARRIED_OUT)


class VisitError(Exception):
    """Base of the errors raised here; the message is meant for the user."""


class InvalidInput(VisitError):
    """A value is wrong; ``field`` names it (HTTP 400)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class WorkflowError(VisitError):
    """The step is not allowed in the present state (HTTP 409)."""


class NotAllowed(PermissionDenied):
    """The actor may not record visits; the pages answer it as a 404."""


def can_manage_visits(user: object) -> bool:
    """Visits are recorded by the secretariat and administrators (the staff roles)."""
    return bool(
        isinstance(user, User)
        and user.is_authenticated
        and user.is_active
        and user.role in STAFF_ROLES
    )


def _require(actor: User) -> None:
    if not can_manage_visits(actor):
        raise NotAllowed


def today() -> dt.date:
    """Today in UTC, the calendar every date of the record is kept in."""
    return timezone.now().astimezone(dt.UTC).date()


def _date(field: str, value: dt.date | None, *, label: str) -> dt.date:
    if value is None:
        raise InvalidInput(field, _("Give the date (%(what)s).") % {"what": label})
    if value < EARLIEST:
        raise InvalidInput(
            field,
            _("%(date)s is before 1980, when the first mandate was created: check the year.")
            % {"date": value.isoformat()},
        )
    return value


def _not_future(field: str, value: dt.date) -> None:
    if value > today():
        raise InvalidInput(
            field,
            _("%(date)s is in the future: record a step once it has happened.")
            % {"date": value.isoformat()},
        )


def _note(note: str) -> str:
    note = (note or "").strip()
    if len(note) > NOTE_LENGTH:
        raise InvalidInput(
            "note", _("Keep the note under %(count)s characters.") % {"count": NOTE_LENGTH}
        )
    return note


def steps_allowed(visit: VisitRequest) -> tuple[VisitStatus, ...]:
    return NEXT_STEPS[visit.status]


def open_request_exists(*, mandate: Mandate, country: Country) -> bool:
    return (
        VisitRequest.objects.filter(mandate=mandate, country=country)
        .exclude(status__in=FINAL_STATUSES)
        .exists()
    )


# Requests and their steps ------------------------------------------------------


@transaction.atomic
def visit_request_create(
    *, actor: User, mandate: Mandate, country: Country, requested_on: dt.date, note: str = ""
) -> VisitRequest:
    """A mandate asks a State to let it visit; the first step of the history is the
    request itself. A mandate has at most one open request per State."""
    _require(actor)
    requested_on = _date("requested_on", requested_on, label=_("requested on"))
    _not_future("requested_on", requested_on)
    note = _note(note)
    if open_request_exists(mandate=mandate, country=country):
        raise WorkflowError(
            _(
                "This mandate already has an open request to this State: record the new step "
                "(a reminder, for example) on that request."
            )
        )
    visit = VisitRequest.objects.create(
        mandate=mandate, country=country, requested_on=requested_on, status=S.REQUESTED
    )
    _event(visit, S.REQUESTED, on=requested_on, note=note, actor=actor)
    audit_record(
        actor=actor,
        action="visit_request_create",
        obj=visit,
        mandate=mandate.code,
        country=country.iso3,
    )
    return visit


def _event(
    visit: VisitRequest,
    status: str,
    *,
    on: dt.date,
    note: str,
    actor: User,
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
) -> VisitEvent:
    """One step in a request's history, stamped now; the public pages are told once the
    transaction commits."""
    event = VisitEvent.objects.create(
        request=visit,
        status=status,
        on=on,
        start_date=start_date,
        end_date=end_date,
        note=note,
        recorded_at=timezone.now(),
        recorded_by=actor,
    )
    transaction.on_commit(visits_changed)
    return event


def _refusal(current: str, step: VisitStatus) -> WorkflowError:
    if current == S.CARRIED_OUT:
        return WorkflowError(
            _(
                "The visit was carried out: no step follows it. Record its statement, report "
                "and recommendations, or open a new request for another visit."
            )
        )
    if current in REOPENABLE_STATUSES:
        return WorkflowError(
            _(
                "This request is closed (%(status)s). To take it up again, record a renewed "
                "request first."
            )
            % {"status": S(current).label}
        )
    if step == S.REQUESTED:
        return WorkflowError(
            _("Only a refused request, or one closed without a reply, can be renewed.")
        )
    if step == S.CARRIED_OUT:
        return WorkflowError(
            _("Record that the State accepted the visit, or the dates proposed, first.")
        )
    return WorkflowError(
        _("A request that is “%(status)s” cannot be marked “%(step)s”.")
        % {"status": S(current).label, "step": step.label}
    )


def step_refusal(visit: VisitRequest, status: str) -> WorkflowError | None:
    """Why the request's present state refuses this step, or None when it allows it
    (or when ``status`` is not a step at all)."""
    try:
        step = VisitStatus(status)
    except ValueError:
        return None
    return None if step in NEXT_STEPS[visit.status] else _refusal(visit.status, step)


@transaction.atomic
def visit_step_record(
    *,
    actor: User,
    visit: VisitRequest,
    status: str,
    on: dt.date | None = None,
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
    note: str = "",
) -> VisitEvent:
    """Record one step of a request and set its status.

    Dates run in order: no step before the last one, none in the future. ``dates
    proposed`` and ``carried out`` need the first and last day of the visit; a visit
    carried out is dated by its last day and cannot end in the future.
    """
    _require(actor)
    try:
        step = VisitStatus(status)
    except ValueError:
        raise InvalidInput("status", _("Choose a step from the list.")) from None
    locked = VisitRequest.objects.select_for_update().get(pk=visit.pk)
    current = locked.status
    if step not in NEXT_STEPS[current]:
        raise _refusal(current, step)
    note = _note(note)
    last = (
        VisitEvent.objects.filter(request=locked)
        .order_by("-on", "-pk")
        .values_list("on", flat=True)
    ).first() or locked.requested_on

    if step in WITH_DATES:
        start = _date("start_date", start_date, label=_("first day"))
        end = _date("end_date", end_date, label=_("last day"))
        if end < start:
            raise InvalidInput("end_date", _("The last day comes before the first day."))
    elif start_date is not None or end_date is not None:
        raise InvalidInput(
            "start_date",
            _("The dates of a visit go with the steps “Dates proposed” and “Carried out” only."),
        )
    if step == S.CARRIED_OUT:
        on = end
        _not_future("end_date", end)
        if start < locked.requested_on:
            raise InvalidInput(
                "start_date",
                _("The visit cannot start before it was requested (%(date)s).")
                % {"date": locked.requested_on.isoformat()},
            )
        if end < last:
            raise InvalidInput(
                "end_date",
                _("The visit cannot end before the last step recorded (%(date)s).")
                % {"date": last.isoformat()},
            )
    else:
        on = _date("on", on, label=_("the day of this step"))
        _not_future("on", on)
        if on < last:
            raise InvalidInput(
                "on",
                _("Steps are recorded in order: this one cannot come before %(date)s.")
                % {"date": last.isoformat()},
            )
        if step == S.DATES_PROPOSED and start < on:
            raise InvalidInput(
                "start_date", _("Dates proposed must come after the day they were proposed.")
            )

    changes: dict[str, object] = {"status": step}
    if step == S.ACCEPTED:
        changes["accepted_on"] = on
    if step in WITH_DATES:
        changes["start_date"], changes["end_date"] = start, end
    # Compare and set: a step recorded by someone else meanwhile wins, and this one is refused.
    if not VisitRequest.objects.filter(pk=locked.pk, status=current).update(**changes):
        raise WorkflowError(_("Someone changed this request meanwhile: reload it and try again."))
    event = _event(
        locked,
        step,
        on=on,
        note=note,
        actor=actor,
        start_date=start_date if step in WITH_DATES else None,
        end_date=end_date if step in WITH_DATES else None,
    )
    audit_record(
        actor=actor,
        action="visit_step_record",
        obj=locked,
        from_status=current,
        to_status=step.value,
        event=event.pk,
    )
    visit.refresh_from_db()
    return event


def _url(field: str, value: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    if len(value) > URL_LENGTH:
        raise InvalidInput(
            field, _("Keep the address under %(count)s characters.") % {"count": URL_LENGTH}
        )
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        raise InvalidInput(
            field, _("Give a web address that starts with https:// (or http://).")
        ) from None
    if "@" in value.split("//", 1)[1].split("/", 1)[0]:
        raise InvalidInput(field, _("A web address with a user name or password is refused."))
    return value


@transaction.atomic
def visit_links_set(
    *,
    actor: User,
    visit: VisitRequest,
    statement_url: str = "",
    report_symbol: str = "",
    report_url: str = "",
) -> VisitRequest:
    """The end-of-mission statement and the report of a visit carried out: web
    addresses (http or https only) and the report's UN document symbol."""
    _require(actor)
    locked = VisitRequest.objects.select_for_update().get(pk=visit.pk)
    if locked.status != S.CARRIED_OUT:
        raise WorkflowError(
            _("A statement and a report come after a visit: record that it was carried out first.")
        )
    statement_url = _url("statement_url", statement_url)
    report_url = _url("report_url", report_url)
    report_symbol = (report_symbol or "").strip()
    if report_symbol and (
        len(report_symbol) > REPORT_SYMBOL_LENGTH or not REPORT_SYMBOL.match(report_symbol)
    ):
        raise InvalidInput(
            "report_symbol", _("Give the UN document symbol, such as A/HRC/31/55/Add.2.")
        )
    before = (locked.statement_url, locked.report_symbol, locked.report_url)
    locked.statement_url, locked.report_symbol, locked.report_url = (
        statement_url,
        report_symbol,
        report_url,
    )
    locked.save(update_fields=["statement_url", "report_symbol", "report_url"])
    transaction.on_commit(visits_changed)
    audit_record(
        actor=actor,
        action="visit_links_set",
        obj=locked,
        statement_changed=before[0] != statement_url,
        report_changed=before[1:] != (report_symbol, report_url),
    )
    visit.refresh_from_db()
    return locked


# Recommendations ---------------------------------------------------------------------


def _review(
    visit: VisitRequest, status: str, reviewed_on: dt.date | None
) -> tuple[RecommendationStatus, dt.date | None]:
    try:
        chosen = RecommendationStatus(status)
    except ValueError:
        raise InvalidInput("status", _("Choose a follow-up status from the list.")) from None
    if reviewed_on is None:
        if chosen != RecommendationStatus.NOT_ASSESSED:
            raise InvalidInput(
                "reviewed_on", _("Give the date of the review that found this status.")
            )
        return chosen, None
    reviewed_on = _date("reviewed_on", reviewed_on, label=_("reviewed on"))
    _not_future("reviewed_on", reviewed_on)
    if visit.end_date is not None and reviewed_on < visit.end_date:
        raise InvalidInput(
            "reviewed_on",
            _("A review comes after the visit, which ended on %(date)s.")
            % {"date": visit.end_date.isoformat()},
        )
    return chosen, reviewed_on


@transaction.atomic
def recommendation_add(
    *,
    actor: User,
    visit: VisitRequest,
    text: str,
    status: str = RecommendationStatus.NOT_ASSESSED,
    reviewed_on: dt.date | None = None,
) -> Recommendation:
    """A recommendation of the visit's report; its text is sealed at rest and never
    public (the public record shows how many are at each follow-up status)."""
    _require(actor)
    if visit.status != S.CARRIED_OUT:
        raise WorkflowError(
            _("Recommendations come from a visit: record that it was carried out first.")
        )
    text = (text or "").strip()
    if not text:
        raise InvalidInput("text", _("Write the recommendation."))
    if len(text) > RECOMMENDATION_LENGTH:
        raise InvalidInput(
            "text",
            _("Keep a recommendation under %(count)s characters.")
            % {"count": RECOMMENDATION_LENGTH},
        )
    chosen, reviewed_on = _review(visit, status, reviewed_on)
    created = Recommendation.objects.create(
        visit=visit, text=text, status=chosen, reviewed_on=reviewed_on
    )
    transaction.on_commit(visits_changed)
    audit_record(
        actor=actor,
        action="recommendation_add",
        obj=created,
        visit=visit.pk,
        status=chosen.value,
    )
    return created


@transaction.atomic
def recommendation_review(
    *, actor: User, recommendation: Recommendation, status: str, reviewed_on: dt.date | None
) -> Recommendation:
    """Record the follow-up status a review found, and when."""
    _require(actor)
    locked = (
        Recommendation.objects.select_for_update().select_related("visit").get(pk=recommendation.pk)
    )
    chosen, reviewed_on = _review(locked.visit, status, reviewed_on)
    if locked.reviewed_on and reviewed_on and reviewed_on < locked.reviewed_on:
        raise InvalidInput(
            "reviewed_on",
            _("An earlier review is recorded on %(date)s: a new one cannot come before it.")
            % {"date": locked.reviewed_on.isoformat()},
        )
    before = locked.status
    locked.status, locked.reviewed_on = chosen, reviewed_on
    locked.save(update_fields=["status", "reviewed_on"])
    transaction.on_commit(visits_changed)
    audit_record(
        actor=actor,
        action="recommendation_review",
        obj=locked,
        from_status=before,
        to_status=chosen.value,
    )
    recommendation.refresh_from_db()
    return locked


# Standing invitations ----------------------------------------------------------------


@transaction.atomic
def standing_invitation_extend(
    *, actor: User, country: Country, extended_on: dt.date
) -> StandingInvitation:
    """A State invites every thematic mandate to visit. One open invitation per State;
    a new one may follow a withdrawal, not precede it."""
    _require(actor)
    extended_on = _date("extended_on", extended_on, label=_("extended on"))
    _not_future("extended_on", extended_on)
    earlier = list(
        StandingInvitation.objects.select_for_update().filter(country=country).order_by("pk")
    )
    if any(invitation.withdrawn_on is None for invitation in earlier):
        raise WorkflowError(
            _(
                "This State's standing invitation is open already: withdraw it first to record "
                "a new one."
            )
        )
    withdrawn = max((i.withdrawn_on for i in earlier if i.withdrawn_on), default=None)
    if withdrawn is not None and extended_on < withdrawn:
        raise InvalidInput(
            "extended_on",
            _("The State withdrew its last invitation on %(date)s: a new one comes after it.")
            % {"date": withdrawn.isoformat()},
        )
    try:
        with transaction.atomic():
            created = StandingInvitation.objects.create(country=country, extended_on=extended_on)
    except IntegrityError:  # another officer recorded one at the same moment
        raise WorkflowError(
            _("This State's standing invitation is open already: reload the page.")
        ) from None
    transaction.on_commit(visits_changed)
    audit_record(
        actor=actor, action="standing_invitation_extend", obj=created, country=country.iso3
    )
    return created


@transaction.atomic
def standing_invitation_withdraw(
    *, actor: User, invitation: StandingInvitation, withdrawn_on: dt.date
) -> StandingInvitation:
    _require(actor)
    locked = StandingInvitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.withdrawn_on is not None:
        raise WorkflowError(_("This standing invitation was withdrawn already."))
    withdrawn_on = _date("withdrawn_on", withdrawn_on, label=_("withdrawn on"))
    _not_future("withdrawn_on", withdrawn_on)
    if withdrawn_on < locked.extended_on:
        raise InvalidInput(
            "withdrawn_on",
            _("The invitation was extended on %(date)s: it cannot be withdrawn before.")
            % {"date": locked.extended_on.isoformat()},
        )
    locked.withdrawn_on = withdrawn_on
    locked.save(update_fields=["withdrawn_on"])
    transaction.on_commit(visits_changed)
    audit_record(actor=actor, action="standing_invitation_withdraw", obj=locked)
    invitation.refresh_from_db()
    return locked
