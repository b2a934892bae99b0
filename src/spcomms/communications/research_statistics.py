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

import numpy as np
from django.db.models import (
    Case,
    F,
    IntegerField,
    Max,
    Min,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce
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
    """The period's communications as columns: entry ``i`` of each list is communication
    ``pks[i]``."""

    pks: list[int]
    years: list[int]
    deadline_passed: list[bool]
    regions: list[str]  # a reporting region, or business / other_non_state / unassigned
    un_groups: list[str]
    regimes: list[str]
    mandates: list[tuple[int, str]]  # (communication key, mandate code) of each mandate

    def __len__(self) -> int:
        return len(self.pks)


@dataclass(frozen=True)
class ReplyFacts:
    pk: int
    communication: int
    reply_class: str | None  # the class code, None when not yet classified


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


def first_outcomes(
    owners: np.ndarray,
    deadline_passed: np.ndarray,
    events: Iterable[tuple[int, int | None]],
    *,
    columns: Mapping[str, int],
) -> tuple[np.ndarray, np.ndarray]:
    """The outcome column of each owner (a communication or a case) and whether it had a
    reply: the first classified reply's class, else *reply not yet classified* when it had a
    reply, else *no reply* or *awaiting* by its communication's deadline.

    ``owners[i]`` is the position in ``deadline_passed`` of owner ``i``'s communication;
    ``events`` are (owner ``i``, class column or None), in the order the replies were
    received."""
    code = np.where(deadline_passed[owners], columns[NO_REPLY], columns[AWAITING])
    replied = np.zeros(len(owners), dtype=bool)
    decided = np.zeros(len(owners), dtype=bool)
    for owner, column in events:
        replied[owner] = True
        if column is not None and not decided[owner]:
            code[owner] = column
            decided[owner] = True
    code[replied & ~decided] = columns[UNCLASSIFIED]
    return code, replied


def _per_communication(
    positions: np.ndarray, codes: np.ndarray, replied: np.ndarray, *, size: int, width: int
) -> tuple[np.ndarray, np.ndarray]:
    """Counts per communication (rows) and outcome column, and replies per communication."""
    matrix = np.zeros((size, width), dtype=np.int64)
    np.add.at(matrix, (positions, codes), 1)
    return matrix, np.bincount(positions, weights=replied, minlength=size).astype(np.int64)


def _grouped(
    index: np.ndarray, matrix: np.ndarray, replied: np.ndarray, n: np.ndarray, keys: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sum the per-communication rows of ``matrix``, ``replied`` and ``n`` by ``index``."""
    counts = np.zeros((keys, matrix.shape[1]), dtype=np.int64)
    np.add.at(counts, index, matrix)
    return (
        counts,
        np.bincount(index, weights=replied, minlength=keys).astype(np.int64),
        np.bincount(index, weights=n, minlength=keys).astype(np.int64),
    )


def _rows(
    labels: Mapping[str, StrOrPromise],
    keys: Sequence[str],
    grouped: tuple[np.ndarray, np.ndarray, np.ndarray],
    *,
    keep: Iterable[str],
) -> tuple[Row, ...]:
    counts, replied, n = grouped
    position = {key: i for i, key in enumerate(keys)}
    always = set(keep)
    rows = []
    for key, label in labels.items():
        i = position.get(key)
        total = int(n[i]) if i is not None else 0
        if not total and key not in always:
            continue
        rows.append(
            Row(
                key=key,
                label=label,
                counts=tuple(int(c) for c in counts[i])
                if i is not None
                else (0,) * counts.shape[1],
                n=total,
                replied=int(replied[i]) if i is not None else 0,
            )
        )
    return tuple(rows)


def _encode(values: Sequence[str]) -> tuple[list[str], np.ndarray]:
    keys = sorted(set(values))
    position = {key: i for i, key in enumerate(keys)}
    return keys, np.fromiter((position[v] for v in values), dtype=np.int64, count=len(values))


def reply_tables(
    communications: CommunicationFacts,
    replies: Sequence[ReplyFacts],
    links: Sequence[tuple[int, int]],
    cases: Sequence[tuple[int, int]],
    *,
    classes: Sequence[ClassInfo],
    mandate_labels: Mapping[str, StrOrPromise],
) -> tuple[Table, ...]:
    """Reply classes overall and by region, UN regional group, regime, mandate and year,
    per communication and per case.

    ``replies`` are in the order received; ``links`` are (reply key, case key) pairs, the
    persons each reply addresses; ``cases`` are (case key, communication key) pairs. Each
    communication and each case gets one outcome (``first_outcomes``); the tables are then
    sums of per-communication counts, grouped by each dimension (numpy, no loop per row
    beyond the replies)."""
    size = len(communications)
    by_code = {info.code: info for info in classes}
    class_cols = class_columns(classes)
    groups = group_columns()
    class_index = {column.key: i for i, column in enumerate(class_cols)}
    group_index = {column.key: i for i, column in enumerate(groups)}
    to_group = np.array(
        [group_index[group_of(column.key, by_code)] for column in class_cols], dtype=np.int64
    )
    where = {pk: i for i, pk in enumerate(communications.pks)}
    passed = np.array(communications.deadline_passed, dtype=bool).reshape(size)

    # Per communication.
    comm_positions = np.arange(size, dtype=np.int64)
    comm_code, comm_replied = first_outcomes(
        comm_positions,
        passed,
        (
            (
                where[r.communication],
                class_index[r.reply_class] if r.reply_class is not None else None,
            )
            for r in replies
        ),
        columns=class_index,
    )
    # Per case: only the replies that address the person count.
    case_where = {case: i for i, (case, _communication) in enumerate(cases)}
    case_comm = np.fromiter(
        (where[communication] for _case, communication in cases), dtype=np.int64, count=len(cases)
    )
    reply_info = {
        r.pk: (order, class_index[r.reply_class] if r.reply_class is not None else None)
        for order, r in enumerate(replies)
    }
    addressed = sorted(
        (reply_info[reply][0], case_where[case], reply_info[reply][1])
        for reply, case in links
        if case in case_where and reply in reply_info
    )
    case_code, case_replied = first_outcomes(
        case_comm,
        passed,
        ((case, column) for _order, case, column in addressed),
        columns=class_index,
    )
    units: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
    for unit, positions, codes, replied in (
        ("communications", comm_positions, comm_code, comm_replied),
        ("cases", case_comm, case_code, case_replied),
    ):
        matrix, replied_per = _per_communication(
            positions, to_group[codes], replied, size=size, width=len(groups)
        )
        units[unit] = (matrix, replied_per, matrix.sum(axis=1))

    def overall(unit: str, codes: np.ndarray, replied: np.ndarray, columns: int) -> Row:
        label = _("Per communication") if unit == "communications" else _("Per person named (case)")
        counted = np.bincount(codes, minlength=columns) if len(codes) else np.zeros(columns, int)
        return Row(
            key=unit,
            label=label,
            counts=tuple(int(c) for c in counted),
            n=len(codes),
            replied=int(replied.sum()),
        )

    n_communications, n_cases = size, len(cases)
    tables = [
        Table(
            key="replies-overall",
            title=_("Reply classes overall"),
            unit=_("communications and persons named (cases)"),
            row_heading=_("Counted"),
            columns=class_cols,
            rows=(
                overall("communications", comm_code, comm_replied, len(class_cols)),
                overall("cases", case_code, case_replied, len(class_cols)),
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
                overall("communications", to_group[comm_code], comm_replied, len(groups)),
                overall("cases", to_group[case_code], case_replied, len(groups)),
            ),
            n=n_communications,
            note=_("No reply counts as no or immaterial reply."),
        ),
    ]

    dimensions: dict[str, tuple[list[str], np.ndarray]] = {
        "region": _encode(communications.regions),
        "un_group": _encode(communications.un_groups),
        "regime": _encode(communications.regimes),
        "year": _encode([f"{year:04d}" for year in communications.years]),
    }
    years = sorted(set(dimensions["year"][0]))
    row_labels: dict[str, Mapping[str, StrOrPromise]] = {
        "region": REGION_LABELS,
        "un_group": UN_GROUP_LABELS,
        "regime": REGIME_LABELS,
        "mandate": mandate_labels,
        "year": {year: year for year in years},
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
    mandate_keys = sorted({code for _pk, code in communications.mandates})
    mandate_position = {code: i for i, code in enumerate(mandate_keys)}
    pair_comm = np.fromiter(
        (where[pk] for pk, _code in communications.mandates),
        dtype=np.int64,
        count=len(communications.mandates),
    )
    pair_mandate = np.fromiter(
        (mandate_position[code] for _pk, code in communications.mandates),
        dtype=np.int64,
        count=len(communications.mandates),
    )
    for dimension in ("region", "un_group", "regime", "mandate", "year"):
        for unit, unit_label, n in (
            ("communications", _("communications"), n_communications),
            ("cases", _("persons named (cases)"), n_cases),
        ):
            matrix, replied_per, n_per = units[unit]
            if dimension == "mandate":
                keys = mandate_keys
                grouped = _grouped(
                    pair_mandate,
                    matrix[pair_comm],
                    replied_per[pair_comm],
                    n_per[pair_comm],
                    len(keys),
                )
            else:
                keys, index = dimensions[dimension]
                grouped = _grouped(index, matrix, replied_per, n_per, len(keys))
            tables.append(
                Table(
                    key=f"replies-{dimension.replace('_', '-')}-{unit}",
                    title=titles[dimension],
                    unit=unit_label,
                    row_heading=headings[dimension],
                    columns=groups,
                    rows=_rows(row_labels[dimension], keys, grouped, keep=keep[dimension]),
                    n=n,
                    note=notes[dimension],
                )
            )
    return tuple(tables)


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


def _year_sent(first: dt.datetime, last: dt.datetime) -> Case:
    """The UTC year of ``sent_at`` as a comparison with each new year's first instant, so that
    the database compares plain values rather than calling a date function per row (SQLite
    runs those in Python)."""
    years = range(first.astimezone(dt.UTC).year, last.astimezone(dt.UTC).year + 1)
    return Case(
        *(
            When(sent_at__lt=dt.datetime(year + 1, 1, 1, tzinfo=dt.UTC), then=Value(year))
            for year in years
        ),
        default=Value(years[-1]),
        output_field=IntegerField(),
    )


def _deadline_passed(as_of: dt.datetime) -> Case:
    """1 when the reply deadline passed before ``as_of``, else 0."""
    return Case(
        When(reply_due_at__lt=as_of, then=Value(1)), default=Value(0), output_field=IntegerField()
    )


def read_communications(
    period: QuerySet[Communication], *, as_of: dt.datetime
) -> CommunicationFacts:
    """The period's communications as columns, in a fixed number of queries. The year and
    whether the deadline has passed are computed by the database, so that no date is parsed
    per row."""
    bounds = period.aggregate(first=Min("sent_at"), last=Max("sent_at"))
    if bounds["first"] is None:
        return CommunicationFacts([], [], [], [], [], [], [])
    rows = list(
        period.annotate(
            year=_year_sent(bounds["first"], bounds["last"]), passed=_deadline_passed(as_of)
        )
        .order_by("pk")
        .values_list("pk", "year", "passed")
    )
    if not rows:
        return CommunicationFacts([], [], [], [], [], [], [])
    addressed = _region_and_groups(period)
    mandates = list(
        CommunicationMandate.objects.filter(communication__in=period.values("pk"))
        .order_by("communication_id", "mandate__code")
        .values_list("communication_id", "mandate__code")
    )
    years = {pk: year for pk, year, _passed in rows}
    scores = _polity(
        {
            (country, years[pk])
            for pk, (country, _r, _g) in addressed.items()
            if country is not None and pk in years
        }
    )
    unknown: tuple[int | None, str, str] = (None, "unassigned", NO_STATE)
    regions, groups, regimes = [], [], []
    for pk, year, _passed in rows:
        country, region, group = addressed.get(pk, unknown)
        regions.append(region)
        groups.append(group)
        score = scores.get((country, year)) if country is not None else None
        regimes.append(regime_of(score, has_state=country is not None))
    return CommunicationFacts(
        pks=[pk for pk, _year, _passed in rows],
        years=[year for _pk, year, _passed in rows],
        deadline_passed=[bool(passed) for _pk, _year, passed in rows],
        regions=regions,
        un_groups=groups,
        regimes=regimes,
        mandates=mandates,
    )


def read_replies(
    period: QuerySet[Communication],
) -> tuple[list[ReplyFacts], list[tuple[int, int]]]:
    """The period's replies in the order received, and the (reply, case) pairs of the
    persons each addresses."""
    links = list(
        Reply.persons_addressed.through.objects.filter(
            reply__communication__in=period.values("pk")
        ).values_list("reply_id", "communicationperson_id")
    )
    replies = [
        ReplyFacts(pk=pk, communication=communication, reply_class=code)
        for pk, communication, code in Reply.objects.filter(communication__in=period.values("pk"))
        .order_by("communication_id", "received_on", "pk")
        .values_list("pk", "communication_id", "reply_class__code")
    ]
    return replies, links


def _canonical(prefix: str = "") -> Coalesce:
    """The person a mention counts for: the one it was merged into, when it was."""
    return Coalesce(
        F(f"{prefix}person__merged_into_id"), F(f"{prefix}person_id"), output_field=IntegerField()
    )


def read_cases(
    period: QuerySet[Communication],
) -> tuple[list[tuple[int, int]], dict[int, int]]:
    """The period's cases as (case number, communication key) pairs, and the case number of
    each mention. A case is a person named in a communication, taken as the person kept after
    merges (decision 0008), as in the research dataset: a communication that names a person
    and a duplicate since merged into them has one case, numbered by its lowest mention."""
    case_of: dict[int, int] = {}
    first: dict[tuple[int, int], int] = {}
    for pk, communication, person in (
        CommunicationPerson.objects.filter(communication__in=period.values("pk"))
        .order_by("pk")
        .values_list("pk", "communication_id", _canonical())
    ):
        case_of[pk] = first.setdefault((communication, person), pk)
    return [(pk, communication) for (communication, _person), pk in first.items()], case_of


def read_assessments(period: QuerySet[Communication]) -> list[AssessmentFacts]:
    """The latest one-year assessment of each case of the period (latest recorded wins; for a
    person merged with a duplicate, the latest of both records)."""
    from spcomms.followup.models import Assessment

    latest: dict[tuple[int, int], AssessmentFacts] = {}
    for communication, person, *row in (
        Assessment.objects.filter(
            case__communication__in=period.values("pk"), period_months=FOLLOW_UP_MONTHS
        )
        .order_by("recorded_at", "pk")
        .values_list(
            "case__communication_id",
            _canonical("case__"),
            "case_id",
            "development",
            "source",
            "information_level",
            "impact_attention",
            "impact_communication",
            "negative_impact",
        )
    ):
        latest[(communication, person)] = AssessmentFacts(*row)
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
        reply_rows: list[ReplyFacts] = []
        links: list[tuple[int, int]] = []
        cases: list[tuple[int, int]] = []
        if len(communications):
            reply_rows, links = read_replies(period)
            cases, case_of = read_cases(period)
            # A reply addressing a merged duplicate addresses the person kept.
            links = [(reply, case_of[mention]) for reply, mention in links if mention in case_of]
        classes = [
            ClassInfo(code=k.code, label=k.name, group=k.group)
            for k in ReplyClass.objects.order_by("position", "code")
        ]
        mandate_labels: dict[str, StrOrPromise] = {
            m.code: m.name for m in Mandate.objects.order_by("code")
        }
        replies = reply_tables(
            communications,
            reply_rows,
            links,
            cases,
            classes=classes,
            mandate_labels=mandate_labels,
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
