"""The public page of reprisals, at /reprisals/: counts per State and year, and the map.

It reads only ``public.public_counts`` (counts of allegations whose action is public;
see that module) and draws the map on the server: the page loads no script and
nothing from another server.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from spcomms.reprisals.public import public_counts, world_map


@require_GET
def reprisals_page(request: HttpRequest) -> HttpResponse:
    counts = public_counts()
    return render(
        request,
        "reprisals/public.html",
        {
            "counts": counts,
            "map": world_map(counts),
        },
    )
