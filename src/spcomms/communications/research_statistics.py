"""Reply, outcome, impact and reprisal statistics for researchers and staff.

The figures of issue 6 beyond the yearly counts of ``statistics.py``:

- reply classes in the form of Piccone's *Catalysts for Rights* (seed 001): overall, and
  by reporting region, UN regional group, regime, mandate and year, each per
  communication and per person named (a *case*);
- the distribution of case developments one year after the communication by assessment
  source and information level (Spannagel 2019, seed 000, Figure 1);
- the perceived impact of international attention and of the communication (Figure 2);
- reprisal allegations per State and year, as the public record counts them
  (``reprisals.public.public_counts``: one counting rule for both).

Each figure is a ``Table`` of counts that carries its period and its *n*, the cases
behind it. The database is read in a fixed number of queries whatever the period
(plain values, no query per row); the counting itself is done by the functions of the
second half of this module, which take plain rows and import nothing from Django's ORM,
so that they can be checked by hand. docs/statistics.md defines every figure.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Min, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from spcomms.communications.models import (
    Addressee,
    Communication,
    CommunicationMandate,
    CommunicationPerson,
    NonStateKind,
    Reply,
)
from spcomms.communications.statistics import (
    REGION_LABELS,
    StatisticsRequestError,
    sent_in_period,
)
from spcomms.covariates.models import CountryYearValue
from spcomms.followup.models import (
    AssessmentSource,
    CaseDevelopment,
    InformationLevel,
    PerceivedImpact,
)
from spcomms.reference.models import (
    Mandate,
    ReplyClass,
    ReplyGroup,
    ReportingRegion,
    UNRegionalGroup,
)

ONE_DECIMAL = Decimal("0.1")
FOLLOW_UP_MONTHS = 12  # "within one year of the communication" (seed 000)
POLITY = "polity"

# How a communication (or a case) stands when it has no classified reply.
NO_REPLY = "no_reply"
UNCLASSIFIED = "unclassified"
AWAITING = "awaiting"

# Regime of the first addressed State in the year sent (seed 000: Polity IV below zero is
# closed, above zero open). A score of exactly zero is neither, as in the paper's subsets.
CLOSED = "closed"
OPEN = "open"
NEUTRAL = "polity_zero"
NO_SCORE = "no_score"
NO_STATE = "no_state"

REGIME_LABELS: dict[str, StrOrPromise] = {
    CLOSED: _("Closed (Polity score below 0)"),
    OPEN: _("Open (Polity score above 0)"),
    NEUTRAL: _("Polity score 0 (neither)"),
    NO_SCORE: _("No Polity score for the State and year"),
    NO_STATE: _("Not addressed to a State"),
}
UN_GROUP_LABELS: dict[str, StrOrPromise] = {
    **{group.value: group.label for group in UNRegionalGroup},
    "no_group": _("No UN regional group"),
    NO_STATE: _("Not addressed to a State"),
}
OUTCOME_LABELS: dict[str, StrOrPromise] = {
    NO_REPLY: _("No reply (deadline passed)"),
    UNCLASSIFIED: _("Reply not yet classified"),
    AWAITING: _("Awaiting reply (deadline not passed)"),
}
NO_ANSWER = "no_answer"
SURVEY_ROWS = (
    (AssessmentSource.SURVEY, InformationLevel.COMPLETE),
    (AssessmentSource.SURVEY, InformationLevel.LIMITED),
    (AssessmentSource.DESK, InformationLevel.COMPLETE),
    (AssessmentSource.DESK, InformationLevel.LIMITED),
)


# The tables ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    label: StrOrPromise


@dataclass(frozen=True)
class Row:
    """One row of counts. ``n`` is what its shares are of; ``replied``, for reply tables,
    how many of the ``n`` had at least one reply (of any class, or none yet)."""

    key: str
    label: StrOrPromise
    counts: tuple[int, ...]
    n: int
    replied: int | None = None

    def share(self, count: int) -> Decimal | None:
        """``count`` in per cent of ``n``, rounded half up to one decimal; None when n is 0."""
        if not self.n:
            return None
        exact = Decimal(count * 100) / Decimal(self.n)
        return exact.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)

    @property
    def reply_rate(self) -> Decimal | None:
        return self.share(self.replied) if self.replied is not None else None


@dataclass(frozen=True)
class Table:
    key: str
    title: StrOrPromise
    unit: StrOrPromise  # what is counted: communications, cases, assessments, allegations
    row_heading: StrOrPromise
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    n: int  # the cases (communications, persons, ...) behind the table, each once
    note: StrOrPromise = ""
    shares: bool = True  # False where a share of the row would mean nothing (reprisals)
    by_report_year: bool = False  # counted by the year reported, not by communications sent

    @property
    def is_empty(self) -> bool:
        return self.n == 0


@dataclass(frozen=True)
class ResearchStatistics:
    start: dt.date
    end: dt.date
    mandate: str | None
    as_of: dt.datetime
    replies: tuple[Table, ...]
    outcomes: tuple[Table, ...]
    reprisals: tuple[Table, ...]
    tables: dict[str, Table] = field(init=False, compare=False)

    def __post_init__(self) -> None:
        every = {t.key: t for t in (*self.replies, *self.outcomes, *self.reprisals)}
        object.__setattr__(self, "tables", every)


# Plain rows read from the database ----------------------------------------------------


@dataclass(frozen=True)
class CommunicationFacts:
    pk: int
    year: int
    deadline_passed: bool
    region: str  # a reporting region, or business / other_non_state / unassigned
    un_group: str
    regime: str
    mandates: tuple[str, ...]


@dataclass(frozen=True)
class ReplyFacts:
    pk: int
    communication: int
    reply_class: str | None  # the class code, None when not yet classified
    persons: frozenset[int]  # the cases (CommunicationPerson keys) the reply addresses


@dataclass(frozen=True)
class AssessmentFacts:
    """The latest one-year assessment of one case."""

    case: int
    development: str
    source: str
    information_level: str
    impact_attention: str
    impact_communication: str
    negative_impact: bool


@dataclass(frozen=True)
class ClassInfo:
    code: str
    label: StrOrPromise
    group: str


# Counting (no database) ---------------------------------------------------------------


def regime_of(score: float | None, *, has_state: bool) -> str:
    """Seed 000's split: closed below zero, open above zero (Polity IV, country-year)."""
    if not has_state:
        return NO_STATE
    if score is None:
        return NO_SCORE
    if score < 0:
        return CLOSED
    if score > 0:
        return OPEN
    return NEUTRAL


