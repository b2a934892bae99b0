"""The public JSON API, version 1: read-only, no sign-in, versioned in the address.

Every answer is built from ``spcomms.publication.records``, so the text is the guarded
public rendering and persons appear only as their consent allows (ADR 4). The search
parameters are read by ``views.search_params``, exactly as the search page reads them.
The interactive documentation is switched off (it would load scripts from a CDN); the
schema is served at ``/api/v1/openapi.json`` and committed as ``docs/openapi-v1.json``.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Literal
from urllib.parse import urlencode

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Query, Schema
from ninja.errors import HttpError

from spcomms.publication.api_schemas import (
    CommunicationOut,
    ValidationErrorOut,
    communication_out,
)
from spcomms.publication.downloads import matching_ids
from spcomms.publication.figures import state_figures
from spcomms.publication.index import publication_sync
from spcomms.publication.labels import facet_labels
from spcomms.publication.mirror import find
from spcomms.publication.models import Facet
from spcomms.publication.records import public_communication, public_communications
from spcomms.publication.views import ISO3, search_params
from spcomms.publication.visit_schemas import (
    StandingInvitationOut,
    VisitFiguresOut,
    VisitOut,
    state_visits_out,
)
from spcomms.reference.models import Country
from spcomms.reprisals.api import router as reprisals_router

MAX_LIMIT = 100
DEFAULT_LIMIT = 20
FACET_HELP = "Repeat to choose several values of one facet (any of them); facets combine."

api = NinjaAPI(
    title="spcomms public record",
    version="1",
    description=(
        "The published communications of the UN Special Procedures about human rights "
        "defenders: read-only, no sign-in. Persons appear as their consent allows."
    ),
    docs_url=None,
    urls_namespace="api-v1",
)
api.add_router("/reprisals", reprisals_router)


class SearchQuery(Schema):
    """The search page's parameters; unknown facet values simply match nothing."""

    q: str = Field("", max_length=200, description="Words to find (search syntax as on the site)")
    sort: Literal["newest", "oldest"] = "newest"
    year: list[str] = Field([], description=FACET_HELP)
    type: list[str] = Field([], description=FACET_HELP)
    addressee: list[str] = Field([], description="ISO 3166 alpha-3 code. " + FACET_HELP)
    region: list[str] = Field([], description=FACET_HELP)
    mandate: list[str] = Field([], description=FACET_HELP)
    reply: list[str] = Field([], description=FACET_HELP)
    violation: list[str] = Field([], description=FACET_HELP)
    gender: list[str] = Field([], description=FACET_HELP)


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=1_000_000, description="The page, from 1")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Items per page")


class CommunicationPage(Schema):
    count: int
    next: str | None
    previous: str | None
    items: list[CommunicationOut]


class FacetValueOut(Schema):
    value: str
    label: str
    count: int


class FacetOut(Schema):
    name: str
    label: str
    values: list[FacetValueOut]


class ErrorOut(Schema):
    detail: str


def _page_link(request: HttpRequest, page: int, limit: int) -> str:
    pairs = [(key, value) for key, values in request.GET.lists() for value in values]
    pairs = [(key, value) for key, value in pairs if key not in {"page", "limit"}]
    pairs += [("page", str(page)), ("limit", str(limit))]
    return request.build_absolute_uri(request.path + "?" + urlencode(pairs))


@api.get(
    "/communications",
    response={200: CommunicationPage, 422: ValidationErrorOut},
    summary="Search the published communications",
    operation_id="communications_list",
)
def communications_list(
    request: HttpRequest,
    filters: Query[SearchQuery],
    paging: Query[PageQuery],
) -> dict[str, Any]:
    """The communications matching ``q`` and the facets, ``limit`` at a time."""
    page, limit = paging.page, paging.limit
    ids = matching_ids(search_params(request.GET))
    count = len(ids)
    start = (page - 1) * limit
    chosen = list(ids[start : start + limit]) if start < count else []
    records = {record.pk: record for record in public_communications(ids=chosen)}
    return {
        "count": count,
        "next": _page_link(request, page + 1, limit) if start + limit < count else None,
        "previous": _page_link(request, page - 1, limit) if page > 1 else None,
        "items": [communication_out(records[pk]) for pk in chosen if pk in records],
    }


