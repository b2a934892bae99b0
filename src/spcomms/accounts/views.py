"""Staff sign-in and the signed-in user's landing page, one per role."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from spcomms.accounts.forms import FORM_ERROR_ID, SignInForm
from spcomms.accounts.models import User
from spcomms.accounts.services import workspace_summary


class SignInView(LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True
    extra_context = {"form_error_id": FORM_ERROR_ID}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)  # noqa: S101  # login_required guarantees a real user
    return render(request, "accounts/home.html", {"workspace": workspace_summary(user)})
