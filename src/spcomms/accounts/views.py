"""Sign-in in two steps, the account's security page, and the signed-in user's landing page.

The pages parse input and call one service from ``spcomms.accounts.twofactor``;
the throttle (``spcomms.accounts.throttle``) is checked before any password or
code, and a paused attempt answers 429 with the time to wait.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.contrib.auth.views import LoginView, PasswordChangeView
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from spcomms.accounts.forms import FORM_ERROR_ID, EnrolForm, SecondStepForm, SignInForm
from spcomms.accounts.models import STAFF_ROLES, Role, User
from spcomms.accounts.services import workspace_summary
from spcomms.accounts.signin import SECOND_FACTOR, session_verified, stored_state
from spcomms.accounts.throttle import (
    Pause,
    signin_failure_record,
    signin_pause,
    signin_success_record,
)
from spcomms.accounts.twofactor import (
    SecondFactorError,
    confirmed_device,
    has_confirmed_device,
    recovery_codes_left,
    recovery_codes_renew,
    second_factor_verify,
    totp_device_confirm,
    totp_device_start,
    totp_provisioning,
    user_sessions_end,
)
from spcomms.audit.services import audit_record

TOO_MANY_REQUESTS = 429
BAD_REQUEST = 400
# Below this many unused recovery codes, the page says to make new ones.
FEW_RECOVERY_CODES = 3


def _signed_in_user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101  # login_required guarantees a real user
    return user


def _next_url(request: HttpRequest) -> str:
    """The page to return to: a local address from ``next``, else the workspace."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


def _with_next(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


def _audit_pause(pause: Pause, username: str | None) -> None:
    account = User.objects.filter(username=username).first() if username else None
    if account is not None:
        audit_record(actor=None, action="signin.throttled", obj=account, scope=pause.scope)


class SignInView(LoginView):
    """The first step: the password. An account with an authenticator app then gives a code."""

    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True
    extra_context = {"form_error_id": FORM_ERROR_ID}

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)  # signs in: spcomms.accounts.signin takes over
        user = form.get_user()
        assert isinstance(user, User)  # noqa: S101  # the project's only user model
        if self.request.session.get(SECOND_FACTOR) == "pending":
            return HttpResponseRedirect(_with_next("accounts:second_step", response["Location"]))
        signin_success_record(user.get_username())
        audit_record(actor=user, action="signin.succeeded", obj=user, factor="none")
        return response

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_invalid(form)
        pause = form.pause if isinstance(form, SignInForm) else None
        if pause is not None:
            _audit_pause(pause, form.cleaned_data.get("username"))
            response.status_code = TOO_MANY_REQUESTS
        return response


@never_cache
@require_http_methods(["GET", "POST"])
def second_step(request: HttpRequest) -> HttpResponse:
    """The second step: a code from the authenticator app, or a recovery code."""
    user = request.user
    if not isinstance(user, User):
        return redirect("accounts:login")
    next_url = _next_url(request)
    if stored_state(request.session) != "pending":
        return redirect(next_url)
    form = SecondStepForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_bound:
        pause = signin_pause(request, user.get_username())
        if pause is not None:
            _audit_pause(pause, user.get_username())
            form.add_error(None, pause.message)
            status = TOO_MANY_REQUESTS
        elif not form.is_valid():
            status = BAD_REQUEST
        else:
            factor = second_factor_verify(user=user, code=form.cleaned_data["code"])
            if factor is not None:
                session_verified(request)
                signin_success_record(user.get_username())
                if factor == "recovery":
                    _recovery_code_notice(request, user)
                return redirect(next_url)
            signin_failure_record(request, user.get_username())
            form.add_error(
                "code",
                _(
                    "That code is not right, or was already used. Type the newest code your "
                    "app shows, or an unused recovery code."
                ),
            )
            status = BAD_REQUEST
    return render(
        request,
        "accounts/second_step.html",
        {"form": form, "next": next_url, "form_error_id": FORM_ERROR_ID},
        status=status,
    )


