"""What the public record shows of country visits, for the State and mandate pages and the API.

Public: each request's mandate, State, status, history of steps with their dates, the
dates of the visit, the links to the end-of-mission statement and the report, how many
recommendations are at each follow-up status, and standing invitations. Never public:
the staff's notes, who recorded a step, and the text of recommendations.

The figures follow what a record of State cooperation asks of visits (seed 001: accept
requests, answer them quickly, follow up recommendations; seed 004, para. 10: requests
outstanding for years, acceptances without dates). Definitions are in docs/visits.md.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count
from django.utils.translation import gettext as _

from spcomms.reference.models import Country, Mandate
from spcomms.visits.models import (
    FINAL_STATUSES,
    Recommendation,
    RecommendationStatus,
    StandingInvitation,
    VisitEvent,
    VisitRequest,
    VisitStatus,
)

S = VisitStatus
# Read once: an enum's ``values`` is rebuilt at each call.
REC_STATUSES: tuple[str, ...] = tuple(RecommendationStatus.values)
NO_RECOMMENDATIONS: dict[str, int] = dict.fromkeys(REC_STATUSES, 0)  # shared, never written
# A State's reply to a request: it accepted, refused or asked to put the visit off.
REPLY_STEPS = (S.ACCEPTED, S.REFUSED, S.POSTPONED)


def percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


@dataclass(frozen=True)
class PublicStep:
    status: VisitStatus
    on: dt.date
    start_date: dt.date | None
    end_date: dt.date | None
    renewed: bool  # a "requested" step after the first: the request was renewed

    @property
    def text(self) -> str:
        """The step as the public history shows it: its label, its day, and for dates
        proposed the first and last day. Built here rather than in the template: a State
        page lists every step of every request."""
        label = _("Request renewed") if self.renewed else str(self.status.label)
        text = f"{label} {self.on.isoformat()}"
        if self.start_date and self.end_date and self.status != S.CARRIED_OUT:
            text += (
                " ("
                + _("for %(start)s – %(end)s")  # noqa: RUF001  # the en dash of a date range
                % {
                    "start": self.start_date.isoformat(),
                    "end": self.end_date.isoformat(),
                }
                + ")"
            )
        return text


@dataclass(frozen=True)
class VisitOutline:
    """What the figures need of a request: its status, date, steps and recommendations."""

    requested_on: dt.date
    status: VisitStatus
    steps: list[PublicStep]
    recommendations: dict[str, int]  # follow-up status -> count, every status present

    @property
    def replied_on(self) -> dt.date | None:
        """The day of the State's first reply (accepted, refused, postponed), if any."""
        return next((s.on for s in self.steps if s.status in REPLY_STEPS), None)

    @property
    def replied(self) -> bool:
        return self.replied_on is not None or self.status == S.CARRIED_OUT

    @property
    def accepted(self) -> bool:
        return self.status == S.CARRIED_OUT or any(s.status == S.ACCEPTED for s in self.steps)

    @property
    def awaiting_reply(self) -> bool:
        return not self.replied and self.status not in FINAL_STATUSES

    @property
    def recommendations_total(self) -> int:
        return sum(self.recommendations.values())


@dataclass(frozen=True)
class PublicVisit(VisitOutline):
    pk: int
    mandate: Mandate
    country: Country
    accepted_on: dt.date | None
    start_date: dt.date | None
    end_date: dt.date | None
    statement_url: str
    report_symbol: str
    report_url: str


@dataclass(frozen=True)
class VisitFigures:
    """Counts over a set of requests (a State's, a mandate's, all of them)."""

    requests: int
    replied: int
    reply_rate: int | None
    accepted: int
    acceptance_rate: int | None
    carried_out: int
    refused: int
    no_reply: int
    awaiting_reply: int
    awaiting_since: dt.date | None  # the oldest request still awaiting a reply
    accepted_not_carried_out: int
    median_days_to_reply: int | None
    recommendations: dict[str, int]

    @property
    def recommendations_total(self) -> int:
        return sum(self.recommendations.values())


