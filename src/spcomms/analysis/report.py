"""The research report: every statistics table of issue 6 with its figures, as HTML or PDF.

One assembly (``build_report``) feeds three outputs: the standalone HTML file and the PDF
written by ``spcomms report``, and the report page for researchers and staff. Each table
of ``research_statistics`` is shown with its period, its *n* (the cases behind it) and,
for the tables that have one, a figure drawn here with matplotlib: reply groups by region
and by year as in Piccone (seed 001), case development by assessment source and
information level, and perceived impact, as in Spannagel 2019 (seed 000, Figures 1 and 2),
and the States most named for reprisals.

Figures are drawn on matplotlib's own ``Figure`` (no pyplot, no GUI backend) into SVG
whose text is turned into paths, so the report needs no font and loads nothing from
anywhere; each is embedded as a ``data:`` URI (the CSP's ``img-src`` allows ``data:``,
and an SVG shown as an image runs nothing).
The figures are counts and name no one.
"""

from __future__ import annotations

import base64
import datetime as dt
import importlib
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import matplotlib
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_stubs_ext import StrOrPromise
from matplotlib.figure import Figure as MplFigure

from spcomms.communications.research_output import basis
from spcomms.communications.research_statistics import (
    ResearchStatistics,
    Table,
    research_statistics,
)
from spcomms.demo.context import is_synthetic

# Which tables get a figure, and of which kind.
STACKED = "stacked"
TOTALS = "totals"
FIGURES: dict[str, str] = {
    "replies-groups": STACKED,
    "replies-region-communications": STACKED,
    "replies-year-communications": STACKED,
    "case-development": STACKED,
    "perceived-impact": STACKED,
    "reprisals": TOTALS,
}
MOST_NAMED = 15  # States shown in the reprisals figure; the table lists them all
# Colour-blind-safe qualitative palette (Okabe and Ito), then greys.
PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#D55E00",
    "#56B4E9",
    "#CC79A7",
    "#F0E442",
    "#000000",
    "#999999",
    "#666666",
)

Progress = Callable[[str], object]


@dataclass(frozen=True)
class ReportTable:
    table: Table
    basis: str  # what n counts, over which period
    figure: str | None  # a data: URI of the SVG, or None (no figure, or nothing to draw)
    figure_kind: str | None


@dataclass(frozen=True)
class ModelSection:
    """The regression of seed 000 Table 1, from ``spcomms.analysis.model``."""

    title: str
    text: str  # the table in the paper's layout, as preformatted text, or why there is none
    fitted: bool


@dataclass(frozen=True)
class Report:
    statistics: ResearchStatistics
    synthetic: bool
    replies: tuple[ReportTable, ...]
    outcomes: tuple[ReportTable, ...]
    reprisals: tuple[ReportTable, ...]
    model: ModelSection | None  # None when the report was built without the model
    made_at: dt.datetime

    @property
    def tables(self) -> tuple[ReportTable, ...]:
        return (*self.replies, *self.outcomes, *self.reprisals)


