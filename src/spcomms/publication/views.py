"""Public pages. They read only published communications and aggregate counts."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from spcomms.communications.models import Addressee, Communication, Reply


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
