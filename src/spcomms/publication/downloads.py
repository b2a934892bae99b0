"""Download the published record, or the results of a search, as CSV or JSON.

The downloads read the same query and facet parameters as the search page
(``views.search_params``) and stream: the matching ids come from the in-memory copy
of the index (eight bytes a communication) and the public records are built a batch
at a time, so memory stays flat however many communications there are. Nothing is
capped.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from itertools import islice

from django.http import HttpRequest, StreamingHttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from spcomms.core.csvsafe import safe_row
from spcomms.demo.context import is_synthetic
from spcomms.publication.api_schemas import (
    CSV_COLUMNS,
    CommunicationOut,
    communication_out,
    csv_row,
)
from spcomms.publication.mirror import find
from spcomms.publication.records import public_communications
from spcomms.publication.views import SearchParams, search_params

BATCH = 100


def synthetic_notice() -> str:
    return _(
        "These data are synthetic: they were generated for demonstration and describe "
        "no real person, State reply or communication."
    )


def matching_ids(params: SearchParams) -> list[int]:
    """The ids of the communications matching a search, in the search's order."""
    found = find(params.query, params.selected, newest=params.sort == "newest")
    return found.communication_ids()


def communications_out(params: SearchParams) -> Iterator[CommunicationOut]:
    """Each matching communication as the public sees it, built ``BATCH`` at a time."""
    ids = iter(matching_ids(params))
    while batch := list(islice(ids, BATCH)):
        records = {record.pk: record for record in public_communications(ids=batch)}
        for pk in batch:
            record = records.get(pk)
            if record is not None:  # it stopped being public since the index was read
                yield communication_out(record)


class _Line:
    """A file-like object whose ``write`` hands back what the csv module wrote."""

    def write(self, text: str) -> str:
        return text


def _csv_lines(params: SearchParams, notice: str, language: str) -> Iterator[str]:
    writer = csv.writer(_Line())
    with translation.override(language):
        if notice:
            yield "# " + notice + "\r\n"
        yield writer.writerow(CSV_COLUMNS)
        for item in communications_out(params):
            yield writer.writerow(safe_row(csv_row(item)))


def _json_chunks(params: SearchParams, notice: str, language: str) -> Iterator[str]:
    head = json.dumps({"synthetic": bool(notice), "notice": notice}, ensure_ascii=False)
    yield head[:-1] + ', "communications": ['
    with translation.override(language):
        separator = "\n"
        for item in communications_out(params):
            yield separator + item.model_dump_json()
            separator = ",\n"
    yield "\n]}\n"


def _download(request: HttpRequest, extension: str, content_type: str) -> StreamingHttpResponse:
    params = search_params(request.GET)
    notice = synthetic_notice() if is_synthetic() else ""
    language = translation.get_language() or "en"
    lines = (
        _csv_lines(params, notice, language)
        if extension == "csv"
        else _json_chunks(params, notice, language)
    )
    response = StreamingHttpResponse(lines, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="communications.{extension}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def download_csv(request: HttpRequest) -> StreamingHttpResponse:
    return _download(request, "csv", "text/csv; charset=utf-8")


@require_GET
def download_json(request: HttpRequest) -> StreamingHttpResponse:
    return _download(request, "json", "application/json")
