"""Reading a communications file, JSON or CSV, into the same raw objects.

Reading finds what cannot be read at all (encoding, JSON syntax, the CSV
header, keys or columns that do not exist, rows of one reference that do not
agree) and keeps where each value stands. The values themselves are checked
later, by ``validation``, the same way for both formats.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import BinaryIO

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from spcomms.communications.importing import schema
from spcomms.communications.importing.problems import Location, Problem, file_problem
from spcomms.covariates.formats import SPREADSHEET_MAGIC, NotUtf8, decoded_lines


class FileFormat(StrEnum):
    JSON = "json"
    CSV = "csv"

    @property
    def label(self) -> str:
        return str(FORMAT_LABELS[self])


FORMAT_LABELS = {FileFormat.JSON: _("JSON"), FileFormat.CSV: _("CSV")}
JSON_STARTS = (b"{", b"[")
# What each JSON object describes, for messages; translated only when a message is written.
A_COMMUNICATION = _("a communication")
THE_MANDATES = _("the mandates (lead and joined)")
AN_ADDRESSEE = _("an addressee")
A_NAMED_PERSON = _("a named person")
THE_CONSENT = _("the consent")
A_REPLY = _("a reply")


@dataclass(slots=True)
class Raw:
    """The values of one object as the file gives them, and where it stands."""

    values: dict[str, object]
    at: Location


@dataclass(slots=True)
class RawPerson:
    fields: Raw
    consent: Raw | None


@dataclass(slots=True)
class RawCommunication:
    fields: Raw
    mandates: Raw
    addressees: list[Raw]
    persons: list[RawPerson]
    replies: list[Raw] | None
    """None when the file does not speak of replies: existing ones are then left alone."""


@dataclass
class RawFile:
    file_format: FileFormat | None = None
    communications: list[RawCommunication] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def read_file(
    path: Path,
    *,
    file_format: FileFormat | None = None,
    replies: Path | None = None,
    advance: Callable[[int], object] = lambda size: None,
) -> RawFile:
    """Read a whole communications file (and the replies CSV that goes with a CSV file)."""
    raw = RawFile(file_format=file_format)
    try:
        with path.open("rb") as handle:
            start = handle.read(len(SPREADSHEET_MAGIC))
            if start == SPREADSHEET_MAGIC:
                raw.problems.append(file_problem(_spreadsheet_message()))
                return raw
            handle.seek(0)
            head = handle.read(4096)
            handle.seek(0)
            if not head.removeprefix(codecs.BOM_UTF8).strip():
                raw.problems.append(file_problem(_empty_message()))
                return raw
            if raw.file_format is None:
                first = head.removeprefix(codecs.BOM_UTF8).lstrip()[:1]
                raw.file_format = FileFormat.JSON if first in JSON_STARTS else FileFormat.CSV
            if raw.file_format == FileFormat.JSON:
                if replies is not None:
                    raw.problems.append(
                        file_problem(
                            gettext(
                                "--replies is for CSV files; in a JSON file each communication "
                                "holds its replies."
                            )
                        )
                    )
                    return raw
                _read_json(handle, raw, advance)
            else:
                _read_csv(handle, raw, advance)
    except OSError as error:
        raw.problems.append(_unreadable(path, error))
        return raw
    if replies is not None and raw.file_format == FileFormat.CSV:
        _attach_replies(replies, raw, advance, main_name=path.name)
    return raw


def _unreadable(path: Path, error: OSError) -> Problem:
    return file_problem(
        gettext("%(file)s cannot be opened (%(error)s).")
        % {"file": path.name, "error": error.strerror}
    )


def _spreadsheet_message() -> str:
    return gettext(
        "this is a spreadsheet (.xlsx or .ods), not a CSV file. Save it as CSV UTF-8 and import "
        "that file."
    )


def _empty_message() -> str:
    return gettext("the file is empty: there is no header and no data.")


def _not_utf8_message(byte: int) -> str:
    return gettext(
        "the file is not UTF-8 (byte 0x%(byte)02X cannot be read). Re-save it as UTF-8 (in a "
        "spreadsheet: Save As, CSV UTF-8) and import it again."
    ) % {"byte": byte}


def _suggest(name: str, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(name.lower(), list(known), n=1)
    if close:
        return gettext("Did you mean %(suggestion)s?") % {"suggestion": close[0]}
    return gettext("The known ones are %(names)s.") % {"names": ", ".join(known)}


# -- JSON ------------------------------------------------------------------------------------


def _read_json(handle: BinaryIO, raw: RawFile, advance: Callable[[int], object]) -> None:
    """Parse the file; the bytes and the text are let go as soon as they are read, and the
    parsed objects are kept as they are (not copied), to keep a large file's memory down."""
    data = handle.read().removeprefix(codecs.BOM_UTF8)
    advance(len(data))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raw.problems.append(file_problem(_not_utf8_message(data[error.start]), line=line))
        return
    del data
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raw.problems.append(
            file_problem(
                gettext("the file is not valid JSON: %(error)s at column %(column)d.")
                % {"error": error.msg, "column": error.colno},
                line=error.lineno,
            )
        )
        return
    del text
    if isinstance(document, dict) and "communications" in document:
        for name in document:
            if name != "communications":
                raw.problems.append(
                    Problem(
                        None,
                        None,
                        gettext("unknown key: the file holds only the key communications."),
                        path=name,
                    )
                )
        document = document["communications"]
    if not isinstance(document, list):
        raw.problems.append(
            file_problem(
                gettext(
                    "the file must hold a list of communications, [{...}, ...], or an object "
                    '{"communications": [{...}, ...]}.'
                )
            )
        )
        return
    if not document:
        raw.problems.append(file_problem(gettext("the file holds no communications.")))
        return
    for index, item in enumerate(document):
        communication = _json_communication(item, f"communications[{index}]", raw.problems)
        if communication is not None:
            raw.communications.append(communication)


