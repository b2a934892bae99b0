"""The joint communications reports to the Human Rights Council: an index of the
sessions, each report as a page and as a PDF. They read only the public records."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from spcomms.communications.documents import letter_pdf
from spcomms.demo.context import is_synthetic
from spcomms.publication.reports import JointReport, UnknownSession, joint_report, reported_sessions


def _report(year: int, session: str) -> JointReport:
    try:
        return joint_report(year=year, session=session)
    except UnknownSession:
        raise Http404(_("There is no such session of the Human Rights Council.")) from None


def report_index(request: HttpRequest) -> HttpResponse:
    return render(request, "publication/report_index.html", {"periods": reported_sessions()})


def report_detail(request: HttpRequest, year: int, session: str) -> HttpResponse:
    return render(request, "publication/report.html", {"report": _report(year, session)})


def report_pdf(request: HttpRequest, year: int, session: str) -> HttpResponse:
    report = _report(year, session)
    html = render_to_string(
        "publication/report_pdf.html",
        {"report": report, "data_is_synthetic": is_synthetic(), "language": get_language()},
    )
    filename = f"hrc-joint-report-{report.period.year}-{report.period.session}.pdf"
    return HttpResponse(
        letter_pdf(html=html),
        content_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )
