"""Reading covariate files: the spcomms CSV, World Bank indicator CSVs and V-Dem.

Parsing checks every row and collects every problem it finds, each with its
physical line number and column. Nothing here writes to the database, so the
caller can refuse a file as a whole before storing any of it.

The file is decoded line by line, which keeps memory flat on large files (the
full V-Dem file is several hundred megabytes) and lets a wrong encoding be
reported with the line it occurs on.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import json
import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, NamedTuple

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from spcomms.covariates.models import MAX_YEAR, MIN_YEAR
from spcomms.importing import PROBLEM_LIMIT

if TYPE_CHECKING:
    from _csv import Reader

# How far down the file the header may stand: World Bank downloads put four
# lines of metadata above it.
HEADER_SEARCH_ROWS = 10
# Longest cell text quoted back in a message.
QUOTE_LIMIT = 40
# Hints for a misspelt column are looked for while fewer problems than a refusal shows are
# known, for names up to this long: a file of 100,000 unknown columns is refused at once.
HINT_LIMIT = PROBLEM_LIMIT
HINT_NAME_LENGTH = 64


class FileFormat(StrEnum):
    SPCOMMS = "spcomms"
    WORLD_BANK = "worldbank"
    VDEM = "vdem"

    @property
    def label(self) -> str:
        return str(FORMAT_LABELS[self])


FORMAT_LABELS = {
    FileFormat.SPCOMMS: _("spcomms CSV"),
    FileFormat.WORLD_BANK: _("World Bank indicator CSV"),
    FileFormat.VDEM: _("V-Dem country-year CSV"),
}

# World Bank indicator codes and the variables they are stored as.
WORLD_BANK_INDICATORS = {
    "DT.ODA.ODAT.CD": "oda_net_usd",
    "NY.GDP.MKTP.CD": "gdp_usd",
    "DT.ODA.ODAT.GN.ZS": "oda_pct_gni",
}

# V-Dem's five high-level democracy indices and the variables they are stored as.
VDEM_INDICES = {
    "v2x_polyarchy": "vdem_polyarchy",
    "v2x_libdem": "vdem_libdem",
    "v2x_partipdem": "vdem_partipdem",
    "v2x_delibdem": "vdem_delibdem",
    "v2x_egaldem": "vdem_egaldem",
}

# The regional, income and lending groups the World Bank publishes beside
# countries in World Development Indicators (from its country metadata).
WORLD_BANK_AGGREGATES = frozenset(
    {
        "AFE", "AFW", "ARB", "CEB", "CSS", "EAP", "EAR", "EAS", "ECA", "ECS", "EMU", "EUU",
        "FCS", "HIC", "HPC", "IBD", "IBT", "IDA", "IDB", "IDX", "INX", "LAC", "LCN", "LDC",
        "LIC", "LMC", "LMY", "LTE", "MEA", "MIC", "MNA", "NAC", "OED", "OSS", "PRE", "PSS",
        "PST", "SAS", "SSA", "SSF", "SST", "TEA", "TEC", "TLA", "TMN", "TSA", "TSS", "UMC",
        "WLD",
    }
)  # fmt: skip

# Cells that mean "no value" in the files of other publishers.
MISSING_MARKERS = {
    FileFormat.SPCOMMS: frozenset({""}),
    FileFormat.WORLD_BANK: frozenset({"", ".."}),
    FileFormat.VDEM: frozenset({"", "NA"}),
}

# Spreadsheet files (.xlsx, .ods) are ZIP archives, which start with these bytes.
SPREADSHEET_MAGIC = b"PK\x03\x04"
DECIMAL_COMMA = re.compile(r"^-?\d+,\d+$")
INDICATOR_CODE = re.compile(r"^[A-Za-z0-9]+(\.[A-Za-z0-9]+)+$")


class SkipReason(StrEnum):
    """Why a row of another publisher's file was left out without being an error."""

    AGGREGATE = "aggregate"
    NOT_ISO = "not_iso"
    YEAR_OUT_OF_RANGE = "year_out_of_range"
    OTHER_INDICATOR = "other_indicator"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file, where it is and what to do about it."""

    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        if self.line is not None and self.column is not None:
            return gettext("line %(line)d, column %(column)s: %(message)s") % {
                "line": self.line,
                "column": self.column,
                "message": self.message,
            }
        if self.line is not None:
            return gettext("line %(line)d: %(message)s") % {
                "line": self.line,
                "message": self.message,
            }
        if self.column is not None:
            return gettext("column %(column)s: %(message)s") % {
                "column": self.column,
                "message": self.message,
            }
        return self.message


@dataclass(frozen=True)
class Bounds:
    """What parsing needs to know of a variable: its code and plausible range."""

    code: str
    minimum: float | None = None
    maximum: float | None = None
    binary: bool = False

    def describe(self) -> str:
        low, high = _number_text(self.minimum), _number_text(self.maximum)
        if self.minimum is not None and self.maximum is not None:
            return gettext("from %(minimum)s to %(maximum)s") % {"minimum": low, "maximum": high}
        if self.minimum is not None:
            return gettext("at least %(minimum)s") % {"minimum": low}
        return gettext("at most %(maximum)s") % {"maximum": high}

    def admits(self, value: float) -> bool:
        return (self.minimum is None or value >= self.minimum) and (
            self.maximum is None or value <= self.maximum
        )


@dataclass(frozen=True)
class Lookups:
    """The database state a file is checked against."""

    countries_iso3: Mapping[str, int]
    countries_iso2: Mapping[str, int]
    variables: Mapping[str, Bounds]
    computed: Mapping[str, str] = field(default_factory=dict)
    """Codes of variables spcomms computes, with the message that says what to import instead."""


class Observation(NamedTuple):
    country_id: int
    year: int
    variable: str
    value: float


@dataclass
class Skipped:
    rows: int = 0
    codes: set[str] = field(default_factory=set)


@dataclass
class Parsed:
    """What a file holds, or what is wrong with it."""

    file_format: FileFormat | None = None
    indicator: str | None = None
    rows: int = 0
    observations: list[Observation] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped: dict[SkipReason, Skipped] = field(default_factory=dict)

    def problem(self, line: int | None, column: str | None, message: str) -> None:
        self.problems.append(Problem(line, column, message))

    def skip(self, reason: SkipReason, code: str | None = None) -> None:
        entry = self.skipped.setdefault(reason, Skipped())
        entry.rows += 1
        if code:
            entry.codes.add(code)


class NotUtf8(Exception):
    """A line that is not UTF-8 text: a byte that cannot be read, a NUL byte (0x00, in
    UTF-16 or binary files), or a UTF-16 byte order mark on the first line."""

    def __init__(self, line: int, byte: int, *, utf16: bool = False) -> None:
        super().__init__(line, byte)
        self.line = line
        self.byte = byte
        self.utf16 = utf16


UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def encoding_message(error: NotUtf8) -> str:
    """What the user is told of a file that is not UTF-8 text, and what to do."""
    if error.utf16:
        return gettext(
            "the file is not UTF-8 but UTF-16. Re-save it as UTF-8 (in a spreadsheet: Save "
            "As, CSV UTF-8) and import it again."
        )
    if error.byte == 0:
        return gettext(
            "the file is not UTF-8 text: it holds a NUL byte (0x00), as UTF-16 and binary "
            "files do. Re-save it as UTF-8 (in a spreadsheet: Save As, CSV UTF-8) and import it "
            "again."
        )
    return gettext(
        "the file is not UTF-8 (byte 0x%(byte)02X cannot be read). Re-save it as UTF-8 (in a "
        "spreadsheet: Save As, CSV UTF-8) and import it again."
    ) % {"byte": error.byte}


def check_utf8(data: bytes, *, first_line: int = 1) -> str:
    """``data`` as text, without a UTF-8 byte order mark; raises NotUtf8 with the line of
    the first byte that is not UTF-8 text (counting ``data``'s first line as ``first_line``)."""
    if first_line == 1 and data.startswith(UTF16_BOMS):
        raise NotUtf8(1, data[0], utf16=True)
    data = data.removeprefix(codecs.BOM_UTF8) if first_line == 1 else data
    nul = data.find(b"\x00")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        if nul == -1 or nul > error.start:
            line = first_line + data.count(b"\n", 0, error.start)
            raise NotUtf8(line, data[error.start]) from None
        text = ""
    if nul != -1:
        raise NotUtf8(first_line + data.count(b"\n", 0, nul), 0)
    return text


def csv_error_message(error: csv.Error) -> str:
    """A CSV syntax error in words the user can act on."""
    text = str(error)
    if "field larger than field limit" in text:
        return gettext(
            "a cell is longer than %(limit)s characters, more than any field takes: the file "
            "is probably not a CSV of this kind, or a quote is not closed."
        ) % {"limit": f"{csv.field_size_limit():,}"}
    return gettext("the file cannot be read as CSV (%(error)s).") % {"error": error}


Row = tuple[int, list[str]]


def decoded_lines(handle: BinaryIO, advance: Callable[[int], object]) -> Iterator[str]:
    """The file's lines as text, dropping a UTF-8 byte order mark; raises NotUtf8."""
    for number, raw in enumerate(handle, start=1):
        advance(len(raw))
        yield check_utf8(raw, first_line=number)


def parse_file(
    path: Path,
    *,
    lookups: Lookups,
    file_format: FileFormat | None = None,
    indicator: str | None = None,
    variable: str | None = None,
    advance: Callable[[int], object] = lambda size: None,
) -> Parsed:
    """Read and check a whole covariate file."""
    parsed = Parsed(file_format=file_format)
    try:
        with path.open("rb") as handle:
            if handle.read(len(SPREADSHEET_MAGIC)) == SPREADSHEET_MAGIC:
                parsed.problem(
                    None,
                    None,
                    gettext(
                        "this is a spreadsheet (.xlsx or .ods), not a CSV file. Save it as CSV "
                        "UTF-8 and import that file."
                    ),
                )
                return parsed
            handle.seek(0)
            _read(path, handle, parsed, lookups, indicator, variable, advance)
    except OSError as error:
        parsed.problem(
            None,
            None,
            gettext("the file cannot be opened (%(error)s).") % {"error": error.strerror},
        )
    return parsed


def _read(
    path: Path,
    handle: BinaryIO,
    parsed: Parsed,
    lookups: Lookups,
    indicator: str | None,
    variable: str | None,
    advance: Callable[[int], object],
) -> None:
    reader = csv.reader(decoded_lines(handle, advance), strict=True)
    try:
        _parse(
            path,
            reader,
            parsed,
            lookups=lookups,
            indicator=indicator,
            variable=variable,
        )
    except NotUtf8 as error:
        parsed.problem(error.line, None, encoding_message(error))
    except csv.Error as error:
        parsed.problem(reader.line_num, None, csv_error_message(error))


def _parse(
    path: Path,
    reader: Reader,
    parsed: Parsed,
    *,
    lookups: Lookups,
    indicator: str | None,
    variable: str | None,
) -> None:
    head: list[Row] = []
    for row in reader:
        head.append((reader.line_num, row))
        if len(head) >= HEADER_SEARCH_ROWS:
            break
    if not any(_filled(cells) for _, cells in head):
        parsed.problem(None, None, gettext("the file is empty: there is no header and no data."))
        return
    found = _find_header(head, parsed.file_format)
    if found is None:
        line, cells = next((line, cells) for line, cells in head if _filled(cells))
        parsed.problem(line, None, _unknown_header_message(cells))
        return
    file_format, position = found
    parsed.file_format = file_format
    header_line, header = head[position]
    rest = chain(head[position + 1 :], ((reader.line_num, row) for row in reader))
    if file_format != FileFormat.WORLD_BANK and (indicator or variable):
        parsed.problem(
            None,
            None,
            gettext("--indicator and --variable apply to World Bank files only; leave them out."),
        )
        return
    if file_format == FileFormat.SPCOMMS:
        _parse_spcomms(header_line, header, rest, parsed, lookups)
    elif file_format == FileFormat.VDEM:
        _parse_vdem(header_line, header, rest, parsed, lookups)
    elif _names(header).get("indicator code") is not None:
        _parse_world_bank_wide(header_line, header, rest, parsed, lookups, indicator, variable)
    else:
        _parse_world_bank_long(
            path, header_line, header, rest, parsed, lookups, indicator, variable
        )
    if not parsed.problems and parsed.rows == 0:
        parsed.problem(
            header_line, None, gettext("the file has a header but no data rows below it.")
        )


def _filled(cells: list[str]) -> bool:
    return any(cell.strip() for cell in cells)


def _names(header: list[str]) -> dict[str, int]:
    """Lower-cased column names to their position, for the first of each name."""
    names: dict[str, int] = {}
    for index, cell in enumerate(header):
        names.setdefault(cell.strip().lower(), index)
    return names


def _signature(header: list[str]) -> FileFormat | None:
    names = _names(header)
    if "country_text_id" in names:
        return FileFormat.VDEM
    if "country code" in names:
        return FileFormat.WORLD_BANK
    if "country" in names:
        return FileFormat.SPCOMMS
    return None


def _find_header(head: list[Row], wanted: FileFormat | None) -> tuple[FileFormat, int] | None:
    """The format and position of the header: the first non-empty row, except that a World
    Bank download may have a few lines of metadata above its header."""
    first = next(position for position, (_line, cells) in enumerate(head) if _filled(cells))
    for position, (_line, cells) in enumerate(head[first:], start=first):
        found = _signature(cells)
        if found is None or (wanted is not None and found != wanted):
            continue
        if position == first or found == FileFormat.WORLD_BANK:
            return found, position
    if wanted is None:
        return None
    # The format was given but its header was not recognised: check the first
    # non-empty row as that format's header, so the missing columns are named.
    return wanted, first


def _unknown_header_message(cells: list[str]) -> str:
    shown = _quote(",".join(cells))
    if len(cells) == 1 and ";" in cells[0]:
        return gettext(
            "the columns are separated by semicolons (%(header)s). Save the file as "
            "comma-separated CSV and import it again."
        ) % {"header": shown}
    return gettext(
        "cannot tell the format from this header (%(header)s). Expected a spcomms CSV "
        "(country, year, then variable codes), a World Bank indicator CSV (Country Code, ...) "
        "or a V-Dem file (country_text_id, year, ...); or name the format with --format."
    ) % {"header": shown}


def _quote(text: str) -> str:
    text = text.strip()
    return text if len(text) <= QUOTE_LIMIT else text[: QUOTE_LIMIT - 1] + "…"


def _number_text(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _cell(cells: list[str], index: int) -> str:
    return cells[index].strip() if index < len(cells) else ""


def _check_width(line: int, cells: list[str], width: int, parsed: Parsed) -> None:
    """A row may be shorter than its header (missing cells are empty), not longer."""
    if len(cells) > width and _filled(cells[width:]):
        parsed.problem(
            line,
            None,
            gettext("this row has %(cells)d cells but the header names only %(columns)d.")
            % {"cells": len(cells), "columns": width},
        )


def _check_duplicate_columns(line: int, header: list[str], parsed: Parsed) -> None:
    seen: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = cell.strip().lower()
        if not name:
            continue
        if name in seen:
            parsed.problem(
                line,
                cell.strip(),
                gettext("this column appears twice (columns %(first)d and %(second)d).")
                % {"first": seen[name] + 1, "second": index + 1},
            )
        else:
            seen[name] = index


def _require(line: int, names: Mapping[str, int], required: Iterable[str], parsed: Parsed) -> bool:
    missing = [name for name in required if name.lower() not in names]
    for name in missing:
        parsed.problem(
            line, None, gettext("the required column %(column)s is missing.") % {"column": name}
        )
    return not missing


def _year(text: str) -> int | None:
    """A whole year, or None when the text is not one ("2015" and "2015.0" are)."""
    try:
        number = float(text)
    except ValueError:
        return None
    if "_" in text or not math.isfinite(number) or not number.is_integer():
        return None
    return int(number)


def _bad_year(text: str) -> str:
    return gettext("%(value)s is not a year from %(minimum)d to %(maximum)d.") % {
        "value": repr(_quote(text)),
        "minimum": MIN_YEAR,
        "maximum": MAX_YEAR,
    }


def _value(text: str, bounds: Bounds, line: int, column: str, parsed: Parsed) -> float | None:
    """The cell's number when it is one within the variable's range, else a problem."""
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    if "_" in text or not math.isfinite(number):
        if DECIMAL_COMMA.match(text):
            message = gettext(
                "%(value)s is not a number: use a dot as the decimal separator (%(fixed)s)."
            ) % {"value": repr(_quote(text)), "fixed": text.replace(",", ".")}
        else:
            message = gettext("%(value)s is not a number.") % {"value": repr(_quote(text))}
        parsed.problem(line, column, message)
        return None
    if bounds.binary and number not in (0.0, 1.0):
        parsed.problem(
            line,
            column,
            gettext("%(value)s is not allowed: %(variable)s is 0 or 1.")
            % {"value": text, "variable": bounds.code},
        )
        return None
    if not bounds.admits(number):
        parsed.problem(
            line,
            column,
            gettext("%(value)s is outside the range of %(variable)s (%(range)s).")
            % {"value": text, "variable": bounds.code, "range": bounds.describe()},
        )
        return None
    return number


def _variable_hint(name: str, lookups: Lookups, found: int) -> str:
    """The closest variable code, or the list of them; nothing once more problems are known
    than a refusal shows (``found``), or for a name too long to be a misspelling."""
    if found >= HINT_LIMIT or len(name) > HINT_NAME_LENGTH:
        return ""
    close = difflib.get_close_matches(name.lower(), list(lookups.variables), n=1)
    if close:
        return gettext("Did you mean %(suggestion)s?") % {"suggestion": close[0]}
    return gettext("Known codes: %(codes)s.") % {"codes": ", ".join(sorted(lookups.variables))}


def _unknown_column(name: str, lookups: Lookups, found: int) -> str:
    return gettext(
        "unknown column: no variable has the code %(code)s. %(hint)s An administrator can add "
        "new variables."
    ) % {"code": _quote(name), "hint": _variable_hint(name, lookups, found)}


def _parse_spcomms(
    header_line: int, header: list[str], rows: Iterable[Row], parsed: Parsed, lookups: Lookups
) -> None:
    names = _names(header)
    _check_duplicate_columns(header_line, header, parsed)
    has_keys = _require(header_line, names, ("country", "year"), parsed)
    by_lower = {code.lower(): code for code in lookups.variables}
    columns: list[tuple[int, str, Bounds]] = []
    named = 0
    for index, cell in enumerate(header):
        name = cell.strip()
        if not name or name.lower() in ("country", "year") or names[name.lower()] != index:
            continue
        named += 1
        code = by_lower.get(name.lower())
        if code is None:
            parsed.problem(header_line, name, _unknown_column(name, lookups, len(parsed.problems)))
        elif code in lookups.computed:
            parsed.problem(header_line, name, lookups.computed[code])
        else:
            columns.append((index, name, lookups.variables[code]))
    if named == 0:
        parsed.problem(
            header_line,
            None,
            gettext("there are no variable columns: add one column per variable after year."),
        )
    if not has_keys:
        return
    country_at, year_at = names["country"], names["year"]
    seen: dict[tuple[int, int], int] = {}
    for line, cells in rows:
        if not _filled(cells):
            continue
        parsed.rows += 1
        _check_width(line, cells, len(header), parsed)
        code = _cell(cells, country_at)
        country_id = (
            lookups.countries_iso3.get(code.upper())
            if len(code) == 3
            else lookups.countries_iso2.get(code.upper())
        )
        if not code:
            parsed.problem(line, "country", gettext("the country is empty."))
        elif country_id is None:
            parsed.problem(
                line,
                "country",
                gettext(
                    "unknown country code %(code)s: use an ISO 3166-1 alpha-3 (KEN) or "
                    "alpha-2 (KE) code."
                )
                % {"code": repr(_quote(code))},
            )
        year_text = _cell(cells, year_at)
        year = _year(year_text)
        if year is None or not MIN_YEAR <= year <= MAX_YEAR:
            parsed.problem(line, "year", _bad_year(year_text))
            year = None
        if country_id is not None and year is not None:
            first = seen.setdefault((country_id, year), line)
            if first != line:
                parsed.problem(
                    line,
                    None,
                    gettext("%(country)s %(year)d already appears on line %(first)d.")
                    % {"country": code.upper(), "year": year, "first": first},
                )
        for index, column, bounds in columns:
            text = _cell(cells, index)
            if text in MISSING_MARKERS[FileFormat.SPCOMMS]:
                continue
            value = _value(text, bounds, line, column, parsed)
            if value is not None and country_id is not None and year is not None:
                parsed.observations.append(Observation(country_id, year, bounds.code, value))


def _parse_vdem(
    header_line: int, header: list[str], rows: Iterable[Row], parsed: Parsed, lookups: Lookups
) -> None:
    names = _names(header)
    _check_duplicate_columns(header_line, header, parsed)
    has_keys = _require(header_line, names, ("country_text_id", "year"), parsed)
    columns = [
        (names[column], column, lookups.variables[code])
        for column, code in VDEM_INDICES.items()
        if column in names
    ]
    if not columns:
        parsed.problem(
            header_line,
            None,
            gettext("none of the V-Dem indices is here: expected at least one of %(columns)s.")
            % {"columns": ", ".join(VDEM_INDICES)},
        )
    if not has_keys or not columns:
        return
    code_at, year_at = names["country_text_id"], names["year"]
    missing = MISSING_MARKERS[FileFormat.VDEM]
    seen: dict[tuple[str, int], int] = {}
    for line, cells in rows:
        if not _filled(cells):
            continue
        parsed.rows += 1
        _check_width(line, cells, len(header), parsed)
        code = _cell(cells, code_at).upper()
        year_text = _cell(cells, year_at)
        year = _year(year_text)
        if not code:
            parsed.problem(line, "country_text_id", gettext("the country code is empty."))
            continue
        if year is None:
            parsed.problem(line, "year", _bad_year(year_text))
            continue
        country_id = lookups.countries_iso3.get(code)
        if country_id is None:
            parsed.skip(SkipReason.NOT_ISO, code)
            continue
        if not MIN_YEAR <= year <= MAX_YEAR:
            parsed.skip(SkipReason.YEAR_OUT_OF_RANGE)
            continue
        first = seen.setdefault((code, year), line)
        if first != line:
            parsed.problem(
                line,
                None,
                gettext("%(country)s %(year)d already appears on line %(first)d.")
                % {"country": code, "year": year, "first": first},
            )
            continue
        for index, column, bounds in columns:
            text = _cell(cells, index)
            if text in missing:
                continue
            value = _value(text, bounds, line, column, parsed)
            if value is not None:
                parsed.observations.append(Observation(country_id, year, bounds.code, value))


def indicator_from_path(path: Path) -> str | None:
    """The World Bank indicator a long file holds, from its name or its data package.

    The data packages of World Development Indicators name each file after its
    indicator (``dt.oda.odat.cd.csv``) and describe it in a ``datapackage.json``.
    """
    if INDICATOR_CODE.match(path.stem):
        return path.stem.upper()
    for candidate in (
        path.with_name(f"{path.stem}.datapackage.json"),
        path.with_name("datapackage.json"),
    ):
        try:
            package = json.loads(candidate.read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError):  # unreadable, not JSON, nested too deep
            continue
        indicator = (
            package.get("worldbank", {}).get("indicator") if isinstance(package, dict) else None
        )
        if isinstance(indicator, str) and INDICATOR_CODE.match(indicator):
            return indicator.upper()
    return None


def _target(
    indicator: str, variable: str | None, lookups: Lookups, line: int | None, parsed: Parsed
) -> Bounds | None:
    """The variable a World Bank indicator is stored as, or a problem."""
    code = variable or WORLD_BANK_INDICATORS.get(indicator)
    if code is None:
        parsed.problem(
            line,
            None,
            gettext(
                "the indicator %(indicator)s has no variable in spcomms (known indicators: "
                "%(known)s). Store it as an existing variable with --variable CODE."
            )
            % {"indicator": indicator, "known": ", ".join(WORLD_BANK_INDICATORS)},
        )
        return None
    if code in lookups.computed:
        parsed.problem(line, None, lookups.computed[code])
        return None
    if code not in lookups.variables:
        parsed.problem(
            line,
            None,
            gettext(
                "there is no variable %(code)s. %(hint)s An administrator can add new variables."
            )
            % {"code": code, "hint": _variable_hint(code, lookups, 0)},
        )
        return None
    return lookups.variables[code]


def _world_bank_country(code: str, parsed: Parsed, lookups: Lookups) -> int | None:
    """The country id of a World Bank code, or None after counting the row as skipped."""
    if code in WORLD_BANK_AGGREGATES:
        parsed.skip(SkipReason.AGGREGATE, code)
        return None
    country_id = lookups.countries_iso3.get(code)
    if country_id is None:
        parsed.skip(SkipReason.NOT_ISO, code)
    return country_id


def _parse_world_bank_long(
    path: Path,
    header_line: int,
    header: list[str],
    rows: Iterable[Row],
    parsed: Parsed,
    lookups: Lookups,
    indicator: str | None,
    variable: str | None,
) -> None:
    names = _names(header)
    _check_duplicate_columns(header_line, header, parsed)
    has_columns = _require(header_line, names, ("Country Code", "Year", "Value"), parsed)
    indicator = (indicator or indicator_from_path(path) or "").upper() or None
    parsed.indicator = indicator
    bounds: Bounds | None = None
    if indicator is None and variable is None:
        parsed.problem(
            None,
            None,
            gettext(
                "cannot tell which indicator this file holds: its name is not an indicator code "
                "and no datapackage.json describes it. Name it with --indicator (for example "
                "--indicator DT.ODA.ODAT.CD)."
            ),
        )
    else:
        bounds = _target(indicator or "", variable, lookups, None, parsed)
    if not has_columns or bounds is None:
        return
    code_at, year_at, value_at = names["country code"], names["year"], names["value"]
    missing = MISSING_MARKERS[FileFormat.WORLD_BANK]
    seen: dict[tuple[int, int], int] = {}
    for line, cells in rows:
        if not _filled(cells):
            continue
        parsed.rows += 1
        _check_width(line, cells, len(header), parsed)
        code = _cell(cells, code_at).upper()
        year_text = _cell(cells, year_at)
        year = _year(year_text)
        if not code:
            parsed.problem(line, "Country Code", gettext("the country code is empty."))
            continue
        if year is None:
            parsed.problem(line, "Year", _bad_year(year_text))
            continue
        country_id = _world_bank_country(code, parsed, lookups)
        if country_id is None:
            continue
        if not MIN_YEAR <= year <= MAX_YEAR:
            parsed.skip(SkipReason.YEAR_OUT_OF_RANGE)
            continue
        first = seen.setdefault((country_id, year), line)
        if first != line:
            parsed.problem(
                line,
                None,
                gettext("%(country)s %(year)d already appears on line %(first)d.")
                % {"country": code, "year": year, "first": first},
            )
            continue
        text = _cell(cells, value_at)
        if text in missing:
            continue
        value = _value(text, bounds, line, "Value", parsed)
        if value is not None:
            parsed.observations.append(Observation(country_id, year, bounds.code, value))


WIDE_LABEL_COLUMNS = ("country name", "country code", "indicator name", "indicator code")


def _parse_world_bank_wide(
    header_line: int,
    header: list[str],
    rows: Iterable[Row],
    parsed: Parsed,
    lookups: Lookups,
    indicator: str | None,
    variable: str | None,
) -> None:
    names = _names(header)
    _check_duplicate_columns(header_line, header, parsed)
    has_columns = _require(header_line, names, ("Country Code", "Indicator Code"), parsed)
    years: list[tuple[int, str, int]] = []
    for index, cell in enumerate(header):
        name = cell.strip()
        if not name or name.lower() in WIDE_LABEL_COLUMNS:
            continue
        year = _year(name)
        if year is None or not MIN_YEAR <= year <= MAX_YEAR:
            parsed.problem(
                header_line,
                name,
                gettext(
                    "unknown column: after Indicator Code a World Bank file has one column per "
                    "year from %(minimum)d to %(maximum)d."
                )
                % {"minimum": MIN_YEAR, "maximum": MAX_YEAR},
            )
        else:
            years.append((index, name, year))
    if not has_columns:
        return
    chosen = indicator.upper() if indicator else None
    code_at, indicator_at = names["country code"], names["indicator code"]
    missing = MISSING_MARKERS[FileFormat.WORLD_BANK]
    targets: dict[str, Bounds | None] = {}
    seen: dict[tuple[int, str], int] = {}
    for line, cells in rows:
        if not _filled(cells):
            continue
        parsed.rows += 1
        _check_width(line, cells, len(header), parsed)
        row_indicator = _cell(cells, indicator_at).upper()
        if chosen is None and variable is not None:
            # One variable can hold one indicator: the first row chooses it.
            chosen = row_indicator
            parsed.indicator = chosen
        if chosen is not None and row_indicator != chosen:
            if variable is not None and indicator is None:
                parsed.problem(
                    line,
                    "Indicator Code",
                    gettext(
                        "this file holds more than one indicator (%(first)s, %(other)s): choose "
                        "the one to store as %(variable)s with --indicator."
                    )
                    % {"first": chosen, "other": row_indicator, "variable": variable},
                )
                return
            parsed.skip(SkipReason.OTHER_INDICATOR, row_indicator)
            continue
        if row_indicator not in targets:
            targets[row_indicator] = _target(row_indicator, variable, lookups, line, parsed)
            parsed.indicator = parsed.indicator or row_indicator
        bounds = targets[row_indicator]
        if bounds is None:
            continue
        code = _cell(cells, code_at).upper()
        if not code:
            parsed.problem(line, "Country Code", gettext("the country code is empty."))
            continue
        country_id = _world_bank_country(code, parsed, lookups)
        if country_id is None:
            continue
        first = seen.setdefault((country_id, bounds.code), line)
        if first != line:
            parsed.problem(
                line,
                None,
                gettext("%(country)s %(indicator)s already appears on line %(first)d.")
                % {"country": code, "indicator": row_indicator, "first": first},
            )
            continue
        for index, column, year in years:
            text = _cell(cells, index)
            if text in missing:
                continue
            value = _value(text, bounds, line, column, parsed)
            if value is not None:
                parsed.observations.append(Observation(country_id, year, bounds.code, value))
