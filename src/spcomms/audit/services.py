"""Writing the audit log."""

from __future__ import annotations

from typing import Any

from django.db import models

from spcomms.accounts.models import User
from spcomms.audit.models import AuditEvent

SAFE_DETAIL_TYPES = (int, float, bool, type(None))


def audit_record(
    *, actor: User | None, action: str, obj: models.Model, **detail: Any
) -> AuditEvent:
    """Write one audit row. ``detail`` may hold numbers, booleans and codes only.

    A string detail is accepted only if it is a short code without spaces, so free
    text cannot slip into the log by accident.
    """
    for key, value in detail.items():
        if isinstance(value, str):
            if len(value) > 64 or any(ch.isspace() for ch in value):
                raise ValueError(f"audit detail {key!r} must be a code, not free text")
        elif not isinstance(value, SAFE_DETAIL_TYPES):
            raise ValueError(f"audit detail {key!r} must be a number, a flag or a code")
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        detail=detail,
    )