def _json_object(
    value: object,
    path: str,
    allowed: Sequence[str],
    problems: list[Problem],
    what: StrOrPromise,
) -> dict[str, object] | None:
    """The object at ``path`` with its unknown keys reported, or None if it is no object."""
    if not isinstance(value, dict):
        problems.append(
            Problem(
                None,
                None,
                gettext("this must be an object, {...}, describing %(what)s.")
                % {"what": str(what)},
                path=path,
            )
        )
        return None
    for name in value:
        if name not in allowed:
            problems.append(
                Problem(
                    None,
                    None,
                    gettext("unknown key for %(what)s. %(hint)s")
                    % {"what": str(what), "hint": _suggest(str(name), allowed)},
                    path=f"{path}.{name}",
                )
            )
    return value


def _json_list(value: object, path: str, problems: list[Problem]) -> list[object]:
    if value is None:
        return []
    if not isinstance(value, list):
        problems.append(Problem(None, None, gettext("this must be a list, [...]."), path=path))
        return []
    return value


def _json_communication(
    item: object, path: str, problems: list[Problem]
) -> RawCommunication | None:
    data = _json_object(
        item,
        path,
        (*schema.COMMUNICATION_FIELDS, *schema.COMMUNICATION_NESTED),
        problems,
        A_COMMUNICATION,
    )
    if data is None:
        return None
    mandates_path = f"{path}.mandates"
    mandates = (
        _json_object(
            data["mandates"],
            mandates_path,
            schema.MANDATE_FIELDS,
            problems,
            THE_MANDATES,
        )
        if data.get("mandates") is not None
        else {}
    )
    addressees = []
    for index, entry in enumerate(
        _json_list(data.get("addressees"), f"{path}.addressees", problems)
    ):
        where = f"{path}.addressees[{index}]"
        found = _json_object(entry, where, schema.ADDRESSEE_FIELDS, problems, AN_ADDRESSEE)
        if found is not None:
            addressees.append(Raw(found, Location(path=where)))
    persons = []
    for index, entry in enumerate(_json_list(data.get("persons"), f"{path}.persons", problems)):
        where = f"{path}.persons[{index}]"
        found = _json_object(
            entry,
            where,
            (*schema.PERSON_FIELDS, *schema.PERSON_NESTED),
            problems,
            A_NAMED_PERSON,
        )
        if found is None:
            continue
        consent: Raw | None = None
        if found.get("consent") is not None:
            given = _json_object(
                found["consent"],
                f"{where}.consent",
                schema.CONSENT_FIELDS,
                problems,
                THE_CONSENT,
            )
            if given is not None:
                consent = Raw(given, Location(path=f"{where}.consent"))
        persons.append(RawPerson(Raw(found, Location(path=where)), consent))
    replies: list[Raw] | None = None
    if "replies" in data:
        replies = []
        for index, entry in enumerate(_json_list(data["replies"], f"{path}.replies", problems)):
            where = f"{path}.replies[{index}]"
            found = _json_object(entry, where, schema.REPLY_FIELDS, problems, A_REPLY)
            if found is not None:
                replies.append(Raw(found, Location(path=where)))
    return RawCommunication(
        fields=Raw(data, Location(path=path)),
        mandates=Raw(mandates or {}, Location(path=mandates_path)),
        addressees=addressees,
        persons=persons,
        replies=replies,
    )


