"""The research dataset of seed 000 (Spannagel 2019): one row per named person per communication.

A row is a *case*: a person (after merges, the person they were merged into) named in a
sent communication. Its variables are those of the paper's Table 1 and its Figure 1,
joined to the country-year covariates of the State addressed for the year sent; see
docs/analysis.md for each definition and source. The row holds no name, contact, free
text or external key: persons are identified by their stable pseudonymous key.

The rows are computed communication by communication, in chunks, so that memory stays
bounded by the chunk (CSV and Parquet are written as they come; Stata and SPSS files
are written at the end from compact columns). Missing covariates are counted, never
filled: each row keeps an empty value and the report lists the countries and years.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from django.utils import timezone, translation

from spcomms.cases.models import Gender, Person, PersonKind
from spcomms.communications.models import (
    Addressee,
    Communication,
    CommunicationMandate,
    CommunicationPerson,
    CommunicationStatus,
    CommunicationType,
    Reply,
)
from spcomms.covariates.models import CountryYearValue, UPRReview, Variable
from spcomms.covariates.services import BUILTIN_VARIABLES
from spcomms.followup.models import (
    Assessment,
    AssessmentSource,
    CaseDevelopment,
    InformationLevel,
)
from spcomms.followup.schedule import add_months, canonical, canonical_map
from spcomms.reference.models import (
    Country,
    IssueArea,
    Mandate,
    PerpetratorType,
    ReportingRegion,
    ViolationType,
)

ONE_YEAR_MONTHS = 12
CHUNK_COMMUNICATIONS = 500
SEED_000_MAX_NAMED = 10
"""Seed 000 drew its sample from communications naming fewer than 11 persons."""
MAX_NAME_LENGTH = 29
"""Stata and SPSS accept variable names of up to 32 characters, but the Stata writer names each
value label set after its variable followed by a running number (up to three digits), and
that name must fit in 32 too."""

Kind = Literal["str", "int", "float", "date"]


@dataclass(frozen=True)
class Column:
    """One variable of the dataset, as the data dictionary describes it."""

    name: str
    kind: Kind
    label: str
    definition: str
    source: str
    values: dict[int, str] = field(default_factory=dict)


def _codes(pairs: Iterable[tuple[str, str]]) -> tuple[dict[str, int], dict[int, str]]:
    """Value codes 1..n for a list of (value, label), in the list's order."""
    codes: dict[str, int] = {}
    labels: dict[int, str] = {}
    for number, (value, label) in enumerate(pairs, start=1):
        codes[value] = number
        labels[number] = label
    return codes, labels


TYPE_CODES, TYPE_LABELS = _codes(
    [
        (CommunicationType.URGENT_APPEAL, "urgent appeal (UA)"),
        (CommunicationType.ALLEGATION_LETTER, "allegation letter (AL)"),
        (CommunicationType.OTHER_LETTER, "other letter (OL)"),
    ]
)
REGION_CODES, REGION_LABELS = _codes(
    [
        (ReportingRegion.ASIA_PACIFIC, "Asia-Pacific"),
        (ReportingRegion.LATIN_AMERICA_CARIBBEAN, "Latin America and the Caribbean"),
        (ReportingRegion.MIDDLE_EAST_NORTH_AFRICA, "Middle East and North Africa"),
        (
            ReportingRegion.EUROPE_NORTH_AMERICA_CENTRAL_ASIA,
            "Europe, North America and Central Asia",
        ),
        (ReportingRegion.AFRICA, "Africa"),
    ]
)
KIND_CODES, KIND_LABELS = _codes(
    [
        (PersonKind.INDIVIDUAL, "individual"),
        (PersonKind.ORGANISATION, "organisation"),
        (PersonKind.GROUP, "group"),
        (PersonKind.COMMUNITY, "community"),
    ]
)
GENDER_CODES, GENDER_LABELS = _codes(
    [
        (Gender.FEMALE, "female"),
        (Gender.MALE, "male"),
        (Gender.TRANS, "trans*"),
        (Gender.OTHER, "other"),
        (Gender.NOT_STATED, "not stated"),
    ]
)
# The seven steps of seed 000 in the paper's order; "not known" is 9 so that no
# arithmetic on the scale can take it for a step (SPSS files declare it missing).
DEVELOPMENT_CODES = {
    CaseDevelopment.MUCH_BETTER.value: 1,
    CaseDevelopment.SOMEWHAT_BETTER.value: 2,
    CaseDevelopment.SAME.value: 3,
    CaseDevelopment.MIXED.value: 4,
    CaseDevelopment.SOMEWHAT_WORSE.value: 5,
    CaseDevelopment.MUCH_WORSE.value: 6,
    CaseDevelopment.NOT_KNOWN.value: 9,
}
DEVELOPMENT_NOT_KNOWN = 9
DEVELOPMENT_LABELS = {
    1: "much better",
    2: "somewhat better",
    3: "stayed the same overall",
    4: "equally important positive and negative developments",
    5: "somewhat worse",
    6: "much worse",
    9: "not known",
}
IMPROVED_CODES = {DEVELOPMENT_CODES["much_better"], DEVELOPMENT_CODES["somewhat_better"]}
SOURCE_CODES, SOURCE_LABELS = _codes(
    [
        (AssessmentSource.SURVEY, "survey of the original source"),
        (AssessmentSource.DESK, "desk research"),
    ]
)
LEVEL_CODES, LEVEL_LABELS = _codes(
    [(InformationLevel.COMPLETE, "complete or good"), (InformationLevel.LIMITED, "limited")]
)
REGIME_LABELS = {1: "closed (Polity score below 0)", 2: "open (Polity score above 0)", 3: "0"}
YES_NO = {0: "no", 1: "yes"}