def outcome(
    replies: Sequence[ReplyFacts], *, deadline_passed: bool, case: int | None = None
) -> tuple[str, bool]:
    """The class code of the first classified reply (replies in the order received), or
    ``unclassified``, ``no_reply`` or ``awaiting``; and whether there was any reply.

    With ``case``, only the replies that address that person count."""
    relevant = [r for r in replies if case is None or case in r.persons]
    for reply in relevant:
        if reply.reply_class is not None:
            return reply.reply_class, True
    if relevant:
        return UNCLASSIFIED, True
    return (NO_REPLY if deadline_passed else AWAITING), False


def group_of(code: str, classes: Mapping[str, ClassInfo]) -> str:
    """The seed 001 group of an outcome: no reply counts as *no or immaterial reply*."""
    if code == NO_REPLY:
        return ReplyGroup.NO_OR_IMMATERIAL.value
    if code in (UNCLASSIFIED, AWAITING):
        return code
    return classes[code].group


def group_columns() -> tuple[Column, ...]:
    return (
        *(Column(group.value, group.label) for group in ReplyGroup),
        Column(UNCLASSIFIED, OUTCOME_LABELS[UNCLASSIFIED]),
        Column(AWAITING, OUTCOME_LABELS[AWAITING]),
    )


def class_columns(classes: Iterable[ClassInfo]) -> tuple[Column, ...]:
    return (
        Column(NO_REPLY, OUTCOME_LABELS[NO_REPLY]),
        *(Column(info.code, info.label) for info in classes),
        Column(UNCLASSIFIED, OUTCOME_LABELS[UNCLASSIFIED]),
        Column(AWAITING, OUTCOME_LABELS[AWAITING]),
    )


@dataclass
class _Tally:
    """Outcome counts per row key, with the number counted and the number replied."""

    counts: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    n: Counter[str] = field(default_factory=Counter)
    replied: Counter[str] = field(default_factory=Counter)

    def add(self, key: str, code: str, any_reply: bool) -> None:
        self.counts[key][code] += 1
        self.n[key] += 1
        self.replied[key] += any_reply

    def rows(
        self,
        labels: Mapping[str, StrOrPromise],
        columns: Sequence[Column],
        *,
        keep: Iterable[str] = (),
    ) -> tuple[Row, ...]:
        always = set(keep)
        return tuple(
            Row(
                key=key,
                label=label,
                counts=tuple(self.counts[key][c.key] for c in columns),
                n=self.n[key],
                replied=self.replied[key],
            )
            for key, label in labels.items()
            if key in always or self.n[key]
        )


