"""When each follow-up falls due, derived from the sending date every time it is asked.

Nothing of the schedule is stored: a follow-up is a named person of a sent
communication and one of the periods of ``SPCOMMS_FOLLOWUP_MONTHS``. Its due date
is the sending date, taken in the project's time zone (``TIME_ZONE``), plus that
many calendar months, clamped to the end of a shorter month (31 January + 1 month
is 28 or 29 February; 29 February + 12 months is 28 February). It is overdue once
``SPCOMMS_FOLLOWUP_GRACE_DAYS`` have passed after the due date.

A person is counted once per communication: persons merged into another
(``cases.Person.merged_into``) are counted as the person they were merged into,
read when the list is made, so a merge or its undoing changes the list at once.
"""

from __future__ import annotations

import calendar
import datetime as dt
import zoneinfo
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from spcomms.cases.models import Person
from spcomms.communications.models import (
    Communication,
    CommunicationPerson,
    CommunicationStatus,
)
from spcomms.followup.models import Assessment

MAX_MERGE_CHAIN = 100


DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus calendar ``months``, on the last day of the month when it is shorter."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    month += 1
    if day.day <= 28:
        return dt.date(year, month, day.day)
    last = 29 if month == 2 and calendar.isleap(year) else DAYS_IN_MONTH[month - 1]
    return dt.date(year, month, min(day.day, last))


def project_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def local_day(moment: dt.datetime) -> dt.date:
    """The calendar day of ``moment`` in the project's time zone."""
    return moment.astimezone(project_zone()).date()


def today() -> dt.date:
    return local_day(timezone.now())


def periods() -> list[int]:
    return list(settings.SPCOMMS_FOLLOWUP_MONTHS)


def grace_days() -> int:
    return int(settings.SPCOMMS_FOLLOWUP_GRACE_DAYS)


def due_on(sent_at: dt.datetime, months: int) -> dt.date:
    return add_months(local_day(sent_at), months)


def overdue_after(due: dt.date) -> dt.date:
    """The last day a due follow-up is not yet overdue."""
    return due + dt.timedelta(days=grace_days())


class FollowUpState(StrEnum):
    UPCOMING = "upcoming"
    DUE = "due"
    OVERDUE = "overdue"
    ASSESSED = "assessed"


def canonical_map(person_ids: Iterable[int] | None = None) -> dict[int, int]:
    """Each merged person to the person it was finally merged into (read now).

    Persons that were not merged are absent: ``canonical(map, pk)`` gives them back.
    """
    links = dict(
        Person.objects.filter(merged_into__isnull=False).values_list("pk", "merged_into_id")
    )
    resolved: dict[int, int] = {}
    for start in links if person_ids is None else [pk for pk in person_ids if pk in links]:
        current, steps = start, 0
        while current in links and steps < MAX_MERGE_CHAIN:
            current, steps = links[current], steps + 1
        resolved[start] = current
    return resolved


def canonical(merged: Mapping[int, int], person_id: int) -> int:
    return merged.get(person_id, person_id)


@dataclass
class FollowUp:
    """One named person (after merges) of one sent communication, at one period."""

    communication_id: int
    person_id: int
    """The canonical person."""
    period_months: int
    due_on: dt.date
    mention_ids: list[int]
    """The rows of ``CommunicationPerson`` that name this person (or a person merged into it)."""
    assessments: list[Assessment] = field(default_factory=list)
    """Every assessment of this follow-up, latest first: the first one counts."""
    communication: Communication | None = None
    """Set by ``build`` and ``attach_communications``; the long list leaves it out."""

    @property
    def latest(self) -> Assessment | None:
        return self.assessments[0] if self.assessments else None

    @property
    def overdue_after(self) -> dt.date:
        return overdue_after(self.due_on)

    @property
    def anchor_id(self) -> int:
        """The row an assessment made now is attached to: the canonical person's own row
        when the communication names them, else the first row that names a merged person."""
        return self.mention_ids[0]

    def state(self, on: dt.date) -> FollowUpState:
        if self.assessments:
            return FollowUpState.ASSESSED
        if on < self.due_on:
            return FollowUpState.UPCOMING
        if on <= self.overdue_after:
            return FollowUpState.DUE
        return FollowUpState.OVERDUE


def _latest_first(assessment: Assessment) -> tuple[dt.datetime, int]:
    return (assessment.recorded_at, assessment.pk)


Row = tuple[int, int, int, dt.datetime | None]
"""A named person's row: its id, the person, the communication, the sending."""