SEED = "Spannagel (2019), seed 000"
RECORD = "spcomms record"


def stata_name(text: str) -> str:
    """A variable name valid in Stata and SPSS: letters, digits and _, at most 29 characters,
    starting with a letter."""
    cleaned = "".join(ch if ch.isascii() and (ch.isalnum() or ch == "_") else "_" for ch in text)
    if not cleaned or not cleaned[0].isalpha():
        cleaned = f"v{cleaned}"
    return cleaned[:MAX_NAME_LENGTH].lower()


def fixed_columns() -> list[Column]:
    """The variables every dataset has, in their order (violations and covariates follow)."""
    return [
        Column(
            "person_key",
            "str",
            "Pseudonymous person key",
            "The stable pseudonymous key of the person named (Person.key, a UUID). A person "
            "merged into another takes the key of the person kept, so one person has one key.",
            RECORD,
        ),
        Column(
            "comm_id",
            "int",
            "Communication number (internal)",
            "The communication's internal number in this spcomms instance: stable, and saying "
            "nothing of the communication (use it to group the rows of one communication).",
            RECORD,
        ),
        Column(
            "comm_ref",
            "str",
            "Public reference (published communications only)",
            "The reference such as UA CHN 5/2016, only when the communication is published "
            "(sent, past its reply deadline and not withheld); empty otherwise, so the file "
            "does not reveal a confidential or withheld communication.",
            RECORD,
        ),
        Column(
            "comm_type",
            "int",
            "Type of communication",
            "UA urgent appeal, AL allegation letter, OL other letter.",
            RECORD,
            TYPE_LABELS,
        ),
        Column(
            "sent_date",
            "date",
            "Date sent (UTC)",
            "The day the communication was sent, in UTC.",
            RECORD,
        ),
        Column(
            "year_sent",
            "int",
            "Year sent (UTC)",
            "The year of sent_date; the covariates are those of this year.",
            RECORD,
        ),
        Column(
            "country",
            "str",
            "State addressed (ISO 3166-1 alpha-3)",
            "The first State addressed (not copied); empty when only non-State actors are "
            "addressed. The covariates are this State's.",
            RECORD,
        ),
        Column(
            "region",
            "int",
            "Reporting region of the State addressed",
            "The region of the Special Rapporteur's reports (A/HRC/31/55) of the State "
            "addressed; empty when no State is addressed or it has no region.",
            "spcomms reference data",
            REGION_LABELS,
        ),
        Column(
            "lead_mandate",
            "str",
            "Lead mandate (short code)",
            "The short code of the lead mandate, such as sr-hrd; empty when none is lead.",
            RECORD,
        ),
        Column(
            "n_named",
            "int",
            "Persons named in the communication",
            "Distinct persons (after merges) named in the communication. Seed 000 sampled "
            "communications naming fewer than 11 (option --max-named 10).",
            RECORD,
        ),
        Column(
            "person_kind",
            "int",
            "Kind of person",
            "Individual, organisation, group or community.",
            RECORD,
            KIND_LABELS,
        ),
        Column(
            "gender",
            "int",
            "Gender",
            "Gender of the person as recorded.",
            RECORD,
            GENDER_LABELS,
        ),
        Column(
            "female_trans",
            "int",
            "Female/trans*",
            "1 if the gender is female or trans*, 0 if male or other, empty if not stated "
            "(seed 000 Table 1: Female/trans*).",
            SEED,
            YES_NO,
        ),
        Column(
            "minority",
            "int",
            "Issue: minority",
            "1 if any issue area of the person is a minority issue (IssueArea.is_minority: "
            "ethnic, religious or cultural minorities, LGBTI, women's rights, indigenous "
            "peoples, migrants, racism), else 0 (seed 000 Table 1: Issue: minority).",
            SEED,
            YES_NO,
        ),
        Column(
            "n_mentions",
            "int",
            "Number of mentions",
            "The number of sent communications, over the whole record and not only the "
            "period exported, that name the person or a person merged into them (seed 000 "
            "Table 1: Number of mentions by SR).",
            SEED,
        ),
        Column(
            "reply_comm",
            "int",
            "Any reply to the communication",
            "1 if any reply to the communication has been logged, else 0.",
            RECORD,
            YES_NO,
        ),
        Column(
            "reply",
            "int",
            "Reply received for the person",
            "1 if a logged reply addresses this person (Reply.persons_addressed), else 0 "
            "(seed 000 Table 1: Reply received).",
            SEED,
            YES_NO,
        ),
        Column(
            "business",
            "int",
            "Business involved",
            "1 if any perpetrator type recorded for the person in this communication is a "
            "business (PerpetratorType.is_business), else 0 (seed 000 Table 1: Business "
            "involved).",
            SEED,
            YES_NO,
        ),
    ]


