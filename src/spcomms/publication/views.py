"""Public pages. They read only published communications, through the index and the
public records, and aggregate counts; each brings the index up to date first."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from spcomms.cases.models import Gender
from spcomms.communications.models import Addressee, Communication, CommunicationType, Reply
from spcomms.publication.index import (
    NO_REPLY,
    REGION_BUSINESS,
    REGION_OTHER,
    REPLY_CONFIDENTIAL,
    REPLY_UNCLASSIFIED,
    facet_counts,
    filter_by_facets,
    publication_sync,
    search,
)
from spcomms.publication.models import Facet, PublishedDocument, PublishedFacet
from spcomms.publication.records import public_communication
from spcomms.reference.models import Country, Mandate, ReplyGroup, ReportingRegion, ViolationType
from spcomms.visits.models import StandingInvitation, VisitRequest

PAGE_SIZE = 20
SORTS = {"newest": ("-sent_on", "-pk"), "oldest": ("sent_on", "pk")}


def home(request: HttpRequest) -> HttpResponse:
    published = Communication.objects.published()
    return render(
        request,
        "publication/home.html",
        {
            "published_count": published.count(),
            "states_addressed_count": Addressee.objects.filter(
                communication__in=published, country__isnull=False, is_copy=False
            )
            .values("country")
            .distinct()
            .count(),
            "replies_count": Reply.objects.filter(
                communication__in=published, confidential=False
            ).count(),
        },
    )


def _labels(facet: str, values: set[str]) -> dict[str, str]:
    """The label of each facet value in the active language; at most one query."""
    if facet == Facet.YEAR:
        return {value: value for value in values}
    if facet == Facet.TYPE:
        return {value: str(CommunicationType(value).label) for value in values}
    if facet == Facet.ADDRESSEE:
        return {c.iso3: c.name for c in Country.objects.filter(iso3__in=values)}
    if facet == Facet.MANDATE:
        return {m.code: m.name for m in Mandate.objects.filter(code__in=values)}
    if facet == Facet.VIOLATION:
        return {v.code: v.name for v in ViolationType.objects.filter(code__in=values)}
    if facet == Facet.REGION:
        regions = {
            **{r.value: str(r.label) for r in ReportingRegion},
            REGION_BUSINESS: _("Business enterprises"),
            REGION_OTHER: _("Other addressees"),
        }
        return {value: regions.get(value, value) for value in values}
    if facet == Facet.REPLY:
        groups = {
            **{g.value: str(g.label) for g in ReplyGroup},
            NO_REPLY: _("No reply"),
            REPLY_CONFIDENTIAL: _("Reply not made public"),
            REPLY_UNCLASSIFIED: _("Reply not classified"),
        }
        return {value: groups.get(value, value) for value in values}
    genders = {g.value: str(g.label) for g in Gender}
    return {value: genders.get(value, value) for value in values}


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
    publication_sync()
    parsed = search_params(request.GET)
    query, sort, selected = parsed.query, parsed.sort, parsed.selected
    params: dict[str, list[str]] = {"q": [query], "sort": [sort], **selected}
    matching = search(query)
    counts = facet_counts(matching, selected)
    groups = []
    for facet in Facet:
        values = set(counts.get(facet.value, {})) | set(selected[facet.value])
        labels = _labels(facet.value, values)
        options = [
            FacetOption(
                value=value,
                label=labels.get(value, value),
                count=counts.get(facet.value, {}).get(value, 0),
                selected=value in selected[facet.value],
                url=_toggled(params, facet.value, value),
            )
            for value in values
        ]
        if facet == Facet.YEAR:
            options.sort(key=lambda option: option.value, reverse=True)
        else:
            options.sort(key=lambda option: (-option.count, option.label))
        if options:
            groups.append(FacetGroup(facet.value, str(facet.label), options))
    results = (
        filter_by_facets(matching, selected)
        .order_by(*SORTS[sort])
        .prefetch_related(
            Prefetch(
                "facets",
                queryset=PublishedFacet.objects.filter(facet=Facet.ADDRESSEE),
                to_attr="addressee_facets",
            )
        )
    )
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    state_names = _labels(
        Facet.ADDRESSEE,
        {f.value for document in page for f in getattr(document, "addressee_facets", [])},
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
        for document in page
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


def _percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


@dataclass(frozen=True)
class Summary:
    label: str
    communications: int
    replied: int
    reply_rate: int | None
    public_replies: int
    in_time: int
    timeliness: int | None
    reply_groups: dict[str, int]


def _summary(label: str, documents: QuerySet[PublishedDocument]) -> Summary:
    totals = documents.aggregate(
        n=Count("pk"),
        replied=Count("pk", filter=Q(replied=True)),
        public=Sum("replies_public"),
        in_time=Sum("replies_in_time"),
    )
    groups = dict(
        PublishedFacet.objects.filter(document__in=documents, facet=Facet.REPLY)
        .values_list("value")
        .annotate(n=Count("document"))
        .order_by()
        .values_list("value", "n")
    )
    n, replied = totals["n"] or 0, totals["replied"] or 0
    public, in_time = totals["public"] or 0, totals["in_time"] or 0
    return Summary(
        label,
        n,
        replied,
        _percent(replied, n),
        public,
        in_time,
        _percent(in_time, public),
        groups,
    )


def _addressed_to(iso3s: list[str]) -> QuerySet[PublishedDocument]:
    return filter_by_facets(PublishedDocument.objects.all(), {Facet.ADDRESSEE: list(iso3s)})


def _reply_rows(summaries: list[Summary]) -> list[tuple[str, list[int | None]]]:
    values = {value for summary in summaries for value in summary.reply_groups}
    labels = _labels(Facet.REPLY, values)
    return [
        (
            labels[value],
            [_percent(s.reply_groups.get(value, 0), s.communications) for s in summaries],
        )
        for value in sorted(values, key=lambda v: labels[v])
    ]


def state_detail(request: HttpRequest, iso3: str) -> HttpResponse:
    publication_sync()
    country = get_object_or_404(Country, iso3=iso3.upper()[:3])
    own = _addressed_to([country.iso3])
    by_year_and_type = list(own.values("year", "type").annotate(n=Count("pk")).order_by("-year"))
    years: dict[int, dict[str, int]] = {}
    for row in by_year_and_type:
        years.setdefault(row["year"], {})[row["type"]] = row["n"]
    summaries = [_summary(country.name, own)]
    if country.reporting_region:
        region_states = list(
            Country.objects.filter(reporting_region=country.reporting_region).values_list(
                "iso3", flat=True
            )
        )
        summaries.append(
            _summary(str(country.get_reporting_region_display()), _addressed_to(region_states))
        )
    summaries.append(
        _summary(
            _("All States"),
            PublishedDocument.objects.filter(facets__facet=Facet.ADDRESSEE).distinct(),
        )
    )
    return render(
        request,
        "publication/state.html",
        {
            "country": country,
            "types": list(CommunicationType),
            "years": [
                (year, [counts.get(t.value, 0) for t in CommunicationType], sum(counts.values()))
                for year, counts in sorted(years.items(), reverse=True)
            ],
            "summaries": summaries,
            "reply_rows": _reply_rows(summaries),
            "visits": VisitRequest.objects.filter(country=country)
            .select_related("mandate")
            .order_by("-requested_on"),
            "invitation": StandingInvitation.objects.filter(country=country)
            .order_by("-extended_on")
            .first(),
        },
    )


def mandate_detail(request: HttpRequest, code: str) -> HttpResponse:
    publication_sync()
    mandate = get_object_or_404(Mandate, code=code[:32])
    own = filter_by_facets(PublishedDocument.objects.all(), {Facet.MANDATE: [mandate.code]})
    summaries = [
        _summary(mandate.name, own),
        _summary(_("All mandates"), PublishedDocument.objects.all()),
    ]
    return render(
        request,
        "publication/mandate.html",
        {
            "mandate": mandate,
            "years": list(own.values("year").annotate(n=Count("pk")).order_by("-year")),
            "summaries": summaries,
            "reply_rows": _reply_rows(summaries),
            "latest": own.order_by("-sent_on", "-pk")[:10],
        },
    )
