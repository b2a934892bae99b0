"""``spcomms keys status``: the master key, the retired keys, and how many values each seals.

Counts only: no value is opened or shown. An operator reads it after a rotation
(every value under the current key, nothing under a key the folder lacks) and
before removing a retired key (no value left under it).
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext, gettext_noop

from spcomms.core.env import ConfigurationError
from spcomms.keys.services import NOT_SEALED, keys_status


class Command(BaseCommand):
    help = gettext_noop(
        "Show the master key's id, the retired keys' ids and how many encrypted values each key "
        "seals, without opening any."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.description = gettext(self.help)
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help=gettext("Print JSON.")
        )

    def handle(self, *args: Any, as_json: bool = False, **options: Any) -> None:
        try:
            status = keys_status()
        except ConfigurationError as error:  # a key file others can read, or not a key
            raise CommandError(str(error), returncode=2) from None
        totals = status.census.totals()
        held = {status.current_id, *status.retired_ids}
        not_held = {kid: n for kid, n in totals.items() if kid not in held and kid != NOT_SEALED}
        if as_json:
            self.stdout.write(
                json.dumps(
                    {
                        "current": status.current_id,
                        "from_environment": status.from_environment,
                        "retired": list(status.retired_ids),
                        "values": {
                            kid: totals.get(kid, 0)
                            for kid in (status.current_id, *status.retired_ids)
                        },
                        "not_held": dict(sorted(not_held.items())),
                        "not_sealed": totals.get(NOT_SEALED, 0),
                    },
                    indent=2,
                )
            )
            return
        source = "SPCOMMS_MASTER_KEY" if status.from_environment else "master.key"
        self.stdout.write(
            gettext("Master key: %(key)s (%(source)s)")
            % {"key": status.current_id, "source": source}
        )
        rows = [(status.current_id, gettext("current"), totals.get(status.current_id, 0))]
        rows += [(kid, gettext("retired"), totals.get(kid, 0)) for kid in status.retired_ids]
        rows += [(kid, gettext("not in the key folder"), n) for kid, n in sorted(not_held.items())]
        if totals.get(NOT_SEALED):
            rows.append(("-", gettext("not sealed"), totals[NOT_SEALED]))
        self.stdout.write(gettext("Encrypted values by key:"))
        for kid, state, count in rows:
            self.stdout.write(f"  {kid:<12}  {state:<24} {count:>10}")
        pending = sum(n for kid, n in totals.items() if kid != status.current_id)
        if not_held or totals.get(NOT_SEALED):
            self.stdout.write(
                gettext(
                    "Some values cannot be opened with the keys in the key folder: put each "
                    "missing key back as retired-<key id>.key."
                )
            )
        elif pending:
            self.stdout.write(
                gettext(
                    "%(count)d values are not under the current key: run `spcomms keys rotate` "
                    "to re-seal them."
                )
                % {"count": pending}
            )
        else:
            self.stdout.write(gettext("Every value is sealed with the current key."))
