"""Sign-in throttling: failed passwords and codes pause sign-in per account and per client.

Each counter lives in Django's cache under an HMAC of the username or of the
client's address, and expires with its window: no address reaches the database
or a log. Failures are counted within a window of ``SPCOMMS_SIGNIN_PAUSE_SECONDS``
from the first one; the failure that reaches the limit pauses sign-in for that
long. A success clears the account's counter, never the client's, so that a
guesser cannot reset its own count by signing in to an account of its own.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Literal

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.crypto import salted_hmac
from django.utils.translation import ngettext

Scope = Literal["account", "client"]


@dataclass(frozen=True)
class Pause:
    """Sign-in is paused for ``scope`` for ``seconds`` more."""

    scope: Scope
    seconds: int

    @property
    def message(self) -> str:
        minutes = max(1, math.ceil(self.seconds / 60))
        if self.scope == "account":
            text = ngettext(
                "Too many failed attempts for this account: sign-in is paused for %(minutes)d "
                "minute. Try again then, or ask an administrator if you cannot sign in.",
                "Too many failed attempts for this account: sign-in is paused for %(minutes)d "
                "minutes. Try again then, or ask an administrator if you cannot sign in.",
                minutes,
            )
        else:
            text = ngettext(
                "Too many failed attempts from this connection: sign-in is paused for "
                "%(minutes)d minute. Try again then.",
                "Too many failed attempts from this connection: sign-in is paused for "
                "%(minutes)d minutes. Try again then.",
                minutes,
            )
        return text % {"minutes": minutes}


def client_address(request: HttpRequest) -> str:
    """The client's address: from the proxy's header if one is configured, else the peer's."""
    header = settings.SPCOMMS_CLIENT_ADDRESS_HEADER
    forwarded = request.META.get(header, "") if header else ""
    # A list (X-Forwarded-For style) names the client first.
    return str(forwarded).split(",")[0].strip() or str(request.META.get("REMOTE_ADDR", ""))


def _key(scope: Scope, value: str) -> str:
    digest = salted_hmac(f"spcomms.accounts.throttle.{scope}", value, algorithm="sha256")
    return f"spcomms:signin:{scope}:{digest.hexdigest()}"


def _limit(scope: Scope) -> int:
    if scope == "account":
        return int(settings.SPCOMMS_SIGNIN_ACCOUNT_FAILURES)
    return int(settings.SPCOMMS_SIGNIN_CLIENT_FAILURES)


def _subjects(request: HttpRequest | None, username: str | None) -> list[tuple[Scope, str]]:
    subjects: list[tuple[Scope, str]] = []
    if username:
        subjects.append(("account", _key("account", username.casefold())))
    if request is not None:
        subjects.append(("client", _key("client", client_address(request))))
    return subjects


def signin_pause(request: HttpRequest | None, username: str | None) -> Pause | None:
    """The pause in force for this account or this client, if any."""
    now = time.time()
    for scope, key in _subjects(request, username):
        count, until = cache.get(key, (0, 0.0))
        if count >= _limit(scope) and until > now:
            return Pause(scope, math.ceil(until - now))
    return None


def signin_failure_record(request: HttpRequest | None, username: str | None) -> None:
    """Count one failed password or code against the account and the client."""
    now = time.time()
    window = int(settings.SPCOMMS_SIGNIN_PAUSE_SECONDS)
    for scope, key in _subjects(request, username):
        count, until = cache.get(key, (0, 0.0))
        if until <= now:
            count, until = 0, now + window
        count += 1
        if count == _limit(scope):
            until = now + window
        cache.set(key, (count, until), timeout=math.ceil(until - now))


def signin_success_record(username: str) -> None:
    """A complete sign-in clears the account's counter."""
    cache.delete(_key("account", username.casefold()))
