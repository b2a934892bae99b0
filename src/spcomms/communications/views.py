"""Staff pages for communications: they parse input, call one service, and show the result.

Every read of a communication or a reply goes through ``spcomms.communications.access``;
a forbidden object answers the same 404 as a missing one. An illegal workflow step
answers 409 with the service's message next to the action.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Field, Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from spcomms.accounts.models import User
from spcomms.audit.models import AuditEvent
from spcomms.cases.models import CaseFile, CaseFilePerson, Person
from spcomms.communications import forms
from spcomms.communications.access import (
    access_communication,
    access_reply,
    communications_visible,
    may_use_staff_pages,
)
from spcomms.communications.documents import letter_filename, letter_html, letter_pdf
from spcomms.communications.letters import Audience, RenderRefused, letter_render
from spcomms.communications.models import (
    Communication,
    CommunicationMandate,
    CommunicationStatus,
    PublicState,
)
from spcomms.communications.services import (
    NotAllowed,
    WorkflowError,
    can_approve,
    can_draft,
    communication_approve,
    communication_draft,
    communication_from_case_files,
    communication_name_person,
    communication_send,
    communication_unwithhold,
    communication_update,
    communication_withhold,
    consent_problem,
    reply_classify,
    reply_record,
    send_problems,
)
from spcomms.intake.models import TRANSMITTABLE_ANSWERS, Submission, SubmissionAttachment
from spcomms.pagination import filters_query
from spcomms.reference.models import Mandate

PAGE_SIZE = 25
CASE_FILES_SHOWN = 100
BAD_REQUEST = 400
CONFLICT = 409
WITHHOLDING_ACTIONS = ("communication_withhold", "communication_unwithhold")


def _staff(request: HttpRequest) -> User:
    """The signed-in user of a staff page, or the 404 everyone else gets."""
    user = request.user
    if isinstance(user, AnonymousUser) or not may_use_staff_pages(user):
        raise Http404
    assert isinstance(user, User)  # noqa: S101  # may_use_staff_pages checked it
    return user


def _drafter(request: HttpRequest) -> User:
    user = _staff(request)
    if not can_draft(user):
        raise Http404
    return user


def communication_list(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    filters = forms.FilterForm(request.GET or None)
    found = communications_visible(user)
    if filters.is_valid():
        data = filters.cleaned_data
        if data["status"]:
            found = found.filter(status=data["status"])
        if data["type"]:
            found = found.filter(type=data["type"])
        if data["mandate"]:
            found = found.filter(mandate_links__mandate=data["mandate"]).distinct()
        if data["year"]:
            # The year of the reference once sent, of the drafting before.
            found = found.filter(
                Q(ref_year=data["year"]) | Q(ref_year__isnull=True, created_at__year=data["year"])
            )
    found = found.order_by("-created_at", "-pk").prefetch_related(
        Prefetch(
            "mandate_links",
            queryset=CommunicationMandate.objects.select_related("mandate"),
        )
    )
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "communications/list.html",
        {
            "page": page,
            "filters": filters,
            "query": filters_query(request),
            "may_draft": can_draft(user),
        },
    )


@dataclass
class CaseFileReport:
    """What a communication leaves out of one of its case files, and why."""

    case_file: CaseFile
    persons_not_named: list[tuple[Person, str]] = field(default_factory=list)
    answers_left_out: list[str] = field(default_factory=list)
    attachments_left_out: list[SubmissionAttachment] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not (self.persons_not_named or self.answers_left_out or self.attachments_left_out)


def _answer_label(name: str) -> str:
    answer = Submission._meta.get_field(name)
    assert isinstance(answer, Field)  # noqa: S101  # TRANSMITTABLE_ANSWERS are plain fields
    return str(answer.verbose_name).capitalize()


def _case_file_reports(communication: Communication) -> list[CaseFileReport]:
    """Derived each time from the case files, the named persons and today's consents, so
    it says what is still left out, also after a consent was recorded or revoked."""
    named = set(communication.named.values_list("person_id", flat=True))
    files = communication.case_files.select_related("country", "submission").prefetch_related(
        Prefetch(
            "entries",
            queryset=CaseFilePerson.objects.select_related("person").prefetch_related(
                "person__consents"
            ),
        ),
        "submission__attachments",
    )
    reports = []
    for case_file in files.order_by("pk"):
        report = CaseFileReport(case_file=case_file)
        for entry in case_file.entries.all():
            if entry.person_id in named:
                continue
            reason = consent_problem(entry.person) or _(
                "not named yet, although their consent now allows it: name them if the letter "
                "is about them."
            )
            report.persons_not_named.append((entry.person, reason))
        submission = case_file.submission
        if submission is not None:
            marked = set(submission.not_to_transmit or [])
            report.answers_left_out = [
                _answer_label(answer)
                for answer in TRANSMITTABLE_ANSWERS
                if answer in marked and str(getattr(submission, answer) or "").strip()
            ]
            report.attachments_left_out = [
                attachment
                for attachment in submission.attachments.all()
                if attachment.not_to_transmit
            ]
        reports.append(report)
    return reports


def _withholding_history(communication: Communication) -> list[AuditEvent]:
    """When the communication was withheld and released, from the audit log."""
    return list(
        AuditEvent.objects.filter(
            object_type=communication._meta.label_lower,
            object_id=str(communication.pk),
            action__in=WITHHOLDING_ACTIONS,
        ).order_by("at", "pk")
    )


def _detail_context(user: User, communication: Communication) -> dict[str, Any]:
    try:
        letter = letter_render(communication=communication, audience=Audience.STAFF)
        letter_error = ""
    except RenderRefused as refused:
        letter, letter_error = None, str(refused)
    links = list(communication.mandate_links.select_related("mandate", "approved_by"))
    approvable = Mandate.objects.filter(
        pk__in=[
            link.mandate_id
            for link in links
            if link.approved_at is None and can_approve(user, link.mandate)
        ]
    )
    drafting = communication.status == "draft"
    return {
        "communication": communication,
        "letter": letter,
        "letter_error": letter_error,
        "mandate_links": links,
        "addressees": communication.addressees.select_related("country", "non_state_actor"),
        "named": communication.named.select_related("person").prefetch_related(
            "violations", "perpetrators"
        ),
        "replies": communication.replies.select_related("reply_class"),
        "public_state": communication.public_state(),
        "may_draft": can_draft(user),
        "send_problems": send_problems(communication) if drafting else [],
        "approve_form": forms.ApproveForm(mandates=approvable) if drafting and approvable else None,
        "send_form": forms.SendForm() if drafting and can_draft(user) else None,
        "withhold_form": forms.WithholdForm()
        if communication.status == "sent" and not communication.withheld and can_draft(user)
        else None,
        "may_unwithhold": communication.status == "sent"
        and communication.withheld
        and can_draft(user),
        "withholding_history": _withholding_history(communication)
        if communication.status == "sent"
        else [],
        "case_file_reports": _case_file_reports(communication),
        "classify_form": forms.ClassifyForm() if can_draft(user) else None,
    }


def communication_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    communication = access_communication(user, pk)
    return render(request, "communications/detail.html", _detail_context(user, communication))


def _conflict(
    request: HttpRequest, user: User, communication: Communication, action: str, error: Exception
) -> HttpResponse:
    context = _detail_context(user, communication)
    context["action_error"] = {"action": action, "message": str(error)}
    if action == "send" and hasattr(error, "reasons"):
        context["action_error"]["reasons"] = error.reasons
    return render(request, "communications/detail.html", context, status=CONFLICT)


@require_http_methods(["GET", "POST"])
def communication_create(request: HttpRequest) -> HttpResponse:
    user = _drafter(request)
    form = forms.CommunicationForm(request.POST or None, initial={"language": "en"})
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            created = communication_draft(actor=user, **form.cleaned_data)
        except WorkflowError as error:
            form.add_error(None, str(error))
            status = CONFLICT
        else:
            messages.success(request, _("The draft is saved."))
            return redirect("communications:detail", pk=created.pk)
    return render(
        request, "communications/form.html", {"form": form, "communication": None}, status=status
    )


@require_http_methods(["GET", "POST"])
def communication_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _drafter(request)
    communication = access_communication(user, pk)
    form = forms.CommunicationForm(
        request.POST or None, initial=forms.CommunicationForm.initial_for(communication)
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            communication_update(actor=user, communication=communication, **form.cleaned_data)
        except WorkflowError as error:
            form.add_error(None, str(error))
            status = CONFLICT
        else:
            messages.success(request, _("The draft is saved; its approvals must be given again."))
            return redirect("communications:detail", pk=communication.pk)
    return render(
        request,
        "communications/form.html",
        {"form": form, "communication": communication},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def communication_name(request: HttpRequest, pk: int) -> HttpResponse:
    user = _drafter(request)
    communication = access_communication(user, pk)
    form = forms.NamePersonForm(request.POST or None, communication=communication)
    status = 200
    if request.method == "POST" and form.is_valid():
        person = form.cleaned_data["person"]
        try:
            communication_name_person(
                actor=user,
                communication=communication,
                person=person,
                violations=form.cleaned_data["violations"],
                perpetrators=form.cleaned_data["perpetrators"],
            )
        except WorkflowError as error:
            form.add_error(None, str(error))
            status = CONFLICT
        else:
            messages.success(request, _("The person is named in the draft."))
            return redirect("communications:detail", pk=communication.pk)
    return render(
        request,
        "communications/name_person.html",
        {"form": form, "communication": communication},
        status=status,
    )


@require_POST
def communication_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    communication = access_communication(user, pk)
    form = forms.ApproveForm(request.POST, mandates=Mandate.objects.all())
    if not form.is_valid():
        return _conflict(
            request, user, communication, "approve", WorkflowError(_("Choose a mandate."))
        )
    try:
        communication_approve(
            actor=user, communication=communication, mandate=form.cleaned_data["mandate"]
        )
    except NotAllowed as denied:
        raise Http404 from denied
    except WorkflowError as error:
        return _conflict(request, user, communication, "approve", error)
    messages.success(request, _("The approval is recorded."))
    return redirect("communications:detail", pk=communication.pk)


@require_POST
def communication_send_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _drafter(request)
    communication = access_communication(user, pk)
    form = forms.SendForm(request.POST)
    if not form.is_valid():
        return _conflict(
            request, user, communication, "send", WorkflowError(_("Give the period in hours."))
        )
    try:
        sent = communication_send(
            actor=user, communication=communication, reply_period=form.reply_period()
        )
    except WorkflowError as error:
        return _conflict(request, user, communication, "send", error)
    messages.success(request, _("Sent as %(reference)s.") % {"reference": sent.reference})
    return redirect("communications:detail", pk=communication.pk)


@require_POST
def communication_withhold_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _drafter(request)
    communication = access_communication(user, pk)
    form = forms.WithholdForm(request.POST)
    if not form.is_valid():
        return _conflict(
            request, user, communication, "withhold", WorkflowError(_("Say why it is withheld."))
        )
    try:
        communication_withhold(
            actor=user, communication=communication, reason=form.cleaned_data["reason"]
        )
    except WorkflowError as error:
        return _conflict(request, user, communication, "withhold", error)
    messages.success(request, _("The communication is withheld from publication."))
    return redirect("communications:detail", pk=communication.pk)


@require_http_methods(["GET", "POST"])
def communication_unwithhold_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Asks to confirm (GET), then returns a withheld communication to the public record
    (POST)."""
    user = _drafter(request)
    communication = access_communication(user, pk)
    if request.method == "POST":
        try:
            released = communication_unwithhold(actor=user, communication=communication)
        except WorkflowError as error:
            return _conflict(request, user, communication, "unwithhold", error)
        if released.public_state() == PublicState.PUBLISHED:
            done = _("The communication is no longer withheld: it is back in the public record.")
        else:
            done = _(
                "The communication is no longer withheld: it becomes public when its reply "
                "deadline passes."
            )
        messages.success(request, done)
        return redirect("communications:detail", pk=communication.pk)
    if communication.status != CommunicationStatus.SENT or not communication.withheld:
        return _conflict(
            request,
            user,
            communication,
            "unwithhold",
            WorkflowError(
                _(
                    "This communication is not withheld: it already follows the public "
                    "record's rules."
                )
            ),
        )
    return render(
        request,
        "communications/unwithhold.html",
        {
            "communication": communication,
            "public_at_once": communication.reply_due_at is not None
            and communication.reply_due_at <= timezone.now(),
        },
    )


