"""Yearly communications statistics in the form of A/HRC/31/55, paras 5-6.

``communications_statistics`` counts, for one period and optionally one
mandate, the communications sent, the States and other actors they were
addressed to, the persons they named, how many returned to someone named
before, how many concerned reprisals, and the split by reporting region and by
type. It only reads, with a handful of queries whatever the size of the period;
docs/statistics.md defines every figure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from spcomms.communications.models import (
    Addressee,
    Communication,
    CommunicationMandate,
    CommunicationPerson,
    CommunicationStatus,
    CommunicationType,
    NonStateKind,
)
from spcomms.reference.models import Mandate, ReportingRegion

# The region buckets beyond the five reporting regions of A/HRC/31/55.
BUSINESS = "business"
OTHER_NON_STATE = "other_non_state"
UNASSIGNED = "unassigned"

REGION_LABELS: dict[str, StrOrPromise] = {
    **{region.value: region.label for region in ReportingRegion},
    BUSINESS: _("Business enterprise"),
    OTHER_NON_STATE: _("Other non-State actor"),
    UNASSIGNED: _("No reporting region"),
}
TYPE_LABELS: dict[str, StrOrPromise] = {kind.value: kind.label for kind in CommunicationType}

ONE_DECIMAL = Decimal("0.1")


class StatisticsRequestError(ValueError):
    """The period or the mandate asked for cannot be counted; the message says why."""


@dataclass(frozen=True)
class Share:
    """One row of a split: how many of the period's communications fall under ``key``."""

    key: str
    label: StrOrPromise
    count: int
    total: int

    @property
    def fraction(self) -> Fraction | None:
        """The exact share of the total; None for an empty period (never a division by zero)."""
        return Fraction(self.count, self.total) if self.total else None

    @property
    def percent(self) -> Decimal | None:
        """The share in per cent, rounded half up to one decimal as the report prints it."""
        if not self.total:
            return None
        exact = Decimal(self.count * 100) / Decimal(self.total)
        return exact.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class CommunicationStatistics:
    start: dt.date
    end: dt.date
    mandate: str | None
    communications: int
    states: int
    business_addressees: int
    other_non_state_addressees: int
    persons: int
    follow_ups: int
    reprisals: int
    by_region: tuple[Share, ...]
    by_type: tuple[Share, ...]

    @property
    def non_state_addressees(self) -> int:
        return self.business_addressees + self.other_non_state_addressees

    @property
    def is_empty(self) -> bool:
        return self.communications == 0


def period_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The first and the last UTC instant of the whole days ``start`` to ``end``, both included.

    The end is the last microsecond of its day rather than the next midnight, so that a
    period may end on ``date.max`` without overflowing.
    """
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=dt.UTC),
        dt.datetime.combine(end, dt.time.max, tzinfo=dt.UTC),
    )


def sent_in_period(
    *, start: dt.date, end: dt.date, mandate: str | None = None, published_only: bool = False
) -> QuerySet[Communication]:
    """Communications sent from ``start`` to ``end`` (whole UTC days), in which ``mandate``
    took part (as lead or joined) when one is given; with ``published_only``, only those
    in the public record, so that public figures reveal nothing still confidential."""
    first, last = period_bounds(start, end)
    sent = (Communication.objects.published() if published_only else Communication.objects).filter(
        status=CommunicationStatus.SENT, sent_at__gte=first, sent_at__lte=last
    )
    if mandate is not None:
        sent = sent.filter(
            Exists(
                CommunicationMandate.objects.filter(
                    communication=OuterRef("pk"), mandate__code=mandate
                )
            )
        )
    return sent.order_by()


def last_complete_year(*, today: dt.date) -> int:
    """The latest calendar year before ``today``'s that has a sent communication; the year
    before ``today``'s when none has."""
    before = dt.datetime(today.year, 1, 1, tzinfo=dt.UTC)
    latest = Communication.objects.filter(
        status=CommunicationStatus.SENT, sent_at__lt=before
    ).aggregate(latest=Max("sent_at"))["latest"]
    return latest.astimezone(dt.UTC).year if latest is not None else today.year - 1


def _canonical_person() -> Coalesce:
    """The person a mention counts for: the one it was merged into, when it was."""
    return Coalesce(F("person__merged_into_id"), F("person_id"), output_field=IntegerField())


