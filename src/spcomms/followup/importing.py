"""``assessments_import``: load hand-coded follow-up outcomes, all or nothing.

One assessment per CSV row or JSON object, naming the communication by its
reference and the person by their key in the communications import. The file is
read with the communications importer's readers (the same messages for a wrong
encoding, a spreadsheet, a bad header or a misspelt key), every value is checked
by its parsers, and every problem is reported by row (or JSON path) and field.
Only a file without any problem is written, in one transaction.

Importing the same file again writes nothing: a row whose values equal the latest
imported assessment of that person, communication and period is unchanged; a row
that differs adds a new assessment, which then counts, and the earlier one stays
as history. Messages quote references, keys and codes, never a name or a comment.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from spcomms.accounts.models import User
from spcomms.audit.services import audit_record
from spcomms.cases.models import Person
from spcomms.communications.importing import schema
from spcomms.communications.importing.csv_file import (
    check_width,
    csv_header,
    csv_labels,
    csv_rows,
    csv_values,
)
from spcomms.communications.importing.json_file import json_object, parse_json
from spcomms.communications.importing.problems import Location, Problem, file_problem
from spcomms.communications.importing.raw import (
    FileFormat,
    Raw,
    empty_message,
    unreadable,
)
from spcomms.communications.importing.reading import sniff_format
from spcomms.communications.models import Communication, CommunicationPerson, CommunicationStatus
from spcomms.followup import schedule
from spcomms.followup.models import (
    Assessment,
    AssessmentSource,
    CaseDevelopment,
    Channel,
    InformationLevel,
    PerceivedImpact,
)

AUDIT_ACTION = "followup.import"
MAX_TEXT = 20_000
MIN_MONTHS, MAX_MONTHS = 1, 120

# What names the assessment: the communication, the person and the period.
KEYS = ("reference", "person_key", "period_months")
# JSON keys and CSV columns are the same names.
FIELDS = (
    *KEYS,
    "development",
    "source",
    "information_level",
    "impact_attention",
    "impact_communication",
    "negative_impact",
    "assessed_on",
    "basis",
    "comment",
)
REQUIRED = (*KEYS, "development", "source", "information_level")
COLUMNS = {name: name for name in FIELDS}
# The values compared to tell an unchanged row from a new assessment: all but the keys.
COMPARED = FIELDS[len(KEYS) :]


class AssessmentImportError(Exception):
    """The file was refused; nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems)
        self.problems = problems


@dataclass(frozen=True)
class ImportReport:
    file_name: str
    file_format: FileFormat
    created: int
    unchanged: int


# Reading -------------------------------------------------------------------------------


def _read(
    path: Path, file_format: FileFormat | None, problems: list[Problem]
) -> tuple[FileFormat, list[Raw]]:
    rows: list[Raw] = []
    chosen = file_format or FileFormat.CSV
    try:
        with path.open("rb") as handle:
            sniffed = sniff_format(handle, file_format)
            if isinstance(sniffed, Problem):
                problems.append(sniffed)
                return chosen, rows
            chosen = sniffed
            if chosen == FileFormat.JSON:
                _read_json(handle, rows, problems)
            else:
                _read_csv(handle, rows, problems)
    except OSError as error:
        problems.append(unreadable(path, error))
    return chosen, rows


def _no_progress(size: int) -> None:
    return None


def _read_csv(handle: BinaryIO, rows: list[Raw], problems: list[Problem]) -> None:
    lines = csv_rows(handle, problems, _no_progress)
    first = next(lines, None)
    if first is None:
        if not problems:
            problems.append(file_problem(empty_message()))
        return
    header = csv_header(first[0], first[1], FIELDS, REQUIRED, problems)
    if header is None:
        for _line in lines:  # still read to the end, to report a wrong encoding as well
            pass
        return
    labels = csv_labels(COLUMNS)
    for line, cells in lines:
        check_width(line, cells, header, problems)
        rows.append(Raw(csv_values(header, cells, COLUMNS), Location(line=line, labels=labels)))
    if not rows and not problems:
        problems.append(
            file_problem(gettext("the file has a header but no data rows below it."), line=first[0])
        )


