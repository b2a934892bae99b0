"""The source's follow-up questionnaire, reached from its status page.

The source opens its status page with its receipt code (the status cookie of
``spcomms.intake.views``), or a signed-in NGO account opens its own submission's
page; the page lists the follow-ups now due for the persons of that case, and
each opens a questionnaire in the language of the submission, with the guidance
for the case's violations beside the question. A follow-up of another case, or
one not yet due, answers 404. Answers are stored as survey assessments, the
comment encrypted at rest. Mounted at ``submit/follow-up/``.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from spcomms.followup.forms import QuestionnaireForm
from spcomms.followup.guidance import GENERAL
from spcomms.followup.services import (
    AlreadyAnswered,
    FollowUpInvalid,
    NotAllowed,
    follow_up_answer,
    source_follow_up,
)
from spcomms.intake.reply_comments import status_closed
from spcomms.intake.views import status_kept, status_page_url, status_submission

CONFLICT = 409
BAD_REQUEST = 400


def questionnaire_url(mention_pk: int, period: int, public_id: uuid.UUID | None = None) -> str:
    if public_id is None:
        return reverse("followup_source:questionnaire", args=[mention_pk, period])
    return reverse("followup_source:account_questionnaire", args=[public_id, mention_pk, period])


@never_cache
@require_http_methods(["GET", "POST"])
def questionnaire(
    request: HttpRequest, mention_pk: int, period: int, public_id: uuid.UUID | None = None
) -> HttpResponse:
    """With ``public_id``, the page of a signed-in NGO account's own submission."""
    submission = status_submission(request, public_id)
    if submission is None and public_id is not None:
        raise Http404
    if submission is None:
        return status_closed(request)
    own_url = questionnaire_url(mention_pk, period, public_id)
    with translation.override(submission.language):
        try:
            item = source_follow_up(submission, mention_pk, period)
        except NotAllowed as denied:
            raise Http404 from denied
        form = QuestionnaireForm(request.POST or None)
        status = 200
        if request.method == "POST":
            status = BAD_REQUEST
            if item.answer is not None:
                status = CONFLICT
            elif form.is_valid():
                data = form.cleaned_data
                try:
                    follow_up_answer(
                        submission=submission,
                        mention_pk=mention_pk,
                        period_months=period,
                        development=data["development"],
                        impact_attention=data["impact_attention"],
                        impact_communication=data["impact_communication"],
                        negative_impact=data["negative_impact"],
                        comment=data["comment"],
                    )
                except FollowUpInvalid as invalid:
                    form.add_error(invalid.field_name, invalid.message)
                except AlreadyAnswered:
                    status = CONFLICT
                except NotAllowed as denied:
                    raise Http404 from denied
                else:
                    return status_kept(redirect(own_url), submission, public_id)
        response = render(
            request,
            "followup/questionnaire.html",
            {
                "item": item,
                "form": form,
                "conflict": status == CONFLICT,
                "minutes": settings.SPCOMMS_INTAKE_STATUS_SECONDS // 60,
                "general_guidance": GENERAL,
                "questionnaire_url": own_url,
                "status_url": status_page_url(public_id),
                "by_account": public_id is not None,
            },
            status=status,
        )
    return status_kept(response, submission, public_id)


app_name = "followup_source"
urlpatterns = [
    path("<int:mention_pk>/<int:period>/", questionnaire, name="questionnaire"),
    # A signed-in NGO account's own submission (spcomms.intake.account_views).
    path(
        "<uuid:public_id>/<int:mention_pk>/<int:period>/",
        questionnaire,
        name="account_questionnaire",
    ),
]
