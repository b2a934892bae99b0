"""An NGO's own account, under /submit/account/: opening it, its submissions, closing it.

Signing in is the accounts app's page, with its second step and throttle; the
authenticator app is set up on the accounts app's page, which every account
page sends a source account to until it is done. A submission's status page is
the receipt code's page (``views.status``), reached through the account instead
of the code. Nothing here reads or keeps the client's address or user agent.
"""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.views import redirect_to_login
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from spcomms.accounts.models import User
from spcomms.accounts.signin import stored_state
from spcomms.intake import throttle, views
from spcomms.intake.account_forms import CloseAccountForm, OrganisationAccountForm
from spcomms.intake.source_accounts import (
    is_source_account,
    organisation_name,
    source_account_close,
    source_account_of,
    source_account_open,
    source_submission_rows,
)

FORBIDDEN = 403
BAD_REQUEST = 400
TOO_MANY = 429
BACKEND = "spcomms.accounts.backends.ThrottledModelBackend"


def _openings() -> throttle.Limit:
    """Accounts opened, and usernames found taken, per client and window."""
    return throttle.Limit(
        "account",
        settings.SPCOMMS_INTAKE_SUBMISSIONS,
        settings.SPCOMMS_INTAKE_RATE_WINDOW_SECONDS,
    )


def _setup_url(next_url: str) -> str:
    return f"{reverse('accounts:setup')}?{urlencode({'next': next_url})}"


def _account_or_response(request: HttpRequest) -> User | HttpResponse:
    """The signed-in NGO account, or where to send this request instead.

    Not signed in: the sign-in page. Signed in to a staff or researcher account:
    a page that says this is for NGOs. An NGO account without its authenticator
    app: the set-up page, before anything else. (A session that has not yet
    given its code is held at the code step by ``SignInMiddleware``.)
    """
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not is_source_account(user):
        return render(request, "intake/account/not_source.html", status=FORBIDDEN)
    account = source_account_of(request)
    if account is None:
        if stored_state(request.session) == "pending":
            return redirect_to_login(request.get_full_path())
        return HttpResponseRedirect(_setup_url(request.get_full_path()))
    return account


@never_cache
@require_http_methods(["GET"])
def account(request: HttpRequest) -> HttpResponse:
    """The NGO's submissions: reference, date, status, last activity, unread messages."""
    found = _account_or_response(request)
    if isinstance(found, HttpResponse):
        return found
    rows = source_submission_rows(found)
    return render(
        request,
        "intake/account/home.html",
        {
            "organisation": organisation_name(found),
            "rows": rows,
            "unread": sum(row.unread for row in rows),
        },
    )


# CSRF is checked by ``views.status`` once its file handler is in place (see
# ``uploads.memory_uploads``); the middleware would read the upload too early.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def submission_status(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """A submission's status page and messages, opened by the account that sent it.

    Nothing is written before ``views.status``, which checks the CSRF token.
    """
    found = _account_or_response(request)
    if isinstance(found, HttpResponse):
        return found
    return views.status(request, public_id=public_id)


@never_cache
@require_http_methods(["GET", "POST"])
def account_new(request: HttpRequest) -> HttpResponse:
    """Open an account: organisation, username, password; then the authenticator app."""
    if request.user.is_authenticated:
        return redirect("intake:account")
    form = OrganisationAccountForm(request.POST if request.method == "POST" else None)
    if request.method == "GET":
        return render(request, "intake/account/new.html", {"form": form})
    limit = _openings()
    if throttle.is_limited(request, limit):
        form.is_valid()
        form.add_error(
            None,
            _(
                "Too many accounts were opened, or usernames tried, from your connection. Wait "
                "%(minutes)d minutes and try again; what you typed is kept."
            )
            % {"minutes": throttle.minutes_left(limit)},
        )
        return render(request, "intake/account/new.html", {"form": form}, status=TOO_MANY)
    if not form.is_valid():
        if (
            "username" in form.errors
            and User.objects.filter(username__iexact=form.data.get("username", "")).exists()
        ):
            throttle.count(request, limit)  # probing for taken names counts like an opening
        return render(request, "intake/account/new.html", {"form": form}, status=BAD_REQUEST)
    try:
        user = source_account_open(
            organisation=form.cleaned_data["organisation"],
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password1"],
        )
    except IntegrityError:  # the same username, taken by a request that ran alongside
        form.add_error("username", _("This username is taken. Choose another."))
        return render(request, "intake/account/new.html", {"form": form}, status=BAD_REQUEST)
    throttle.count(request, limit)
    login(request, user, backend=BACKEND)
    return HttpResponseRedirect(_setup_url(reverse("intake:account")))


@never_cache
@require_http_methods(["GET", "POST"])
def account_close(request: HttpRequest) -> HttpResponse:
    """Close the account, with its password; the submissions stay with the staff, unlinked."""
    found = _account_or_response(request)
    if isinstance(found, HttpResponse):
        return found
    form = CloseAccountForm(request.POST if request.method == "POST" else None, user=found)
    if request.method == "GET":
        return render(request, "intake/account/close.html", {"form": form})
    if not form.is_valid():
        return render(request, "intake/account/close.html", {"form": form}, status=BAD_REQUEST)
    source_account_close(actor=found)
    logout(request)
    messages.success(
        request,
        _(
            "Your account is closed. The experts' staff keep your submissions; each one can "
            "still be followed with its receipt code."
        ),
    )
    return redirect("intake:start")
