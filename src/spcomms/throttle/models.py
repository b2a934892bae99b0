"""The counters of the rate limits (``spcomms.throttle.services``), in the database so that
every server process reads and adds to the same count.

A row never names what it counts: ``bucket`` is an HMAC of the subject (a client's
address, a username) under a key of ``ThrottleKey``, whose random half lives here and is
deleted once no live count needs it. Rows whose time has passed are deleted.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ThrottleKey(models.Model):
    """The random half of the hashing key for one period (``KEY_SECONDS`` long); the other
    half is derived from ``SECRET_KEY``, which is not in the database."""

    period = models.BigIntegerField(_("period"), unique=True)
    secret = models.CharField(_("secret"), max_length=64)

    class Meta:
        verbose_name = _("rate-limit key")
        verbose_name_plural = _("rate-limit keys")

    def __str__(self) -> str:
        return f"key of period {self.period}"


class ThrottleCount(models.Model):
    """How many attempts one subject made in one rule's window, and until when it counts."""

    bucket = models.CharField(_("bucket"), max_length=64, unique=True)
    key = models.ForeignKey(
        ThrottleKey, verbose_name=_("key"), on_delete=models.CASCADE, related_name="counts"
    )
    count = models.PositiveIntegerField(_("count"), default=0)
    until = models.DateTimeField(_("until"), db_index=True)

    class Meta:
        verbose_name = _("rate-limit count")
        verbose_name_plural = _("rate-limit counts")

    def __str__(self) -> str:
        return f"{self.count} until {self.until:%Y-%m-%d %H:%M:%S}"