def reply_tables(
    communications: Sequence[CommunicationFacts],
    replies: Sequence[ReplyFacts],
    cases: Sequence[tuple[int, int]],
    *,
    classes: Sequence[ClassInfo],
    mandate_labels: Mapping[str, StrOrPromise],
) -> tuple[Table, ...]:
    """Reply classes overall and by region, UN regional group, regime, mandate and year,
    per communication and per case. ``replies`` are in the order received; ``cases`` are
    (case key, communication key) pairs."""
    by_code = {info.code: info for info in classes}
    replies_of: dict[int, list[ReplyFacts]] = defaultdict(list)
    for reply in replies:
        replies_of[reply.communication].append(reply)
    facts = {c.pk: c for c in communications}
    groups = group_columns()

    dimensions = ("region", "un_group", "regime", "mandate", "year")
    overall = {"communications": _Tally(), "cases": _Tally()}
    tallies = {(d, unit): _Tally() for d in dimensions for unit in ("communications", "cases")}

    def count(unit: str, item: CommunicationFacts, code: str, any_reply: bool) -> None:
        overall[unit].add(unit, code, any_reply)
        group = group_of(code, by_code)
        keys = {
            "region": (item.region,),
            "un_group": (item.un_group,),
            "regime": (item.regime,),
            "mandate": item.mandates,
            "year": (str(item.year),),
        }
        for dimension, values in keys.items():
            for value in values:
                tallies[(dimension, unit)].add(value, group, any_reply)

    for item in communications:
        code, any_reply = outcome(replies_of[item.pk], deadline_passed=item.deadline_passed)
        count("communications", item, code, any_reply)
    for case, communication in cases:
        item = facts[communication]
        code, any_reply = outcome(
            replies_of[communication], deadline_passed=item.deadline_passed, case=case
        )
        count("cases", item, code, any_reply)

    n_communications = len(communications)
    n_cases = len(cases)
    units: dict[str, tuple[StrOrPromise, int]] = {
        "communications": (_("communications"), n_communications),
        "cases": (_("persons named (cases)"), n_cases),
    }
    years = sorted({c.year for c in communications})
    row_labels: dict[str, dict[str, StrOrPromise]] = {
        "region": dict(REGION_LABELS),
        "un_group": UN_GROUP_LABELS,
        "regime": REGIME_LABELS,
        "mandate": dict(mandate_labels),
        "year": {str(year): str(year) for year in years},
    }
    keep: dict[str, Iterable[str]] = {
        "region": ReportingRegion.values,
        "un_group": UNRegionalGroup.values,
        "regime": (CLOSED, OPEN),
        "mandate": (),
        "year": (),
    }
    titles: dict[str, StrOrPromise] = {
        "region": _("Reply classes by reporting region"),
        "un_group": _("Reply classes by UN regional group"),
        "regime": _("Reply classes by regime"),
        "mandate": _("Reply classes by mandate"),
        "year": _("Reply classes by year sent"),
    }
    headings: dict[str, StrOrPromise] = {
        "region": _("Region"),
        "un_group": _("UN regional group"),
        "regime": _("Regime"),
        "mandate": _("Mandate"),
        "year": _("Year"),
    }
    notes: dict[str, StrOrPromise] = {
        "region": _("By the first State addressed; a communication to no State as its addressee."),
        "un_group": _("By the first State addressed."),
        "regime": _(
            "Polity score of the first State addressed in the year sent: closed below 0, "
            "open above 0 (as in Spannagel 2019)."
        ),
        "mandate": _(
            "Each mandate that took part, as lead or joined: a joint communication counts "
            "under each of its mandates, so the rows add up to more than n."
        ),
        "year": "",
    }
    columns = class_columns(classes)
    tables = [
        Table(
            key="replies-overall",
            title=_("Reply classes overall"),
            unit=_("communications and persons named (cases)"),
            row_heading=_("Counted"),
            columns=columns,
            rows=(
                *overall["communications"].rows(
                    {"communications": _("Per communication")}, columns, keep=["communications"]
                ),
                *overall["cases"].rows(
                    {"cases": _("Per person named (case)")}, columns, keep=["cases"]
                ),
            ),
            n=n_communications,
            note=_(
                "A communication takes the class of its first classified reply; a person the "
                "class of the first classified reply that addresses them."
            ),
        ),
        Table(
            key="replies-groups",
            title=_("Reply groups overall (as in Piccone 2010)"),
            unit=_("communications and persons named (cases)"),
            row_heading=_("Counted"),
            columns=groups,
            rows=(
                *overall_groups(overall["communications"], by_code, groups, "communications"),
                *overall_groups(overall["cases"], by_code, groups, "cases"),
            ),
            n=n_communications,
            note=_("No reply counts as no or immaterial reply."),
        ),
    ]
    for dimension in dimensions:
        for unit, (unit_label, n) in units.items():
            tables.append(
                Table(
                    key=f"replies-{dimension.replace('_', '-')}-{unit}",
                    title=titles[dimension],
                    unit=unit_label,
                    row_heading=headings[dimension],
                    columns=groups,
                    rows=tallies[(dimension, unit)].rows(
                        row_labels[dimension], groups, keep=keep[dimension]
                    ),
                    n=n,
                    note=notes[dimension],
                )
            )
    return tuple(tables)


