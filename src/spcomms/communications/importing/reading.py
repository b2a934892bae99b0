"""Reading a communications file, JSON or CSV, into the same raw objects.

Reading finds what cannot be read at all (encoding, JSON syntax, the CSV
header, keys or columns that do not exist, rows of one reference that do not
agree) and keeps where each value stands. The values themselves are checked
later, by ``validation``, the same way for both formats.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from django.utils.translation import gettext

from spcomms.communications.importing.csv_file import attach_replies, read_csv
from spcomms.communications.importing.json_file import read_json
from spcomms.communications.importing.problems import Problem, file_problem
from spcomms.communications.importing.raw import (
    JSON_STARTS,
    FileFormat,
    RawFile,
    empty_message,
    spreadsheet_message,
    unreadable,
)
from spcomms.covariates.formats import SPREADSHEET_MAGIC

__all__ = ["FileFormat", "RawFile", "read_file", "sniff_format"]


def sniff_format(handle: BinaryIO, file_format: FileFormat | None) -> FileFormat | Problem:
    """The problem of a file that is a spreadsheet or empty; otherwise its format: the one
    given, or JSON when its first character opens an object or a list, else CSV. Leaves
    the handle at the start of the file."""
    if handle.read(len(SPREADSHEET_MAGIC)) == SPREADSHEET_MAGIC:
        return file_problem(spreadsheet_message())
    handle.seek(0)
    head = handle.read(4096).removeprefix(codecs.BOM_UTF8)
    handle.seek(0)
    if not head.strip():
        return file_problem(empty_message())
    if file_format is not None:
        return file_format
    return FileFormat.JSON if head.lstrip()[:1] in JSON_STARTS else FileFormat.CSV


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
            sniffed = sniff_format(handle, raw.file_format)
            if isinstance(sniffed, Problem):
                raw.problems.append(sniffed)
                return raw
            raw.file_format = sniffed
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
                read_json(handle, raw, advance)
            else:
                read_csv(handle, raw, advance)
    except OSError as error:
        raw.problems.append(unreadable(path, error))
        return raw
    if replies is not None and raw.file_format == FileFormat.CSV:
        attach_replies(replies, raw, advance, main_name=path.name)
    return raw
