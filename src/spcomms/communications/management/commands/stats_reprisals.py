"""``spcomms stats reprisals --from DATE --to DATE``: see docs/statistics.md."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from spcomms.communications.research_cli import StatisticsCommand
from spcomms.communications.research_statistics import REPRISALS


class Command(StatisticsCommand):
    help = gettext_noop(
        "Reprisal allegations per State and year, as the public record counts them."
    )
    part = REPRISALS