def outcome_columns() -> list[Column]:
    return [
        Column(
            "assessed",
            "int",
            "Assessed at one year",
            "1 if the case has an assessment for the 12-month period, else 0.",
            RECORD,
            YES_NO,
        ),
        Column(
            "development",
            "int",
            "Case development within one year",
            "The seven-step scale of seed 000 from the latest 12-month assessment (by time "
            "recorded): 1 much better ... 6 much worse, 9 not known; empty when not assessed.",
            SEED,
            DEVELOPMENT_LABELS,
        ),
        Column(
            "improved",
            "int",
            "Improvement within one year",
            "1 if development is much or somewhat better, 0 for the other known steps, empty "
            "when not assessed or not known (seed 000: the outcome of Table 1).",
            SEED,
            YES_NO,
        ),
        Column(
            "assess_source",
            "int",
            "Assessment source",
            "Survey of the original source or desk research (seed 000 Figure 1).",
            SEED,
            SOURCE_LABELS,
        ),
        Column(
            "info_level",
            "int",
            "Information level",
            "Complete or good, or limited (seed 000 Figure 1).",
            SEED,
            LEVEL_LABELS,
        ),
        Column(
            "regime",
            "int",
            "Regime (closed/open)",
            "From the Polity score of the year sent: 1 closed (below 0), 2 open (above 0), "
            "3 a score of exactly 0 (in neither subset of seed 000); empty without a score.",
            "derived from cy_polity",
            REGIME_LABELS,
        ),
        Column(
            "upr_1y",
            "int",
            "Upcoming UPR within one year",
            "1 if the State addressed has a Universal Periodic Review from the day sent to one "
            "year later (UPRReview); 0 if none falls there while a later review is recorded; "
            "otherwise the country-year covariate upr_within_year of the year sent; else empty "
            "(seed 000 Table 1: Upcoming UPR).",
            "UPRReview, else covariate upr_within_year",
            YES_NO,
        ),
    ]


def unique_names(texts: Iterable[str], taken: set[str]) -> list[str]:
    """Stata and SPSS names for ``texts``, none of them already ``taken`` (a name cut to 32
    characters that meets another gets ``_2``, ``_3``...); adds them to ``taken``."""
    names = []
    for text in texts:
        name, number = stata_name(text), 2
        while name in taken:
            suffix = f"_{number}"
            name, number = stata_name(text)[: MAX_NAME_LENGTH - len(suffix)] + suffix, number + 1
        taken.add(name)
        names.append(name)
    return names


