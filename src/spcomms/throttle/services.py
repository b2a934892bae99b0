"""Counting attempts per subject, for every rate limit of spcomms, across server processes.

A *rule* names what is counted (``scope``), how many attempts its window allows and how
long the window lasts. A *subject* is what the count is about: a client's address, a
username. The sign-in pause (``spcomms.accounts.throttle``) and the source pages' limits
(``spcomms.intake.throttle``) are rules of this one mechanism.

Counts live in the database (``ThrottleCount``), so every process of a server reads and
adds to the same count: with a per-process cache, N processes would allow N times each
limit. An attempt is counted by one ``UPDATE`` that computes the new count from the old
in the database, so that two processes counting at once never lose one (see
docs/decisions/0009-shared-rate-limits.md).

No subject is stored: a row is found by an HMAC of the rule's scope and the subject, under
a key made of ``SECRET_KEY`` (outside the database) and a random half that is replaced
every ``KEY_SECONDS`` (in the database). Every call first deletes the counts whose time has
passed and the keys no live count needs; once a key is gone, nothing links its rows, even
in a copy of the database, to an address.

Two kinds of window:

- from the first attempt (``aligned=False``): the window opens with the first attempt, and
  the attempt that reaches the limit starts a pause of the window's length (sign-in);
- on the clock (``aligned=True``): windows are fixed slices of Unix time, each a fresh
  count (the source pages, whose messages say how many minutes the slice has left).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Case, DateTimeField, F, IntegerField, Value, When
from django.http import HttpRequest
from django.utils import timezone

from spcomms.throttle.models import ThrottleCount, ThrottleKey

# A new random half of the hashing key every hour; the old one is deleted once the last
# count made with it has run out.
KEY_SECONDS = 3600


@dataclass(frozen=True)
class Rule:
    """``attempts`` per ``seconds`` for each subject of ``scope``."""

    scope: str
    attempts: int
    seconds: int
    aligned: bool = False


@dataclass(frozen=True)
class Count:
    """The attempts counted for a subject, and when that count ends."""

    count: int
    until: dt.datetime

    def reached(self, rule: Rule) -> bool:
        return self.count >= rule.attempts

    def seconds_left(self, now: dt.datetime | None = None) -> int:
        return max(0, math.ceil((self.until - (now or timezone.now())).total_seconds()))


def client_address(request: HttpRequest) -> str:
    """The client's address: from the proxy's header if one is configured, else the peer's."""
    header = settings.SPCOMMS_CLIENT_ADDRESS_HEADER
    forwarded = request.META.get(header, "") if header else ""
    # A list (X-Forwarded-For style) names the client first.
    return str(forwarded).split(",")[0].strip() or str(request.META.get("REMOTE_ADDR", ""))


# Keys and buckets -----------------------------------------------------------------------


def _period(now: dt.datetime) -> int:
    return int(now.timestamp()) // KEY_SECONDS


def _keys(now: dt.datetime, *, create: bool) -> list[ThrottleKey]:
    """The live keys, the current period's first (made if ``create`` and missing)."""
    keys = list(ThrottleKey.objects.order_by("-period"))
    period = _period(now)
    if create and not any(key.period == period for key in keys):
        current, _made = ThrottleKey.objects.get_or_create(
            period=period, defaults={"secret": secrets.token_hex(32)}
        )
        keys.insert(0, current)
    keys.sort(key=lambda key: key.period != period)  # the current one first, stable otherwise
    return keys


def _bucket(key: ThrottleKey, scope: str, subject: str) -> str:
    secret = hmac.new(
        settings.SECRET_KEY.encode(),
        b"spcomms.throttle:" + key.secret.encode(),
        hashlib.sha256,
    ).digest()
    message = f"{scope}\x00{subject}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def _buckets(keys: list[ThrottleKey], rule: Rule, subject: str) -> list[str]:
    return [_bucket(key, rule.scope, subject) for key in keys]


def _fresh_until(rule: Rule, now: dt.datetime) -> dt.datetime:
    if rule.aligned:
        end = (int(now.timestamp()) // rule.seconds + 1) * rule.seconds
        return dt.datetime.fromtimestamp(end, tz=dt.UTC)
    return now + dt.timedelta(seconds=rule.seconds)


def _live(buckets: list[str], now: dt.datetime) -> Count | None:
    rows = ThrottleCount.objects.filter(bucket__in=buckets, until__gt=now).values_list(
        "count", "until"
    )
    best = max(rows, default=None)
    return Count(count=best[0], until=best[1]) if best else None


# The operations ----------------------------------------------------------------------------


def throttle_prune(*, now: dt.datetime | None = None) -> tuple[int, int]:
    """Delete the counts whose time has passed, then the past periods' keys that no count
    needs any more; return how many counts and keys went. Reads first, so that a check with
    nothing to delete writes nothing."""
    now = now or timezone.now()
    counts = 0
    expired = ThrottleCount.objects.filter(until__lte=now)
    if expired.exists():
        counts, _detail = expired.delete()
    dead = list(
        ThrottleKey.objects.filter(period__lt=_period(now), counts__isnull=True).values_list(
            "pk", flat=True
        )
    )
    keys = 0
    if dead:
        keys, _detail = ThrottleKey.objects.filter(pk__in=dead).delete()
    return counts, keys


def throttle_count(rule: Rule, subject: str, *, now: dt.datetime | None = None) -> Count | None:
    """The count in force for ``subject`` under ``rule``, or None when it has none."""
    now = now or timezone.now()
    throttle_prune(now=now)
    keys = _keys(now, create=False)
    return _live(_buckets(keys, rule, subject), now) if keys else None


def throttle_record(rule: Rule, subject: str, *, now: dt.datetime | None = None) -> Count:
    """Count one attempt of ``subject`` and return the count it makes.

    A count whose time has passed starts again at one; in a window that opens with the
    first attempt, the attempt that reaches ``rule.attempts`` pauses for the window's
    length from now.
    """
    now = now or timezone.now()
    throttle_prune(now=now)
    keys = _keys(now, create=True)
    buckets = _buckets(keys, rule, subject)
    fresh = _fresh_until(rule, now)
    expired = When(until__lte=now, then=Value(fresh))
    reaching = When(count=rule.attempts - 1, then=Value(now + dt.timedelta(seconds=rule.seconds)))
    change = {
        "count": Case(
            When(until__lte=now, then=Value(1)),
            default=F("count") + 1,
            output_field=IntegerField(),
        ),
        "until": Case(
            expired,
            *([] if rule.aligned else [reaching]),
            default=F("until"),
            output_field=DateTimeField(),
        ),
    }
    with transaction.atomic():
        if not ThrottleCount.objects.filter(bucket__in=buckets).update(**change):
            # The first attempt: a row that counts nothing yet, then the same update, so
            # that two processes starting the count at once both add to it.
            ThrottleCount.objects.bulk_create(
                [ThrottleCount(bucket=buckets[0], key=keys[0], count=0, until=now)],
                ignore_conflicts=True,
            )
            ThrottleCount.objects.filter(bucket=buckets[0]).update(**change)
        counted = _live(buckets, now)
    assert counted is not None  # noqa: S101  # the update above made it live
    return counted


def throttle_clear(rule: Rule, subject: str) -> None:
    """Forget the count of ``subject`` under ``rule`` (a success that ends a series)."""
    keys = _keys(timezone.now(), create=False)
    if keys:
        ThrottleCount.objects.filter(bucket__in=_buckets(keys, rule, subject)).delete()
