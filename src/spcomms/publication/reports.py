"""The joint communications report to a regular session of the Human Rights Council.

Before 2017 communications were made public only in this report, presented to the
March, June and September sessions. spcomms rebuilds it from the public record: the
communications sent in the session's period and the replies received in its reply
window, per addressee. Which months belong to which session is our convention, set
in ``SESSION_RULES`` and described in docs/reports.md; it is not an official rule.

Only what is published when the report is rendered appears in it, and every text,
person and reply comes from the public records (``publication.records``), so the
redaction of ADR 4 applies. The one thing read from the database beyond the
records is the date of each reply, to decide whether it falls in the window; a
confidential reply is then shown by its notice only, without its date.
"""

from __future__ import annotations

import calendar
import datetime as dt
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from spcomms.communications.models import Communication, CommunicationType, Reply
from spcomms.publication.records import (
    PublicAddressee,
    PublicCommunication,
    PublicReply,
    public_communications,
)

MIN_YEAR = 1990
MAX_YEAR = 2999


@dataclass(frozen=True)
class SessionRule:
    """A session's period as (year offset, month) pairs, counted from the session's year:
    communications sent from the first day of ``sent_from`` to the last day of
    ``sent_to``; replies received from the first day of ``replies_from`` to the last
    day of ``replies_to``."""

    label: Promise  # translated lazily
    sent_from: tuple[int, int]
    sent_to: tuple[int, int]
    replies_from: tuple[int, int]
    replies_to: tuple[int, int]


# Our convention (docs/reports.md): the sending periods follow one another without a
# gap, each ending with the month three months before the session's; each reply window
# is its sending period moved two months later, the usual 60 days given for a reply.
SESSION_RULES: dict[str, SessionRule] = {
    "march": SessionRule(_("March"), (-1, 6), (-1, 11), (-1, 8), (0, 1)),
    "june": SessionRule(_("June"), (-1, 12), (0, 2), (0, 2), (0, 4)),
    "september": SessionRule(_("September"), (0, 3), (0, 5), (0, 5), (0, 7)),
}


@dataclass(frozen=True)
class ReportingPeriod:
    year: int
    session: str
    sent_from: dt.date
    sent_to: dt.date
    replies_from: dt.date
    replies_to: dt.date

    @property
    def label(self) -> str:
        return str(SESSION_RULES[self.session].label)


class UnknownSession(ValueError):
    """There is no such session: the session name or the year is not one we report on."""


def _first_day(year: int, offset: tuple[int, int]) -> dt.date:
    return dt.date(year + offset[0], offset[1], 1)


def _last_day(year: int, offset: tuple[int, int]) -> dt.date:
    month_year = year + offset[0]
    return dt.date(month_year, offset[1], calendar.monthrange(month_year, offset[1])[1])


def reporting_period(*, year: int, session: str) -> ReportingPeriod:
    rule = SESSION_RULES.get(session)
    if rule is None or not MIN_YEAR <= year <= MAX_YEAR:
        raise UnknownSession(session)
    return ReportingPeriod(
        year=year,
        session=session,
        sent_from=_first_day(year, rule.sent_from),
        sent_to=_last_day(year, rule.sent_to),
        replies_from=_first_day(year, rule.replies_from),
        replies_to=_last_day(year, rule.replies_to),
    )


def session_of(sent_on: dt.date) -> tuple[int, str]:
    """The (year, session) whose report covers a communication sent on this date."""
    for year in (sent_on.year, sent_on.year + 1):
        for session in SESSION_RULES:
            period = reporting_period(year=year, session=session)
            if period.sent_from <= sent_on <= period.sent_to:
                return year, session
    raise AssertionError(sent_on)  # the periods cover every month of the year


@dataclass(frozen=True)
class ReportedCommunication:
    record: PublicCommunication
    mandates: str  # the mandates' names, the lead first


@dataclass(frozen=True)
class ReportedReply:
    reference: str
    slug: str
    reply: PublicReply


@dataclass(frozen=True)
class AddresseeSection:
    name: str
    iso3: str  # empty for a non-State actor
    communications: tuple[ReportedCommunication, ...]
    replies: tuple[ReportedReply, ...]


@dataclass(frozen=True)
class TypeTotal:
    label: str
    count: int


@dataclass(frozen=True)
class JointReport:
    period: ReportingPeriod
    sections: tuple[AddresseeSection, ...]  # States alphabetically, then other addressees
    communications: int
    by_type: tuple[TypeTotal, ...]
    states: int
    replies: int
    confidential_replies: int
    generated_at: dt.datetime