def _schedule(
    rows: Iterable[Row],
    months: list[int],
    merged: Mapping[int, int],
    *,
    due_by: dt.date | None = None,
    assessed: frozenset[tuple[int, int]] = frozenset(),
) -> list[FollowUp]:
    """The follow-ups of these rows at these periods, one per canonical person and communication,
    by due date; with ``due_by``, only those due by then and not in ``assessed`` (pairs of a
    row and a period). Each sending date becomes a day of the project's time zone once."""
    groups: dict[tuple[int, int], list[tuple[int, int]]] = {}
    sent: dict[int, dt.datetime] = {}
    for pk, person_id, communication_id, sent_at in rows:
        if sent_at is None:
            continue
        sent[communication_id] = sent_at
        key = (communication_id, canonical(merged, person_id))
        groups.setdefault(key, []).append((pk, person_id))
    zone = project_zone()
    days = {pk: moment.astimezone(zone).date() for pk, moment in sent.items()}
    result: list[FollowUp] = []
    for (communication_id, person_id), group in groups.items():
        # The canonical person's own row first, then the others in the order they were made.
        group.sort(key=lambda row: (row[1] != person_id, row[0]))
        mention_ids = [pk for pk, _person in group]
        day = days[communication_id]
        for months_after in months:
            due = add_months(day, months_after)
            if due_by is not None and (
                due > due_by or any((pk, months_after) in assessed for pk in mention_ids)
            ):
                continue
            result.append(
                FollowUp(
                    communication_id=communication_id,
                    person_id=person_id,
                    period_months=months_after,
                    due_on=due,
                    mention_ids=mention_ids,
                )
            )
    result.sort(key=lambda item: (item.due_on, item.communication_id, item.person_id))
    return result


def build(
    mentions: Iterable[CommunicationPerson],
    *,
    months: Iterable[int] | None = None,
    merged: Mapping[int, int] | None = None,
    with_assessments: bool = True,
) -> list[FollowUp]:
    """The follow-ups of these rows (their communications selected), grouped by canonical
    person, with their communications and (unless told not to) their assessments."""
    rows = list(mentions)
    merged = canonical_map({row.person_id for row in rows}) if merged is None else merged
    chosen = sorted(set(periods() if months is None else months))
    communications = {row.communication_id: row.communication for row in rows}
    result = _schedule(
        [(row.pk, row.person_id, row.communication_id, row.communication.sent_at) for row in rows],
        chosen,
        merged,
    )
    by_row: dict[tuple[int, int], list[Assessment]] = {}
    if with_assessments and rows:
        for assessment in Assessment.objects.filter(
            case_id__in=[row.pk for row in rows], period_months__in=chosen
        ).select_related("recorded_by"):
            by_row.setdefault((assessment.case_id, assessment.period_months), []).append(assessment)
    for item in result:
        item.communication = communications[item.communication_id]
        item.assessments = sorted(
            (a for pk in item.mention_ids for a in by_row.get((pk, item.period_months), [])),
            key=_latest_first,
            reverse=True,
        )
    return result


def attach_communications(items: Iterable[FollowUp]) -> None:
    """Load the communications of these follow-ups (a page of the list), without their texts."""
    chosen = list(items)
    found = Communication.objects.only(*COMMUNICATION_FIELDS).in_bulk(
        {item.communication_id for item in chosen}
    )
    for item in chosen:
        item.communication = found[item.communication_id]


@dataclass(frozen=True)
class Filters:
    country: int | None = None
    mandate: int | None = None
    period_months: int | None = None


# What the list shows of a communication: no text, so nothing is decrypted.
COMMUNICATION_FIELDS = ("pk", "status", "type", "ref_code", "ref_number", "ref_year", "sent_at")


def _sent_mentions(filters: Filters) -> Q:
    query = Q(communication__status=CommunicationStatus.SENT)
    if filters.country is not None:
        query &= Q(
            communication__addressees__country_id=filters.country,
            communication__addressees__is_copy=False,
        )
    if filters.mandate is not None:
        query &= Q(communication__mandate_links__mandate_id=filters.mandate)
    return query


def open_follow_ups(*, on: dt.date | None = None, filters: Filters = Filters()) -> list[FollowUp]:
    """Every follow-up due or overdue on ``on`` (today by default) and not yet assessed."""
    on = today() if on is None else on
    chosen = periods()
    if filters.period_months is not None:
        chosen = [months for months in chosen if months == filters.period_months]
    if not chosen:
        return []
    # Communications sent late enough to have no period due yet are left out in the
    # database; two days of margin cover any time zone, the exact day is reckoned below.
    latest_day = add_months(on, -min(chosen)) + dt.timedelta(days=2)
    latest_sent = dt.datetime.combine(latest_day, dt.time.min, tzinfo=dt.UTC)
    rows: list[Row] = list(
        CommunicationPerson.objects.filter(
            _sent_mentions(filters), communication__sent_at__lt=latest_sent
        )
        .distinct()
        .values_list("pk", "person_id", "communication_id", "communication__sent_at")
    )
    merged = canonical_map({person_id for _pk, person_id, _c, _s in rows})
    # Whether a follow-up was assessed is all the list needs: pairs of ids, nothing decrypted.
    assessed = frozenset(
        Assessment.objects.filter(period_months__in=chosen).values_list("case_id", "period_months")
    )
    return _schedule(rows, chosen, merged, due_by=on, assessed=assessed)


def follow_up_of(mention: CommunicationPerson, period_months: int) -> FollowUp | None:
    """The follow-up that ``mention`` belongs to at this period (after merges), if sent."""
    if mention.communication.status != CommunicationStatus.SENT:
        return None
    merged = canonical_map()
    person_id = canonical(merged, mention.person_id)
    rows = [
        row
        for row in CommunicationPerson.objects.filter(
            communication=mention.communication
        ).select_related("communication")
        if canonical(merged, row.person_id) == person_id
    ]
    found = build(rows, months=[period_months], merged=merged)
    return found[0] if found else None