def _bucket_counts(
    period: QuerySet[Communication],
) -> tuple[dict[str, int], dict[str, int], int]:
    """Communications per region bucket and per type, and those about reprisals: two
    grouped queries.

    The first addressed State of a communication is its lowest addressee key among the
    States that are not copies; the regions of those first States are counted in one query
    (joins and grouping, no subquery per communication). The second query counts the
    communications by type and by whether they have an addressed State, a business or
    another non-State actor among their addressees.
    """
    states = Addressee.objects.filter(
        communication__in=period.values("pk"), is_copy=False, country__isnull=False
    )
    first_states = states.order_by().values("communication").annotate(first=Min("pk"))
    regions: dict[str, int] = {}
    for region, n in (
        Addressee.objects.filter(pk__in=first_states.values("first"))
        .order_by()
        .values("country__reporting_region")
        .annotate(n=Count("pk"))
        .values_list("country__reporting_region", "n")
    ):
        bucket = region or UNASSIGNED
        regions[bucket] = regions.get(bucket, 0) + n

    addressed = Addressee.objects.filter(communication=OuterRef("pk"), is_copy=False)
    rows = (
        period.annotate(
            to_state=Exists(addressed.filter(country__isnull=False)),
            to_business=Exists(addressed.filter(non_state_actor__kind=NonStateKind.BUSINESS)),
            to_other_actor=Exists(addressed.filter(non_state_actor__isnull=False)),
        )
        .values("type", "to_state", "to_business", "to_other_actor")
        .annotate(n=Count("pk"), reprisal=Count("pk", filter=Q(concerns_reprisal=True)))
    )
    types: dict[str, int] = {}
    reprisals = 0
    for row in rows:
        types[row["type"]] = types.get(row["type"], 0) + row["n"]
        reprisals += row["reprisal"]
        if row["to_state"]:
            continue  # counted above, by the region of the first State
        if row["to_business"]:
            bucket = BUSINESS
        elif row["to_other_actor"]:
            bucket = OTHER_NON_STATE
        else:
            bucket = UNASSIGNED
        regions[bucket] = regions.get(bucket, 0) + row["n"]
    return regions, types, reprisals


def _addressee_counts(period: QuerySet[Communication]) -> dict[str, int]:
    """Distinct States and non-State actors addressed (copies left out), in one query."""
    business = Q(non_state_actor__kind=NonStateKind.BUSINESS)
    counts: dict[str, int] = Addressee.objects.filter(
        communication__in=period.values("pk"), is_copy=False
    ).aggregate(
        states=Count("country", distinct=True),
        business=Count("non_state_actor", distinct=True, filter=business),
        other=Count(
            "non_state_actor",
            distinct=True,
            filter=Q(non_state_actor__isnull=False) & ~business,
        ),
    )
    return counts


def _person_counts(period: QuerySet[Communication]) -> tuple[int, int]:
    """Distinct persons named, and communications naming someone named in an earlier one.

    One aggregate query over the period's mentions, each taken as its canonical person.
    A mention is of someone named before when a communication sent at an earlier instant
    names the canonical person itself or a person merged into it; the two cases are two
    EXISTS tests so that each can use the index on its foreign key.
    """
    # A communication has a sent date exactly when it was sent (database check
    # communication_sent_has_date_deadline_reference), so the date alone selects sent ones;
    # without a test on the status, SQLite reaches the mentions through the person's index.
    earlier = CommunicationPerson.objects.filter(
        communication__sent_at__lt=OuterRef("communication__sent_at")
    )
    # The outer mention's canonical person, spelt out: an alias would not reach the subquery.
    canonical = Coalesce(
        OuterRef("person__merged_into_id"), OuterRef("person_id"), output_field=IntegerField()
    )
    named_before = Exists(earlier.filter(person_id=canonical)) | Exists(
        earlier.filter(person__merged_into_id=canonical)
    )
    counts: dict[str, int] = CommunicationPerson.objects.filter(
        communication__in=period.values("pk")
    ).aggregate(
        persons=Count(_canonical_person(), distinct=True),
        follow_ups=Count("communication", distinct=True, filter=named_before),
    )
    return counts["persons"], counts["follow_ups"]


def _shares(
    counts: dict[str, int], labels: dict[str, StrOrPromise], total: int, keep: Iterable[str]
) -> tuple[Share, ...]:
    """Every key of ``labels`` in order; keys outside ``keep`` only when counted."""
    always = set(keep)
    return tuple(
        Share(key=key, label=label, count=counts.get(key, 0), total=total)
        for key, label in labels.items()
        if key in always or counts.get(key, 0)
    )


def communications_statistics(
    *, start: dt.date, end: dt.date, mandate: str | None = None, published_only: bool = False
) -> CommunicationStatistics:
    """The figures of A/HRC/31/55 paras 5-6 for communications sent from ``start`` to ``end``
    (inclusive, UTC dates), optionally only those in which ``mandate`` (a code) took part.

    Raises ``StatisticsRequestError`` when ``start`` is after ``end`` or the mandate is unknown.
    """
    if start > end:
        raise StatisticsRequestError(
            _("The start of the period (%(start)s) is after its end (%(end)s).")
            % {"start": start.isoformat(), "end": end.isoformat()}
        )
    if mandate is not None and not Mandate.objects.filter(code=mandate).exists():
        known = ", ".join(Mandate.objects.order_by("code").values_list("code", flat=True))
        raise StatisticsRequestError(
            _("There is no mandate with the code %(code)s. The codes are: %(known)s.")
            % {"code": mandate, "known": known or "—"}
        )
    period = sent_in_period(start=start, end=end, mandate=mandate, published_only=published_only)
    regions, types, reprisals = _bucket_counts(period)
    total = sum(types.values())
    addressees = _addressee_counts(period) if total else {"states": 0, "business": 0, "other": 0}
    persons, follow_ups = _person_counts(period) if total else (0, 0)
    return CommunicationStatistics(
        start=start,
        end=end,
        mandate=mandate,
        communications=total,
        states=addressees["states"],
        business_addressees=addressees["business"],
        other_non_state_addressees=addressees["other"],
        persons=persons,
        follow_ups=follow_ups,
        reprisals=reprisals,
        by_region=_shares(regions, REGION_LABELS, total, keep=[*ReportingRegion.values, BUSINESS]),
        by_type=_shares(types, TYPE_LABELS, total, keep=TYPE_LABELS),
    )