def violation_columns(types: Sequence[ViolationType], names: Sequence[str]) -> list[Column]:
    return [
        Column(
            name,
            "int",
            f"Violation: {term.name_en}"[:80],
            f"1 if the violation type {term.code} is recorded for the person in this "
            "communication, else 0.",
            RECORD,
            YES_NO,
        )
        for term, name in zip(types, names, strict=True)
    ]


@dataclass(frozen=True)
class Covariate:
    """A country-year variable: a stored one (``pk``), or a built-in one not stored yet."""

    code: str
    label: str
    source: str
    description: str
    pk: int | None


def covariates() -> list[Covariate]:
    """The stored covariates and the built-in ones, by code, so that the built-in columns
    are always there (empty where nothing was imported)."""
    stored = {
        variable.code: Covariate(
            variable.code,
            variable.label,
            variable.source,
            variable.description,
            variable.pk,
        )
        for variable in Variable.objects.all()
    }
    for spec in BUILTIN_VARIABLES:
        stored.setdefault(
            spec.code,
            Covariate(spec.code, str(spec.label), spec.source, str(spec.description), None),
        )
    return [stored[code] for code in sorted(stored)]


def covariate_columns(variables: Sequence[Covariate], names: Sequence[str]) -> list[Column]:
    return [
        Column(
            name,
            "float",
            variable.label[:80],
            f"Country-year covariate {variable.code} of the State addressed for the year "
            f"sent; empty when not imported. {variable.description}".strip(),
            variable.source or "covariates",
        )
        for variable, name in zip(variables, names, strict=True)
    ]


SYNTHETIC_COLUMN = Column(
    "synthetic",
    "int",
    "Synthetic data",
    "1 when the database holds the synthetic demonstration dataset, else 0: rows marked 1 "
    "describe no real person.",
    RECORD,
    YES_NO,
)


@dataclass(frozen=True)
class Selection:
    """What to export. Dates are UTC days, both included."""

    start: dt.date | None = None
    end: dt.date | None = None
    mandate: Mandate | None = None
    max_named: int | None = None
    sample: int | None = None
    seed: int = 0


@dataclass
class MissingReport:
    """Rows without a covariate value, per column, country and year."""

    rows: int = 0
    no_state: int = 0
    by_column: dict[str, Counter[tuple[str, int]]] = field(
        default_factory=lambda: defaultdict(Counter)
    )

    def add(self, column: str, country: str, year: int) -> None:
        self.by_column[column][(country, year)] += 1

    def missing_rows(self, column: str) -> int:
        return sum(self.by_column.get(column, Counter()).values())


@dataclass
class Dataset:
    """The columns and a generator of chunks; the report fills as the chunks are read."""

    columns: list[Column]
    chunks: Iterator[dict[str, list[object]]]
    report: MissingReport
    synthetic: bool
    candidate_rows: int
    selected_rows: int


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)


def communications(selection: Selection) -> list[int]:
    """The sent communications of the selection, by sending time."""
    query = Communication.objects.filter(status=CommunicationStatus.SENT)
    if selection.start is not None:
        query = query.filter(sent_at__gte=_day_start(selection.start))
    if selection.end is not None:
        query = query.filter(sent_at__lt=_day_start(selection.end + dt.timedelta(days=1)))
    if selection.mandate is not None:
        query = query.filter(mandate_links__mandate=selection.mandate)
    return list(query.order_by("sent_at", "pk").values_list("pk", flat=True).distinct())


def _cases(communication_ids: list[int], merged: dict[int, int]) -> dict[int, list[int]]:
    """Each communication's canonical persons, in person order."""
    order = {pk: index for index, pk in enumerate(communication_ids)}
    persons: dict[int, set[int]] = defaultdict(set)
    for start in range(0, len(communication_ids), CHUNK_COMMUNICATIONS * 4):
        part = communication_ids[start : start + CHUNK_COMMUNICATIONS * 4]
        for communication_id, person_id in CommunicationPerson.objects.filter(
            communication_id__in=part
        ).values_list("communication_id", "person_id"):
            persons[communication_id].add(canonical(merged, person_id))
    return {pk: sorted(persons[pk]) for pk in sorted(persons, key=order.__getitem__)}


