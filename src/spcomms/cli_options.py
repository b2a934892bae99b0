"""What the commands that select communications share: the period, the mandate, the
usage error.

``spcomms stats …``, ``dataset cases``, ``model improvement`` and ``report`` read the
same ``--from``/``--to``/``--mandate`` options and refuse bad ones the same way: a
message and exit status 2, never a traceback.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext

from spcomms.reference.models import Mandate

USAGE_ERROR = 2


def usage_error(message: str) -> CommandError:
    return CommandError(message, returncode=USAGE_ERROR)


def parse_day(value: str | None, *, option: str) -> dt.date | None:
    """The day an option names (YYYY-MM-DD), None when it was not given."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise usage_error(
            gettext("%(option)s %(value)s is not a date; write it as YYYY-MM-DD, e.g. 2015-11-30.")
            % {"option": option, "value": value}
        ) from None


def required_day(value: str | None, *, option: str) -> dt.date:
    """The day of an option the command cannot do without."""
    day = parse_day(value, option=option)
    if day is None:
        raise usage_error(gettext("%(option)s is required.") % {"option": option})
    return day


def period_and_mandate(
    options: dict[str, Any],
) -> tuple[dt.date | None, dt.date | None, Mandate | None]:
    """The optional period and mandate of ``add_period_arguments``, checked."""
    start = parse_day(options["start"], option="--from")
    end = parse_day(options["end"], option="--to")
    if start and end and start > end:
        raise usage_error(
            gettext("--from %(start)s is after --to %(end)s.")
            % {"start": start.isoformat(), "end": end.isoformat()}
        )
    if options["mandate"] is None:
        return start, end, None
    mandate = Mandate.objects.filter(code=options["mandate"].strip()).first()
    if mandate is None:
        known = ", ".join(Mandate.objects.values_list("code", flat=True)[:30])
        raise usage_error(
            gettext("No mandate has the code %(code)s. Known codes: %(known)s.")
            % {"code": options["mandate"], "known": known or "-"}
        )
    return start, end, mandate


def add_period_arguments(
    parser: CommandParser,
    *,
    required: bool,
    first_help: str | None = None,
    last_help: str | None = None,
) -> None:
    """``--from`` and ``--to`` (stored as ``start`` and ``end``), and ``--mandate``."""
    if required:
        first = gettext("First day of the period, as YYYY-MM-DD (UTC, included).")
        last = gettext("Last day of the period, as YYYY-MM-DD (UTC, included).")
    else:
        first = gettext("Only communications sent on or after this day (YYYY-MM-DD, UTC).")
        last = gettext("Only communications sent on or before this day (YYYY-MM-DD, UTC).")
    parser.add_argument(
        "--from", dest="start", required=required, metavar="DATE", help=first_help or first
    )
    parser.add_argument(
        "--to", dest="end", required=required, metavar="DATE", help=last_help or last
    )
    parser.add_argument(
        "--mandate",
        metavar="CODE",
        help=gettext(
            "Only communications in which this mandate took part, as lead or joined "
            "(a short code such as sr-hrd)."
        ),
    )
