"""Staff pages of the follow-up: what is due and overdue, and one follow-up with its history.

Only the secretariat, administrators and researchers reach them; everyone else gets
the same 404 as for a missing page. Persons are shown by their pseudonymous key,
never by name, and a researcher reads the basis and comment only of the assessments
they recorded themselves. Mounted at ``staff/follow-up/``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from spcomms.accounts.models import Role, User
from spcomms.cases.models import Person
from spcomms.followup import schedule
from spcomms.followup.forms import AssessmentForm, FollowUpFilterForm
from spcomms.followup.models import Assessment
from spcomms.followup.services import (
    FollowUpInvalid,
    NotAllowed,
    access_follow_up,
    assessment_record,
    may_follow_up,
)
from spcomms.pagination import filters_query

PAGE_SIZE = 50
BAD_REQUEST = 400


def _follower(request: HttpRequest) -> User:
    user = request.user
    if isinstance(user, AnonymousUser) or not may_follow_up(user):
        raise Http404
    assert isinstance(user, User)  # noqa: S101  # may_follow_up checked it
    return user


def _reads_text(user: User, assessment: Assessment) -> bool:
    return user.role != Role.RESEARCHER or assessment.recorded_by_id == user.pk


@require_GET
def follow_up_list(request: HttpRequest) -> HttpResponse:
    _follower(request)
    form = FollowUpFilterForm(request.GET or None)
    filters = schedule.Filters()
    status = 200
    if form.is_bound:
        if form.is_valid():
            data = form.cleaned_data
            filters = schedule.Filters(
                country=data["country"].pk if data["country"] else None,
                mandate=data["mandate"].pk if data["mandate"] else None,
                period_months=data["period"],
            )
        else:
            status = BAD_REQUEST
    on = schedule.today()
    items = schedule.open_follow_ups(on=on, filters=filters) if status == 200 else []
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    schedule.attach_communications(page)
    persons = Person.objects.in_bulk([item.person_id for item in page])
    rows = [
        {"item": item, "person": persons.get(item.person_id), "state": item.state(on)}
        for item in page
    ]
    context: dict[str, Any] = {
        "filters": form,
        "rows": rows,
        "page": page,
        "count": len(items),
        "overdue": sum(1 for item in items if item.state(on) == schedule.FollowUpState.OVERDUE),
        "today": on,
        "grace_days": schedule.grace_days(),
        "query": filters_query(request),
    }
    return render(request, "followup/list.html", context, status=status)


@require_http_methods(["GET", "POST"])
def follow_up_detail(request: HttpRequest, mention_pk: int, period: int) -> HttpResponse:
    user = _follower(request)
    follow_up = access_follow_up(user, mention_pk, period)
    if follow_up.anchor_id != mention_pk:
        # A person merged into another: their follow-up is the canonical person's.
        return redirect("followup:detail", follow_up.anchor_id, period)
    on = schedule.today()
    form = AssessmentForm(request.POST or None, initial={"assessed_on": on})
    status = 200
    if request.method == "POST":
        status = BAD_REQUEST
        if form.is_valid():
            data = form.cleaned_data
            try:
                assessment_record(
                    actor=user,
                    follow_up=follow_up,
                    development=data["development"],
                    source=data["source"],
                    information_level=data["information_level"],
                    basis=data["basis"],
                    assessed_on=data["assessed_on"],
                    impact_attention=data["impact_attention"],
                    impact_communication=data["impact_communication"],
                    negative_impact=data["negative_impact"],
                    comment=data["comment"],
                )
            except FollowUpInvalid as invalid:
                form.add_error(invalid.field_name, invalid.message)
            except NotAllowed as denied:
                raise Http404 from denied
            else:
                return redirect(reverse("followup:detail", args=[mention_pk, period]) + "?saved=1")
    person = Person.objects.get(pk=follow_up.person_id)
    history = [
        {"assessment": assessment, "reads_text": _reads_text(user, assessment)}
        for assessment in follow_up.assessments
    ]
    context = {
        "follow_up": follow_up,
        "person": person,
        "state": follow_up.state(on),
        "history": history,
        "form": form,
        "saved": request.method == "GET" and request.GET.get("saved") == "1",
        "title": _("Follow-up"),
    }
    return render(request, "followup/detail.html", context, status=status)


app_name = "followup"
urlpatterns = [
    path("", follow_up_list, name="list"),
    path("<int:mention_pk>/<int:period>/", follow_up_detail, name="detail"),
]