def _case_files_listed(
    filters: forms.CaseFileFilterForm, chosen: list[str]
) -> tuple[list[CaseFile], bool]:
    """The newest case files that match the filters, then any ticked ones not among them;
    and whether more match than are shown. Names stay out: a case file shows its number,
    country, status and how many persons it holds."""

    def shown(found: QuerySet[CaseFile]) -> QuerySet[CaseFile]:
        return (
            found.select_related("country")
            .annotate(persons_count=Count("entries", distinct=True))
            .prefetch_related("communications")
            .order_by("-opened_at", "-pk")
        )

    found = CaseFile.objects.all()
    if filters.is_valid():
        if filters.cleaned_data["country"]:
            found = found.filter(country=filters.cleaned_data["country"])
        if filters.cleaned_data["status"]:
            found = found.filter(status=filters.cleaned_data["status"])
    listed = list(shown(found)[: CASE_FILES_SHOWN + 1])
    more = len(listed) > CASE_FILES_SHOWN
    listed = listed[:CASE_FILES_SHOWN]
    present = {case_file.pk for case_file in listed}
    ticked = [
        int(value)
        for value in chosen
        if value.isdigit() and int(value) <= forms.LARGEST_ID and int(value) not in present
    ]
    if ticked:
        listed.extend(shown(CaseFile.objects.filter(pk__in=ticked)))
    return listed, more


