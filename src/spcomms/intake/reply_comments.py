"""A source comments on a government's reply to the communication its case led to.

The source sees a reply only once the public may: its communication is published
(``Communication.objects.published()``, as for every public page built by
``spcomms.publication.records``) and the State did not ask that it stay
confidential. The source reaches it from its status page, opened by its receipt
code (the status cookie of ``spcomms.intake.views``); a reply of another case, a
confidential one or one not yet public answers 404. The comment is stored in
``communications.ReplyComment``, whose body is encrypted at rest
(``EncryptedTextField``); staff read it on the communication's page and on the
submission's page. The audit row names the comment and the reply, never the text.
Mounted at ``submit/replies/``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from django import forms
from django.conf import settings
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from spcomms.audit.services import audit_record
from spcomms.cases.models import CaseFile
from spcomms.communications.models import Communication, Reply, ReplyComment
from spcomms.intake.forms import StatusCodeForm
from spcomms.intake.models import Submission
from spcomms.intake.services import MAX_TEXT, NotAllowed, SubmissionInvalid
from spcomms.intake.views import (
    status_cookie_name,
    status_kept,
    status_page_url,
    status_submission,
)
from spcomms.publication.records import reference_slug


@dataclass
class SourceReply:
    """A public reply as its source sees it, with the comments the source sent on it."""

    reply: Reply
    reference: str
    slug: str
    comments: list[ReplyComment] = field(default_factory=list)


def public_replies(submission: Submission, *, now: dt.datetime | None = None) -> list[Reply]:
    """The replies the public may read, to communications taken from this submission's case
    file: published communications only, confidential replies never."""
    case_file = CaseFile.objects.filter(submission=submission).first()
    if case_file is None:
        return []
    return list(
        Reply.objects.filter(
            communication__in=Communication.objects.published(now).filter(case_files=case_file),
            confidential=False,
        )
        .select_related("communication", "reply_class")
        .order_by("received_on", "pk")
    )


def source_replies(submission: Submission, *, now: dt.datetime | None = None) -> list[SourceReply]:
    replies = public_replies(submission, now=now)
    comments: dict[int, list[ReplyComment]] = {}
    for comment in ReplyComment.objects.filter(
        submission=submission, reply__in=[reply.pk for reply in replies]
    ).order_by("at", "pk"):
        comments.setdefault(comment.reply_id, []).append(comment)
    return [
        SourceReply(
            reply=reply,
            reference=reply.communication.reference,
            slug=reference_slug(reply.communication),
            comments=comments.get(reply.pk, []),
        )
        for reply in replies
    ]


def source_reply(submission: Submission, reply_pk: int) -> SourceReply:
    """The public reply ``reply_pk`` of this submission's case, or ``NotAllowed``."""
    for item in source_replies(submission):
        if item.reply.pk == reply_pk:
            return item
    raise NotAllowed


@transaction.atomic
def reply_comment_add(
    *, submission: Submission, reply: Reply, body: str, now: dt.datetime | None = None
) -> ReplyComment:
    """Store the source's comment on a public reply of its case (encrypted at rest)."""
    if reply.pk not in {item.pk for item in public_replies(submission)}:
        raise NotAllowed
    if not body.strip():
        raise SubmissionInvalid(_("Write your comment."), "body")
    if len(body) > MAX_TEXT:
        raise SubmissionInvalid(_("Keep it under 20,000 characters."), "body")
    comment = ReplyComment.objects.create(
        reply=reply, submission=submission, body=body, at=now or timezone.now()
    )
    audit_record(actor=None, action="reply_comment", obj=comment, reply=reply.pk)
    return comment


# The page -----------------------------------------------------------------------------


class ReplyCommentForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Your comment on this reply"),
        help_text=gettext_lazy(
            "For example, what in the reply is not true, or what happened since. The experts' "
            "staff read it; it is not published."
        ),
        max_length=MAX_TEXT,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": gettext_lazy("Write your comment."),
            "max_length": gettext_lazy("Keep it under 20,000 characters."),
        },
    )

    def clean_body(self) -> str:
        body: str = self.cleaned_data["body"]
        if not body.strip():
            raise forms.ValidationError(_("Write your comment."))
        return body


def status_closed(request: HttpRequest) -> HttpResponse:
    """The status page has closed (or was never opened): ask for the code again."""
    response = render(
        request,
        "intake/status_enter.html",
        {
            "form": StatusCodeForm(),
            "ended": _("Your status page has closed. Enter your code again to open it."),
        },
        status=403 if request.method == "POST" else 200,
    )
    response.delete_cookie(status_cookie_name(), path=reverse("intake:start"))
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def reply_comment(
    request: HttpRequest, reply_pk: int, public_id: uuid.UUID | None = None
) -> HttpResponse:
    """With ``public_id``, the page of a signed-in NGO account's own submission."""
    submission = status_submission(request, public_id)
    if submission is None and public_id is not None:
        raise Http404
    if submission is None:
        return status_closed(request)
    try:
        item = source_reply(submission, reply_pk)
    except NotAllowed as denied:
        raise Http404 from denied
    form = ReplyCommentForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                reply_comment_add(
                    submission=submission, reply=item.reply, body=form.cleaned_data["body"]
                )
            except SubmissionInvalid as invalid:
                form.add_error("body", str(invalid))
            except NotAllowed as denied:
                raise Http404 from denied
            else:
                return status_kept(
                    redirect(_comment_url(reply_pk, public_id) + "?sent=1"), submission, public_id
                )
    response = render(
        request,
        "intake/reply_comments.html",
        {
            "item": item,
            "form": form,
            "sent": request.method == "GET" and request.GET.get("sent") == "1",
            "minutes": settings.SPCOMMS_INTAKE_STATUS_SECONDS // 60,
            "comment_url": _comment_url(reply_pk, public_id),
            "status_url": status_page_url(public_id),
            "by_account": public_id is not None,
        },
        status=status,
    )
    return status_kept(response, submission, public_id)


def _comment_url(reply_pk: int, public_id: uuid.UUID | None) -> str:
    if public_id is None:
        return reverse("intake_replies:comment", args=[reply_pk])
    return reverse("intake_replies:account_comment", args=[public_id, reply_pk])


app_name = "intake_replies"
urlpatterns = [
    path("<int:reply_pk>/", reply_comment, name="comment"),
    # A signed-in NGO account's own submission (spcomms.intake.account_views).
    path("<uuid:public_id>/<int:reply_pk>/", reply_comment, name="account_comment"),
]
