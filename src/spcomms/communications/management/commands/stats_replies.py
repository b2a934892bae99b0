"""``spcomms stats replies --from DATE --to DATE``: see docs/statistics.md."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from spcomms.communications.research_cli import StatisticsCommand
from spcomms.communications.research_statistics import REPLIES


class Command(StatisticsCommand):
    help = gettext_noop(
        "Reply classes per communication and per person named, overall and by region, "
        "UN regional group, regime, mandate and year (seed 001)."
    )
    part = REPLIES