def overall_groups(
    tally: _Tally, classes: Mapping[str, ClassInfo], groups: Sequence[Column], key: str
) -> tuple[Row, ...]:
    grouped: Counter[str] = Counter()
    for code, number in tally.counts[key].items():
        grouped[group_of(code, classes)] += number
    label = _("Per communication") if key == "communications" else _("Per person named (case)")
    return (
        Row(
            key=key,
            label=label,
            counts=tuple(grouped[c.key] for c in groups),
            n=tally.n[key],
            replied=tally.replied[key],
        ),
    )


def outcome_tables(assessments: Sequence[AssessmentFacts]) -> tuple[Table, ...]:
    """Figure 1 (development by source and information level) and Figure 2 (perceived
    impact, survey assessments only) of seed 000, from the latest one-year assessments."""
    developments = tuple(Column(c.value, c.label) for c in CaseDevelopment)
    cells: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for item in assessments:
        cells[(item.source, item.information_level)][item.development] += 1
    source_labels = dict(AssessmentSource.choices)
    level_labels = dict(InformationLevel.choices)
    rows = []
    for source, level in SURVEY_ROWS:
        counter = cells[(source, level)]
        rows.append(
            Row(
                key=f"{source}-{level}",
                label=_("%(source)s, %(level)s")
                % {"source": source_labels[source], "level": level_labels[level]},
                counts=tuple(counter[c.key] for c in developments),
                n=sum(counter.values()),
            )
        )
    every: Counter[str] = Counter(item.development for item in assessments)
    rows.append(
        Row(
            key="all",
            label=_("All assessments"),
            counts=tuple(every[c.key] for c in developments),
            n=len(assessments),
        )
    )
    figure_1 = Table(
        key="case-development",
        title=_("Case development within one year, by assessment source and information level"),
        unit=_("persons named (cases) with a one-year assessment"),
        row_heading=_("Source and information"),
        columns=developments,
        rows=tuple(rows),
        n=len(assessments),
        note=_(
            "The latest assessment 12 months after the communication of each person named "
            "(Spannagel 2019, Figure 1). Improvement is much or somewhat better."
        ),
    )

    answers = (
        *(Column(c.value, c.label) for c in PerceivedImpact),
        Column(NO_ANSWER, _("No answer")),
    )
    survey = [item for item in assessments if item.source == AssessmentSource.SURVEY]
    attention = Counter(item.impact_attention or NO_ANSWER for item in survey)
    communication = Counter(item.impact_communication or NO_ANSWER for item in survey)
    negative = sum(item.negative_impact for item in survey)
    figure_2 = Table(
        key="perceived-impact",
        title=_("Perceived impact, as assessed by the sources surveyed"),
        unit=_("persons named (cases) assessed through the survey"),
        row_heading=_("Question"),
        columns=answers,
        rows=(
            Row(
                key="attention",
                label=_("Did international attention help?"),
                counts=tuple(attention[c.key] for c in answers),
                n=len(survey),
            ),
            Row(
                key="communication",
                label=_("Did the communication help?"),
                counts=tuple(communication[c.key] for c in answers),
                n=len(survey),
            ),
        ),
        n=len(survey),
        note=_("Negative impact (increased risk) reported: %(count)d.") % {"count": negative},
    )
    return figure_1, figure_2


