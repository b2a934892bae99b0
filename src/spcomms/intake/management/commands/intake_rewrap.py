"""``spcomms intake rewrap``: wrap every submission's data key with the current master key.

Run it after rotating the master key (the old key kept as ``retired-*.key``):
only the short wrapped keys change; no answer, message or file is touched
(ADR 5). Once it reports nothing left to re-wrap, the retired key may go.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext, gettext_noop

from spcomms.intake.services import data_keys_rewrap


class Command(BaseCommand):
    help = gettext_noop(
        "Wrap every submission's data key with the current master key, after a rotation."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.description = gettext(self.help)

    def handle(self, *args: Any, **options: Any) -> None:
        changed = data_keys_rewrap()
        self.stdout.write(gettext("%(count)d data keys re-wrapped.") % {"count": changed})
