"""The shared body of ``spcomms stats replies``, ``stats outcomes`` and ``stats reprisals``.

Each reads the period (``--from``, ``--to``), an optional ``--mandate`` and
``--table``, and prints its tables as text or, with ``--json``, as the stable
structure of docs/statistics.md. Bad input ends with a message and exit status 2,
never a traceback; nothing is written.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext

from spcomms.communications.research_output import as_dict, as_text
from spcomms.communications.research_statistics import (
    ResearchStatistics,
    research_statistics,
)
from spcomms.communications.statistics import StatisticsRequestError
from spcomms.demo.context import is_synthetic

USAGE_ERROR = 2


def usage_error(message: str) -> CommandError:
    return CommandError(message, returncode=USAGE_ERROR)


def parse_day(value: str, *, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise usage_error(
            gettext("%(option)s %(value)s is not a date; write it as YYYY-MM-DD, e.g. 2015-11-30.")
            % {"option": option, "value": value}
        ) from None


class StatisticsCommand(BaseCommand):
    part: str  # which tables: research_statistics.REPLIES, OUTCOMES or REPRISALS

    def add_arguments(self, parser: CommandParser) -> None:
        parser.description = gettext(str(self.help))
        parser.add_argument(
            "--from",
            dest="start",
            required=True,
            metavar="DATE",
            help=gettext("First day of the period, as YYYY-MM-DD (UTC, included)."),
        )
        parser.add_argument(
            "--to",
            dest="end",
            required=True,
            metavar="DATE",
            help=gettext("Last day of the period, as YYYY-MM-DD (UTC, included)."),
        )
        parser.add_argument(
            "--mandate",
            metavar="CODE",
            help=gettext(
                "Only communications in which this mandate took part, as lead or joined "
                "(a short code such as sr-hrd)."
            ),
        )
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
        first, last = parse_day(start, option="--from"), parse_day(end, option="--to")
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