def mention_counts(merged: dict[int, int]) -> Counter[int]:
    """Sent communications naming each canonical person (or a person merged into them)."""
    counts: Counter[int] = Counter()
    survivors = set(merged.values())
    seen: set[tuple[int, int]] = set()
    rows = CommunicationPerson.objects.filter(
        communication__status=CommunicationStatus.SENT
    ).values_list("communication_id", "person_id")
    for communication_id, person_id in rows.iterator(chunk_size=5000):
        person = canonical(merged, person_id)
        if person in survivors:
            if (communication_id, person) in seen:
                continue
            seen.add((communication_id, person))
        counts[person] += 1
    return counts


def upr_value(reviews: Sequence[dt.date], sent: dt.date) -> int | None:
    """1 or 0 from the recorded reviews of a State, or None when they cannot say."""
    window_end = add_months(sent, ONE_YEAR_MONTHS)
    if any(sent <= day <= window_end for day in reviews):
        return 1
    if any(day > window_end for day in reviews):
        return 0
    return None


def build(selection: Selection) -> Dataset:
    from spcomms.demo.context import is_synthetic

    merged = canonical_map()
    communication_ids = communications(selection)
    cases = _cases(communication_ids, merged)
    candidate_rows = sum(len(persons) for persons in cases.values())
    if selection.max_named is not None:
        cases = {
            pk: persons for pk, persons in cases.items() if len(persons) <= selection.max_named
        }
    named = {pk: len(persons) for pk, persons in cases.items()}
    units = [(pk, person) for pk, persons in cases.items() for person in persons]
    if selection.sample is not None and selection.sample < len(units):
        # Drawn from the units in a fixed order, so the same seed on the same record
        # draws the same rows (a research sample, not a secret).
        draw = random.Random(selection.seed)  # noqa: S311  # a sample, not a secret
        drawn = sorted(draw.sample(range(len(units)), selection.sample))
        units = [units[index] for index in drawn]
    del cases
    violation_types = list(ViolationType.objects.order_by("position", "code"))
    with translation.override("en"):
        variables = covariates()
    synthetic = is_synthetic()
    taken = {column.name for column in (*fixed_columns(), *outcome_columns(), SYNTHETIC_COLUMN)}
    violation_names = unique_names([f"v_{term.code}" for term in violation_types], taken)
    covariate_names = unique_names([f"cy_{variable.code}" for variable in variables], taken)
    columns = [
        *fixed_columns(),
        *violation_columns(violation_types, violation_names),
        *outcome_columns(),
        *covariate_columns(variables, covariate_names),
        SYNTHETIC_COLUMN,
    ]
    report = MissingReport()
    chunks = _chunks(
        units,
        named=named,
        merged=merged,
        violation_names={
            term.pk: name for term, name in zip(violation_types, violation_names, strict=True)
        },
        covariate_names=[
            (variable.pk, name) for variable, name in zip(variables, covariate_names, strict=True)
        ],
        upr_variable=next((v.pk for v in variables if v.code == "upr_within_year"), None),
        columns=columns,
        report=report,
        synthetic=synthetic,
    )
    return Dataset(columns, chunks, report, synthetic, candidate_rows, len(units))


def _chunks(
    units: list[tuple[int, int]],
    *,
    named: dict[int, int],
    merged: dict[int, int],
    violation_names: dict[int, str],
    covariate_names: list[tuple[int | None, str]],
    upr_variable: int | None,
    columns: list[Column],
    report: MissingReport,
    synthetic: bool,
) -> Iterator[dict[str, list[object]]]:
    mentions = mention_counts(merged)
    countries = {row["pk"]: row for row in Country.objects.values("pk", "iso3", "reporting_region")}
    mandate_codes = dict(Mandate.objects.values_list("pk", "code"))
    business_types = set(
        PerpetratorType.objects.filter(is_business=True).values_list("pk", flat=True)
    )
    minority_areas = set(IssueArea.objects.filter(is_minority=True).values_list("pk", flat=True))
    reviews: dict[int, list[dt.date]] = defaultdict(list)
    for country_id, day in UPRReview.objects.values_list("country_id", "review_date"):
        reviews[country_id].append(day)
    now = timezone.now()

    start = 0
    while start < len(units):
        # A chunk ends at a communication's end, so its persons are read together.
        end = min(start + CHUNK_COMMUNICATIONS * 3, len(units))
        while end < len(units) and units[end][0] == units[end - 1][0]:
            end += 1
        part = units[start:end]
        start = end
        yield _chunk(
            part,
            named=named,
            merged=merged,
            mentions=mentions,
            countries=countries,
            mandate_codes=mandate_codes,
            violation_names=violation_names,
            business_types=business_types,
            minority_areas=minority_areas,
            reviews=reviews,
            covariate_names=covariate_names,
            upr_variable=upr_variable,
            now=now,
            columns=columns,
            report=report,
            synthetic=synthetic,
        )


