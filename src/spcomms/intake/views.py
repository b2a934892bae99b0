"""The source's pages: the submission form, the receipt, and the status page.

No account and no server-side draft: the answers so far travel with each step in
a sealed hidden field (``spcomms.intake.tokens``), and the status page is opened
by a short-lived sealed cookie that holds only which submission the code opened.
No page logs or keeps the client's address; rate limits count a keyed hash of it
in the database, shared by every server process (``spcomms.intake.throttle``). Every
page is marked not to be cached, so a receipt code never stays in a browser's cache.
"""

from __future__ import annotations

import secrets
import uuid
from typing import Any

from django import forms as django_forms
from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from spcomms.cases.models import PublicNaming
from spcomms.intake import forms, throttle
from spcomms.intake.attachments import (
    REMOVED,
    TYPE_NAMES,
    AttachmentRefused,
    allowed_kinds,
    attachment_check,
)
from spcomms.intake.models import TRANSMITTABLE_ANSWERS, Submission, SubmissionAttachment
from spcomms.intake.services import (
    MAX_TEXT,
    FileToStore,
    SubmissionAnswers,
    SubmissionInvalid,
    VictimAnswers,
    receipt_open,
    source_message_send,
    source_messages,
    source_status,
    submission_create,
)
from spcomms.intake.source_accounts import (
    source_account_of,
    source_submission,
    staff_messages_mark_read,
)
from spcomms.intake.tokens import token_open, token_seal
from spcomms.intake.uploads import memory_uploads, too_large

DRAFT = "intake-draft"
STATUS = "intake-status"
STATUS_COOKIE = "spcomms_source"
TOO_MANY = 429
LAST_STEP = len(forms.STEPS) - 1


# The draft ------------------------------------------------------------------------

Draft = dict[str, Any]


def _new_draft() -> Draft:
    return {"id": secrets.token_hex(16), "step": 0, "victims": 1, "data": {}}


def _open_draft(request: HttpRequest) -> Draft | None:
    draft = token_open(
        request.POST.get("draft", ""),
        purpose=DRAFT,
        max_age=settings.SPCOMMS_INTAKE_DRAFT_SECONDS,
    )
    if draft is None or not isinstance(draft.get("data"), dict):
        return None
    step, victims = draft.get("step"), draft.get("victims")
    if not isinstance(step, int) or not 0 <= step <= LAST_STEP:
        return None
    if not isinstance(victims, int) or not 1 <= victims <= forms.MAX_VICTIMS:
        return None
    return draft


def _step_keys(step: int, draft: Draft, posted: QueryDict) -> dict[str, list[str]]:
    """What the browser sent for this step's fields, as lists of strings."""
    if step == forms.VICTIMS_STEP:
        prefixes = tuple(f"v{i}-" for i in range(draft["victims"]))
        return {key: posted.getlist(key) for key in posted if key.startswith(prefixes)}
    form_class = forms.STEPS[step][1]
    return {name: posted.getlist(name) for name in form_class.base_fields if name in posted}


def _as_querydict(values: dict[str, list[str]]) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, items in values.items():
        if isinstance(items, list):
            data.setlist(key, [str(item) for item in items])
    return data


def _stored(draft: Draft, step: int) -> dict[str, list[str]] | None:
    stored = draft["data"].get(forms.STEPS[step][0])
    return stored if isinstance(stored, dict) else None


def _step_forms(draft: Draft, step: int) -> tuple[forms.StepForm, list[forms.VictimForm]]:
    stored = _stored(draft, step)
    data = _as_querydict(stored) if stored is not None else None
    form = forms.STEPS[step][1](data)
    victims: list[forms.VictimForm] = []
    if step == forms.VICTIMS_STEP:
        victims = [
            forms.VictimForm(
                data if data is not None and any(k.startswith(f"v{i}-") for k in data) else None,
                prefix=f"v{i}",
            )
            for i in range(draft["victims"])
        ]
    return form, victims


