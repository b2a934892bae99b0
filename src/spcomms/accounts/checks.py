"""System check for the staff sign-in settings (run by `spcomms check --deploy`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register


@register(Tags.security, deploy=True)
def two_factor_required_in_production(**kwargs: Any) -> list[CheckMessage]:
    if not settings.PRODUCTION or settings.SPCOMMS_REQUIRE_2FA:
        return []
    return [
        Warning(
            "Production runs with SPCOMMS_REQUIRE_2FA=0: staff may sign in with a password only.",
            hint="Leave SPCOMMS_REQUIRE_2FA on so that every staff account sets up an "
            "authenticator app.",
            id="spcomms.accounts.W001",
        )
    ]