def _chunk(
    part: list[tuple[int, int]],
    *,
    named: dict[int, int],
    merged: dict[int, int],
    mentions: Counter[int],
    countries: dict[int, Any],
    mandate_codes: dict[int, str],
    violation_names: dict[int, str],
    business_types: set[int],
    minority_areas: set[int],
    reviews: dict[int, list[dt.date]],
    covariate_names: list[tuple[int | None, str]],
    upr_variable: int | None,
    now: dt.datetime,
    columns: list[Column],
    report: MissingReport,
    synthetic: bool,
) -> dict[str, list[object]]:
    communication_ids = sorted({pk for pk, _person in part})
    letters = {
        row["pk"]: row
        for row in Communication.objects.filter(pk__in=communication_ids).values(
            "pk",
            "type",
            "sent_at",
            "reply_due_at",
            "withheld",
            "ref_code",
            "ref_number",
            "ref_year",
        )
    }
    state_of: dict[int, int] = {}
    for communication_id, country_id in (
        Addressee.objects.filter(
            communication_id__in=communication_ids, is_copy=False, country__isnull=False
        )
        .order_by("pk")
        .values_list("communication_id", "country_id")
    ):
        state_of.setdefault(communication_id, country_id)
    lead = dict(
        CommunicationMandate.objects.filter(
            communication_id__in=communication_ids, is_lead=True
        ).values_list("communication_id", "mandate_id")
    )
    # The rows naming each case: the person's own and those of persons merged into them.
    rows_of: dict[tuple[int, int], list[int]] = defaultdict(list)
    for row_pk, communication_id, person_id in CommunicationPerson.objects.filter(
        communication_id__in=communication_ids
    ).values_list("pk", "communication_id", "person_id"):
        rows_of[(communication_id, canonical(merged, person_id))].append(row_pk)
    row_ids = [pk for rows in rows_of.values() for pk in rows]
    violations: dict[int, set[int]] = defaultdict(set)
    for row_pk, type_pk in CommunicationPerson.violations.through.objects.filter(
        communicationperson_id__in=row_ids
    ).values_list("communicationperson_id", "violationtype_id"):
        violations[row_pk].add(type_pk)
    business_rows = set(
        CommunicationPerson.perpetrators.through.objects.filter(
            communicationperson_id__in=row_ids, perpetratortype_id__in=business_types
        ).values_list("communicationperson_id", flat=True)
    )
    replied_letters = set(
        Reply.objects.filter(communication_id__in=communication_ids).values_list(
            "communication_id", flat=True
        )
    )
    replied_rows = set(
        Reply.persons_addressed.through.objects.filter(
            communicationperson_id__in=row_ids
        ).values_list("communicationperson_id", flat=True)
    )
    latest: dict[int, tuple[dt.datetime, int, str, str, str]] = {}
    for case_id, recorded_at, pk, development, source, level in Assessment.objects.filter(
        case_id__in=row_ids, period_months=ONE_YEAR_MONTHS
    ).values_list("case_id", "recorded_at", "pk", "development", "source", "information_level"):
        candidate = (recorded_at, pk, development, source, level)
        if case_id not in latest or candidate[:2] > latest[case_id][:2]:
            latest[case_id] = candidate
    person_ids = sorted({person for _pk, person in part})
    persons = {
        row["pk"]: row
        for row in Person.objects.filter(pk__in=person_ids).values("pk", "key", "kind", "gender")
    }
    minority_persons = set(
        Person.issue_areas.through.objects.filter(
            person_id__in=person_ids, issuearea_id__in=minority_areas
        ).values_list("person_id", flat=True)
    )
    years = {_sent_day(letters[pk]).year for pk in communication_ids}
    known: dict[tuple[int, int, int], float] = {
        (country_id, year, variable_id): value
        for country_id, year, variable_id, value in CountryYearValue.objects.filter(
            country_id__in=set(state_of.values()),
            year__in=years,
            variable_id__in=[pk for pk, _name in covariate_names if pk is not None],
        ).values_list("country_id", "year", "variable_id", "value")
    }

    data: dict[str, list[object]] = {column.name: [] for column in columns}
    for communication_id, person_id in part:
        letter = letters[communication_id]
        sent = _sent_day(letter)
        state = state_of.get(communication_id)
        country = countries.get(state) if state is not None else None
        iso3 = str(country["iso3"]) if country else ""
        person = persons[person_id]
        rows = rows_of[(communication_id, person_id)]
        case_violations = set().union(*(violations.get(row, set()) for row in rows))
        assessments = [latest[row] for row in rows if row in latest]
        assessment = max(assessments, key=lambda item: item[:2]) if assessments else None
        step = DEVELOPMENT_CODES[assessment[2]] if assessment else None
        gender = str(person["gender"])
        values: dict[str, object] = {
            "person_key": str(person["key"]),
            "comm_id": communication_id,
            "comm_ref": _public_reference(letter, now),
            "comm_type": TYPE_CODES.get(str(letter["type"])),
            "sent_date": sent,
            "year_sent": sent.year,
            "country": iso3,
            "region": REGION_CODES.get(str(country["reporting_region"])) if country else None,
            "lead_mandate": mandate_codes.get(lead[communication_id], "")
            if communication_id in lead
            else "",
            "n_named": named[communication_id],
            "person_kind": KIND_CODES.get(str(person["kind"])),
            "gender": GENDER_CODES.get(gender),
            "female_trans": None
            if gender == Gender.NOT_STATED
            else int(gender in (Gender.FEMALE, Gender.TRANS)),
            "minority": int(person_id in minority_persons),
            "n_mentions": mentions[person_id],
            "reply_comm": int(communication_id in replied_letters),
            "reply": int(any(row in replied_rows for row in rows)),
            "business": int(any(row in business_rows for row in rows)),
            "assessed": int(assessment is not None),
            "development": step,
            "improved": None
            if step is None or step == DEVELOPMENT_NOT_KNOWN
            else int(step in IMPROVED_CODES),
            "assess_source": SOURCE_CODES.get(assessment[3]) if assessment else None,
            "info_level": LEVEL_CODES.get(assessment[4]) if assessment else None,
            "synthetic": int(synthetic),
        }
        for type_pk, name in violation_names.items():
            values[name] = int(type_pk in case_violations)
        report.rows += 1
        if state is None:
            report.no_state += 1
        for variable_pk, name in covariate_names:
            value = (
                known.get((state, sent.year, variable_pk))
                if state is not None and variable_pk is not None
                else None
            )
            values[name] = value
            if value is None:
                report.add(name, iso3, sent.year)
        polity = values.get("cy_polity")
        values["regime"] = (
            None if not isinstance(polity, float) else 1 if polity < 0 else 2 if polity > 0 else 3
        )
        upr = upr_value(reviews.get(state, []), sent) if state is not None else None
        if upr is None and state is not None and upr_variable is not None:
            fallback = known.get((state, sent.year, upr_variable))
            upr = None if fallback is None else int(fallback)
        values["upr_1y"] = upr
        if upr is None:
            report.add("upr_1y", iso3, sent.year)
        for column in columns:
            data[column.name].append(values.get(column.name))
    return data


def _sent_day(letter: Mapping[str, Any]) -> dt.date:
    sent: dt.datetime = letter["sent_at"]  # never None: only sent communications are read
    return sent.astimezone(dt.UTC).date()


def _public_reference(letter: Mapping[str, Any], now: dt.datetime) -> str:
    due = letter["reply_due_at"]
    if letter["withheld"] or not isinstance(due, dt.datetime) or due > now:
        return ""
    return f"{letter['type']} {letter['ref_code']} {letter['ref_number']}/{letter['ref_year']}"
