"""What the paged staff lists share with their page links (templates/includes/pages.html)."""

from __future__ import annotations

from django.http import HttpRequest


def filters_query(request: HttpRequest) -> str:
    """The list's query string (its filters) without the page number, which the page
    links add themselves."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
