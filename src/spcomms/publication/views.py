"""Public pages. They read only published communications, through the index and the
public records, and aggregate counts; each brings the index up to date first."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from spcomms.communications.models import CommunicationType
from spcomms.publication.figures import Summary, mandate_figures, percent, state_figures
from spcomms.publication.index import (
    publication_sync,
)
from spcomms.publication.labels import facet_labels
from spcomms.publication.mirror import find, public_mirror
from spcomms.publication.models import Facet, PublishedDocument, PublishedFacet
from spcomms.publication.records import public_communication
from spcomms.reference.models import Country, Mandate
from spcomms.reprisals.public import state_reprisal_years
from spcomms.visits.public import mandate_visits

PAGE_SIZE = 20
# A State's code in an address: three letters, any case. Anything else (a NUL byte, which
# PostgreSQL refuses in a query, included) is a State that does not exist.
ISO3 = re.compile(r"[A-Za-z]{3}")
FACET_SHOWN = 12  # values of a facet listed until the visitor asks for all
SORTS = {"newest": ("-sent_on", "-pk"), "oldest": ("sent_on", "pk")}


def home(request: HttpRequest) -> HttpResponse:
    mirror = public_mirror()
    everything = mirror.everything()
    totals = mirror.totals(everything)
    return render(
        request,
        "publication/home.html",
        {
            "published_count": totals.communications,
            "states_addressed_count": len(mirror.counts(everything, Facet.ADDRESSEE)),
            "replies_count": totals.replies_public,
        },
    )


@dataclass(frozen=True)
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool
    url: str


@dataclass(frozen=True)
class FacetGroup:
    name: str
    label: str
    options: list[FacetOption]
    hidden: int = 0  # values left out of a long list until it is expanded
    expanded: bool = False
    toggle_url: str = ""  # shows all values, or the most frequent again


def _query_string(params: Mapping[str, list[str]]) -> str:
    pairs = [(key, value) for key, values in params.items() for value in values if value]
    return "?" + urlencode(pairs) if pairs else "?"


def _toggled(params: Mapping[str, list[str]], facet: str, value: str) -> str:
    changed = {key: list(values) for key, values in params.items() if key != "page"}
    current = changed.setdefault(facet, [])
    if value in current:
        current.remove(value)
    else:
        current.append(value)
    return _query_string(changed)


@dataclass(frozen=True)
class SearchParams:
    query: str
    sort: str
    selected: dict[str, list[str]]


def search_params(data: QueryDict) -> SearchParams:
    """The query, order and facet choices of a search, as the search page, the downloads
    and the API read them: over-long or unknown values are cut or replaced, never refused."""
    query = data.get("q", "").strip()[:200]
    sort = data.get("sort", "newest")
    if sort not in SORTS:
        sort = "newest"
    selected = {
        facet: [value[:48] for value in data.getlist(facet)[:20] if value] for facet in Facet.values
    }
    return SearchParams(query, sort, selected)


def communication_search(request: HttpRequest) -> HttpResponse:
    parsed = search_params(request.GET)
    query, sort, selected = parsed.query, parsed.sort, parsed.selected
    params: dict[str, list[str]] = {"q": [query], "sort": [sort], **selected}
    found = find(query, selected, newest=sort == "newest", with_counts=True)
    counts = found.counts
    groups = []
    expanded = set(request.GET.getlist("more")[: len(Facet.values)])
    for facet in Facet:
        facet_counts = counts.get(facet.value, {})
        chosen = selected[facet.value]
        values = set(facet_counts) | set(chosen)
        labels = facet_labels(facet.value, values)
        if facet == Facet.YEAR:
            ordered = sorted(values, reverse=True)
        else:
            ordered = sorted(values, key=lambda v: (-facet_counts.get(v, 0), labels.get(v, v)))
        shown = ordered
        if facet.value not in expanded and len(ordered) > FACET_SHOWN:
            shown = [v for i, v in enumerate(ordered) if i < FACET_SHOWN or v in chosen]
        options = [
            FacetOption(
                value=value,
                label=labels.get(value, value),
                count=facet_counts.get(value, 0),
                selected=value in chosen,
                url=_toggled(params, facet.value, value),
            )
            for value in shown
        ]
        if options:
            more = expanded ^ {facet.value}
            groups.append(
                FacetGroup(
                    facet.value,
                    str(facet.label),
                    options,
                    hidden=len(ordered) - len(shown),
                    expanded=facet.value in expanded,
                    toggle_url=_query_string({**params, "more": sorted(more)})
                    if len(ordered) > FACET_SHOWN
                    else "",
                )
            )
    page = Paginator[int](found, PAGE_SIZE).get_page(request.GET.get("page"))
    on_page = PublishedDocument.objects.prefetch_related(
        Prefetch(
            "facets",
            queryset=PublishedFacet.objects.filter(facet=Facet.ADDRESSEE),
            to_attr="addressee_facets",
        )
    ).in_bulk(list(page.object_list))
    documents = [on_page[pk] for pk in page.object_list if pk in on_page]
    state_names = facet_labels(
        Facet.ADDRESSEE,
        {f.value for document in documents for f in getattr(document, "addressee_facets", [])},
    )
    rows = [
        {
            "document": document,
            "type_label": CommunicationType(document.type).label,
            "states": [
                (f.value, state_names.get(f.value, f.value))
                for f in getattr(document, "addressee_facets", [])
            ],
        }
        for document in documents
    ]
    without_page = {key: values for key, values in params.items() if key != "page"}
    return render(
        request,
        "publication/search.html",
        {
            "query": query,
            "sort": sort,
            "groups": groups,
            "page": page,
            "rows": rows,
            "selected_facets": [
                (group.label, option)
                for group in groups
                for option in group.options
                if option.selected
            ],
            "page_query": _query_string(without_page),
            "hidden_facets": [(k, v) for k, vs in selected.items() for v in vs],
        },
    )


def communication_detail(request: HttpRequest, slug: str) -> HttpResponse:
    publication_sync()
    record = public_communication(slug=slug)
    if record is None:
        raise Http404(_("There is no published communication with this reference."))
    return render(request, "publication/communication.html", {"record": record})


def _reply_rows(summaries: list[Summary]) -> list[tuple[str, list[int | None]]]:
    values = {value for summary in summaries for value in summary.reply_groups}
    labels = facet_labels(Facet.REPLY, values)
    return [
        (
            labels[value],
            [percent(s.reply_groups.get(value, 0), s.communications) for s in summaries],
        )
        for value in sorted(values, key=lambda v: labels[v])
    ]


def state_detail(request: HttpRequest, iso3: str) -> HttpResponse:
    if not ISO3.fullmatch(iso3):
        raise Http404
    country = get_object_or_404(Country, iso3=iso3.upper())
    figures = state_figures(country)
    return render(
        request,
        "publication/state.html",
        {
            "country": country,
            "types": list(CommunicationType),
            "years": figures.years,
            "summaries": figures.summaries,
            "reply_rows": _reply_rows(figures.summaries),
            "reprisal_years": state_reprisal_years(country),
            "visit_record": figures.visits,
        },
    )


def mandate_detail(request: HttpRequest, code: str) -> HttpResponse:
    mandate = get_object_or_404(Mandate, code=code[:32])
    figures = mandate_figures(mandate)
    return render(
        request,
        "publication/mandate.html",
        {
            "mandate": mandate,
            "years": figures.years,
            "summaries": figures.summaries,
            "reply_rows": _reply_rows(figures.summaries),
            "latest": figures.latest,
            "mandate_visits": mandate_visits(mandate),
        },
    )
