"""Sign-in throttling: failed passwords and codes pause sign-in per account and per client.

The counts are rules of the one rate-limit mechanism (``spcomms.throttle.services``):
shared by every server process, found by a keyed hash of the username or of the client's
address (the key is replaced every hour), and deleted once their time has passed; no
address or username reaches the database in clear or a log. Failures are counted within
a window of ``SPCOMMS_SIGNIN_PAUSE_SECONDS`` from the first one; the failure that reaches
the limit pauses sign-in for that long. A success clears the account's counter, never the
client's, so that a guesser cannot reset its own count by signing in to an account of its
own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import ngettext

from spcomms.throttle.services import (
    Rule,
    client_address,
    throttle_clear,
    throttle_count,
    throttle_record,
)

__all__ = [
    "Pause",
    "client_address",
    "signin_failure_record",
    "signin_pause",
    "signin_success_record",
]

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


def _rule(scope: Scope) -> Rule:
    if scope == "account":
        attempts = int(settings.SPCOMMS_SIGNIN_ACCOUNT_FAILURES)
    else:
        attempts = int(settings.SPCOMMS_SIGNIN_CLIENT_FAILURES)
    return Rule(f"signin.{scope}", attempts, int(settings.SPCOMMS_SIGNIN_PAUSE_SECONDS))


def _subjects(request: HttpRequest | None, username: str | None) -> list[tuple[Scope, str]]:
    subjects: list[tuple[Scope, str]] = []
    if username:
        subjects.append(("account", username.casefold()))
    if request is not None:
        subjects.append(("client", client_address(request)))
    return subjects


def signin_pause(request: HttpRequest | None, username: str | None) -> Pause | None:
    """The pause in force for this account or this client, if any."""
    for scope, subject in _subjects(request, username):
        counted = throttle_count(_rule(scope), subject)
        if counted is not None and counted.reached(_rule(scope)):
            return Pause(scope, counted.seconds_left())
    return None


def signin_failure_record(request: HttpRequest | None, username: str | None) -> None:
    """Count one failed password or code against the account and the client."""
    for scope, subject in _subjects(request, username):
        throttle_record(_rule(scope), subject)


def signin_success_record(username: str) -> None:
    """A complete sign-in clears the account's counter."""
    throttle_clear(_rule("account"), username.casefold())
