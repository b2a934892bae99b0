"""Rate limits per client for the source pages, without keeping who the client is.

The limits are rules of the one rate-limit mechanism (``spcomms.throttle.services``):
counts shared by every server process, found by a keyed hash of the client's address
whose key is replaced every hour, and deleted once their window has passed. The address
itself is never stored or logged. Windows are fixed slices of the clock, so that a
refusal can say how many minutes are left.

Behind a reverse proxy every request comes from the proxy: set
``SPCOMMS_CLIENT_ADDRESS_HEADER`` to the header in which the proxy passes the
client's address (for example ``X-Real-IP``). Through Tor every visitor
shares one address, so the limits then apply to all of them together.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest

from spcomms.throttle.services import (
    Rule,
    client_address,
    throttle_clear,
    throttle_count,
    throttle_record,
)


@dataclass(frozen=True)
class Limit:
    name: str
    attempts: int
    window: int

    @property
    def rule(self) -> Rule:
        return Rule(f"intake.{self.name}", self.attempts, self.window, aligned=True)


def code_attempts() -> Limit:
    return Limit(
        "code", settings.SPCOMMS_INTAKE_CODE_ATTEMPTS, settings.SPCOMMS_INTAKE_RATE_WINDOW_SECONDS
    )


def submissions() -> Limit:
    return Limit(
        "submit", settings.SPCOMMS_INTAKE_SUBMISSIONS, settings.SPCOMMS_INTAKE_RATE_WINDOW_SECONDS
    )


def is_limited(request: HttpRequest, limit: Limit) -> bool:
    counted = throttle_count(limit.rule, client_address(request))
    return counted is not None and counted.reached(limit.rule)


def count(request: HttpRequest, limit: Limit) -> None:
    throttle_record(limit.rule, client_address(request))


def minutes_left(limit: Limit) -> int:
    return max(1, (limit.window - int(time.time()) % limit.window + 59) // 60)


def _draft_sent() -> Rule:
    return Rule("intake.draft-sent", 1, settings.SPCOMMS_INTAKE_DRAFT_SECONDS)


def draft_first_send(draft_id: str) -> bool:
    """True the first time a draft is sent, False if any process saw it sent before: a
    form sent twice (a double click, the back button) makes one submission."""
    return throttle_record(_draft_sent(), draft_id).count == 1


def draft_send_undo(draft_id: str) -> None:
    """The draft was not stored after all: let it be sent again."""
    throttle_clear(_draft_sent(), draft_id)
