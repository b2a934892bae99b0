"""The staff's reprisal register, under /staff/reprisals/: the list, an allegation's page
with its history, the forms to record and edit one, and the year's export.

Only the staff roles reach them (``access.may_use_register``): a visitor who is not
signed in is sent to the sign-in page; a signed-in user without the right gets a 403
on the list, the forms and the export, and a 404 on any allegation, the same answer
as for one that does not exist. Each write calls one service; bad input answers 400
with the message next to the field and what was typed kept; a stale edit answers 409.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from spcomms.accounts.models import User
from spcomms.audit.services import audit_record
from spcomms.pagination import filters_query
from spcomms.reprisals import export, forms
from spcomms.reprisals.access import access_allegation, allegations_visible, may_use_register
from spcomms.reprisals.models import ReprisalAllegation, ReprisalEvent
from spcomms.reprisals.services import (
    ReprisalConflict,
    ReprisalInvalid,
    reprisal_create,
    reprisal_update,
)

PAGE_SIZE = 25
BAD_REQUEST = 400
CONFLICT = 409
FORMATS = ("csv", "html")


class _SignInFirst(Exception):
    """The visitor is not signed in: the page sends them to the sign-in form."""


def _staff(request: HttpRequest) -> User:
    user = request.user
    if isinstance(user, AnonymousUser) or not user.is_authenticated:
        raise _SignInFirst
    if not may_use_register(user):
        raise PermissionDenied
    assert isinstance(user, User)  # noqa: S101  # may_use_register checked it
    return user


def _staff_of_object(request: HttpRequest) -> User:
    try:
        return _staff(request)
    except PermissionDenied as denied:
        raise Http404 from denied


def _signed_in_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except _SignInFirst:
            return redirect_to_login(request.get_full_path())

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


# The list ---------------------------------------------------------------------------


def register_queryset(user: User, filters: forms.FilterForm) -> Any:
    found = allegations_visible(user)
    data = filters.cleaned_data
    if data.get("country"):
        found = found.filter(country=data["country"])
    if data.get("year"):
        found = found.filter(reported_on__year=data["year"])
    if data.get("status"):
        found = found.filter(status=data["status"])
    if data.get("cooperation"):
        found = found.filter(cooperation=data["cooperation"])
    return (
        found.select_related("country", "person", "action_communication")
        .prefetch_related("acts")
        .order_by("-reported_on", "-pk")
    )


@never_cache
@require_GET
@_signed_in_only
def register(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    filters = forms.FilterForm(request.GET)
    status = 200
    if filters.is_valid():
        page = Paginator(register_queryset(user, filters), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
    else:
        status = BAD_REQUEST
        page = Paginator(ReprisalAllegation.objects.none(), PAGE_SIZE).get_page(1)
    return render(
        request,
        "reprisals/register.html",
        {
            "page": page,
            "filters": filters,
            "query": filters_query(request),
            "this_year": timezone.now().year,
        },
        status=status,
    )


# Recording and editing ------------------------------------------------------------------


def _form_page(
    request: HttpRequest,
    form: forms.AllegationForm,
    *,
    allegation: ReprisalAllegation | None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "reprisals/form.html",
        {"form": form, "allegation": allegation},
        status=status,
    )


def _refused(form: forms.AllegationForm, error: ReprisalInvalid) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(error))


@never_cache
@require_http_methods(["GET", "POST"])
@_signed_in_only
def allegation_create(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    if request.method == "GET":
        form = forms.AllegationForm(initial={"reported_on": timezone.now().date()})
        return _form_page(request, form, allegation=None)
    form = forms.AllegationForm(request.POST)
    if not form.is_valid():
        return _form_page(request, form, allegation=None, status=BAD_REQUEST)
    try:
        allegation = reprisal_create(actor=user, values=form.values())
    except ReprisalInvalid as invalid:
        _refused(form, invalid)
        return _form_page(request, form, allegation=None, status=BAD_REQUEST)
    messages.success(request, _("The allegation was recorded."))
    return redirect("reprisals:detail", pk=allegation.pk)


@never_cache
@require_http_methods(["GET", "POST"])
@_signed_in_only
def allegation_edit(request: HttpRequest, pk: str) -> HttpResponse:
    user = _staff_of_object(request)
    allegation = access_allegation(user, pk)
    if request.method == "GET":
        form = forms.AllegationForm(initial=forms.initial_for(allegation))
        return _form_page(request, form, allegation=allegation)
    form = forms.AllegationForm(request.POST)
    if not form.is_valid():
        return _form_page(request, form, allegation=allegation, status=BAD_REQUEST)
    try:
        reprisal_update(
            actor=user,
            allegation=allegation,
            values=form.values(),
            version=forms.parse_version(form.cleaned_data.get("version", "")),
        )
    except ReprisalInvalid as invalid:
        _refused(form, invalid)
        return _form_page(request, form, allegation=allegation, status=BAD_REQUEST)
    except ReprisalConflict as conflict:
        form.add_error(None, str(conflict))
        return _form_page(request, form, allegation=allegation, status=CONFLICT)
    messages.success(request, _("The allegation was saved."))
    return redirect("reprisals:detail", pk=allegation.pk)


# An allegation's page -------------------------------------------------------------------


@never_cache
@require_GET
@_signed_in_only
def allegation_detail(request: HttpRequest, pk: str) -> HttpResponse:
    user = _staff_of_object(request)
    allegation = access_allegation(user, pk)
    audit_record(actor=user, action="reprisal_read", obj=allegation)
    events = list(
        ReprisalEvent.objects.filter(allegation=allegation)
        .select_related("actor")
        .order_by("at", "pk")
    )
    labels = {
        field.name: str(getattr(field, "verbose_name", field.name)).capitalize()
        for field in ReprisalAllegation._meta.get_fields()
    }
    return render(
        request,
        "reprisals/detail.html",
        {
            "allegation": allegation,
            "acts": list(allegation.acts.all()),
            "perpetrators": list(allegation.perpetrators.all()),
            "events": [
                {"event": event, "fields": [labels.get(name, name) for name in event.fields]}
                for event in events
            ],
            "shown_as": export.person_shown(allegation),
        },
    )


# The export -----------------------------------------------------------------------------


@never_cache
@require_GET
@_signed_in_only
def export_download(request: HttpRequest) -> HttpResponse:
    """The year's cases for the Secretary-General's report, as CSV or an HTML document."""
    user = _staff(request)
    this_year = timezone.now().year
    year_text = request.GET.get("year", str(this_year))
    kind = request.GET.get("format", "csv")
    if (
        not year_text.isdigit()
        or not 1990 <= int(year_text) <= this_year + 1
        or kind not in FORMATS
    ):
        return render(
            request,
            "reprisals/export_refused.html",
            {"this_year": this_year},
            status=BAD_REQUEST,
        )
    year = int(year_text)
    cases = export.export_cases(year)
    audit_record(actor=user, action="reprisal_export", obj=user, year=year, cases=len(cases))
    if kind == "csv":
        body, content_type = export.export_csv(cases), "text/csv; charset=utf-8"
    else:
        body, content_type = export.export_html(cases, year=year), "text/html; charset=utf-8"
    response = HttpResponse(body, content_type=content_type)
    # The name is built from a checked year and format only.
    response["Content-Disposition"] = f'attachment; filename="reprisals-{year}.{kind}"'
    return response
