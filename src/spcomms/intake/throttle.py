"""Rate limits per client for the source pages, without keeping who the client is.

A client is known only by an HMAC of its address under a random key that lives
in the cache and is replaced every window: the address itself is never stored
or logged, and once the window has passed not even its keyed hash can be linked
to the next one. Counts live in the cache only, for one window.

Behind a reverse proxy every request comes from the proxy: set
``SPCOMMS_CLIENT_ADDRESS_HEADER`` to the header in which the proxy passes the
client's address (for example ``X-Real-IP``). Through Tor every visitor
shares one address, so the limits then apply to all of them together.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from spcomms.accounts.throttle import client_address


@dataclass(frozen=True)
class Limit:
    name: str
    attempts: int
    window: int


def code_attempts() -> Limit:
    return Limit(
        "code", settings.SPCOMMS_INTAKE_CODE_ATTEMPTS, settings.SPCOMMS_INTAKE_RATE_WINDOW_SECONDS
    )


def submissions() -> Limit:
    return Limit(
        "submit", settings.SPCOMMS_INTAKE_SUBMISSIONS, settings.SPCOMMS_INTAKE_RATE_WINDOW_SECONDS
    )


def _window(limit: Limit) -> int:
    return int(time.time()) // limit.window


def _client(request: HttpRequest, limit: Limit) -> str:
    window = _window(limit)
    key_name = f"intake-throttle-key:{window}"
    key = cache.get(key_name)
    if key is None:
        cache.add(key_name, secrets.token_hex(32), timeout=limit.window * 2)
        key = cache.get(key_name)
    address = client_address(request)
    digest = hmac.new(str(key).encode(), address.encode(), hashlib.sha256).hexdigest()[:32]
    return f"intake-throttle:{limit.name}:{window}:{digest}"


def is_limited(request: HttpRequest, limit: Limit) -> bool:
    return int(cache.get(_client(request, limit), 0)) >= limit.attempts


def count(request: HttpRequest, limit: Limit) -> None:
    name = _client(request, limit)
    if not cache.add(name, 1, timeout=limit.window):
        try:
            cache.incr(name)
        except ValueError:
            cache.add(name, 1, timeout=limit.window)


def minutes_left(limit: Limit) -> int:
    return max(1, (limit.window - int(time.time()) % limit.window + 59) // 60)
