"""The research statistics as text, JSON and CSV: one rendering for the command and the page.

JSON carries keys only (no labels), so that its structure does not depend on the
language; text and CSV carry the labels of the active language. A CSV cell a
spreadsheet would read as a formula is neutralised.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from django.utils.translation import gettext

from spcomms.communications.research_statistics import ResearchStatistics, Row, Table
from spcomms.core.csvsafe import safe_row

JSON_VERSION = 1
DASH = "—"


def _percent(value: Decimal | None) -> str:
    return gettext("%(percent)s %%") % {"percent": value} if value is not None else DASH


def _fraction(count: int, n: int) -> float | None:
    return count / n if n else None


def row_dict(table: Table, row: Row) -> dict[str, object]:
    cells = {
        column.key: {"count": count, "share": _fraction(count, row.n) if table.shares else None}
        for column, count in zip(table.columns, row.counts, strict=True)
    }
    out: dict[str, object] = {"key": row.key, "n": row.n, "cells": cells}
    if row.replied is not None:
        out["replied"] = row.replied
        out["reply_rate"] = _fraction(row.replied, row.n)
    return out


def table_dict(table: Table) -> dict[str, object]:
    return {
        "key": table.key,
        "n": table.n,
        "columns": [column.key for column in table.columns],
        "rows": [row_dict(table, row) for row in table.rows],
    }


def as_dict(statistics: ResearchStatistics, *, synthetic: bool) -> dict[str, object]:
    """The JSON structure, version 1 (docs/statistics.md)."""
    return {
        "version": JSON_VERSION,
        "synthetic": synthetic,
        "period": {"from": statistics.start.isoformat(), "to": statistics.end.isoformat()},
        "mandate": statistics.mandate,
        "as_of": statistics.as_of.isoformat(),
        "tables": [table_dict(table) for table in statistics.tables.values()],
    }


def _headers(table: Table) -> list[str]:
    headers = [str(table.row_heading), gettext("n")]
    headers += [str(column.label) for column in table.columns]
    if any(row.replied is not None for row in table.rows):
        headers.append(gettext("Replied"))
    return headers


def basis(table: Table, statistics: ResearchStatistics) -> str:
    """What the table's n counts, and over which period."""
    values = {
        "n": table.n,
        "unit": table.unit,
        "start": statistics.start.isoformat(),
        "end": statistics.end.isoformat(),
        "first": statistics.start.year,
        "last": statistics.end.year,
    }
    if table.by_report_year:
        return gettext("n = %(n)d %(unit)s, reported in the years %(first)d to %(last)d.") % values
    return gettext("n = %(n)d %(unit)s; communications sent from %(start)s to %(end)s.") % values


def table_text(table: Table, statistics: ResearchStatistics) -> list[str]:
    """A table as lines: title, what n counts and the period, then one line per row with
    each count and, where it means something, its share of the row's n."""
    lines = [str(table.title), basis(table, statistics)]
    if table.note:
        lines.append(str(table.note))
    if not table.rows or not table.columns:
        lines.append("  " + gettext("Nothing to count in this period."))
        return lines
    headers = _headers(table)
    body = []
    for row in table.rows:
        cells = [str(row.label), str(row.n)]
        for count in row.counts:
            cells.append(f"{count} ({_percent(row.share(count))})" if table.shares else str(count))
        if row.replied is not None:
            cells.append(f"{row.replied} ({_percent(row.reply_rate)})")
        body.append(cells)
    widths = [max(len(line[i]) for line in [headers, *body]) for i in range(len(headers))]
    for line in [headers, *body]:
        lines.append("  " + "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(line)))
    return lines


def as_text(statistics: ResearchStatistics, *, synthetic: bool) -> str:
    lines: list[str] = []
    if synthetic:
        lines.append(
            gettext("These figures are computed from synthetic data made for demonstration.")
        )
    if statistics.mandate is not None:
        lines.append(
            gettext(
                "Only communications in which the mandate %(code)s took part, as lead or joined."
            )
            % {"code": statistics.mandate}
        )
    for table in statistics.tables.values():
        lines.append("")
        lines += table_text(table, statistics)
    return "\n".join(lines).strip("\n")


def table_csv(table: Table, statistics: ResearchStatistics, *, synthetic: bool) -> str:
    """One table as CSV: a header row, then per row its label, n, and each count; shares are
    left to the reader's software. Comment lines first say what was counted."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if synthetic:
        buffer.write(
            "# "
            + gettext("These figures are computed from synthetic data made for demonstration.")
            + "\r\n"
        )
    heading = f"{table.title}. {basis(table, statistics)}"
    if statistics.mandate:
        heading += " " + gettext("Mandate: %(code)s.") % {"code": statistics.mandate}
    buffer.write("# " + heading + "\r\n")
    writer.writerow(safe_row(_headers(table)))
    for row in table.rows:
        cells = [str(row.label), str(row.n), *(str(count) for count in row.counts)]
        if row.replied is not None:
            cells.append(str(row.replied))
        writer.writerow(safe_row(cells))
    return buffer.getvalue()
