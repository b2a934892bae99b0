"""``spcomms throttle prune``: delete the rate-limit counts whose time has passed.

Every rate-limit check already deletes them; on a quiet server nothing checks, so run
this every few minutes (for example from the systemd timer of ``spcomms intake purge``)
to keep the database free of counts and keys that no longer serve.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext, gettext_noop

from spcomms.throttle.services import throttle_prune


class Command(BaseCommand):
    help = gettext_noop(
        "Delete the rate-limit counts whose time has passed, and the keys no count needs."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        counts, keys = throttle_prune()
        self.stdout.write(
            gettext("%(counts)d rate-limit counts and %(keys)d keys deleted.")
            % {"counts": counts, "keys": keys}
        )