def _recovery_code_notice(request: HttpRequest, user: User) -> None:
    left = recovery_codes_left(user)
    messages.warning(
        request,
        _(
            "You signed in with a recovery code; it cannot be used again. %(left)d are left: "
            "make new ones on your account's security page if you are running out."
        )
        % {"left": left},
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: the key as text and as a QR code, then a first code."""
    user = _signed_in_user(request)
    next_url = _next_url(request)
    if has_confirmed_device(user):
        messages.info(request, _("An authenticator app is already set up for this account."))
        return redirect("accounts:security")
    device = totp_device_start(user=user)
    form = EnrolForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_bound:
        if form.is_valid():
            try:
                codes = totp_device_confirm(user=user, code=form.cleaned_data["code"])
            except SecondFactorError as refusal:
                form.add_error("code", str(refusal))
            else:
                update_session_auth_hash(request, user)  # the other sessions are signed out
                session_verified(request)
                return _show_recovery_codes(request, codes, next_url, first=True)
        status = BAD_REQUEST
    context: dict[str, Any] = {
        "form": form,
        "next": next_url,
        "provisioning": totp_provisioning(device),
        "required": settings.SPCOMMS_REQUIRE_2FA and user.role in STAFF_ROLES,
        # An NGO's account can do nothing before its app is set up (spcomms.intake.account_views).
        "source": user.role == Role.SOURCE,
    }
    return render(request, "accounts/setup.html", context, status=status)


def _show_recovery_codes(
    request: HttpRequest, codes: list[str], next_url: str, *, first: bool
) -> HttpResponse:
    """The codes are shown in this one answer and never again: only their digests are kept."""
    return render(
        request,
        "accounts/recovery_codes.html",
        {"codes": codes, "next": next_url, "first": first},
    )


@login_required
@never_cache
@require_POST
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes; the old ones stop working."""
    user = _signed_in_user(request)
    try:
        codes = recovery_codes_renew(user=user)
    except SecondFactorError as refusal:
        messages.error(request, str(refusal))
        return redirect("accounts:security")
    return _show_recovery_codes(request, codes, reverse("accounts:security"), first=False)


@login_required
@require_http_methods(["GET"])
def security(request: HttpRequest) -> HttpResponse:
    """The account's sign-in security: the authenticator app, recovery codes, sessions."""
    user = _signed_in_user(request)
    device = confirmed_device(user)
    left = recovery_codes_left(user) if device is not None else 0
    return render(
        request,
        "accounts/security.html",
        {
            "device": device,
            "recovery_codes_left": left,
            "few_recovery_codes": device is not None and left < FEW_RECOVERY_CODES,
            "idle_minutes": settings.SPCOMMS_SESSION_IDLE_SECONDS // 60,
            "lifetime_hours": settings.SESSION_COOKIE_AGE // 3600,
        },
    )


@login_required
@require_POST
def sessions_end(request: HttpRequest) -> HttpResponse:
    """Sign out every other session of the account; this one stays."""
    user = _signed_in_user(request)
    user_sessions_end(user=user)
    update_session_auth_hash(request, user)
    audit_record(actor=user, action="sessions.ended", obj=user)
    messages.success(request, _("Every other session of your account is signed out."))
    return redirect("accounts:security")


class PasswordChange(PasswordChangeView):
    """Django's password change; every other session of the account is signed out with it."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:security")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        response = super().form_valid(form)  # keeps this session, ends the others
        user = _signed_in_user(self.request)
        audit_record(actor=user, action="password.changed", obj=user)
        messages.success(
            self.request,
            _("Your password is changed. Every other session of your account is signed out."),
        )
        return response

    def form_invalid(self, form: PasswordChangeForm) -> HttpResponse:
        response = super().form_invalid(form)
        response.status_code = BAD_REQUEST
        return response


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = _signed_in_user(request)
    if user.role == Role.SOURCE:
        return redirect("intake:account")  # an NGO's workspace is its list of submissions
    return render(
        request,
        "accounts/home.html",
        {
            "workspace": workspace_summary(user),
            "suggest_two_factor": stored_state(request.session) == "none",
        },
    )
