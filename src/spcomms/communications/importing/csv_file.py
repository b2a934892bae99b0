"""Reading a CSV file of communications, and the replies CSV that goes with it.

One row per named person per communication: the rows of one reference are
gathered into one communication, and the columns that describe it must be the
same on all of them. Rows are read line by line, so that a wrong encoding is
reported with its line.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from django.utils.translation import gettext

from spcomms.communications.importing import schema
from spcomms.communications.importing.problems import Location, Problem, file_problem
from spcomms.communications.importing.raw import (
    Raw,
    RawCommunication,
    RawFile,
    RawPerson,
    empty_message,
    spreadsheet_message,
    suggest,
    unreadable,
)
from spcomms.covariates.formats import (
    SPREADSHEET_MAGIC,
    NotUtf8,
    csv_error_message,
    decoded_lines,
    encoding_message,
)

Row = tuple[int, list[str]]


def _filled(cells: list[str]) -> bool:
    return any(cell.strip() for cell in cells)


def csv_rows(
    handle: BinaryIO,
    problems: list[Problem],
    advance: Callable[[int], object],
    file: str | None = None,
) -> Iterator[Row]:
    """Each non-empty row with its physical line; reading problems go to ``problems``."""
    reader = csv.reader(decoded_lines(handle, advance), strict=True)
    try:
        for row in reader:
            if _filled(row):
                yield reader.line_num, row
    except NotUtf8 as error:
        problems.append(Problem(error.line, None, encoding_message(error), file=file))
    except csv.Error as error:
        problems.append(Problem(reader.line_num, None, csv_error_message(error), file=file))


@dataclass(frozen=True)
class Header:
    line: int
    width: int
    columns: dict[str, int]
    """Lower-cased column name to its position."""

    def cell(self, cells: list[str], name: str) -> str:
        index = self.columns.get(name)
        return cells[index].strip() if index is not None and index < len(cells) else ""


def csv_header(
    line: int,
    cells: list[str],
    known: Sequence[str],
    required: Sequence[str],
    problems: list[Problem],
    file: str | None = None,
) -> Header | None:
    if len(cells) == 1 and ";" in cells[0]:
        problems.append(
            Problem(
                line,
                None,
                gettext(
                    "the columns are separated by semicolons. Save the file as comma-separated "
                    "CSV and import it again (lists inside a cell are separated by semicolons)."
                ),
                file=file,
            )
        )
        return None
    columns: dict[str, int] = {}
    ok = True
    for index, cell in enumerate(cells):
        name = cell.strip().lower()
        if not name:
            continue
        if name in columns:
            problems.append(
                Problem(
                    line,
                    cell.strip(),
                    gettext("this column appears twice (columns %(first)d and %(second)d).")
                    % {"first": columns[name] + 1, "second": index + 1},
                    file=file,
                )
            )
            ok = False
        elif name not in known:
            problems.append(
                Problem(
                    line,
                    cell.strip(),
                    (
                        gettext("unknown column. %(hint)s")
                        % {"hint": suggest(name, known, found=len(problems))}
                    ).rstrip(),
                    file=file,
                )
            )
            ok = False
        else:
            columns[name] = index
    for name in required:
        if name not in columns:
            problems.append(
                Problem(
                    line,
                    None,
                    gettext("the required column %(column)s is missing.") % {"column": name},
                    file=file,
                )
            )
            ok = False
    return Header(line, len(cells), columns) if ok else None


def check_width(
    line: int, cells: list[str], header: Header, problems: list[Problem], file: str | None = None
) -> None:
    if len(cells) > header.width and _filled(cells[header.width :]):
        problems.append(
            Problem(
                line,
                None,
                gettext("this row has %(cells)d cells but the header names only %(columns)d.")
                % {"cells": len(cells), "columns": header.width},
                file=file,
            )
        )


def csv_values(header: Header, cells: list[str], columns: Mapping[str, str]) -> dict[str, object]:
    """The filled cells of ``columns`` (column name to field name), by field name."""
    values: dict[str, object] = {}
    for column, name in columns.items():
        value = header.cell(cells, column)
        if value:
            values[name] = value
    return values


def csv_labels(columns: Mapping[str, str]) -> dict[str, str]:
    return {name: column for column, name in columns.items()}


def reference_key(text: str) -> str:
    """The reference as the rows of one communication share it: normalised when it can be read."""
    try:
        return schema.reference_text(*schema.reference(text))
    except schema.Invalid:
        return " ".join(text.split()).upper()


@dataclass
class _Group:
    communication: RawCommunication
    first_line: int
    shared: tuple[str, ...]


def read_csv(handle: BinaryIO, raw: RawFile, advance: Callable[[int], object]) -> None:
    rows = csv_rows(handle, raw.problems, advance)
    first = next(rows, None)
    if first is None:
        if not raw.problems:
            raw.problems.append(file_problem(empty_message()))
        return
    header_line, header_cells = first
    required = list(schema.CSV_REQUIRED)
    names = {cell.strip().lower() for cell in header_cells}
    if names & {"person_key", "person_name"}:
        required += ["person_key", "person_name"]
    header = csv_header(header_line, header_cells, schema.CSV_COLUMNS, required, raw.problems)
    if header is not None and not names & {schema.STATES_COLUMN, "non_state_actor"}:
        raw.problems.append(
            file_problem(
                gettext(
                    "the file needs a states column, a non_state_actor column, or both: every "
                    "communication has an addressee."
                ),
                line=header_line,
            )
        )
        header = None
    if header is None:
        for _row in rows:  # still read to the end, to report a wrong encoding as well
            pass
        return
    groups: dict[str, _Group] = {}
    shared_columns = [column for column in schema.SHARED_COLUMNS if column in header.columns]
    for line, cells in rows:
        check_width(line, cells, header, raw.problems)
        reference = header.cell(cells, "reference")
        if not reference:
            raw.problems.append(
                Problem(line, "reference", gettext("the reference is empty: every row needs one."))
            )
            continue
        key = reference_key(reference)
        shared = tuple(header.cell(cells, column) for column in shared_columns)
        group = groups.get(key)
        if group is None:
            group = _Group(_csv_communication(line, header, cells), line, shared)
            groups[key] = group
            raw.communications.append(group.communication)
        else:
            for column, mine, theirs in zip(shared_columns, shared, group.shared, strict=True):
                if mine != theirs:
                    raw.problems.append(
                        Problem(
                            line,
                            column,
                            gettext(
                                "this differs from line %(first)d, the first row of "
                                "%(reference)s: the communication columns must be the same on "
                                "every row of one reference."
                            )
                            % {"first": group.first_line, "reference": key},
                        )
                    )
        person = _csv_person(line, header, cells)
        if person is not None:
            group.communication.persons.append(person)
    if not raw.communications and not raw.problems:
        raw.problems.append(
            file_problem(
                gettext("the file has a header but no data rows below it."), line=header_line
            )
        )


def _csv_communication(line: int, header: Header, cells: list[str]) -> RawCommunication:
    fields = Raw(
        csv_values(header, cells, schema.COMMUNICATION_COLUMNS),
        Location(line=line, labels={"addressees": schema.STATES_COLUMN}),
    )
    mandates = Raw(
        csv_values(header, cells, schema.MANDATE_COLUMNS),
        Location(line=line, labels=csv_labels(schema.MANDATE_COLUMNS)),
    )
    addressees = [
        Raw({"state": code}, Location(line=line, labels={"state": schema.STATES_COLUMN}))
        for code in schema.items(header.cell(cells, schema.STATES_COLUMN))
    ]
    non_state = csv_values(header, cells, schema.NON_STATE_COLUMNS)
    if non_state:
        addressees.append(
            Raw(non_state, Location(line=line, labels=csv_labels(schema.NON_STATE_COLUMNS)))
        )
    addressees.extend(
        Raw(
            {"state": code, "copy": True},
            Location(line=line, labels={"state": schema.COPIED_STATES_COLUMN}),
        )
        for code in schema.items(header.cell(cells, schema.COPIED_STATES_COLUMN))
    )
    return RawCommunication(
        fields=fields, mandates=mandates, addressees=addressees, persons=[], replies=None
    )


def _csv_person(line: int, header: Header, cells: list[str]) -> RawPerson | None:
    values = csv_values(header, cells, schema.PERSON_COLUMNS)
    consent = csv_values(header, cells, schema.CONSENT_COLUMNS)
    if not values and not consent:
        return None
    return RawPerson(
        fields=Raw(values, Location(line=line, labels=csv_labels(schema.PERSON_COLUMNS))),
        consent=Raw(consent, Location(line=line, labels=csv_labels(schema.CONSENT_COLUMNS)))
        if consent
        else None,
    )


def attach_replies(
    path: Path, raw: RawFile, advance: Callable[[int], object], *, main_name: str
) -> None:
    """Read the replies CSV and give each communication of the main file its replies."""
    name = path.name
    by_reference: dict[str, list[Raw]] = {}
    try:
        with path.open("rb") as handle:
            if handle.read(len(SPREADSHEET_MAGIC)) == SPREADSHEET_MAGIC:
                raw.problems.append(Problem(None, None, spreadsheet_message(), file=name))
                return
            handle.seek(0)
            rows = csv_rows(handle, raw.problems, advance, file=name)
            first = next(rows, None)
            if first is None:
                raw.problems.append(Problem(None, None, empty_message(), file=name))
                return
            header = csv_header(
                first[0],
                first[1],
                tuple(schema.REPLY_COLUMNS),
                schema.REPLY_REQUIRED,
                raw.problems,
                file=name,
            )
            if header is None:
                for _row in rows:
                    pass
                return
            labels = csv_labels(schema.REPLY_COLUMNS)
            for line, cells in rows:
                check_width(line, cells, header, raw.problems, file=name)
                values = csv_values(header, cells, schema.REPLY_COLUMNS)
                reference = str(values.pop("reference", ""))
                if not reference:
                    raw.problems.append(
                        Problem(
                            line,
                            "reference",
                            gettext("the reference is empty: every reply needs one."),
                            file=name,
                        )
                    )
                    continue
                by_reference.setdefault(reference_key(reference), []).append(
                    Raw(values, Location(line=line, file=name, labels=labels))
                )
    except OSError as error:
        raw.problems.append(unreadable(path, error))
        return
    known: set[str] = set()
    for communication in raw.communications:
        key = reference_key(str(communication.fields.values.get("reference", "")))
        known.add(key)
        communication.replies = by_reference.get(key, [])
    for key, replies in by_reference.items():
        if key not in known:
            for reply in replies:
                raw.problems.append(
                    reply.at.problem(
                        "reference",
                        gettext(
                            "%(reference)s is not in %(file)s: a reply belongs to a "
                            "communication of the same import."
                        )
                        % {"reference": key, "file": main_name},
                    )
                )
