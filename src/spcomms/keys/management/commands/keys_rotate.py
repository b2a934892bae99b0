"""``spcomms keys rotate``: replace the master key and re-seal every value with the new one.

The old key stays in the key folder as ``retired-<id>.key``, so values not yet
re-sealed stay readable; a crash at any moment leaves every value openable, and
running the command again finishes the job (ADR 10). Restart every spcomms process
afterwards, copy the key folder to every server that shares the database, and keep
the retired key while any backup sealed with it may be restored.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext, gettext_noop, ngettext

from spcomms.core.env import ConfigurationError
from spcomms.keys.services import RotationError, keys_rotate


class Command(BaseCommand):
    help = gettext_noop(
        "Replace the master key with a new one, keep the old one as a retired key, and re-seal "
        "every encrypted value and every submission's data key with the new key. Run it again "
        "after an interruption: it finishes the rotation it began."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.description = gettext(self.help)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = keys_rotate()
        except RotationError as error:
            raise CommandError(str(error), returncode=error.returncode) from None
        except ConfigurationError as error:  # a key file others can read, or not a key
            raise CommandError(str(error), returncode=2) from None
        if report.retired_id is not None:
            self.stdout.write(
                gettext(
                    "New master key %(new)s; the previous key %(old)s is kept as "
                    "retired-%(old)s.key."
                )
                % {"new": report.current_id, "old": report.retired_id}
            )
        else:
            self.stdout.write(
                gettext("Finished the rotation to master key %(key)s that an earlier run began.")
                % {"key": report.current_id}
            )
        self.stdout.write(
            ngettext(
                "%(count)d value re-sealed with the new key.",
                "%(count)d values re-sealed with the new key.",
                report.resealed,
            )
            % {"count": report.resealed}
        )
        if report.left:
            self.stdout.write(
                ngettext(
                    "%(count)d value was written with the old key while this ran: restart every "
                    "spcomms process, then run the command again.",
                    "%(count)d values were written with the old key while this ran: restart "
                    "every spcomms process, then run the command again.",
                    report.left,
                )
                % {"count": report.left}
            )
        else:
            self.stdout.write(
                gettext(
                    "Restart every spcomms process (and copy the key folder to every server "
                    "that shares the database). Keep the retired key while any backup made "
                    "before now may be restored."
                )
            )
        if report.damaged:
            where = ", ".join(
                f"{label} ({count})" for label, count in sorted(report.damaged.items())
            )
            raise CommandError(
                gettext(
                    "Some values failed authentication and were left as they were: %(where)s. "
                    "They may have been altered in the database; restore them from a backup."
                )
                % {"where": where},
                returncode=1,
            )