@require_http_methods(["GET", "POST"])
def communication_from_case_files_view(request: HttpRequest) -> HttpResponse:
    """Take case files into a new draft or into a draft that exists.

    A link may choose the draft (``?into=7``), tick case files (``?case_files=12``) and
    filter the list (``?country=COL&status=open``).
    """
    user = _drafter(request)
    filters = forms.CaseFileFilterForm(request.GET)
    form = forms.CaseFilesForm(
        request.POST or None,
        initial={"into": request.GET.get("into", "")},
        communications=communications_visible(user),
    )
    status = 200
    if request.method == "POST":
        status = BAD_REQUEST
        if form.is_valid():
            files = list(form.cleaned_data["case_files"].select_related("country"))
            target = form.cleaned_data["into"]
            try:
                with transaction.atomic():
                    if target is None:
                        target = communication_draft(
                            actor=user,
                            **form.new_draft(),
                            addressee_states=list(
                                dict.fromkeys(case_file.country for case_file in files)
                            ),
                            case_files=files,
                        )
                    copy = communication_from_case_files(
                        actor=user, communication=target, case_files=files
                    )
            except WorkflowError as error:
                form.add_error("into" if form.cleaned_data["into"] else None, str(error))
                status = CONFLICT
            else:
                messages.success(
                    request,
                    _(
                        "The case files are taken in. Persons named: %(named)s. Persons not "
                        "named: %(refused)s. Answers left out: %(answers)s. Attachments left "
                        "out: %(attachments)s. Under “Case files” below you can see why."
                    )
                    % {
                        "named": len({person.pk for person in copy.persons_named}),
                        "refused": len({person.pk for person, _why in copy.persons_refused}),
                        "answers": len(copy.answers_left_out),
                        "attachments": len(copy.attachments_left_out),
                    },
                )
                return redirect("communications:detail", pk=target.pk)
    # Ticked as posted; on a first visit, as a link asked (``?case_files=12``).
    chosen = (request.POST if request.method == "POST" else request.GET).getlist("case_files")
    listed, more = _case_files_listed(filters, chosen)
    return render(
        request,
        "communications/from_case_files.html",
        {
            "form": form,
            "filters": filters,
            "case_files": listed,
            "chosen": set(chosen),
            "more": more,
            "shown": CASE_FILES_SHOWN,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def reply_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = _drafter(request)
    communication = access_communication(user, pk)
    form = forms.ReplyForm(request.POST or None, request.FILES or None, communication=communication)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            reply_record(actor=user, communication=communication, **form.cleaned_data)
        except WorkflowError as error:
            form.add_error(None, str(error))
            status = CONFLICT
        else:
            messages.success(request, _("The reply is logged."))
            return redirect("communications:detail", pk=communication.pk)
    return render(
        request,
        "communications/reply_form.html",
        {"form": form, "communication": communication},
        status=status,
    )


@require_POST
def reply_classify_view(request: HttpRequest, pk: int, reply_pk: int) -> HttpResponse:
    user = _drafter(request)
    communication = access_communication(user, pk)
    reply = access_reply(user, reply_pk)
    if reply.communication_id != communication.pk:
        raise Http404
    form = forms.ClassifyForm(request.POST)
    if not form.is_valid():
        return _conflict(
            request, user, communication, "classify", WorkflowError(_("Choose a class."))
        )
    try:
        reply_classify(actor=user, reply=reply, reply_class=form.cleaned_data["reply_class"])
    except WorkflowError as error:
        return _conflict(request, user, communication, "classify", error)
    messages.success(request, _("The reply is classified."))
    return redirect("communications:detail", pk=communication.pk)


def communication_letter(request: HttpRequest, pk: int, format: str) -> HttpResponse:
    """The letter as the State receives it, as HTML or PDF, in the letter's language.

    Refused (409) with the reason when someone named has not consented to be
    named to the State.
    """
    user = _staff(request)
    communication = access_communication(user, pk)
    with translation.override(communication.language):
        try:
            html = letter_html(communication=communication)
        except RenderRefused as refused:
            return _conflict(request, user, communication, "letter", refused)
        if format == "pdf":
            return HttpResponse(
                letter_pdf(html=html),
                content_type="application/pdf",
                headers={
                    "Content-Disposition": f'inline; filename="{letter_filename(communication)}"'
                },
            )
    return HttpResponse(html)