def _step_valid(draft: Draft, step: int) -> bool:
    form, victims = _step_forms(draft, step)
    if step == forms.VICTIMS_STEP:
        return bool(victims) and all(v.is_bound and v.is_valid() for v in victims)
    return form.is_bound and form.is_valid()


def _remove_victim(draft: Draft, index: int) -> None:
    stored = _stored(draft, forms.VICTIMS_STEP) or {}
    kept: dict[str, list[str]] = {}
    for key, value in stored.items():
        prefix, _sep, rest = key.partition("-")
        number = int(prefix[1:]) if prefix[1:].isdigit() else -1
        if number == index:
            continue
        kept[f"v{number - 1 if number > index else number}-{rest}"] = value
    draft["data"][forms.STEPS[forms.VICTIMS_STEP][0]] = kept
    draft["victims"] = max(1, draft["victims"] - 1)


# Rendering --------------------------------------------------------------------------


def _review(draft: Draft) -> list[dict[str, Any]]:
    """Each step's answers as label and value, for the last step's summary."""
    sections = []
    for step in range(LAST_STEP):
        form, victims = _step_forms(draft, step)
        rows: list[tuple[str, str]] = []
        bound: list[django_forms.Form] = list(victims) if step == forms.VICTIMS_STEP else [form]
        for number, each in enumerate(bound, start=1):
            if not (each.is_bound and each.is_valid()):
                continue
            for name, field in each.fields.items():
                value: Any = each.cleaned_data.get(name)
                if name.endswith("_ntt") or value in (None, "", [], False):
                    continue
                if isinstance(value, QuerySet | list):
                    shown = ", ".join(str(getattr(item, "name", item)) for item in value)
                elif isinstance(field, django_forms.ChoiceField) and not hasattr(value, "pk"):
                    labels: dict[Any, Any] = dict(field.choices)  # type: ignore[arg-type]  # flat choices here
                    shown = str(labels.get(value, value))
                else:
                    shown = str(getattr(value, "name", value))
                label = str(field.label)
                if step == forms.VICTIMS_STEP:
                    label = _("Person %(number)d: %(label)s") % {"number": number, "label": label}
                if each.cleaned_data.get(f"{name}_ntt"):
                    shown += " " + _("(not to be transmitted to the government)")
                rows.append((label, shown))
        sections.append({"step": step, "title": _step_title(step), "rows": rows})
    return sections


def _step_title(step: int) -> str:
    form_class = forms.STEPS[step][1]
    if step == forms.VICTIMS_STEP:
        return _("The people concerned, and their consent")
    return str(form_class.title)


def _render_step(
    request: HttpRequest,
    draft: Draft,
    *,
    show_errors: bool,
    status: int = 200,
    file_errors: dict[int, str] | None = None,
    notice: str = "",
) -> HttpResponse:
    step = draft["step"]
    form, victims = _step_forms(draft, step)
    if step == LAST_STEP and not show_errors:
        form = forms.ReviewForm()
    context = {
        "step": step,
        "step_number": step + 1,
        "step_count": LAST_STEP + 1,
        "titles": [_step_title(i) for i in range(LAST_STEP + 1)],
        "title": _step_title(step),
        "intro": form.intro,
        "form": form,
        "victims": victims,
        "can_add_victim": draft["victims"] < forms.MAX_VICTIMS,
        "draft": token_seal(draft, purpose=DRAFT),
        "show_errors": show_errors,
        "is_victims_step": step == forms.VICTIMS_STEP,
        "is_last": step == LAST_STEP,
        "review": _review(draft) if step == LAST_STEP else [],
        "file_slots": [
            {"index": i, "error": (file_errors or {}).get(i, "")} for i in range(forms.FILE_SLOTS)
        ],
        "file_types": ", ".join(str(TYPE_NAMES[kind]) for kind in allowed_kinds()),
        "max_file_mb": round(settings.SPCOMMS_INTAKE_MAX_FILE_BYTES / 1_000_000, 1),
        "notice": notice,
        "draft_hours": settings.SPCOMMS_INTAKE_DRAFT_SECONDS // 3600,
    }
    return render(request, "intake/step.html", context, status=status)


