"""Staff pages for country visits, under /staff/visits/: they parse input, call one
service, and show the result.

Only the staff roles (secretariat, administrator) reach them: a visitor who is not
signed in is sent to the sign-in page; anyone else signed in gets a 404, the same as
for a page that does not exist. Bad input answers 400 with the message next to the
field and what was typed kept; a step the request's state refuses answers 409.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from spcomms.accounts.models import User
from spcomms.pagination import filters_query
from spcomms.reference.models import Country
from spcomms.visits import forms
from spcomms.visits.models import (
    Recommendation,
    StandingInvitation,
    VisitEvent,
    VisitRequest,
)
from spcomms.visits.services import (
    InvalidInput,
    NotAllowed,
    WorkflowError,
    can_manage_visits,
    recommendation_add,
    recommendation_review,
    standing_invitation_extend,
    standing_invitation_withdraw,
    step_refusal,
    steps_allowed,
    visit_links_set,
    visit_request_create,
    visit_step_record,
)

PAGE_SIZE = 25
BAD_REQUEST = 400
CONFLICT = 409
LARGEST_ID = 2**63 - 1

View = Callable[..., HttpResponse]


def staff_page(view: View) -> View:
    """Send a visitor who is not signed in to sign in; answer 404 to anyone signed in
    without a staff role; hand the view the acting user."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not can_manage_visits(user):
            raise Http404
        assert isinstance(user, User)  # noqa: S101  # can_manage_visits checked it
        try:
            return view(request, user, *args, **kwargs)
        except NotAllowed as denied:
            raise Http404 from denied

    return wrapped


def _visit(pk: int) -> VisitRequest:
    if pk > LARGEST_ID:
        raise Http404
    try:
        return VisitRequest.objects.select_related("mandate", "country").get(pk=pk)
    except VisitRequest.DoesNotExist as missing:
        raise Http404 from missing


def _refused(form: django_forms.Form, error: InvalidInput) -> None:
    form.add_error(error.field if error.field in form.fields else None, str(error))


def _after_visit(
    request: HttpRequest,
    user: User,
    visit: VisitRequest,
    form: django_forms.Form,
    *,
    action: str,
    record: Callable[..., object],
    recorded: str,
    too_early: str,
) -> HttpResponse | None:
    """Record what a visit carried out gives (its links, a recommendation) with `record`.
    Answers the redirect once recorded, 409 when the workflow refuses or the visit is
    not carried out yet, and None when the form is refused: the caller then renders the
    page again with that form and 400."""
    if form.is_valid():
        try:
            record(actor=user, visit=visit, **form.cleaned_data)
        except InvalidInput as error:
            _refused(form, error)
        except WorkflowError as error:
            return _detail(
                request,
                visit,
                status=CONFLICT,
                action_error={"action": action, "message": str(error)},
            )
        else:
            messages.success(request, recorded)
            return redirect("visits:detail", pk=visit.pk)
    if visit.status != "carried_out":
        return _detail(
            request,
            visit,
            status=CONFLICT,
            action_error={"action": action, "message": too_early},
        )
    return None


