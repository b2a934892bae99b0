"""The research report as a page for researchers and staff, under
/staff/communications/statistics/report/.

The same content as ``spcomms report`` writes, for the period and mandate of the query
string (``from``, ``to``, ``mandate``; the last complete year by default), with a CSV
download per table through the statistics page's CSV endpoint. Access as for that page:
researchers, the secretariat and administrators; a visitor who is not signed in is sent to
sign in, anyone else gets a 403.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from spcomms.analysis.report import Report, build_report, report_context
from spcomms.communications.research_views import BAD_REQUEST, _allowed, _mandates
from spcomms.communications.statistics import StatisticsRequestError, last_complete_year
from spcomms.publication.statistics_views import FIELDS, StatisticsForm


@never_cache
@require_GET
def report_page(request: HttpRequest) -> HttpResponse:
    refused = _allowed(request)
    if refused is not None:
        return refused
    year = last_complete_year(today=timezone.now().date())
    data = {"from": f"{year:04d}-01-01", "to": f"{year:04d}-12-31", "mandate": ""}
    data.update({name: request.GET[name] for name in FIELDS if name in request.GET})
    form = StatisticsForm(data, mandates=_mandates())
    report: Report | None = None
    errors: list[str] = []
    if form.is_valid():
        start: dt.date = form.cleaned_data["from"]
        end: dt.date = form.cleaned_data["to"]
        mandate: str = form.cleaned_data["mandate"]
        try:
            report = build_report(start=start, end=end, mandate=mandate or None)
        except StatisticsRequestError as error:
            errors.append(str(error))
    else:
        errors = [str(error) for field in form.errors.values() for error in field]
    query = urlencode({name: data[name] for name in FIELDS})
    context: dict[str, object] = {"report": None, "errors": errors, "csv_query": query}
    if report is not None:
        context.update(report_context(report, csv_query=query))
    return render(
        request,
        "analysis/report_page.html",
        context,
        status=200 if report is not None else BAD_REQUEST,
    )