# The submission form --------------------------------------------------------------


@never_cache
def start(request: HttpRequest) -> HttpResponse:
    return render(request, "intake/start.html", {"steps": forms.STEPS})


@never_cache
@require_http_methods(["GET", "POST"])
@memory_uploads
def submission_form(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _render_step(request, _new_draft(), show_errors=False)
    draft = _open_draft(request)
    if draft is None:
        return render(
            request,
            "intake/start.html",
            {
                "steps": forms.STEPS,
                "error": _(
                    "Your answers could not be read back, or you left the form unused for too "
                    "long: for your safety they are not kept. Please start again."
                ),
            },
            status=400,
        )
    step = draft["step"]
    draft["data"][forms.STEPS[step][0]] = _step_keys(step, draft, request.POST)
    action = request.POST.get("action", "next")
    if action == "back":
        draft["step"] = max(0, step - 1)
        return _render_step(request, draft, show_errors=False)
    if action.startswith("goto-") and action[5:].isdigit() and int(action[5:]) < step:
        draft["step"] = int(action[5:])
        return _render_step(request, draft, show_errors=False)
    if step == forms.VICTIMS_STEP and action == "add-victim":
        draft["victims"] = min(forms.MAX_VICTIMS, draft["victims"] + 1)
        return _render_step(request, draft, show_errors=False)
    if step == forms.VICTIMS_STEP and action.startswith("remove-victim-"):
        index = action.removeprefix("remove-victim-")
        if index.isdigit() and int(index) < draft["victims"]:
            _remove_victim(draft, int(index))
        return _render_step(request, draft, show_errors=False)
    if step == LAST_STEP and action == "send":
        return _send(request, draft)
    if not _step_valid(draft, step):
        return _render_step(request, draft, show_errors=True, status=400)
    draft["step"] = min(LAST_STEP, step + 1)
    return _render_step(request, draft, show_errors=False)


def _checked_files(request: HttpRequest) -> tuple[list[FileToStore], dict[int, str]]:
    files: list[FileToStore] = []
    errors: dict[int, str] = {}
    oversize = too_large(request)
    for index in range(forms.FILE_SLOTS):
        name = f"file{index}"
        if name in oversize:
            errors[index] = _(
                "This file is larger than %(limit)s MB. Send a smaller file or several parts."
            ) % {"limit": round(settings.SPCOMMS_INTAKE_MAX_FILE_BYTES / 1_000_000, 1)}
            continue
        upload = request.FILES.get(name)
        if upload is None:
            continue
        try:
            checked = attachment_check(upload.read())
        except AttachmentRefused as refused:
            errors[index] = str(refused)
            continue
        files.append(
            FileToStore(
                name=str(upload.name or ""),
                checked=checked,
                not_to_transmit=request.POST.get(f"file{index}_ntt") == "on",
            )
        )
    return files, errors


def _answers(draft: Draft) -> tuple[SubmissionAnswers, list[VictimAnswers]]:
    cleaned: dict[str, Any] = {}
    victims: list[VictimAnswers] = []
    for step in range(LAST_STEP):
        form, victim_forms = _step_forms(draft, step)
        if step == forms.VICTIMS_STEP:
            for victim in victim_forms:
                victim.is_valid()  # checked by _send already; this fills cleaned_data
                data = victim.cleaned_data
                victims.append(
                    VictimAnswers(
                        name=data["name"],
                        kind=data["kind"],
                        age=data.get("age"),
                        gender=data["gender"],
                        origin=data.get("origin", ""),
                        residence=data.get("residence", ""),
                        issue_areas=list(data.get("issue_areas") or []),
                        consent_given_by=data.get("consent_given_by", ""),
                        consent_transmit=data["consent_transmit"] == "yes",
                        consent_public=data.get("consent_public") or PublicNaming.WITHHELD,
                        consent_written=bool(data.get("consent_written")),
                    )
                )
        else:
            form.is_valid()
            cleaned.update(form.cleaned_data)
    joint = cleaned.get("joint_action_wished")
    answers = SubmissionAnswers(
        sender_kind=cleaned["sender_kind"],
        language=cleaned["language"],
        sender_name=cleaned.get("sender_name", ""),
        sender_contact=cleaned.get("sender_contact", ""),
        is_urgent=cleaned.get("is_urgent") == "yes",
        urgency_reason=cleaned.get("urgency_reason", ""),
        act_before=cleaned.get("act_before"),
        country=cleaned.get("country"),
        incident_from=cleaned.get("incident_from"),
        incident_to=cleaned.get("incident_to"),
        facts=cleaned.get("facts", ""),
        places=cleaned.get("places", ""),
        perpetrators=cleaned.get("perpetrators", ""),
        context=cleaned.get("context", ""),
        action_taken=cleaned.get("action_taken", ""),
        requested_action=cleaned.get("requested_action", ""),
        press_release_wanted=cleaned.get("press_release_wanted") == "yes",
        press_release_reason=cleaned.get("press_release_reason", ""),
        mandates_wished=list(cleaned.get("mandates_wished") or []),
        joint_action_wished=None if not joint else joint == "yes",
        joint_action_reason=cleaned.get("joint_action_reason", ""),
        not_to_transmit=[name for name in TRANSMITTABLE_ANSWERS if cleaned.get(f"{name}_ntt")],
    )
    return answers, victims


def _send(request: HttpRequest, draft: Draft) -> HttpResponse:
    limit = throttle.submissions()
    if throttle.is_limited(request, limit):
        return _render_step(
            request,
            draft,
            show_errors=False,
            status=TOO_MANY,
            notice=_(
                "Too many submissions were sent from your connection. Wait %(minutes)d minutes, "
                "then send again: your answers are kept on this page until then."
            )
            % {"minutes": throttle.minutes_left(limit)},
        )
    for step in range(LAST_STEP):
        if not _step_valid(draft, step):
            draft["step"] = step
            return _render_step(request, draft, show_errors=True, status=400)
    confirm = forms.ReviewForm(request.POST)
    files, file_errors = _checked_files(request)
    if not confirm.is_valid() or file_errors:
        return _render_step(
            request,
            draft,
            show_errors=True,
            status=400,
            file_errors=file_errors,
            notice=_(
                "For your safety, files are not kept when a page is refused: choose them again."
            )
            if request.FILES or file_errors
            else "",
        )
    if not throttle.draft_first_send(draft["id"]):
        return render(request, "intake/already_sent.html", status=409)
    answers, victims = _answers(draft)
    account = source_account_of(request)  # an NGO signed in to its account, or None
    try:
        receipt = submission_create(
            answers=answers, victims=victims, files=files, source_account=account
        )
    except SubmissionInvalid as invalid:
        throttle.draft_send_undo(draft["id"])
        return _render_step(request, draft, show_errors=True, status=400, notice=str(invalid))
    except BaseException:
        throttle.draft_send_undo(draft["id"])
        raise
    throttle.count(request, limit)
    return render(
        request,
        "intake/receipt.html",
        {
            "code": receipt.code,
            "attachments": [_attachment_view(a) for a in receipt.attachments],
            "linked_to_account": account is not None,
        },
    )


def _attachment_view(attachment: SubmissionAttachment) -> dict[str, Any]:
    return {
        "filename": attachment.filename,
        "size_kb": max(1, round(attachment.size / 1000)),
        "removed": [str(REMOVED[code]) for code in attachment.removed if code in REMOVED],
        "not_to_transmit": attachment.not_to_transmit,
    }


# The status page ---------------------------------------------------------------------


def status_submission(
    request: HttpRequest, public_id: uuid.UUID | None = None
) -> Submission | None:
    """The submission this request may see, or None.

    Without ``public_id``: the one the receipt code opened (the status cookie).
    With it: that submission if it is the signed-in NGO account's own
    (``spcomms.intake.source_accounts``); someone else's is None, as a missing one.
    """
    if public_id is not None:
        account = source_account_of(request)
        return source_submission(account=account, public_id=public_id) if account else None
    opened = token_open(
        request.COOKIES.get(status_cookie_name(), ""),
        purpose=STATUS,
        max_age=settings.SPCOMMS_INTAKE_STATUS_SECONDS,
    )
    if opened is None or not isinstance(opened.get("s"), str):
        return None
    return Submission.objects.filter(public_id=opened["s"]).first()


def status_cookie_name() -> str:
    """The status cookie's name: under TLS with the `__Secure-` prefix, so that browsers keep
    it only when it was set over HTTPS with the Secure flag (its path is /submit/, which
    `__Host-` would not allow)."""
    secure = bool(getattr(settings, "SESSION_COOKIE_SECURE", False))
    return f"__Secure-{STATUS_COOKIE}" if secure else STATUS_COOKIE


def _with_status_cookie(response: HttpResponse, submission: Submission) -> HttpResponse:
    """(Re)issue the status cookie: it ends after ``SPCOMMS_INTAKE_STATUS_SECONDS`` unused."""
    response.set_cookie(
        status_cookie_name(),
        token_seal({"s": str(submission.public_id)}, purpose=STATUS),
        max_age=settings.SPCOMMS_INTAKE_STATUS_SECONDS,
        path=reverse("intake:start"),
        secure=bool(getattr(settings, "SESSION_COOKIE_SECURE", False)),
        httponly=True,
        samesite="Strict",
    )
    return response


def status_page_url(public_id: uuid.UUID | None) -> str:
    if public_id is None:
        return reverse("intake:status")
    return reverse("intake:account_submission", args=[public_id])


def status_kept(
    response: HttpResponse, submission: Submission, public_id: uuid.UUID | None
) -> HttpResponse:
    """Opened by a receipt code, the page stays open through its cookie; by an account, not."""
    return _with_status_cookie(response, submission) if public_id is None else response


@never_cache
@require_http_methods(["GET", "POST"])
def status_enter(request: HttpRequest) -> HttpResponse:
    # Bound on every POST, an empty one too: the paused answer adds its error to the form.
    form = forms.StatusCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "GET":
        return render(request, "intake/status_enter.html", {"form": form})
    kept = _kept_message(request.POST, prefix="kept_")
    limit = throttle.code_attempts()
    if throttle.is_limited(request, limit):
        form.is_valid()
        form.add_error(
            "code",
            _(
                "Too many wrong codes were entered from your connection. Wait %(minutes)d "
                "minutes and try again."
            )
            % {"minutes": throttle.minutes_left(limit)},
        )
        return render(
            request, "intake/status_enter.html", {"form": form, "kept": kept}, status=TOO_MANY
        )
    submission = receipt_open(form.data.get("code", "")) if form.is_valid() else None
    if submission is None:
        throttle.count(request, limit)
        if form.is_valid():
            form.add_error(
                "code",
                _(
                    "This code opens no submission. Check it and try again. A lost code "
                    "cannot be recovered: if you lost yours, send a new submission."
                ),
            )
        return render(request, "intake/status_enter.html", {"form": form, "kept": kept}, status=400)
    if kept is None:
        return _with_status_cookie(redirect("intake:status"), submission)
    # The message typed before the page closed comes back in its box, still unsent.
    context = _status_context(submission, forms.SourceMessageForm(initial=kept))
    context.update(status_url=status_page_url(None), by_account=False, restored=True)
    return _with_status_cookie(render(request, "intake/status.html", context), submission)


def _kept_message(posted: QueryDict, prefix: str = "") -> dict[str, str] | None:
    """A message the source typed, carried through the page rather than stored anywhere.

    The status page may close (idle time) while the source types; the text then
    travels in the code page's form and back, so that nothing typed is lost.
    """
    body = posted.get(f"{prefix}body", "").strip()
    if not body:
        return None
    kind = posted.get(f"{prefix}kind", "")
    field = forms.SourceMessageForm.base_fields["kind"]
    assert isinstance(field, django_forms.ChoiceField)  # noqa: S101 (a fact of the form)
    kept_kind = kind if field.valid_value(kind) else str(field.initial)
    return {"body": body[:MAX_TEXT], "kind": kept_kind}


def _status_context(submission: Submission, form: forms.SourceMessageForm) -> dict[str, Any]:
    messages = source_messages(submission)
    files: dict[int | None, list[dict[str, Any]]] = {}
    for attachment in SubmissionAttachment.objects.filter(submission=submission).order_by("pk"):
        attachment.submission = submission
        files.setdefault(attachment.message_id, []).append(_attachment_view(attachment))
    for message in messages:
        message.submission = submission
    return {
        "submission": submission,
        "status": source_status(submission),
        "thread": [{"message": m, "files": files.get(m.pk, [])} for m in messages],
        "first_files": files.get(None, []),
        "form": form,
        "minutes": settings.SPCOMMS_INTAKE_STATUS_SECONDS // 60,
        "file_types": ", ".join(str(TYPE_NAMES[kind]) for kind in allowed_kinds()),
        "max_file_mb": round(settings.SPCOMMS_INTAKE_MAX_FILE_BYTES / 1_000_000, 1),
    }


@never_cache
@require_http_methods(["GET", "POST"])
@memory_uploads
def status(request: HttpRequest, public_id: uuid.UUID | None = None) -> HttpResponse:
    submission = status_submission(request, public_id)
    if submission is None and public_id is not None:
        raise Http404
    if submission is None:
        response: HttpResponse = render(
            request,
            "intake/status_enter.html",
            {
                "form": forms.StatusCodeForm(),
                "ended": _("Your status page has closed. Enter your code again to open it."),
                "kept": _kept_message(request.POST) if request.method == "POST" else None,
            },
            status=403 if request.method == "POST" else 200,
        )
        response.delete_cookie(status_cookie_name(), path=reverse("intake:start"))
        return response
    form = forms.SourceMessageForm(request.POST or None)
    file_error = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        files: list[FileToStore] = []
        if "file" in too_large(request):
            file_error = _(
                "This file is larger than %(limit)s MB. Send a smaller file or several parts."
            ) % {"limit": round(settings.SPCOMMS_INTAKE_MAX_FILE_BYTES / 1_000_000, 1)}
        elif upload is not None:
            try:
                files.append(
                    FileToStore(
                        name=str(upload.name or ""),
                        checked=attachment_check(upload.read()),
                        not_to_transmit=request.POST.get("file_not_to_transmit") == "on",
                    )
                )
            except AttachmentRefused as refused:
                file_error = str(refused)
        if form.is_valid() and not file_error:
            try:
                source_message_send(
                    submission=submission,
                    body=form.cleaned_data["body"],
                    kind=form.cleaned_data["kind"],
                    files=files,
                )
            except SubmissionInvalid as invalid:
                form.add_error(None, str(invalid))
            else:
                return status_kept(
                    HttpResponseRedirect(status_page_url(public_id) + "?sent=1"),
                    submission,
                    public_id,
                )
        context = _status_context(submission, form)
        context.update(
            file_error=file_error, status_url=status_page_url(public_id), by_account=bool(public_id)
        )
        return status_kept(
            render(request, "intake/status.html", context, status=400), submission, public_id
        )
    context = _status_context(submission, forms.SourceMessageForm())
    context.update(
        sent=request.GET.get("sent") == "1",
        status_url=status_page_url(public_id),
        by_account=bool(public_id),
    )
    staff_messages_mark_read(submission)
    return status_kept(render(request, "intake/status.html", context), submission, public_id)


@never_cache
@require_POST
def status_close(request: HttpRequest) -> HttpResponse:
    response = redirect("intake:start")
    response.delete_cookie(status_cookie_name(), path=reverse("intake:start"))
    return response