def _read_json(handle: BinaryIO, rows: list[Raw], problems: list[Problem]) -> None:
    document = parse_json(handle, "assessments", problems)
    if document is None:
        return
    if isinstance(document, dict) and "assessments" in document:
        for name in document:
            if name != "assessments":
                problems.append(
                    Problem(
                        None,
                        None,
                        gettext("unknown key: the file holds only the key assessments."),
                        path=name,
                    )
                )
        document = document["assessments"]
    if not isinstance(document, list):
        problems.append(
            file_problem(
                gettext(
                    "the file must hold a list of assessments, [{...}, ...], or an object "
                    '{"assessments": [{...}, ...]}.'
                )
            )
        )
        return
    if not document:
        problems.append(file_problem(gettext("the file holds no assessments.")))
        return
    for index, item in enumerate(document):
        where = f"assessments[{index}]"
        found = json_object(item, where, FIELDS, problems, gettext("an assessment"))
        if found is not None:
            rows.append(Raw(found, Location(path=where)))


# Checking ------------------------------------------------------------------------------


def _months(value: object) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, int) and not isinstance(value, bool) and MIN_MONTHS <= value <= MAX_MONTHS:
        return value
    raise schema.Invalid(
        gettext("%(value)s is not a period: write the whole number of months, from 1 to 120.")
        % {"value": schema.quote(value)}
    )


# Parsers whose messages hold no vocabulary name; the others are built per call (below).
PARSERS: Mapping[str, Callable[[object], Any]] = {
    "period_months": _months,
    "negative_impact": schema.boolean,
    "assessed_on": schema.day,
    "basis": schema.text(MAX_TEXT),
    "comment": schema.text(MAX_TEXT),
    "person_key": schema.key,
}
DEFAULTS: Mapping[str, object] = {
    "impact_attention": "",
    "impact_communication": "",
    "negative_impact": False,
    "basis": "",
    "comment": "",
}


@dataclass
class Checked:
    at: Location
    mention_id: int
    period_months: int
    values: dict[str, object]


def _parsers() -> Mapping[str, Callable[[object], Any]]:
    # Built per call so that the "what" of each message is in the active language.
    return {
        **PARSERS,
        "development": schema.choice(gettext("case development"), CaseDevelopment.values),
        "source": schema.choice(gettext("source"), AssessmentSource.values),
        "information_level": schema.choice(gettext("information level"), InformationLevel.values),
        "impact_attention": schema.choice(gettext("perceived impact"), PerceivedImpact.values),
        "impact_communication": schema.choice(gettext("perceived impact"), PerceivedImpact.values),
    }


def _check(rows: list[Raw], problems: list[Problem]) -> list[Checked]:
    parsers = _parsers()
    parsed: list[tuple[Raw, tuple[str, str, int, int], str, dict[str, object]]] = []
    for row in rows:
        values: dict[str, object] = {}
        ok = True
        for name in FIELDS:
            given = row.values.get(name)
            if schema.is_blank(given):
                if name in REQUIRED:
                    problems.append(row.at.problem(name, gettext("this is required.")))
                    ok = False
                continue
            if name == "reference":
                try:
                    values[name] = schema.reference(given)
                except schema.Invalid as invalid:
                    problems.append(row.at.problem(name, invalid.message))
                    ok = False
                continue
            try:
                values[name] = parsers[name](given)
            except schema.Invalid as invalid:
                problems.append(row.at.problem(name, invalid.message))
                ok = False
        if ok:
            identity = values.pop("reference")
            person_key = str(values.pop("person_key"))
            assert isinstance(identity, tuple)  # noqa: S101  # parsed by schema.reference
            parsed.append((row, identity, person_key, values))
    # Look the references and keys up in the database, all at once.
    codes = {identity[1] for _row, identity, _key, csv_values in parsed}
    years = {identity[3] for _row, identity, _key, csv_values in parsed}
    communications = {
        (c.type, c.ref_code, c.ref_number, c.ref_year): c
        for c in Communication.objects.filter(
            status=CommunicationStatus.SENT, ref_code__in=codes, ref_year__in=years
        )
    }
    keys = {key for _row, _identity, key, csv_values in parsed}
    persons = {p.external_key: p for p in Person.objects.filter(external_key__in=keys)}
    mentions: dict[tuple[int, int], int] = {}
    merged = schedule.canonical_map()
    by_canonical: dict[tuple[int, int], int] = {}
    for row_pk, communication_id, person_id in (
        CommunicationPerson.objects.filter(communication__in=list(communications.values()))
        .values_list("pk", "communication_id", "person_id")
        .order_by("pk")
    ):
        mentions[(communication_id, person_id)] = row_pk
        by_canonical.setdefault((communication_id, schedule.canonical(merged, person_id)), row_pk)
    checked: list[Checked] = []
    seen: dict[tuple[int, int], Location] = {}
    for row, identity, key, values in parsed:
        reference = schema.reference_text(*identity)
        communication = communications.get(identity)
        if communication is None:
            problems.append(
                row.at.problem(
                    "reference",
                    gettext(
                        "no sent communication %(reference)s is in the database. Import the "
                        "communications first (spcomms import communications)."
                    )
                    % {"reference": reference},
                )
            )
            continue
        person = persons.get(key)
        if person is None:
            problems.append(
                row.at.problem(
                    "person_key",
                    gettext(
                        "no person has the key %(key)s: use the key the person has in the "
                        "communications import."
                    )
                    % {"key": schema.quote(key)},
                )
            )
            continue
        mention = mentions.get((communication.pk, person.pk)) or by_canonical.get(
            (communication.pk, schedule.canonical(merged, person.pk))
        )
        if mention is None:
            problems.append(
                row.at.problem(
                    "person_key",
                    gettext("the person %(key)s is not named in %(reference)s.")
                    % {"key": schema.quote(key), "reference": reference},
                )
            )
            continue
        period = values.pop("period_months")
        assert isinstance(period, int)  # noqa: S101  # parsed by _months
        first = seen.get((mention, period))
        if first is not None:
            problems.append(
                row.at.problem(
                    "period_months",
                    gettext(
                        "%(where)s already gives this person, communication and period: one "
                        "assessment per period in a file."
                    )
                    % {"where": first.describe()},
                )
            )
            continue
        seen[(mention, period)] = row.at
        if "assessed_on" not in values:
            assert communication.sent_at is not None  # noqa: S101  # sent
            values["assessed_on"] = schedule.due_on(communication.sent_at, period)
        for name, default in DEFAULTS.items():
            values.setdefault(name, default)
        checked.append(Checked(row.at, mention, period, values))
    return checked


