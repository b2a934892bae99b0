"""Ends expired sessions and holds a signed-in account at the second step or at enrolment.

It runs after the session, authentication and message middleware, on every
request of a signed-in session, and reads only the session (see
``spcomms.accounts.signin``) unless it must act.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.views import redirect_to_login
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from spcomms.accounts.models import STAFF_ROLES, User
from spcomms.accounts.signin import LAST_SEEN, SIGNED_IN_AT, session_state, stored_state
from spcomms.audit.services import audit_record

# The last-use clock is written at most this often, so a busy session is not
# saved on every request; the idle timeout is therefore exact to within a minute.
TOUCH_SECONDS = 60

# What a session that must still give a code, or set up an app, may reach.
SECOND_STEP_OPEN = ("accounts:second_step", "accounts:logout", "set_language")
SETUP_OPEN = ("accounts:setup", "accounts:logout", "set_language")


class SignInMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if SESSION_KEY not in request.session:
            return self.get_response(request)
        reason = _expired(request.session, time.time())
        if reason is not None:
            return _end(request, reason)
        held = _hold(request)
        if held is not None:
            return held
        return self.get_response(request)


def _expired(session: SessionBase, now: float) -> str | None:
    signed_in_at = session.get(SIGNED_IN_AT)
    last_seen = session.get(LAST_SEEN)
    if not isinstance(signed_in_at, int | float) or not isinstance(last_seen, int | float):
        # A session from before these clocks existed starts them now.
        session[SIGNED_IN_AT] = session[LAST_SEEN] = now
        return None
    if now - signed_in_at > settings.SESSION_COOKIE_AGE:
        return "lifetime"
    if now - last_seen > settings.SPCOMMS_SESSION_IDLE_SECONDS:
        return "idle"
    if now - last_seen >= TOUCH_SECONDS:
        session[LAST_SEEN] = now
    return None


def _end(request: HttpRequest, reason: str) -> HttpResponse:
    user = request.user
    if isinstance(user, User):
        audit_record(actor=user, action="session.expired", obj=user, reason=reason)
    logout(request)
    if reason == "idle":
        minutes = max(1, settings.SPCOMMS_SESSION_IDLE_SECONDS // 60)
        message = _(
            "You were signed out after %(minutes)d minutes without activity. Sign in again."
        ) % {"minutes": minutes}
    else:
        hours = max(1, settings.SESSION_COOKIE_AGE // 3600)
        message = _(
            "You were signed out because a session lasts at most %(hours)d hours. Sign in again."
        ) % {"hours": hours}
    messages.info(request, message)
    return redirect_to_login(request.get_full_path())


def _hold(request: HttpRequest) -> HttpResponse | None:
    state = stored_state(request.session)
    if state is None:
        user = request.user
        if not isinstance(user, User):
            return None  # the session no longer matches its account: the view signs it out
        state = session_state(request.session, user)
    if state == "pending":
        return _redirect_unless_open(request, SECOND_STEP_OPEN, "accounts:second_step")
    if state == "none" and settings.SPCOMMS_REQUIRE_2FA:
        user = request.user
        if isinstance(user, User) and user.role in STAFF_ROLES:
            return _redirect_unless_open(request, SETUP_OPEN, "accounts:setup")
    return None


def _redirect_unless_open(
    request: HttpRequest, open_names: tuple[str, ...], target: str
) -> HttpResponse | None:
    if request.path_info in {reverse(name) for name in open_names}:
        return None
    return HttpResponseRedirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
