"""The project's URLs plus two views that fail, to see the 403 and 500 pages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import path

from spcomms.urls import urlpatterns as project_urlpatterns


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


urlpatterns = [
    path("forbidden/", forbidden),
    path("broken/", broken),
    *project_urlpatterns,
]
