"""The source's follow-up questionnaire, reached from its status page.

The source opens its status page with its receipt code (the status cookie of
``spcomms.intake.views``); the page lists the follow-ups now due for the persons of
its own case, and each opens a questionnaire in the language of the submission,
with the guidance for the case's violations beside the question. A follow-up of
another case, or one not yet due, answers 404. Answers are stored as survey
assessments, the comment encrypted at rest. Mounted at ``submit/follow-up/``.
"""

from __future__ import annotations

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
from spcomms.intake.reply_comments import _closed
from spcomms.intake.views import _status_submission, _with_status_cookie

CONFLICT = 409
BAD_REQUEST = 400


@never_cache
@require_http_methods(["GET", "POST"])
def questionnaire(request: HttpRequest, mention_pk: int, period: int) -> HttpResponse:
    submission = _status_submission(request)
    if submission is None:
        return _closed(request)
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
                    return _with_status_cookie(
                        redirect(
                            reverse("followup_source:questionnaire", args=[mention_pk, period])
                        ),
                        submission,
                    )
        response = render(
            request,
            "followup/questionnaire.html",
            {
                "item": item,
                "form": form,
                "conflict": status == CONFLICT,
                "minutes": settings.SPCOMMS_INTAKE_STATUS_SECONDS // 60,
                "general_guidance": GENERAL,
            },
            status=status,
        )
    return _with_status_cookie(response, submission)


app_name = "followup_source"
urlpatterns = [
    path("<int:mention_pk>/<int:period>/", questionnaire, name="questionnaire"),
]
