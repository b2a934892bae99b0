"""The shared body of ``spcomms stats replies``, ``stats outcomes`` and ``stats reprisals``.

Each reads the period (``--from``, ``--to``), an optional ``--mandate`` and
``--table``, and prints its tables as text or, with ``--json``, as the stable
structure of docs/statistics.md. Bad input ends with a message and exit status 2,
never a traceback; nothing is written.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext

from spcomms.cli_options import add_period_arguments, required_day, usage_error
from spcomms.communications.research_output import as_dict, as_text
from spcomms.communications.research_statistics import (
    ResearchStatistics,
    research_statistics,
)
from spcomms.communications.statistics import StatisticsRequestError
from spcomms.demo.context import is_synthetic


class StatisticsCommand(BaseCommand):
    part: str  # which tables: research_statistics.REPLIES, OUTCOMES or REPRISALS

    def add_arguments(self, parser: CommandParser) -> None:
        parser.description = gettext(str(self.help))
        add_period_arguments(parser, required=True)
        parser.add_argument(
            "--table",
            metavar="KEY",
            help=gettext("Only the table with this key (the keys are listed in the JSON)."),
        )
        parser.add_argument(
            "--json",
            dest="as_json",
            action="store_true",
            help=gettext("Print the figures as JSON."),
        )

    def handle(
        self,
        *args: Any,
        start: str,
        end: str,
        mandate: str | None,
        table: str | None,
        as_json: bool,
        **options: Any,
    ) -> None:
        first, last = required_day(start, option="--from"), required_day(end, option="--to")
        try:
            statistics = research_statistics(
                start=first, end=last, mandate=mandate, parts=[self.part]
            )
        except StatisticsRequestError as error:
            raise usage_error(str(error)) from None
        if table is not None:
            statistics = only(statistics, table)
        synthetic = is_synthetic()
        if as_json:
            text = json.dumps(
                as_dict(statistics, synthetic=synthetic), indent=2, ensure_ascii=False
            )
            self.stdout.write(text)
        else:
            self.stdout.write(as_text(statistics, synthetic=synthetic))


def only(statistics: ResearchStatistics, key: str) -> ResearchStatistics:
    if key not in statistics.tables:
        raise usage_error(
            gettext("There is no table %(key)s here. The tables are: %(known)s.")
            % {"key": key, "known": ", ".join(statistics.tables)}
        )
    kept = statistics.tables[key]
    return ResearchStatistics(
        start=statistics.start,
        end=statistics.end,
        mandate=statistics.mandate,
        as_of=statistics.as_of,
        replies=tuple(t for t in statistics.replies if t is kept),
        outcomes=tuple(t for t in statistics.outcomes if t is kept),
        reprisals=tuple(t for t in statistics.reprisals if t is kept),
    )