# -- CSV -------------------------------------------------------------------------------------

Row = tuple[int, list[str]]


def _filled(cells: list[str]) -> bool:
    return any(cell.strip() for cell in cells)


def _csv_rows(
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
        problems.append(Problem(error.line, None, _not_utf8_message(error.byte), file=file))
    except csv.Error as error:
        problems.append(
            Problem(
                reader.line_num,
                None,
                gettext("the file cannot be read as CSV (%(error)s).") % {"error": error},
                file=file,
            )
        )


@dataclass(frozen=True)
class Header:
    line: int
    width: int
    columns: dict[str, int]
    """Lower-cased column name to its position."""

    def cell(self, cells: list[str], name: str) -> str:
        index = self.columns.get(name)
        return cells[index].strip() if index is not None and index < len(cells) else ""


def _header(
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
                    gettext("unknown column. %(hint)s") % {"hint": _suggest(name, known)},
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


def _check_width(
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


def _values(header: Header, cells: list[str], columns: Mapping[str, str]) -> dict[str, object]:
    """The filled cells of ``columns`` (column name to field name), by field name."""
    values: dict[str, object] = {}
    for column, name in columns.items():
        value = header.cell(cells, column)
        if value:
            values[name] = value
    return values


def _labels(columns: Mapping[str, str]) -> dict[str, str]:
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


def _read_csv(handle: BinaryIO, raw: RawFile, advance: Callable[[int], object]) -> None:
    rows = _csv_rows(handle, raw.problems, advance)
    first = next(rows, None)
    if first is None:
        if not raw.problems:
            raw.problems.append(file_problem(_empty_message()))
        return
    header_line, header_cells = first
    required = list(schema.CSV_REQUIRED)
    names = {cell.strip().lower() for cell in header_cells}
    if names & {"person_key", "person_name"}:
        required += ["person_key", "person_name"]
    header = _header(header_line, header_cells, schema.CSV_COLUMNS, required, raw.problems)
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
        _check_width(line, cells, header, raw.problems)
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
        _values(header, cells, schema.COMMUNICATION_COLUMNS),
        Location(line=line, labels={"addressees": schema.STATES_COLUMN}),
    )
    mandates = Raw(
        _values(header, cells, schema.MANDATE_COLUMNS),
        Location(line=line, labels=_labels(schema.MANDATE_COLUMNS)),
    )
    addressees = [
        Raw({"state": code}, Location(line=line, labels={"state": schema.STATES_COLUMN}))
        for code in schema.items(header.cell(cells, schema.STATES_COLUMN))
    ]
    non_state = _values(header, cells, schema.NON_STATE_COLUMNS)
    if non_state:
        addressees.append(
            Raw(non_state, Location(line=line, labels=_labels(schema.NON_STATE_COLUMNS)))
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
    values = _values(header, cells, schema.PERSON_COLUMNS)
    consent = _values(header, cells, schema.CONSENT_COLUMNS)
    if not values and not consent:
        return None
    return RawPerson(
        fields=Raw(values, Location(line=line, labels=_labels(schema.PERSON_COLUMNS))),
        consent=Raw(consent, Location(line=line, labels=_labels(schema.CONSENT_COLUMNS)))
        if consent
        else None,
    )


def _attach_replies(
    path: Path, raw: RawFile, advance: Callable[[int], object], *, main_name: str
) -> None:
    """Read the replies CSV and give each communication of the main file its replies."""
    name = path.name
    by_reference: dict[str, list[Raw]] = {}
    try:
        with path.open("rb") as handle:
            if handle.read(len(SPREADSHEET_MAGIC)) == SPREADSHEET_MAGIC:
                raw.problems.append(Problem(None, None, _spreadsheet_message(), file=name))
                return
            handle.seek(0)
            rows = _csv_rows(handle, raw.problems, advance, file=name)
            first = next(rows, None)
            if first is None:
                raw.problems.append(Problem(None, None, _empty_message(), file=name))
                return
            header = _header(
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
            labels = _labels(schema.REPLY_COLUMNS)
            for line, cells in rows:
                _check_width(line, cells, header, raw.problems, file=name)
                values = _values(header, cells, schema.REPLY_COLUMNS)
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
        raw.problems.append(_unreadable(path, error))
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