@api.get(
    "/communications/{slug}",
    response={200: CommunicationOut, 404: ErrorOut},
    summary="One published communication",
    operation_id="communications_detail",
)
def communications_detail(request: HttpRequest, slug: str) -> CommunicationOut:
    """A communication by its reference in the address, e.g. ``ua-col-5-2016``. One that
    does not exist and one that is not public get the same 404."""
    publication_sync()
    record = public_communication(slug=slug[:40])
    if record is None:
        raise HttpError(404, _("There is no published communication with this reference."))
    return communication_out(record)


@api.get(
    "/facets",
    response={200: list[FacetOut], 422: ValidationErrorOut},
    summary="Facet values and counts for a search",
    operation_id="facets",
)
def facets(request: HttpRequest, filters: Query[SearchQuery]) -> list[dict[str, Any]]:
    """For each facet, its values with how many communications match the search and the
    other facets' choices (a facet's own choice does not narrow its counts)."""
    params = search_params(request.GET)
    counts = find(params.query, params.selected, with_counts=True).counts
    answer = []
    for facet in Facet:
        values = counts.get(facet.value, {})
        labels = facet_labels(facet.value, set(values))
        ordered = sorted(values, key=lambda value: (-values[value], value))
        answer.append(
            {
                "name": facet.value,
                "label": str(facet.label),
                "values": [
                    {"value": value, "label": labels.get(value, value), "count": values[value]}
                    for value in ordered
                ],
            }
        )
    return answer


class ComparisonOut(Schema):
    label: str = Field(description="The State, its reporting region, or all States")
    communications: int = Field(description="Published communications addressed to them")
    replied: int = Field(description="Communications with at least one reply, public or not")
    reply_rate: int | None = Field(description="Percentage replied; null when none was sent")
    public_replies: int
    in_time: int = Field(description="Published replies received by the deadline")
    timeliness: int | None = Field(description="Percentage of published replies in time")
    reply_groups: dict[str, int] = Field(
        description="Communications per class of their first classified published reply"
    )


class YearOut(Schema):
    year: int
    by_type: dict[str, int] = Field(description="Communications per type (UA, AL, OL)")
    total: int


class StateOut(Schema):
    iso3: str
    name: str
    reporting_region: str
    years: list[YearOut]
    comparison: list[ComparisonOut]
    standing_invitation_since: dt.date | None = Field(
        description="When the latest standing invitation was extended"
    )
    standing_invitation_withdrawn_on: dt.date | None = Field(
        description="When it was withdrawn; null while it is open"
    )
    standing_invitations: list[StandingInvitationOut] = Field(description="Newest first")
    visits: list[VisitOut] = Field(description="Visit requests, per mandate, newest first")
    visit_figures: VisitFiguresOut = Field(description="The State's visit requests counted")
    visit_figures_all_states: VisitFiguresOut = Field(
        description="The same over the visit requests to all States"
    )


@api.get(
    "/states/{iso3}",
    response={200: StateOut, 404: ErrorOut},
    summary="How a State cooperates",
    operation_id="states_detail",
)
def states_detail(request: HttpRequest, iso3: str) -> dict[str, Any]:
    """The figures of a State's page: the communications addressed to it by year and
    type, its replies compared with its region and with all States, its standing
    invitations, and the visit requests of the mandates with their history, links and
    recommendations counted by follow-up status, compared with all States. ``iso3`` is
    the ISO 3166-1 alpha-3 code."""
    code = iso3.upper() if ISO3.fullmatch(iso3) else None  # as the State's page reads it
    country = Country.objects.filter(iso3=code).first() if code else None
    if country is None:
        raise HttpError(404, _("There is no State with this code."))
    figures = state_figures(country)
    return {
        "iso3": country.iso3,
        "name": country.name,
        "reporting_region": country.reporting_region or "",
        "years": [
            {"year": row.year, "by_type": row.by_type, "total": row.total} for row in figures.years
        ],
        "comparison": [vars(summary) for summary in figures.summaries],
        **state_visits_out(figures.visits),
    }


def openapi_json() -> str:
    """The API's schema as committed in ``docs/openapi-v1.json``: sorted keys, two-space
    indent, a final newline, with no server address in it."""
    schema = api.get_openapi_schema(path_prefix="/api/v1")
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
