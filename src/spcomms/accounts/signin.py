"""The state of a signed-in session: its second factor and its clocks.

Whatever form signed the account in (the sign-in page, the admin site's, the
test client's), ``session_signed_in`` runs and writes the state, so the
``SignInMiddleware`` can hold the session without a query on each request:

- ``pending``: the account has an authenticator app and the session has not yet
  given a code from it; only the code step and signing out are open to it;
- ``verified``: the session gave a code (or a recovery code), or set up the app;
- ``none``: the account has no app; staff are sent to set one up when
  SPCOMMS_REQUIRE_2FA is on.

The clocks are Unix times: when the session signed in (for the absolute
lifetime, SESSION_COOKIE_AGE) and when it was last used (for the idle timeout,
SPCOMMS_SESSION_IDLE_SECONDS).
"""

from __future__ import annotations

import time
from typing import Literal

from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest

from spcomms.accounts.models import User
from spcomms.accounts.twofactor import has_confirmed_device

SECOND_FACTOR = "spcomms.second_factor"
SIGNED_IN_AT = "spcomms.signed_in_at"
LAST_SEEN = "spcomms.last_seen"

State = Literal["pending", "verified", "none"]
STATES: tuple[State, ...] = ("pending", "verified", "none")


def session_signed_in(request: HttpRequest, user: User) -> None:
    """Start the session's clocks and ask for the second factor if the account has one."""
    now = time.time()
    state: State = "pending" if has_confirmed_device(user) else "none"
    request.session[SECOND_FACTOR] = state
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN] = now


def session_verified(request: HttpRequest) -> None:
    """The session gave its second factor: a new session key, and the state says so."""
    request.session.cycle_key()
    request.session[SECOND_FACTOR] = "verified"


def stored_state(session: SessionBase) -> State | None:
    stored = session.get(SECOND_FACTOR)
    for known in STATES:
        if stored == known:
            return known
    return None


def session_state(session: SessionBase, user: User) -> State:
    """The stored state; a session from before these states existed is worked out once."""
    state = stored_state(session)
    if state is None:
        state = "pending" if has_confirmed_device(user) else "none"
        session[SECOND_FACTOR] = state
    return state