def _svg_uri(figure: MplFigure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f"data:image/svg+xml;base64,{encoded}"


# Text becomes paths drawn from matplotlib's own DejaVu fonts: nothing to load later.
FONT_RC: Any = {"svg.fonttype": "path", "font.family": "DejaVu Sans", "font.size": 8}


def _row_label(label: StrOrPromise, n: int) -> str:
    return _("%(label)s (n = %(n)d)") % {"label": label, "n": n}


@dataclass(frozen=True)
class Bar:
    """One bar of a stacked figure: a row's label, its n, and each column's share of n in
    per cent (unrounded; the table gives the rounded shares)."""

    label: str
    n: int
    shares: tuple[float, ...]


def stacked_bars(table: Table) -> list[Bar]:
    """The bars of a table's stacked figure: one per row with n > 0, in the table's order."""
    if not table.columns:
        return []
    return [
        Bar(
            label=_row_label(row.label, row.n),
            n=row.n,
            shares=tuple(100 * count / row.n for count in row.counts),
        )
        for row in table.rows
        if row.n > 0
    ]


def stacked_figure(table: Table) -> str | None:
    """Each row a horizontal bar of its columns' shares of the row's n (rows with n = 0 are
    left out, as their shares mean nothing); None when there is nothing to draw."""
    bars = stacked_bars(table)
    if not bars:
        return None
    with matplotlib.rc_context(FONT_RC):
        figure = MplFigure(figsize=(7.5, 0.45 * len(bars) + 1.4))
        axes = figure.subplots()
        positions = list(range(len(bars)))[::-1]
        lefts = [0.0] * len(bars)
        for index, column in enumerate(table.columns):
            widths = [bar.shares[index] for bar in bars]
            axes.barh(
                positions,
                widths,
                left=lefts,
                color=PALETTE[index % len(PALETTE)],
                edgecolor="white",
                linewidth=0.5,
                label=str(column.label),
            )
            lefts = [left + width for left, width in zip(lefts, widths, strict=True)]
        axes.set_yticks(positions, [bar.label for bar in bars])
        axes.set_xlim(0, 100)
        axes.set_xlabel(_("Share of the row's n, per cent"))
        axes.spines[["top", "right"]].set_visible(False)
        axes.legend(
            loc="upper center",
            bbox_to_anchor=(0.5, -0.18 - 0.6 / (len(bars) + 2)),
            ncol=3,
            frameon=False,
        )
        return _svg_uri(figure)


def totals_figure(table: Table) -> str | None:
    """One bar per row with its total n, the first ``MOST_NAMED`` rows; None when empty."""
    rows = [row for row in table.rows if row.n > 0][:MOST_NAMED]
    if not rows:
        return None
    with matplotlib.rc_context(FONT_RC):
        figure = MplFigure(figsize=(7.5, 0.35 * len(rows) + 1.0))
        axes = figure.subplots()
        positions = list(range(len(rows)))[::-1]
        axes.barh(positions, [row.n for row in rows], color=PALETTE[0])
        axes.set_yticks(positions, [str(row.label) for row in rows])
        axes.set_xlabel(str(table.unit))
        axes.spines[["top", "right"]].set_visible(False)
        return _svg_uri(figure)


def _shown(table: Table, statistics: ResearchStatistics) -> ReportTable:
    kind = FIGURES.get(table.key)
    figure = None
    if kind == STACKED:
        figure = stacked_figure(table)
    elif kind == TOTALS:
        figure = totals_figure(table)
    return ReportTable(table=table, basis=basis(table, statistics), figure=figure, figure_kind=kind)


def model_section(*, start: dt.date, end: dt.date, mandate: str | None) -> ModelSection:
    """The model of seed 000 Table 1 (``spcomms model improvement``) for the report's
    selection: the three subsets side by side in the paper's layout, as
    ``spcomms.analysis.model.table`` writes them, each fit with its status and, where it
    failed, the reason. When there is nothing to fit, the section says why."""
    from spcomms.analysis.dataset import Selection
    from spcomms.analysis.model import (
        ModelDataError,
        fit_all,
        missing_covariates,
        record_frame,
        table,
    )
    from spcomms.analysis.words import translated
    from spcomms.reference.models import Mandate

    title = _("Logistic regression of improvement within one year, by regime")
    chosen = Mandate.objects.filter(code=mandate).first() if mandate else None
    try:
        frame, _synthetic = record_frame(Selection(start=start, end=end, mandate=chosen))
    except ModelDataError as failed:
        return ModelSection(
            title=title,
            text=_("No model: %(reason)s") % {"reason": translated(failed.args[0], _)},
            fitted=False,
        )
    empty = missing_covariates(frame)
    text = table(fit_all(frame), _)
    if empty:
        text += "\n" + _(
            "No value at all for %(names)s: no model can be fitted until these covariates "
            "are imported (spcomms import covariates)."
        ) % {"names": ", ".join(empty)}
    return ModelSection(title=title, text=text, fitted=not empty)


def build_report(
    *,
    start: dt.date,
    end: dt.date,
    mandate: str | None = None,
    now: dt.datetime | None = None,
    progress: Progress | None = None,
    with_model: bool = True,
) -> Report:
    """Every table and figure for communications sent from ``start`` to ``end`` (UTC days,
    included), optionally only those ``mandate`` took part in, with the model of seed 000
    Table 1 fitted on the same selection unless ``with_model`` is False. Raises
    ``StatisticsRequestError`` on a bad request, as ``research_statistics`` does."""
    step = progress or (lambda _name: None)
    statistics = research_statistics(start=start, end=end, mandate=mandate, now=now)
    step("statistics")

    def shown(tables: Iterable[Table]) -> tuple[ReportTable, ...]:
        out = []
        for table in tables:
            out.append(_shown(table, statistics))
            step(table.key)
        return tuple(out)

    replies = shown(statistics.replies)
    outcomes = shown(statistics.outcomes)
    reprisals = shown(statistics.reprisals)
    model = model_section(start=start, end=end, mandate=mandate) if with_model else None
    step("model")
    return Report(
        statistics=statistics,
        synthetic=is_synthetic(),
        replies=replies,
        outcomes=outcomes,
        reprisals=reprisals,
        model=model,
        made_at=statistics.as_of,
    )


def report_context(report: Report, *, csv_query: str = "") -> dict[str, object]:
    """What the report's templates need; ``csv_query`` (the page's period as a query
    string) adds a CSV link to each table, and the standalone file has none."""
    return {
        "report": report,
        "csv_query": csv_query,
        "report_sections": [
            (_("Replies"), report.replies),
            (_("Case development and perceived impact"), report.outcomes),
            (_("Reprisals"), report.reprisals),
        ],
    }


def report_html(report: Report) -> str:
    """The report as one standalone HTML document: styles inline, figures as data: URIs,
    no script and no link to anywhere."""
    return render_to_string(
        "analysis/report_document.html",
        {**report_context(report), "language": get_language() or "en"},
    )


def report_pdf(report: Report) -> bytes:
    # WeasyPrint ships no type information; it is loaded only when a PDF is asked for. The
    # document's only resources are its data: figures; every other scheme is refused.
    weasyprint = importlib.import_module("weasyprint")
    fetcher = weasyprint.URLFetcher(allowed_protocols=["data"])
    pdf: bytes = weasyprint.HTML(string=report_html(report), url_fetcher=fetcher).write_pdf()
    return pdf