@require_GET
@staff_page
def visit_list(request: HttpRequest, user: User) -> HttpResponse:
    filters = forms.FilterForm(request.GET or None)
    found = VisitRequest.objects.select_related("mandate", "country")
    status = 200
    if filters.is_bound and not filters.is_valid():
        status = BAD_REQUEST
    elif filters.is_bound:
        data = filters.cleaned_data
        if data["mandate"]:
            found = found.filter(mandate=data["mandate"])
        if data["country"]:
            found = found.filter(country=data["country"])
        if data["status"]:
            found = found.filter(status=data["status"])
        if data["year"]:
            found = found.filter(requested_on__year=data["year"])
    page = Paginator(found.order_by("-requested_on", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    # Steps counted for the page's requests only, not grouped over the whole table.
    shown = list(page.object_list)
    steps = dict(
        VisitEvent.objects.filter(request__in=shown)
        .values("request_id")
        .annotate(count=Count("pk"))
        .values_list("request_id", "count")
    )
    rows = [(visit, steps.get(visit.pk, 0)) for visit in shown]
    return render(
        request,
        "visits/list.html",
        {
            "page": page,
            "rows": rows,
            "filters": filters,
            "query": filters_query(request),
            # Rendered by the template's own loop: Django's widget renders each of some 250
            # options through a template of its own, which cost most of the page.
            "countries": sorted(
                ((c.iso3, c.name) for c in Country.objects.all()), key=lambda pair: pair[1]
            ),
            "chosen_country": request.GET.get("country", ""),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@staff_page
def visit_create(request: HttpRequest, user: User) -> HttpResponse:
    form = forms.RequestForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = BAD_REQUEST
        if form.is_valid():
            try:
                created = visit_request_create(actor=user, **form.cleaned_data)
            except InvalidInput as error:
                _refused(form, error)
            except WorkflowError as error:
                form.add_error(None, str(error))
                status = CONFLICT
            else:
                messages.success(request, _("The visit request is recorded."))
                return redirect("visits:detail", pk=created.pk)
    return render(request, "visits/form.html", {"form": form}, status=status)


def _detail(
    request: HttpRequest,
    visit: VisitRequest,
    *,
    status: int = 200,
    step_form: forms.StepForm | None = None,
    links_form: forms.LinksForm | None = None,
    recommendation_form: forms.RecommendationForm | None = None,
    review: tuple[int, forms.ReviewForm] | None = None,
    action_error: dict[str, str] | None = None,
) -> HttpResponse:
    visit = _visit(visit.pk)
    events = visit.events.select_related("recorded_by").order_by("on", "pk")
    recommendations = [
        (
            recommendation,
            review[1]
            if review and review[0] == recommendation.pk
            else forms.ReviewForm(
                initial={
                    "status": recommendation.status,
                    "reviewed_on": recommendation.reviewed_on,
                },
                prefix=f"r{recommendation.pk}",
            ),
        )
        for recommendation in visit.recommendations.order_by("pk")
    ]
    carried_out = visit.status == "carried_out"
    return render(
        request,
        "visits/detail.html",
        {
            "visit": visit,
            "events": events,
            "step_form": step_form or forms.StepForm(visit=visit),
            "may_step": bool(steps_allowed(visit)),
            "links_form": links_form
            or forms.LinksForm(
                initial={
                    "statement_url": visit.statement_url,
                    "report_symbol": visit.report_symbol,
                    "report_url": visit.report_url,
                }
            )
            if carried_out
            else None,
            "recommendation_form": recommendation_form or forms.RecommendationForm()
            if carried_out
            else None,
            "recommendations": recommendations,
            "action_error": action_error,
        },
        status=status,
    )


@require_GET
@staff_page
def visit_detail(request: HttpRequest, user: User, pk: int) -> HttpResponse:
    return _detail(request, _visit(pk))


@require_POST
@staff_page
def visit_step(request: HttpRequest, user: User, pk: int) -> HttpResponse:
    visit = _visit(pk)
    form = forms.StepForm(request.POST, visit=visit)
    if not form.is_valid():
        # A known step that the form does not offer now: the workflow refuses it (409).
        refusal = step_refusal(visit, request.POST.get("status", ""))
        if "status" in form.errors and refusal is not None:
            return _detail(
                request,
                visit,
                status=CONFLICT,
                action_error={"action": "step", "message": str(refusal)},
            )
        return _detail(request, visit, status=BAD_REQUEST, step_form=form)
    try:
        visit_step_record(actor=user, visit=visit, **form.cleaned_data)
    except InvalidInput as error:
        _refused(form, error)
        return _detail(request, visit, status=BAD_REQUEST, step_form=form)
    except WorkflowError as error:
        return _detail(
            request, visit, status=CONFLICT, action_error={"action": "step", "message": str(error)}
        )
    messages.success(request, _("The step is recorded."))
    return redirect("visits:detail", pk=visit.pk)


@require_POST
@staff_page
def visit_links(request: HttpRequest, user: User, pk: int) -> HttpResponse:
    visit = _visit(pk)
    form = forms.LinksForm(request.POST)
    answer = _after_visit(
        request,
        user,
        visit,
        form,
        action="links",
        record=visit_links_set,
        recorded=_("The statement and report are recorded."),
        too_early=_("A statement and a report come after a visit carried out."),
    )
    if answer is not None:
        return answer
    return _detail(request, visit, status=BAD_REQUEST, links_form=form)


@require_POST
@staff_page
def recommendation_new(request: HttpRequest, user: User, pk: int) -> HttpResponse:
    visit = _visit(pk)
    form = forms.RecommendationForm(request.POST)
    answer = _after_visit(
        request,
        user,
        visit,
        form,
        action="recommendation",
        record=recommendation_add,
        recorded=_("The recommendation is recorded."),
        too_early=_("Recommendations come from a visit carried out."),
    )
    if answer is not None:
        return answer
    return _detail(request, visit, status=BAD_REQUEST, recommendation_form=form)


@require_POST
@staff_page
def recommendation_update(request: HttpRequest, user: User, pk: int, rec: int) -> HttpResponse:
    visit = _visit(pk)
    if rec > LARGEST_ID:
        raise Http404
    try:
        recommendation = Recommendation.objects.get(pk=rec, visit=visit)
    except Recommendation.DoesNotExist as missing:
        raise Http404 from missing
    form = forms.ReviewForm(request.POST, prefix=f"r{recommendation.pk}")
    if form.is_valid():
        try:
            recommendation_review(actor=user, recommendation=recommendation, **form.cleaned_data)
        except InvalidInput as error:
            _refused(form, error)
        else:
            messages.success(request, _("The follow-up status is recorded."))
            return redirect("visits:detail", pk=visit.pk)
    return _detail(request, visit, status=BAD_REQUEST, review=(recommendation.pk, form))


def _invitations(
    request: HttpRequest,
    *,
    status: int = 200,
    extend_form: forms.ExtendForm | None = None,
    withdraw: tuple[int, forms.WithdrawForm] | None = None,
    action_error: dict[str, str] | None = None,
) -> HttpResponse:
    invitations = sorted(
        StandingInvitation.objects.select_related("country").order_by("-extended_on", "-pk"),
        key=lambda invitation: invitation.country.name,
    )
    rows = [
        (
            invitation,
            withdraw[1]
            if withdraw and withdraw[0] == invitation.pk
            else forms.WithdrawForm(prefix=f"w{invitation.pk}")
            if invitation.withdrawn_on is None
            else None,
        )
        for invitation in invitations
    ]
    return render(
        request,
        "visits/invitations.html",
        {
            "rows": rows,
            "open_count": sum(1 for invitation, _form in rows if invitation.withdrawn_on is None),
            "extend_form": extend_form or forms.ExtendForm(),
            "action_error": action_error,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@staff_page
def invitation_list(request: HttpRequest, user: User) -> HttpResponse:
    if request.method == "GET":
        return _invitations(request)
    form = forms.ExtendForm(request.POST)
    if form.is_valid():
        try:
            standing_invitation_extend(actor=user, **form.cleaned_data)
        except InvalidInput as error:
            _refused(form, error)
        except WorkflowError as error:
            form.add_error(None, str(error))
            return _invitations(request, status=CONFLICT, extend_form=form)
        else:
            messages.success(request, _("The standing invitation is recorded."))
            return redirect("visits:invitations")
    return _invitations(request, status=BAD_REQUEST, extend_form=form)


@require_POST
@staff_page
def invitation_withdraw(request: HttpRequest, user: User, pk: int) -> HttpResponse:
    if pk > LARGEST_ID:
        raise Http404
    try:
        invitation = StandingInvitation.objects.get(pk=pk)
    except StandingInvitation.DoesNotExist as missing:
        raise Http404 from missing
    form = forms.WithdrawForm(request.POST, prefix=f"w{invitation.pk}")
    if form.is_valid():
        try:
            standing_invitation_withdraw(actor=user, invitation=invitation, **form.cleaned_data)
        except InvalidInput as error:
            _refused(form, error)
        except WorkflowError as error:
            return _invitations(
                request,
                status=CONFLICT,
                action_error={"action": "withdraw", "message": str(error)},
            )
        else:
            messages.success(request, _("The withdrawal is recorded."))
            return redirect("visits:invitations")
    return _invitations(request, status=BAD_REQUEST, withdraw=(invitation.pk, form))