# What the figures need of one request: date requested, status, day of the State's
# first reply (or None), whether it was ever accepted.
FigureRow = tuple[dt.date, str, dt.date | None, bool]


def _figures(rows: Iterable[FigureRow], recommendations: dict[str, int]) -> VisitFigures:
    requests = replied = accepted = carried_out = refused = no_reply = 0
    awaiting = accepted_open = 0
    awaiting_since: dt.date | None = None
    delays = []
    for requested_on, status, replied_on, ever_accepted in rows:
        requests += 1
        final = status in FINAL_STATUSES
        carried_out += status == S.CARRIED_OUT
        refused += status == S.REFUSED
        no_reply += status == S.NO_REPLY
        has_reply = replied_on is not None or status == S.CARRIED_OUT
        was_accepted = ever_accepted or status == S.CARRIED_OUT
        replied += has_reply
        accepted += was_accepted
        accepted_open += was_accepted and not final
        if replied_on is not None:
            delays.append((replied_on - requested_on).days)
        if not has_reply and not final:
            awaiting += 1
            if awaiting_since is None or requested_on < awaiting_since:
                awaiting_since = requested_on
    return VisitFigures(
        requests=requests,
        replied=replied,
        reply_rate=percent(replied, requests),
        accepted=accepted,
        acceptance_rate=percent(accepted, requests),
        carried_out=carried_out,
        refused=refused,
        no_reply=no_reply,
        awaiting_reply=awaiting,
        awaiting_since=awaiting_since,
        accepted_not_carried_out=accepted_open,
        median_days_to_reply=round(statistics.median(delays)) if delays else None,
        recommendations=recommendations,
    )


def visit_figures(visits: Iterable[VisitOutline]) -> VisitFigures:
    visits = list(visits)
    recommendations = dict.fromkeys(REC_STATUSES, 0)
    for visit in visits:
        for status, count in visit.recommendations.items():
            recommendations[status] += count
    return _figures(
        ((v.requested_on, v.status, v.replied_on, v.accepted) for v in visits), recommendations
    )


ALL_STATES_KEY = "spcomms:visits:all-states-figures"
ALL_STATES_SECONDS = 60


def all_states_figures_cached() -> VisitFigures:
    """``all_states_figures()``, kept for a minute: every State page shows them. The
    services drop the copy of the process that made a change (``visits_changed``);
    another server process may show the old comparison for up to a minute."""
    figures = cache.get(ALL_STATES_KEY)
    if not isinstance(figures, VisitFigures):
        figures = all_states_figures()
        cache.set(ALL_STATES_KEY, figures, ALL_STATES_SECONDS)
    return figures


def visits_changed() -> None:
    cache.delete(ALL_STATES_KEY)


def all_states_figures() -> VisitFigures:
    """The figures over every request, from three queries of plain values (the State's
    replies, the recommendations by status, the requests), for the comparison on each
    State page."""
    first_reply: dict[int, dt.date] = {}
    accepted: set[int] = set()
    for request_id, status, on in (
        VisitEvent.objects.filter(status__in=REPLY_STEPS)
        .order_by("on", "pk")
        .values_list("request_id", "status", "on")
    ):
        first_reply.setdefault(request_id, on)
        if status == S.ACCEPTED:
            accepted.add(request_id)
    recommendations = dict.fromkeys(REC_STATUSES, 0)
    for status, count in (
        Recommendation.objects.values("status")
        .annotate(count=Count("pk"))
        .values_list("status", "count")
    ):
        recommendations[status] = count
    rows = (
        (requested_on, status, first_reply.get(pk), pk in accepted)
        for pk, requested_on, status in VisitRequest.objects.values_list(
            "pk", "requested_on", "status"
        )
    )
    return _figures(rows, recommendations)


