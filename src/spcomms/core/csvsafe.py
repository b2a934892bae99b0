"""Cells of the CSV files spcomms writes, made safe to open in a spreadsheet.

One rule for every CSV writer (the public download, the staff statistics, the
reprisals export, the research dataset and its dictionary), after OWASP's advice
on CSV injection: a text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or
a carriage return, or with their full-width forms (U+FF1D, U+FF0B, U+FF0D, U+FF20) that some
spreadsheets also accept, gets a leading single quote. A spreadsheet then shows the
text instead of running it as a formula (``=cmd|' /C calc'!A0``, ``=HYPERLINK(...)``).

Numbers stay numbers: a value of a number type is written as it is, and so is a
text cell that is exactly one number (``-3.5``, ``+2``, ``-1e-3``), which a
spreadsheet reads as that number and nothing else. The csv module quotes the
cells, so a separator, a quote or a line break inside a cell cannot start a new
cell or row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def neutralise(cell: str) -> str:
    """The text of a cell, with a leading single quote if a spreadsheet would run it."""
    if cell.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def safe_cell(value: object) -> object:
    """A cell of any type: text is neutralised, numbers, dates and the rest left as they are."""
    return neutralise(value) if isinstance(value, str) else value


def safe_row(values: Iterable[object]) -> list[object]:
    """A row for ``csv.writer.writerow`` in which no text cell can run as a formula."""
    return [safe_cell(value) for value in values]
