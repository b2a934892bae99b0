"""``spcomms stats outcomes --from DATE --to DATE``: see docs/statistics.md."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from spcomms.communications.research_cli import StatisticsCommand
from spcomms.communications.research_statistics import OUTCOMES


class Command(StatisticsCommand):
    help = gettext_noop(
        "How the situation of the persons named developed within one year, by "
        "assessment source and information level, and the perceived impact (seed 000, "
        "Figures 1 and 2)."
    )
    part = OUTCOMES
