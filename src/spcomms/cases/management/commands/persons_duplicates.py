"""``spcomms persons duplicates``: the pairs of persons who may be the same.

One line per pair, best first: the two persons' record numbers and pseudonymous keys,
the score, and the staff page where the pair is decided. Names are not printed, so
the output may be kept or shared without revealing anyone; staff read the names on
the page, behind their role. Nothing is written.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop, ngettext

from spcomms.cases.matching import THRESHOLD
from spcomms.cases.proposals import proposals


def _threshold(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 100:
        raise CommandError(
            gettext("--threshold must be a number from 0 to 100, such as %(default)s.")
            % {"default": THRESHOLD}
        )
    return value


class Command(BaseCommand):
    help = gettext_noop(
        "List the pairs of persons who may be the same (spelling, transliteration and order "
        "of names, with country and organisation as evidence), leaving out merged persons and "
        "pairs staff said are not the same. Prints record numbers and keys, never names."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.description = gettext(self.help)
        parser.add_argument(
            "--threshold",
            default=str(THRESHOLD),
            help=gettext("The lowest score (0 to 100) of a pair to list; default %(default)s."),
        )
        parser.add_argument(
            "--limit", type=int, default=0, help=gettext("List at most this many pairs.")
        )
        parser.add_argument("--json", action="store_true", help=gettext("Print the pairs as JSON."))

    def handle(self, *args: Any, threshold: str, limit: int, json: bool, **options: Any) -> None:
        if limit < 0:
            raise CommandError(gettext("--limit must be 0 (no limit) or more."))
        found = proposals(threshold=_threshold(threshold))
        if limit:
            found = found[:limit]
        rows = [
            {
                "first": proposal.first.pk,
                "first_key": proposal.first.key.hex,
                "second": proposal.second.pk,
                "second_key": proposal.second.key.hex,
                "score": proposal.score.total,
                "page": reverse("cases:detail", args=[proposal.first.pk]),
            }
            for proposal in found
        ]
        if json:
            self.stdout.write(_dumps(rows))
            return
        for row in rows:
            self.stdout.write(
                gettext("%(first)s and %(second)s: score %(score)s, decide at %(page)s")
                % {
                    "first": f"{row['first']} ({str(row['first_key'])[:8]})",
                    "second": f"{row['second']} ({str(row['second_key'])[:8]})",
                    "score": row["score"],
                    "page": row["page"],
                }
            )
        self.stdout.write(
            ngettext(
                "%(count)d pair of persons may be the same.",
                "%(count)d pairs of persons may be the same.",
                len(rows),
            )
            % {"count": len(rows)}
        )


def _dumps(rows: list[dict[str, Any]]) -> str:
    return json.dumps({"version": 1, "pairs": rows}, indent=2)
