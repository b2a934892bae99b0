"""What reading a communications file gives: raw objects that keep where each value
stands, in the same shape for JSON and CSV, and the messages both readers share.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from spcomms.communications.importing.problems import Location, Problem, file_problem
from spcomms.covariates.formats import HINT_LIMIT, HINT_NAME_LENGTH


class FileFormat(StrEnum):
    JSON = "json"
    CSV = "csv"

    @property
    def label(self) -> str:
        return str(FORMAT_LABELS[self])


FORMAT_LABELS = {FileFormat.JSON: _("JSON"), FileFormat.CSV: _("CSV")}
JSON_STARTS = (b"{", b"[")


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


def unreadable(path: Path, error: OSError) -> Problem:
    return file_problem(
        gettext("%(file)s cannot be opened (%(error)s).")
        % {"file": path.name, "error": error.strerror}
    )


def spreadsheet_message() -> str:
    return gettext(
        "this is a spreadsheet (.xlsx or .ods), not a CSV file. Save it as CSV UTF-8 and import "
        "that file."
    )


def empty_message() -> str:
    return gettext("the file is empty: there is no header and no data.")


def suggest(name: str, known: Sequence[str], *, found: int = 0) -> str:
    """A hint for a misspelt name: the closest known one, or the list of them. None (an empty
    text) once ``found`` problems are known, more than a refusal shows, or for a name too long
    to be a misspelling: a hostile file of 100,000 unknown columns is refused at once."""
    if found >= HINT_LIMIT or len(name) > HINT_NAME_LENGTH:
        return ""
    close = difflib.get_close_matches(name.lower(), list(known), n=1)
    if close:
        return gettext("Did you mean %(suggestion)s?") % {"suggestion": close[0]}
    return gettext("The known ones are %(names)s.") % {"names": ", ".join(known)}
