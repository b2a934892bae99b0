"""``spcomms restore FILE [--replace]``: put a backup in place, after checking all of it
(docs/backup.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext, gettext_noop

from spcomms.backup.archive import ArchiveError
from spcomms.backup.services import BackupRefused, backup_restore
from spcomms.cli_options import usage_error


class Command(BaseCommand):
    help = gettext_noop(
        "Restore a backup made by spcomms backup into an empty, migrated database, after "
        "checking its checksums and the keys it needs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.description = gettext(self.help)
        parser.add_argument("file", help=gettext("The backup file (.tar)."))
        parser.add_argument(
            "--replace",
            action="store_true",
            help=gettext(
                "Delete every record of a database that is not empty and put the backup in its "
                "place, in one transaction; stored files of the same name are overwritten."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = backup_restore(path=Path(options["file"]), replace=options["replace"])
        except ArchiveError as refusal:
            raise usage_error(
                gettext("Refused: %(reason)s Nothing was written.") % {"reason": refusal}
            ) from None
        except BackupRefused as refusal:
            raise usage_error(str(refusal)) from None
        self.stdout.write(
            gettext(
                "Restored the backup of %(created)s (spcomms %(version)s): %(rows)d rows in "
                "%(tables)d tables and %(files)d stored files."
            )
            % {
                "created": report.created_at,
                "version": report.spcomms_version,
                "rows": report.rows,
                "tables": report.tables,
                "files": report.files,
            }
        )
        self.stdout.write(
            gettext(
                "Restart every spcomms server process now: each keeps a copy of the public "
                "index in memory, which must not outlive the data it was built from."
            )
        )
