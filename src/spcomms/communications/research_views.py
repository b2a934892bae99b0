"""The statistics page for researchers and staff, under /staff/communications/statistics/.

Reply classes, case developments, perceived impact and reprisals for any period and
mandate (``research_statistics``), each table downloadable as CSV. Unlike the public
page, it counts every sent communication, published or not, so only researchers, the
secretariat and administrators may open it: a visitor who is not signed in is sent to
the sign-in page, anyone else gets a 403. The figures are counts and name no one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from spcomms.accounts.models import Role, User
from spcomms.communications.research_output import basis, table_csv
from spcomms.communications.research_statistics import (
    OUTCOMES,
    PARTS,
    REPLIES,
    REPRISALS,
    ResearchStatistics,
    Row,
    Table,
    research_statistics,
)
from spcomms.communications.statistics import StatisticsRequestError, last_complete_year
from spcomms.demo.context import is_synthetic
from spcomms.publication.statistics_views import FIELDS, StatisticsForm
from spcomms.reference.models import Mandate

ALLOWED_ROLES = (Role.RESEARCHER, Role.SECRETARIAT, Role.ADMINISTRATOR)
BAD_REQUEST = 400


def may_see_research_statistics(user: User | AnonymousUser | None) -> bool:
    return bool(
        isinstance(user, User)
        and user.is_authenticated
        and user.is_active
        and user.role in ALLOWED_ROLES
    )


@dataclass(frozen=True)
class Cell:
    count: int
    share: object  # Decimal | None; None when the row's n is 0 or shares mean nothing


@dataclass(frozen=True)
class ShownRow:
    row: Row
    cells: list[Cell]
    replied: Cell | None


@dataclass(frozen=True)
class ShownTable:
    table: Table
    basis: str
    rows: list[ShownRow]
    has_replied: bool
    csv_url: str


def _shown(table: Table, statistics: ResearchStatistics, query: str) -> ShownTable:
    rows = []
    for row in table.rows:
        cells = [Cell(count, row.share(count) if table.shares else None) for count in row.counts]
        replied = Cell(row.replied, row.reply_rate) if row.replied is not None else None
        rows.append(ShownRow(row=row, cells=cells, replied=replied))
    url = reverse("communications:statistics_csv", kwargs={"key": table.key})
    return ShownTable(
        table=table,
        basis=basis(table, statistics),
        rows=rows,
        has_replied=any(row.replied is not None for row in table.rows),
        csv_url=f"{url}?{query}",
    )


def _mandates() -> list[tuple[str, str]]:
    return sorted(
        ((mandate.code, mandate.name) for mandate in Mandate.objects.all()),
        key=lambda choice: choice[1].casefold(),
    )


def part_of(key: str) -> str:
    """Which part of the statistics holds the table ``key``."""
    if key.startswith("replies"):
        return REPLIES
    return REPRISALS if key == "reprisals" else OUTCOMES


def _read(
    request: HttpRequest, parts: tuple[str, ...] = PARTS
) -> tuple[StatisticsForm, ResearchStatistics | None, str]:
    """The form read from the query string and, when it is valid, the figures."""
    mandates = _mandates()
    year = last_complete_year(today=timezone.now().date())
    data = {"from": f"{year:04d}-01-01", "to": f"{year:04d}-12-31", "mandate": ""}
    data.update({name: request.GET[name] for name in FIELDS if name in request.GET})
    form = StatisticsForm(data, mandates=mandates)
    figures = None
    if form.is_valid():
        start: dt.date = form.cleaned_data["from"]
        end: dt.date = form.cleaned_data["to"]
        mandate: str = form.cleaned_data["mandate"]
        try:
            figures = research_statistics(
                start=start, end=end, mandate=mandate or None, parts=parts
            )
        except StatisticsRequestError as error:
            form.add_error(None, str(error))
    query = urlencode({name: data[name] for name in FIELDS})
    return form, figures, query


def _allowed(request: HttpRequest) -> HttpResponse | None:
    """A redirect to sign in, or None when the user may see the figures; else a 403."""
    user = request.user
    if isinstance(user, AnonymousUser) or not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not may_see_research_statistics(user):
        raise PermissionDenied
    return None


@never_cache
@require_GET
def research_statistics_page(request: HttpRequest) -> HttpResponse:
    refused = _allowed(request)
    if refused is not None:
        return refused
    form, figures, query = _read(request)
    tables = [_shown(table, figures, query) for table in figures.tables.values()] if figures else []
    names = dict(_mandates())
    return render(
        request,
        "communications/research_statistics.html",
        {
            "form": form,
            "statistics": figures,
            "replies": [t for t in tables if t.table.key.startswith("replies")],
            "outcomes": [
                t for t in tables if t.table.key in ("case-development", "perceived-impact")
            ],
            "reprisals": [t for t in tables if t.table.key == "reprisals"],
            "mandate_name": names.get(figures.mandate) if figures and figures.mandate else None,
            "report_query": query,
        },
        status=200 if figures is not None else BAD_REQUEST,
    )


@never_cache
@require_GET
def research_statistics_csv(request: HttpRequest, key: str) -> HttpResponse:
    refused = _allowed(request)
    if refused is not None:
        return refused
    form, figures, _query = _read(request, (part_of(key),))
    if figures is None:
        errors = [str(error) for field in form.errors.values() for error in field]
        return HttpResponse(
            "\n".join(errors) + "\n",
            status=BAD_REQUEST,
            content_type="text/plain; charset=utf-8",
        )
    table = figures.tables.get(key)
    if table is None:
        raise Http404(_("There is no such table."))
    filename = f"spcomms-{key}-{figures.start.isoformat()}-{figures.end.isoformat()}.csv"
    return HttpResponse(
        table_csv(table, figures, synthetic=is_synthetic()),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
