"""The signed-in user's landing page, one per role."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from spcomms.accounts.models import Role, User
from spcomms.accounts.services import workspace_summary


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)  # noqa: S101  # login_required guarantees a real user
    return render(
        request,
        "accounts/home.html",
        {"role": Role(user.role), "summary": workspace_summary(user)},
    )