# Writing -------------------------------------------------------------------------------


def _unchanged(latest: Assessment | None, values: Mapping[str, object]) -> bool:
    return latest is not None and all(getattr(latest, name) == values[name] for name in COMPARED)


def _store(checked: list[Checked], actor: User | None) -> tuple[int, int]:
    created: list[Assessment] = []
    with transaction.atomic():
        latest: dict[tuple[int, int], Assessment] = {}
        for assessment in Assessment.objects.filter(
            channel=Channel.IMPORT, case_id__in={item.mention_id for item in checked}
        ).order_by("recorded_at", "pk"):
            latest[(assessment.case_id, assessment.period_months)] = assessment
        for item in checked:
            if _unchanged(latest.get((item.mention_id, item.period_months)), item.values):
                continue
            created.append(
                Assessment(
                    case_id=item.mention_id,
                    period_months=item.period_months,
                    channel=Channel.IMPORT,
                    recorded_by=actor,
                    **item.values,
                )
            )
        if created:
            Assessment.objects.bulk_create(created)
            first = Assessment.objects.filter(channel=Channel.IMPORT).latest("recorded_at", "pk")
            audit_record(
                actor=actor,
                action=AUDIT_ACTION,
                obj=first,
                rows=len(checked),
                created=len(created),
                unchanged=len(checked) - len(created),
            )
    return len(created), len(checked) - len(created)


def assessments_import(
    *, path: Path, file_format: FileFormat | None = None, actor: User | None = None
) -> ImportReport:
    """Import a file of assessments; raises AssessmentImportError with every problem found."""
    if not path.is_file():
        raise AssessmentImportError(
            [file_problem(gettext("there is no file at %(path)s.") % {"path": str(path)})]
        )
    problems: list[Problem] = []
    read_as, rows = _read(path, file_format, problems)
    if problems:
        raise AssessmentImportError(problems)
    checked = _check(rows, problems)
    if problems:
        problems.sort(key=lambda problem: problem.order)
        raise AssessmentImportError(problems)
    try:
        created, unchanged = _store(checked, actor)
    except IntegrityError:
        raise AssessmentImportError(
            [
                file_problem(
                    gettext(
                        "the database refused the assessments (another change was saved at the "
                        "same time), so nothing of this file was written. Import it again."
                    )
                )
            ]
        ) from None
    return ImportReport(path.name, read_as, created, unchanged)
