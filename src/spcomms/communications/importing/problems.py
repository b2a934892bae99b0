"""Where a value stands in the imported file, and what is wrong with it.

A problem in a CSV file is told by its physical line and its column, as in the
covariates import; a problem in a JSON file by the path to the value, such as
``communications[3].persons[1].consent``. Messages name persons by the
organisation's key only: never a name, nor any text of a letter.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext

from spcomms.covariates import formats


@dataclass(frozen=True)
class Problem(formats.Problem):
    """A covariates ``Problem`` that may also stand at a JSON path or in the replies file."""

    path: str | None = None
    file: str | None = None

    def __str__(self) -> str:
        if self.path is not None:
            return gettext("%(path)s: %(message)s") % {"path": self.path, "message": self.message}
        text = super().__str__()
        if self.file is not None:
            return gettext("%(file)s, %(problem)s") % {"file": self.file, "problem": text}
        return text

    @property
    def order(self) -> tuple[str, int]:
        """Problems of the main file first, then those of the replies file, each by line."""
        return (self.file or "", self.line or 0)


def file_problem(message: str, *, line: int | None = None) -> Problem:
    """A problem of the file as a whole, or of one of its lines."""
    return Problem(line, None, message)


@dataclass(frozen=True, slots=True)
class Location:
    """Where one object of the file stands: a CSV row or a JSON object.

    ``labels`` turns the name of a field into what the user sees: its CSV column,
    or its path below the JSON object (``mandates.lead``).
    """

    line: int | None = None
    path: str | None = None
    file: str | None = None
    labels: Mapping[str, str] | None = None

    def label(self, name: str) -> str:
        return self.labels.get(name, name) if self.labels else name

    def problem(self, name: str | None, message: str) -> Problem:
        if self.path is not None:
            where = self.path if name is None else f"{self.path}.{self.label(name)}"
            return Problem(None, None, message, path=where)
        column = None if name is None else self.label(name)
        return Problem(self.line, column, message, file=self.file)

    def describe(self) -> str:
        """How another message points here: "line 4", "communications[2]"."""
        if self.path is not None:
            return self.path
        if self.file is not None:
            return gettext("%(file)s line %(line)d") % {"file": self.file, "line": self.line or 0}
        return gettext("line %(line)d") % {"line": self.line or 0}