def _key(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _utc_start(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def _sent_between(
    published: QuerySet[Communication], first: dt.date, last: dt.date
) -> QuerySet[Communication]:
    return published.filter(
        sent_at__gte=_utc_start(first), sent_at__lt=_utc_start(last + dt.timedelta(days=1))
    )


def _replies_in_window(
    records: Iterable[PublicCommunication], period: ReportingPeriod
) -> list[tuple[PublicCommunication, PublicReply]]:
    """The public form of each reply received in the window. The records list replies in
    (received on, pk) order; the same order read here gives each one's date."""
    by_pk = {record.pk: record for record in records}
    dates: dict[int, list[dt.date]] = defaultdict(list)
    rows = (
        Reply.objects.filter(communication_id__in=list(by_pk))
        .order_by("communication_id", "received_on", "pk")
        .values_list("communication_id", "received_on")
    )
    for communication_id, received_on in rows:
        dates[communication_id].append(received_on)
    found = []
    for pk, record in by_pk.items():
        for reply, received_on in zip(record.replies, dates[pk], strict=True):
            if period.replies_from <= received_on <= period.replies_to:
                found.append((record, reply))
    return found


def _section_key(addressee: PublicAddressee) -> tuple[int, str]:
    return (0 if addressee.iso3 else 1, _key(addressee.name))


def joint_report(*, year: int, session: str, now: dt.datetime | None = None) -> JointReport:
    """The report to the ``session`` session of ``year``; raises ``UnknownSession``."""
    period = reporting_period(year=year, session=session)
    now = now or timezone.now()
    published = Communication.objects.published(now)
    sent_ids = set(
        _sent_between(published, period.sent_from, period.sent_to).values_list("pk", flat=True)
    )
    replied_ids = set(
        published.filter(
            replies__received_on__gte=period.replies_from,
            replies__received_on__lte=period.replies_to,
        ).values_list("pk", flat=True)
    )
    records = public_communications(ids=sent_ids | replied_ids, now=now)
    sent = sorted(
        (record for record in records if record.pk in sent_ids),
        key=lambda record: (record.sent_on, record.reference),
    )
    replies = sorted(
        _replies_in_window([r for r in records if r.pk in replied_ids], period),
        key=lambda pair: (pair[1].received_on or period.replies_to, pair[0].reference),
    )

    addressees: dict[tuple[int, str], PublicAddressee] = {}
    own: dict[tuple[int, str], list[ReportedCommunication]] = defaultdict(list)
    answers: dict[tuple[int, str], list[ReportedReply]] = defaultdict(list)
    for record in sent:
        mandates = "; ".join(mandate.name for mandate in record.mandates)
        for addressee in record.addressees:
            key = _section_key(addressee)
            addressees.setdefault(key, addressee)
            own[key].append(ReportedCommunication(record, mandates))
    for record, reply in replies:
        for addressee in record.addressees:
            key = _section_key(addressee)
            addressees.setdefault(key, addressee)
            answers[key].append(ReportedReply(record.reference, record.slug, reply))

    counts: dict[str, int] = defaultdict(int)
    for record in sent:
        counts[record.type] += 1
    return JointReport(
        period=period,
        sections=tuple(
            AddresseeSection(
                name=addressee.name,
                iso3=addressee.iso3,
                communications=tuple(own.get(key, ())),
                replies=tuple(answers.get(key, ())),
            )
            for key, addressee in sorted(addressees.items())
        ),
        communications=len(sent),
        by_type=tuple(
            TypeTotal(str(kind.label), counts[kind.value])
            for kind in CommunicationType
            if counts[kind.value]
        ),
        states=len({a.iso3 for record in sent for a in record.addressees if a.iso3}),
        replies=len(replies),
        confidential_replies=sum(1 for _record, reply in replies if reply.confidential),
        generated_at=now,
    )


def reported_sessions(*, now: dt.datetime | None = None) -> list[ReportingPeriod]:
    """The sessions whose report has at least one published communication, newest first."""
    months = (
        Communication.objects.published(now)
        .annotate(month=TruncMonth("sent_at", tzinfo=dt.UTC))
        .values_list("month", flat=True)
        .distinct()
        .order_by()
    )
    sessions = {session_of(month.astimezone(dt.UTC).date()) for month in months if month}
    order = list(SESSION_RULES)
    return [
        reporting_period(year=year, session=session)
        for year, session in sorted(
            sessions, key=lambda item: (item[0], order.index(item[1])), reverse=True
        )
    ]