def reprisal_table(
    cells: Mapping[tuple[str, int], int], state_labels: Mapping[str, StrOrPromise]
) -> Table:
    """Allegations per State (ISO 3166-1 alpha-3) and year; States most named first."""
    years = sorted({year for _state, year in cells})
    totals: Counter[str] = Counter()
    for (state, _year), number in cells.items():
        totals[state] += number
    order = sorted(totals, key=lambda s: (-totals[s], str(state_labels.get(s, s))))
    columns = tuple(Column(str(year), str(year)) for year in years)
    rows = tuple(
        Row(
            key=state,
            label=state_labels.get(state, state),
            counts=tuple(cells.get((state, year), 0) for year in years),
            n=totals[state],
        )
        for state in order
    )
    return Table(
        key="reprisals",
        title=_("Reprisal allegations per State and year"),
        unit=_("reprisal allegations"),
        row_heading=_("State"),
        columns=columns,
        rows=rows,
        n=sum(totals.values()),
        note=_(
            "As the public record counts them: allegations acted on or closed whose action is "
            "public, in the year they were reported; not split by mandate."
        ),
        shares=False,
        by_report_year=True,
    )


# Reading the database -----------------------------------------------------------------


def _region_and_groups(
    period: QuerySet[Communication],
) -> dict[int, tuple[int | None, str, str]]:
    """Per communication: its first addressed State, reporting region and UN group."""
    states = Addressee.objects.filter(
        communication__in=period.values("pk"), is_copy=False, country__isnull=False
    )
    first = states.order_by().values("communication").annotate(first=Min("pk"))
    found: dict[int, tuple[int | None, str, str]] = {}
    for communication, country, region, group in Addressee.objects.filter(
        pk__in=first.values("first")
    ).values_list(
        "communication_id", "country_id", "country__reporting_region", "country__un_regional_group"
    ):
        found[communication] = (country, region or "unassigned", group or "no_group")
    non_state = Addressee.objects.filter(
        communication__in=period.values("pk"), is_copy=False, non_state_actor__isnull=False
    ).values_list("communication_id", "non_state_actor__kind")
    for communication, kind in non_state:
        if communication in found and found[communication][0] is not None:
            continue
        region = "business" if kind == NonStateKind.BUSINESS else "other_non_state"
        if communication not in found or region == "business":
            found[communication] = (None, region, NO_STATE)
    return found


def _polity(pairs: set[tuple[int, int]]) -> dict[tuple[int, int], float]:
    if not pairs:
        return {}
    countries = {country for country, _year in pairs}
    years = {year for _country, year in pairs}
    return {
        (country, year): value
        for country, year, value in CountryYearValue.objects.filter(
            variable__code=POLITY, country_id__in=countries, year__in=years
        ).values_list("country_id", "year", "value")
    }


def _check(*, start: dt.date, end: dt.date, mandate: str | None) -> None:
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


def read_communications(
    period: QuerySet[Communication], *, as_of: dt.datetime
) -> list[CommunicationFacts]:
    rows = list(period.values_list("pk", "sent_at", "reply_due_at"))
    if not rows:
        return []
    addressed = _region_and_groups(period)
    mandates: dict[int, list[str]] = defaultdict(list)
    for communication, code in (
        CommunicationMandate.objects.filter(communication__in=period.values("pk"))
        .order_by("mandate__code")
        .values_list("communication_id", "mandate__code")
    ):
        mandates[communication].append(code)
    # A sent communication always has its sending date (database check).
    years = {pk: sent.astimezone(dt.UTC).year for pk, sent, _due in rows if sent is not None}
    pairs = {
        (country, years[pk])
        for pk, (country, _r, _g) in addressed.items()
        if country is not None and pk in years
    }
    scores = _polity(pairs)
    facts = []
    for pk, _sent, due in rows:
        country, region, group = addressed.get(pk, (None, "unassigned", NO_STATE))
        score = scores.get((country, years[pk])) if country is not None else None
        facts.append(
            CommunicationFacts(
                pk=pk,
                year=years[pk],
                deadline_passed=due is not None and due < as_of,
                region=region,
                un_group=group,
                regime=regime_of(score, has_state=country is not None),
                mandates=tuple(mandates[pk]),
            )
        )
    return facts


