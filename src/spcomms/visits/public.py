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

from django.db.models import Count, Prefetch, Q
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


def visit_figures(visits: Iterable[VisitOutline]) -> VisitFigures:
    visits = list(visits)
    awaiting = [v for v in visits if v.awaiting_reply]
    delays = [(v.replied_on - v.requested_on).days for v in visits if v.replied_on is not None]
    recommendations = dict.fromkeys(RecommendationStatus.values, 0)
    for visit in visits:
        for status, count in visit.recommendations.items():
            recommendations[status] += count
    replied = sum(v.replied for v in visits)
    accepted = sum(v.accepted for v in visits)
    return VisitFigures(
        requests=len(visits),
        replied=replied,
        reply_rate=percent(replied, len(visits)),
        accepted=accepted,
        acceptance_rate=percent(accepted, len(visits)),
        carried_out=sum(v.status == S.CARRIED_OUT for v in visits),
        refused=sum(v.status == S.REFUSED for v in visits),
        no_reply=sum(v.status == S.NO_REPLY for v in visits),
        awaiting_reply=len(awaiting),
        awaiting_since=min((v.requested_on for v in awaiting), default=None),
        accepted_not_carried_out=sum(v.accepted and v.status not in FINAL_STATUSES for v in visits),
        median_days_to_reply=round(statistics.median(delays)) if delays else None,
        recommendations=recommendations,
    )


def public_visits(**filters: object) -> list[PublicVisit]:
    """The requests matching ``filters`` (``country=``, ``mandate=``), newest first, in
    their public form. Three queries whatever their number."""
    found = (
        VisitRequest.objects.filter(**filters)
        .select_related("mandate", "country")
        .prefetch_related(
            Prefetch(
                "events",
                queryset=VisitEvent.objects.order_by("on", "pk").only(
                    "request_id", "status", "on", "start_date", "end_date"
                ),
            )
        )
        .annotate(
            **{
                f"rec_{status}": Count("recommendations", filter=Q(recommendations__status=status))
                for status in RecommendationStatus.values
            }
        )
        .order_by("-requested_on", "-pk")
    )
    visits = []
    for request in found:
        steps, seen_request = [], False
        for event in request.events.all():
            steps.append(
                PublicStep(
                    status=S(event.status),
                    on=event.on,
                    start_date=event.start_date,
                    end_date=event.end_date,
                    renewed=event.status == S.REQUESTED and seen_request,
                )
            )
            seen_request = seen_request or event.status == S.REQUESTED
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
                steps=steps,
                recommendations={
                    status: getattr(request, f"rec_{status}")
                    for status in RecommendationStatus.values
                },
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


def _outlines() -> list[VisitOutline]:
    """Every request, with only what the figures need: three light queries, for the
    comparison with all States on each State page."""
    replies: dict[int, list[PublicStep]] = defaultdict(list)
    for request_id, status, on in (
        VisitEvent.objects.filter(status__in=REPLY_STEPS)
        .order_by("on", "pk")
        .values_list("request_id", "status", "on")
    ):
        replies[request_id].append(PublicStep(S(status), on, None, None, renewed=False))
    recommendations: dict[int, dict[str, int]] = defaultdict(
        lambda: dict.fromkeys(RecommendationStatus.values, 0)
    )
    for visit_id, status, count in (
        Recommendation.objects.values("visit_id", "status")
        .annotate(count=Count("pk"))
        .values_list("visit_id", "status", "count")
    ):
        recommendations[visit_id][status] = count
    return [
        VisitOutline(
            requested_on=requested_on,
            status=S(status),
            steps=replies.get(pk, []),
            recommendations=recommendations[pk],
        )
        for pk, requested_on, status in VisitRequest.objects.values_list(
            "pk", "requested_on", "status"
        )
    ]


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
        all_states=visit_figures(_outlines()),
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
