"""Public pages. They read only published communications and aggregate counts."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from spcomms.communications.models import Communication
from spcomms.reference.models import Country


def home(request: HttpRequest) -> HttpResponse:
    published = Communication.objects.published()
    return render(
        request,
        "publication/home.html",
        {
            "published_count": published.count(),
            "state_count": Country.objects.filter(un_member=True).count(),
        },
    )