def read_replies(period: QuerySet[Communication]) -> list[ReplyFacts]:
    persons: dict[int, set[int]] = defaultdict(set)
    for reply, case in Reply.persons_addressed.through.objects.filter(
        reply__communication__in=period.values("pk")
    ).values_list("reply_id", "communicationperson_id"):
        persons[reply].add(case)
    return [
        ReplyFacts(
            pk=pk, communication=communication, reply_class=code, persons=frozenset(persons[pk])
        )
        for pk, communication, code in Reply.objects.filter(communication__in=period.values("pk"))
        .order_by("communication_id", "received_on", "pk")
        .values_list("pk", "communication_id", "reply_class__code")
    ]


def read_assessments(period: QuerySet[Communication]) -> list[AssessmentFacts]:
    """The latest one-year assessment of each case of the period (latest recorded wins)."""
    from spcomms.followup.models import Assessment

    latest: dict[int, AssessmentFacts] = {}
    for row in (
        Assessment.objects.filter(
            case__communication__in=period.values("pk"), period_months=FOLLOW_UP_MONTHS
        )
        .order_by("case_id", "recorded_at", "pk")
        .values_list(
            "case_id",
            "development",
            "source",
            "information_level",
            "impact_attention",
            "impact_communication",
            "negative_impact",
        )
    ):
        latest[row[0]] = AssessmentFacts(*row)
    return list(latest.values())


def reprisal_cells(
    *, start: dt.date, end: dt.date, now: dt.datetime
) -> tuple[dict[tuple[str, int], int], dict[str, StrOrPromise]]:
    """The public record's counts per State and year, for the years of the period."""
    from spcomms.reprisals.public import public_counts

    counts = public_counts(now=now)
    cells: dict[tuple[str, int], int] = {}
    labels: dict[str, StrOrPromise] = {}
    for state in counts.states:
        for year, number in state.by_year.items():
            if start.year <= year <= end.year and number:
                cells[(state.country.iso3, year)] = number
                labels[state.country.iso3] = state.country.name
    return cells, labels


Part = str
REPLIES = "replies"
OUTCOMES = "outcomes"
REPRISALS = "reprisals"
PARTS = (REPLIES, OUTCOMES, REPRISALS)


def research_statistics(
    *,
    start: dt.date,
    end: dt.date,
    mandate: str | None = None,
    now: dt.datetime | None = None,
    parts: Iterable[Part] = PARTS,
) -> ResearchStatistics:
    """The tables of ``parts`` for communications sent from ``start`` to ``end`` (UTC days,
    included), optionally only those ``mandate`` took part in. Counts every sent
    communication, published or not: for researchers and staff only. Raises
    ``StatisticsRequestError`` on a bad request.
    """
    _check(start=start, end=end, mandate=mandate)
    wanted = set(parts)
    as_of = now or timezone.now()
    period = sent_in_period(start=start, end=end, mandate=mandate)
    replies: tuple[Table, ...] = ()
    outcomes: tuple[Table, ...] = ()
    reprisals: tuple[Table, ...] = ()
    if REPLIES in wanted:
        communications = read_communications(period, as_of=as_of)
        if communications:
            reply_rows = read_replies(period)
            cases = list(
                CommunicationPerson.objects.filter(communication__in=period.values("pk"))
                .order_by("pk")
                .values_list("pk", "communication_id")
            )
        else:
            reply_rows, cases = [], []
        classes = [
            ClassInfo(code=k.code, label=k.name, group=k.group)
            for k in ReplyClass.objects.order_by("position", "code")
        ]
        mandate_labels: dict[str, StrOrPromise] = {
            m.code: m.name for m in Mandate.objects.order_by("code")
        }
        replies = reply_tables(
            communications, reply_rows, cases, classes=classes, mandate_labels=mandate_labels
        )
    if OUTCOMES in wanted:
        outcomes = outcome_tables(read_assessments(period))
    if REPRISALS in wanted:
        cells, state_labels = reprisal_cells(start=start, end=end, now=as_of)
        reprisals = (reprisal_table(cells, state_labels),)
    return ResearchStatistics(
        start=start,
        end=end,
        mandate=mandate,
        as_of=as_of,
        replies=replies,
        outcomes=outcomes,
        reprisals=reprisals,
    )
