"""Measuring the built database against the published aggregates of ``targets``.

Definitions, so that a reader can check each figure:

- Communications are those sent; a communication's region is that of its
  addressee (not a copy); one addressed to a business enterprise counts as
  "business" (A/HRC/31/55 para. 6 counts them apart).
- Replies are counted per communication, by the class of its first reply
  received on or before ``targets.ANALYSIS_DATE``; a communication without one
  counts as "no reply" and joins the immaterial replies in "no or immaterial"
  (seed 001's grouping, read from ``ReplyClass.group``).
- Case development counts the latest 12-month assessment of each named person
  in a communication, leaving out "not known"; perceived impact counts the
  survey answers among them.
- "Named before" is the share of communications sent in the reporting year of
  A/HRC/31/55 that name at least one person named in an earlier communication.
- Mentions in seed 000's sense are measured on its sample frame: persons named
  in communications of 2004-2015 that name at most ten persons, each counted
  with all the communications that name them.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from spcomms.communications.models import (
    Addressee,
    Communication,
    CommunicationPerson,
    CommunicationStatus,
    NonStateKind,
    Reply,
)
from spcomms.demo import targets
from spcomms.demo.models import SyntheticDataset
from spcomms.demo.targets import TARGETS, Target
from spcomms.followup.models import Assessment, AssessmentSource, CaseDevelopment

SENT = CommunicationStatus.SENT
IMPROVED = {CaseDevelopment.MUCH_BETTER, CaseDevelopment.SOMEWHAT_BETTER}
SAME_OR_MIXED = {CaseDevelopment.SAME, CaseDevelopment.MIXED}
WORSE = {CaseDevelopment.SOMEWHAT_WORSE, CaseDevelopment.MUCH_WORSE}


@dataclass(frozen=True)
class Measure:
    value: float | None
    n: int  # the denominator: what the share or mean is taken over


@dataclass(frozen=True)
class CalibrationRow:
    target: Target
    expected: float
    allowed: float
    measured: float | None
    n: int

    @property
    def ok(self) -> bool:
        return self.measured is not None and abs(self.measured - self.expected) <= self.allowed


def _share(hits: int, n: int) -> Measure:
    return Measure(hits / n if n else None, n)


def _regions() -> dict[str, Measure]:
    bucket: dict[int, str] = {}
    rows = Addressee.objects.filter(is_copy=False, communication__status=SENT).values_list(
        "communication_id", "country__reporting_region", "non_state_actor__kind"
    )
    for communication_id, region, actor_kind in rows.order_by("communication_id", "pk"):
        if communication_id in bucket:
            continue
        if actor_kind == NonStateKind.BUSINESS:
            bucket[communication_id] = targets.BUSINESS
        else:
            bucket[communication_id] = region or "other"
    counts = Counter(bucket.values())
    n = len(bucket)
    return {f"region.{key}": _share(counts[key], n) for key in targets.REGION_SHARES}


def _replies() -> dict[str, Measure]:
    sent = Communication.objects.filter(status=SENT).count()
    first: dict[int, str] = {}
    rows = (
        Reply.objects.filter(communication__status=SENT, received_on__lte=targets.ANALYSIS_DATE)
        .order_by("communication_id", "received_on", "pk")
        .values_list("communication_id", "reply_class__group")
    )
    for communication_id, group in rows:
        first.setdefault(communication_id, group or "unclassified")
    groups = Counter(first.values())
    no_or_immaterial = (sent - len(first)) + groups["no_or_immaterial"]
    steps = groups["steps_taken"]
    rejected = groups["rejected_without_investigation"]
    return {
        "reply.no_or_immaterial": _share(no_or_immaterial, sent),
        "reply.steps_taken": _share(steps, sent),
        "reply.rejected_without_investigation": _share(rejected, sent),
        "reply.other": _share(sent - no_or_immaterial - steps - rejected, sent),
    }


def _outcomes() -> dict[str, Measure]:
    latest: dict[int, tuple[str, str, str]] = {}
    rows = (
        Assessment.objects.filter(period_months=12)
        .order_by("case_id", "-recorded_at", "-pk")
        .values_list("case_id", "development", "source", "impact_communication")
    )
    for case_id, development, source, impact in rows:
        latest.setdefault(case_id, (development, source, impact))
    known = [v for v in latest.values() if v[0] != CaseDevelopment.NOT_KNOWN]
    n = len(known)
    developments = Counter(v[0] for v in known)
    impacts = Counter(v[2] for v in known if v[1] == AssessmentSource.SURVEY and v[2])
    answered = sum(impacts.values())
    measures = {
        "outcome.improvement": _share(sum(developments[d] for d in IMPROVED), n),
        "outcome.same_or_mixed": _share(sum(developments[d] for d in SAME_OR_MIXED), n),
        "outcome.worse": _share(sum(developments[d] for d in WORSE), n),
        "outcome.much_worse": _share(developments[CaseDevelopment.MUCH_WORSE], n),
    }
    for code in targets.IMPACT_COUNTS:
        measures[f"impact.{code}"] = _share(impacts[code], answered)
    return measures


def _mentions() -> dict[str, Measure]:
    rows: list[tuple[int, int, dt.datetime]] = [
        (person, letter, sent_at)
        for person, letter, sent_at in CommunicationPerson.objects.filter(
            communication__status=SENT
        ).values_list("person_id", "communication_id", "communication__sent_at")
        if sent_at is not None
    ]
    total_per_person = Counter(person for person, _, _ in rows)
    named_per_letter = Counter(letter for _, letter, _ in rows)
    first_named: dict[int, dt.datetime] = {}
    for person, _, sent_at in sorted(rows, key=lambda row: row[2]):
        first_named.setdefault(person, sent_at)
    persons_of: dict[int, list[int]] = defaultdict(list)
    for person, letter, _ in rows:
        persons_of[letter].append(person)
    in_year = Communication.objects.filter(
        status=SENT,
        sent_at__date__gte=targets.REPORT_YEAR_START,
        sent_at__date__lte=targets.REPORT_YEAR_END,
    ).values_list("pk", "sent_at")
    year_total = named_before = 0
    for letter, letter_sent in in_year:
        year_total += 1
        if letter_sent is not None and any(
            first_named[p] < letter_sent for p in persons_of.get(letter, [])
        ):
            named_before += 1
    sample = [
        total_per_person[person]
        for person, letter, sent_at in rows
        if targets.SAMPLE_FIRST_YEAR <= sent_at.year <= targets.SAMPLE_LAST_YEAR
        and named_per_letter[letter] <= targets.SAMPLE_MAX_NAMED
    ]
    reprisal = Communication.objects.filter(status=SENT, concerns_reprisal=True).count()
    sent = Communication.objects.filter(status=SENT).count()
    return {
        "communications": Measure(float(sent), sent),
        "mentions": Measure(float(len(rows)), len(rows)),
        "reprisals": _share(reprisal, sent),
        "named_before": _share(named_before, year_total),
        "mentions.singleton": _share(sum(1 for m in sample if m == 1), len(sample)),
        "mentions.mean": Measure(sum(sample) / len(sample) if sample else None, len(sample)),
    }


def calibration_measure(*, scale: float | None = None) -> list[CalibrationRow]:
    """Every target beside what the database holds, in the order of ``TARGETS``.

    ``scale`` defaults to that of the synthetic dataset in the database (1.0
    when there is none, for measuring any database against the published figures).
    """
    if scale is None:
        dataset = SyntheticDataset.objects.order_by("-generated_at").first()
        scale = dataset.scale if dataset else 1.0
    measures = {**_regions(), **_replies(), **_outcomes(), **_mentions()}
    return [
        CalibrationRow(
            target=target,
            expected=target.expected(scale),
            allowed=target.allowed(scale),
            measured=measures[target.key].value,
            n=measures[target.key].n,
        )
        for target in TARGETS
    ]