def _recommendation_counts(visit_ids: Iterable[int] | None = None) -> dict[int, dict[str, int]]:
    """Per visit with recommendations, how many are at each follow-up status."""
    found = Recommendation.objects.all()
    if visit_ids is not None:
        found = found.filter(visit_id__in=list(visit_ids))
    counts: dict[int, dict[str, int]] = {}
    for visit_id, status, count in (
        found.values("visit_id", "status")
        .annotate(count=Count("pk"))
        .values_list("visit_id", "status", "count")
    ):
        counts.setdefault(visit_id, dict.fromkeys(REC_STATUSES, 0))[status] = count
    return counts


def public_visits(**filters: object) -> list[PublicVisit]:
    """The requests matching ``filters`` (``country=``, ``mandate=``), newest first, in
    their public form. Three queries whatever their number; the steps are read as plain
    values, never the staff note."""
    requests = list(
        VisitRequest.objects.filter(**filters)
        .select_related("mandate", "country")
        .order_by("-requested_on", "-pk")
    )
    ids = [request.pk for request in requests]
    steps: dict[int, list[PublicStep]] = defaultdict(list)
    for request_id, status, on, start_date, end_date in (
        VisitEvent.objects.filter(request_id__in=ids)
        .order_by("on", "pk")
        .values_list("request_id", "status", "on", "start_date", "end_date")
    ):
        history = steps[request_id]
        renewed = status == S.REQUESTED and any(s.status == S.REQUESTED for s in history)
        history.append(PublicStep(S(status), on, start_date, end_date, renewed=renewed))
    recommendations = _recommendation_counts(ids) if ids else {}
    visits = []
    for request in requests:
        visits.append(
            PublicVisit(
                pk=request.pk,
                mandate=request.mandate,
                country=request.country,
                requested_on=request.requested_on,
                status=S(request.status),
                accepted_on=request.accepted_on,
                start_date=request.start_date,
                end_date=request.end_date,
                statement_url=request.statement_url,
                report_symbol=request.report_symbol,
                report_url=request.report_url,
                steps=steps.get(request.pk, []),
                recommendations=recommendations.get(request.pk, NO_RECOMMENDATIONS),
            )
        )
    return visits


@dataclass(frozen=True)
class MandateVisits:
    mandate: Mandate
    visits: list[PublicVisit]


@dataclass(frozen=True)
class StateVisits:
    """A State's visit record: per mandate, its figures, all States' for comparison,
    and its standing invitations, newest first."""

    label: str
    by_mandate: list[MandateVisits]
    figures: VisitFigures
    all_states: VisitFigures
    invitations: list[StandingInvitation] = field(default_factory=list)

    @property
    def columns(self) -> list[tuple[str, VisitFigures]]:
        return [(self.label, self.figures), (_("All States"), self.all_states)]

    @property
    def visits(self) -> list[PublicVisit]:
        return [visit for group in self.by_mandate for visit in group.visits]

    @property
    def invitation(self) -> StandingInvitation | None:
        """The latest standing invitation, open or withdrawn."""
        return self.invitations[0] if self.invitations else None


def state_visits(country: Country) -> StateVisits:
    visits = public_visits(country=country)
    groups: dict[int, list[PublicVisit]] = defaultdict(list)
    for visit in visits:
        groups[visit.mandate.pk].append(visit)
    by_mandate = sorted(
        (MandateVisits(group[0].mandate, group) for group in groups.values()),
        key=lambda g: g.mandate.name,
    )
    return StateVisits(
        label=country.name,
        by_mandate=by_mandate,
        figures=visit_figures(visits),
        all_states=all_states_figures_cached(),
        invitations=list(
            StandingInvitation.objects.filter(country=country).order_by("-extended_on", "-pk")
        ),
    )


@dataclass(frozen=True)
class MandateVisitRecord:
    label: str
    visits: list[PublicVisit]
    figures: VisitFigures

    @property
    def columns(self) -> list[tuple[str, VisitFigures]]:
        return [(self.label, self.figures)]


def mandate_visits(mandate: Mandate) -> MandateVisitRecord:
    visits = public_visits(mandate=mandate)
    return MandateVisitRecord(label=mandate.name, visits=visits, figures=visit_figures(visits))
