"""The staff's triage pages, under /staff/intake/: the inbox and a submission's page.

Only those ``services.can_triage`` lets in reach them: a visitor who is not signed
in is sent to the sign-in page; a signed-in user without the right gets a 403 on
the inbox and a 404 on any submission, the same answer as for one that does not
exist. The inbox reads only the columns kept in clear (ADR 5) and never opens a
sealed answer. A submission's page opens it through ``submission_read``, so each
read is audited; each action calls one service, which checks and audits it. Bad
input answers 400 with the message next to the field and what was typed kept; a
step the workflow refuses answers 409.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Field, Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from spcomms.accounts.models import User
from spcomms.cases.access import may_manage_persons
from spcomms.cases.models import CaseFile, Person
from spcomms.cases.proposals import lookalikes
from spcomms.communications.models import Communication, ReplyComment
from spcomms.intake import staff_forms
from spcomms.intake.attachments import REMOVED
from spcomms.intake.models import (
    Submission,
    SubmissionAttachment,
    SubmissionStatus,
)
from spcomms.intake.services import (
    OPEN_STATUSES,
    NotAllowed,
    SubmissionInvalid,
    WorkflowError,
    attachment_read,
    can_read_originals,
    can_triage,
    decision_no_action,
    decision_open_case_file,
    info_request,
    staff_message_send,
    submission_assign,
    submission_read,
    submission_set_status,
)
from spcomms.pagination import filters_query
from spcomms.reference.models import Mandate
from spcomms.reprisals.services import source_report_pending

PAGE_SIZE = 25
BAD_REQUEST = 400
CONFLICT = 409

# The answers in the order of the form, with whether each may go to a government at all.
ANSWER_SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("urgency", ("urgency_reason",)),
    ("facts", ("facts", "places")),
    ("background", ("perpetrators", "context", "action_taken")),
    ("request", ("requested_action", "press_release_reason", "joint_action_reason")),
)


class _SignInFirst(Exception):
    """The visitor is not signed in: the page sends them to the sign-in form."""


def _triager(request: HttpRequest) -> User:
    """The signed-in user allowed to triage; ``PermissionDenied`` for anyone else signed in."""
    user = request.user
    if isinstance(user, AnonymousUser) or not user.is_authenticated:
        raise _SignInFirst
    assert isinstance(user, User)  # noqa: S101  # the project's user model
    if not can_triage(user):
        raise PermissionDenied
    return user


def _triager_of_object(request: HttpRequest) -> User:
    """As ``_triager``, but a 404 for a signed-in user without the right: a submission's
    page never says whether it exists."""
    try:
        return _triager(request)
    except PermissionDenied as denied:
        raise Http404 from denied


def _signed_in_only(view: Any) -> Any:
    """Send a visitor who is not signed in to the sign-in page, then back here."""

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            response: HttpResponse = view(request, *args, **kwargs)
        except _SignInFirst:
            return redirect_to_login(request.get_full_path())
        return response

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _submission(public_id: Any) -> Submission:
    try:
        return Submission.objects.get(public_id=public_id)
    except (Submission.DoesNotExist, ValueError) as missing:
        raise Http404 from missing


def _short(submission: Submission) -> str:
    return submission.public_id.hex[:8]


# The inbox ------------------------------------------------------------------------------


def inbox_queryset(user: User, filters: staff_forms.InboxFilterForm) -> QuerySet[Submission]:
    """The submissions the filters ask for, urgent first, then the oldest; clear columns only.

    A submission whose source reported a reprisal not yet taken up comes before all
    others, marked urgent, and counts as open whatever its status (docs/reprisals.md)."""
    found = Submission.objects.annotate(reprisal_reported=source_report_pending())
    data = filters.cleaned_data
    status = data.get("status") or staff_forms.OPEN
    if status == staff_forms.OPEN:
        found = found.filter(Q(status__in=OPEN_STATUSES) | Q(reprisal_reported=True))
    elif status != staff_forms.ALL:
        found = found.filter(status=status)
    if data.get("mandate"):
        found = found.filter(mandates_wished=data["mandate"])
    if data.get("country"):
        found = found.filter(country=data["country"])
    if data.get("language"):
        found = found.filter(language=data["language"])
    if data.get("assigned") == staff_forms.ASSIGNED_TO_ME:
        found = found.filter(assigned_to=user)
    elif data.get("assigned") == staff_forms.UNASSIGNED:
        found = found.filter(assigned_to__isnull=True)
    # Only clear columns: a deferred sealed field is never loaded, so never opened.
    return (
        found.only(
            "public_id",
            "status",
            "language",
            "is_urgent",
            "act_before",
            "received_at",
            "country",
            "assigned_to",
        )
        .select_related("country", "assigned_to")
        .annotate(victim_count=Count("victims", distinct=True))
        .prefetch_related(Prefetch("mandates_wished", queryset=Mandate.objects.order_by("code")))
        .order_by("-reprisal_reported", "-is_urgent", "received_at", "pk")
    )


@never_cache
@require_GET
@_signed_in_only
def inbox(request: HttpRequest) -> HttpResponse:
    user = _triager(request)
    filters = staff_forms.InboxFilterForm(request.GET)
    status = 200
    if filters.is_valid():
        page = Paginator(inbox_queryset(user, filters), PAGE_SIZE).get_page(request.GET.get("page"))
    else:
        status = BAD_REQUEST
        page = Paginator(Submission.objects.none(), PAGE_SIZE).get_page(1)
    return render(
        request,
        "intake/staff/inbox.html",
        {
            "page": page,
            "filters": filters,
            "query": filters_query(request),
            "here": request.get_full_path(),
            "colleagues": list(staff_forms.colleagues()),
        },
        status=status,
    )


# A submission's page ----------------------------------------------------------------------


def _label(name: str) -> str:
    answer = Submission._meta.get_field(name)
    assert isinstance(answer, Field)  # noqa: S101  # answers are plain fields
    return str(answer.verbose_name).capitalize()


def _answers(submission: Submission) -> list[dict[str, Any]]:
    marked = set(submission.not_to_transmit or [])
    sections = []
    for key, names in ANSWER_SECTIONS:
        rows = [
            {
                "name": name,
                "label": _label(name),
                "value": str(getattr(submission, name) or ""),
                "not_to_transmit": name in marked,
            }
            for name in names
        ]
        sections.append({"key": key, "rows": rows})
    return sections


def _file_view(attachment: SubmissionAttachment) -> dict[str, Any]:
    return {
        "attachment": attachment,
        "filename": attachment.filename,
        "size_kb": max(1, round(attachment.cleaned_size / 1000)) if attachment.cleaned_size else 0,
        "removed": [str(REMOVED[code]) for code in attachment.removed if code in REMOVED],
    }


def _reply_comments(submission: Submission) -> list[ReplyComment]:
    return list(
        ReplyComment.objects.filter(submission=submission)
        .select_related("reply__communication")
        .order_by("at", "pk")
    )


def _detail_context(
    user: User, submission: Submission, **forms: django_forms.Form
) -> dict[str, Any]:
    """Everything the submission's page shows; ``submission`` was opened by
    ``submission_read`` (audited)."""
    files: dict[int | None, list[dict[str, Any]]] = {}
    for attachment in sorted(submission.attachments.all(), key=lambda a: a.pk):
        files.setdefault(attachment.message_id, []).append(_file_view(attachment))
    thread = [
        {"message": message, "files": files.get(message.pk, [])}
        for message in sorted(submission.messages.all(), key=lambda m: (m.sent_at, m.pk))
    ]
    case_file = CaseFile.objects.filter(submission=submission).select_related("country").first()
    communications = (
        list(Communication.objects.filter(case_files=case_file).order_by("pk"))
        if case_file is not None
        else []
    )
    decided = submission.status not in OPEN_STATUSES
    status_form = staff_forms.StatusForm(present=submission.status)
    context: dict[str, Any] = {
        "submission": submission,
        "short": _short(submission),
        "answers": _answers(submission),
        "marked": set(submission.not_to_transmit or []),
        "victims": sorted(submission.victims.all(), key=lambda v: v.position),
        "mandates": list(submission.mandates_wished.all()),
        "first_files": files.get(None, []),
        "thread": thread,
        "may_read_originals": can_read_originals(user),
        "case_file": case_file,
        "case_persons": _case_persons(user, case_file),
        "communications": communications,
        "reply_comments": _reply_comments(submission),
        "assign_form": staff_forms.AssignForm(initial={"assignee": submission.assigned_to_id}),
        "message_form": staff_forms.MessageForm(),
        "info_form": staff_forms.InfoRequestForm()
        if submission.status in (SubmissionStatus.RECEIVED, SubmissionStatus.UNDER_REVIEW)
        else None,
        "status_form": status_form if status_form.fields["to_status"].choices else None,  # type: ignore[attr-defined]  # a ChoiceField
        "no_action_form": None if decided or case_file else staff_forms.NoActionForm(),
        "case_file_form": None
        if decided or case_file
        else staff_forms.CaseFileForm(
            initial={"country": submission.country.iso3 if submission.country else None}
        ),
    }
    for name, form in forms.items():
        context[name] = form
    return context


def _case_persons(user: User, case_file: CaseFile | None) -> list[tuple[Person, int]]:
    """The persons the case file names, each with how many recorded persons may be the same,
    for staff who may see persons (``spcomms.cases.access``)."""
    if case_file is None or not may_manage_persons(user):
        return []
    named = list(Person.objects.filter(case_entries__case_file=case_file).order_by("pk"))
    return lookalikes(named) if named else []


def _render_detail(
    request: HttpRequest,
    user: User,
    submission: Submission,
    *,
    status: int = 200,
    action_error: dict[str, str] | None = None,
    forms: dict[str, django_forms.Form] | None = None,
) -> HttpResponse:
    opened = submission_read(actor=user, submission=submission)
    context = _detail_context(user, opened, **(forms or {}))
    context["action_error"] = action_error
    return render(request, "intake/staff/detail.html", context, status=status)


@never_cache
@require_GET
@_signed_in_only
def submission_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    user = _triager_of_object(request)
    return _render_detail(request, user, _submission(public_id))


def _done(request: HttpRequest, submission: Submission, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("intake_staff:detail", public_id=submission.public_id)


def _refused(
    request: HttpRequest,
    user: User,
    submission: Submission,
    error: Exception,
    *,
    action: str,
    form_name: str,
    form: django_forms.Form,
) -> HttpResponse:
    """The page again with the refusal next to the action and what was typed kept."""
    if isinstance(error, SubmissionInvalid) and error.field in form.fields:
        form.add_error(error.field, str(error))
        return _render_detail(
            request, user, submission, status=BAD_REQUEST, forms={form_name: form}
        )
    status = CONFLICT if isinstance(error, WorkflowError) else BAD_REQUEST
    return _render_detail(
        request,
        user,
        submission,
        status=status,
        action_error={"action": action, "message": str(error)},
        forms={form_name: form},
    )


@never_cache
@require_POST
@_signed_in_only
def submission_assign_view(request: HttpRequest, public_id: Any) -> HttpResponse:
    user = _triager_of_object(request)
    submission = _submission(public_id)
    back = request.POST.get("next", "")
    if request.POST.get("to_me") == "1":
        assignee: User | None = user
    else:
        form = staff_forms.AssignForm(request.POST)
        if not form.is_valid():
            return _render_detail(
                request, user, submission, status=BAD_REQUEST, forms={"assign_form": form}
            )
        assignee = form.cleaned_data["assignee"]
    try:
        submission_assign(actor=user, submission=submission, assignee=assignee)
    except NotAllowed as denied:
        raise Http404 from denied
    except WorkflowError as error:
        return _render_detail(
            request,
            user,
            submission,
            status=CONFLICT,
            action_error={"action": "assign", "message": str(error)},
        )
    if assignee is None:
        done = _("Submission %(short)s is no longer assigned.") % {"short": _short(submission)}
    else:
        done = _("Submission %(short)s is assigned to %(name)s.") % {
            "short": _short(submission),
            "name": assignee.get_full_name() or assignee.username,
        }
    messages.success(request, done)
    if back and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(back)
    return redirect("intake_staff:detail", public_id=submission.public_id)


def _form_action(
    request: HttpRequest,
    public_id: Any,
    *,
    form_class: type[django_forms.Form],
    action: str,
    perform: Callable[[User, Submission, dict[str, Any]], str],
) -> HttpResponse:
    """A staff action taken through a form on the submission page: the form checked
    (400 with its errors next to the fields), then the service (``perform``, which
    returns the message to show; a refusal is a 409 next to the action)."""
    user = _triager_of_object(request)
    submission = _submission(public_id)
    form_name = f"{action}_form"
    form = form_class(request.POST)
    if not form.is_valid():
        return _render_detail(
            request, user, submission, status=BAD_REQUEST, forms={form_name: form}
        )
    try:
        done = perform(user, submission, form.cleaned_data)
    except (SubmissionInvalid, WorkflowError) as error:
        return _refused(
            request, user, submission, error, action=action, form_name=form_name, form=form
        )
    return _done(request, submission, done)


@never_cache
@require_POST
@_signed_in_only
def submission_message_view(request: HttpRequest, public_id: Any) -> HttpResponse:
    def perform(user: User, submission: Submission, data: dict[str, Any]) -> str:
        staff_message_send(actor=user, submission=submission, body=data["body"])
        return _("Your message was sent to the source.")

    return _form_action(
        request, public_id, form_class=staff_forms.MessageForm, action="message", perform=perform
    )


@never_cache
@require_POST
@_signed_in_only
def submission_info_request_view(request: HttpRequest, public_id: Any) -> HttpResponse:
    def perform(user: User, submission: Submission, data: dict[str, Any]) -> str:
        info_request(actor=user, submission=submission, body=data["body"])
        return _("The source is asked for more information.")

    return _form_action(
        request, public_id, form_class=staff_forms.InfoRequestForm, action="info", perform=perform
    )


@never_cache
@require_POST
@_signed_in_only
def submission_status_view(request: HttpRequest, public_id: Any) -> HttpResponse:
    user = _triager_of_object(request)
    submission = _submission(public_id)
    form = staff_forms.StatusForm(request.POST, present=submission.status)
    if not form.is_valid():
        return _render_detail(
            request,
            user,
            submission,
            status=BAD_REQUEST,
            action_error={
                "action": "status",
                "message": _("This status cannot be set now: choose one from the list."),
            },
        )
    try:
        changed = submission_set_status(
            actor=user, submission=submission, to_status=form.cleaned_data["to_status"]
        )
    except WorkflowError as error:
        return _refused(
            request, user, submission, error, action="status", form_name="status_form", form=form
        )
    return _done(
        request,
        submission,
        _("The status is now: %(status)s.") % {"status": changed.get_status_display()},
    )


@never_cache
@require_POST
@_signed_in_only
def submission_no_action_view(request: HttpRequest, public_id: Any) -> HttpResponse:
    def perform(user: User, submission: Submission, data: dict[str, Any]) -> str:
        decision_no_action(
            actor=user,
            submission=submission,
            internal_reason=data["internal_reason"],
            reason_for_source=data["reason_for_source"],
        )
        return _("Recorded: no action.")

    return _form_action(
        request, public_id, form_class=staff_forms.NoActionForm, action="no_action", perform=perform
    )


@never_cache
@require_POST
@_signed_in_only
def submission_case_file_view(request: HttpRequest, public_id: Any) -> HttpResponse:
    def perform(user: User, submission: Submission, data: dict[str, Any]) -> str:
        case_file = decision_open_case_file(
            actor=user, submission=submission, country=data["country"], summary=data["summary"]
        )
        return _("Case file %(number)s is open. You can now draft a communication from it.") % {
            "number": case_file.pk
        }

    return _form_action(
        request, public_id, form_class=staff_forms.CaseFileForm, action="case_file", perform=perform
    )


@never_cache
@require_GET
@_signed_in_only
def attachment_download(
    request: HttpRequest, public_id: Any, file_id: Any, original: bool = False
) -> HttpResponse:
    """A file of the submission: the cleaned copy, or the original with the right (audited)."""
    user = _triager_of_object(request)
    submission = _submission(public_id)
    try:
        attachment = SubmissionAttachment.objects.get(public_id=file_id, submission=submission)
    except (SubmissionAttachment.DoesNotExist, ValueError) as missing:
        raise Http404 from missing
    attachment.submission = submission
    try:
        data = attachment_read(actor=user, attachment=attachment, original=original)
    except NotAllowed as denied:
        raise Http404 from denied
    response = HttpResponse(data, content_type=attachment.content_type)
    disposition = content_disposition_header(
        as_attachment=True, filename=attachment.filename or "file"
    )
    if disposition:
        response["Content-Disposition"] = disposition
    response["X-Content-Type-Options"] = "nosniff"
    return response
