"""``spcomms stats communications --from DATE --to DATE``: the yearly communications figures.

A short paragraph in the form of A/HRC/31/55 para 5, then the split by region
and by type; ``--json`` prints the same figures as a stable structure (see
docs/statistics.md). Nothing is written.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext, gettext_noop, ngettext

from spcomms.cli_options import add_period_arguments, required_day, usage_error
from spcomms.communications.statistics import (
    CommunicationStatistics,
    Share,
    StatisticsRequestError,
    communications_statistics,
)
from spcomms.demo.context import is_synthetic

JSON_VERSION = 1
DASH = "—"


class Command(BaseCommand):
    help = gettext_noop(
        "Count the communications sent in a period: States and other addressees, persons "
        "named, follow-ups on persons named before, reprisals, and the split by region and "
        "by type."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.description = gettext(self.help)
        add_period_arguments(parser, required=True)
        parser.add_argument(
            "--json",
            dest="as_json",
            action="store_true",
            help=gettext("Print the figures as JSON."),
        )

    def handle(
        self, *args: Any, start: str, end: str, mandate: str | None, as_json: bool, **options: Any
    ) -> None:
        first, last = required_day(start, option="--from"), required_day(end, option="--to")
        try:
            statistics = communications_statistics(start=first, end=last, mandate=mandate)
        except StatisticsRequestError as error:
            raise usage_error(str(error)) from None
        synthetic = is_synthetic()
        if as_json:
            self.stdout.write(json_text(statistics, synthetic=synthetic))
        else:
            self.stdout.write(as_text(statistics, synthetic=synthetic))


def _share_json(share: Share) -> dict[str, object]:
    fraction = share.fraction
    return {
        "key": share.key,
        "count": share.count,
        "share": float(fraction) if fraction is not None else None,
    }


def as_dict(statistics: CommunicationStatistics, *, synthetic: bool) -> dict[str, object]:
    """The JSON structure, version 1 (docs/statistics.md)."""
    return {
        "version": JSON_VERSION,
        "synthetic": synthetic,
        "period": {"from": statistics.start.isoformat(), "to": statistics.end.isoformat()},
        "mandate": statistics.mandate,
        "communications": statistics.communications,
        "states": statistics.states,
        "non_state_actors": {
            "business": statistics.business_addressees,
            "other": statistics.other_non_state_addressees,
        },
        "persons": statistics.persons,
        "follow_ups": statistics.follow_ups,
        "reprisals": statistics.reprisals,
        "by_region": [_share_json(share) for share in statistics.by_region],
        "by_type": [_share_json(share) for share in statistics.by_type],
    }


def json_text(statistics: CommunicationStatistics, *, synthetic: bool) -> str:
    return json.dumps(as_dict(statistics, synthetic=synthetic), indent=2, ensure_ascii=False)


def paragraph(statistics: CommunicationStatistics) -> str:
    """The figures of A/HRC/31/55 para 5, in sentences of our own."""
    count = statistics.communications
    dates = {"start": statistics.start.isoformat(), "end": statistics.end.isoformat()}
    sentences = [
        ngettext(
            "From %(start)s to %(end)s, %(count)d communication was sent.",
            "From %(start)s to %(end)s, %(count)d communications were sent.",
            count,
        )
        % {**dates, "count": count}
    ]
    if count:
        sentences += [
            ngettext(
                "%(count)d State was addressed.",
                "%(count)d States were addressed.",
                statistics.states,
            )
            % {"count": statistics.states},
            ngettext(
                "%(count)d non-State actor was addressed (business enterprises: %(business)d).",
                "%(count)d non-State actors were addressed (business enterprises: %(business)d).",
                statistics.non_state_addressees,
            )
            % {
                "count": statistics.non_state_addressees,
                "business": statistics.business_addressees,
            },
            ngettext(
                "%(count)d person or organisation was named.",
                "%(count)d persons or organisations were named.",
                statistics.persons,
            )
            % {"count": statistics.persons},
            ngettext(
                "%(count)d communication named someone already named in an earlier communication.",
                "%(count)d communications named someone already named in an earlier communication.",
                statistics.follow_ups,
            )
            % {"count": statistics.follow_ups},
            ngettext(
                "%(count)d communication concerned reprisals for cooperation with the United "
                "Nations.",
                "%(count)d communications concerned reprisals for cooperation with the United "
                "Nations.",
                statistics.reprisals,
            )
            % {"count": statistics.reprisals},
        ]
    return " ".join(sentences)


def _table(title: str, shares: tuple[Share, ...]) -> list[str]:
    width = max(len(str(share.label)) for share in shares)
    lines = [title]
    for share in shares:
        percent = share.percent
        shown = gettext("%(percent)s %%") % {"percent": percent} if percent is not None else DASH
        lines.append(f"  {share.label!s:<{width}}  {share.count:>7}  {shown:>7}")
    return lines


def as_text(statistics: CommunicationStatistics, *, synthetic: bool) -> str:
    lines: list[str] = []
    if synthetic:
        lines.append(
            gettext("These figures are computed from synthetic data made for demonstration.")
        )
    if statistics.mandate is not None:
        lines.append(
            gettext(
                "Only communications in which the mandate %(code)s took part, as lead or joined."
            )
            % {"code": statistics.mandate}
        )
    lines.append(paragraph(statistics))
    lines.append("")
    lines += _table(
        gettext("By region (each communication once, by its first addressed State):"),
        statistics.by_region,
    )
    lines.append("")
    lines += _table(gettext("By type:"), statistics.by_type)
    return "\n".join(lines)
